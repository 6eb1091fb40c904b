"""How stages become a run: what a stage is (`stage`), the run order (`registry`), the
runner that keys, caches and marks each stage (`runner`), models loaded once per process and
freed after their last stage (`models`), the user's choices turned into stage options
(`config`), and one call per source for the CLI and the web worker (`process`).
`python -m videobrief.pipeline` prints the stage table."""
