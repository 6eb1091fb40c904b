"""How stages become a run: what a stage is (`stage`), the run order (`registry`), the
runner that keys, caches and marks each stage (`runner`), the user's choices turned into
stage options (`config`), and one call per source for the CLI and the web worker (`process`)."""
