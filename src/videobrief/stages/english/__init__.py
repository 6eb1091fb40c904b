"""The `english` stage: a validated English track beside every non-English segment.

stage.py     run: picks the backend, builds the validator, calls units
units.py     segments joined into sentence units, translated, shared back out
track.py     per-segment order: answer, validate, retry, fall back, or unverified
validate.py  the checks every answer passes (glossary, names, numbers, meaning)
prompt.py    the bundled model's prompts
backends/    bundled LLM, OpenAI-compatible endpoint, CTranslate2, speech-translate"""
