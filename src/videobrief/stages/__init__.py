"""The pipeline's stages, one package each; `videobrief.pipeline.registry` gives their
run order. Each package holds `options.py` (the stage's options record), `stage.py` (`run`
and `STAGE`) and the parts it is made of. A stage imports only its own package, `records`,
`errors`, `media`, `files`, `text`, `models` and `pipeline.stage`.

`python -m videobrief.pipeline` prints the stage table from the registry."""
