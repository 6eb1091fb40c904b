"""Pure text helpers every layer may use: scripts and languages, numbers, glossary terms,
clock formats, name matching across scripts, sentence splitting and text language detection.

Nothing here loads a model of its own beyond lingua's detector, and nothing here imports any
other part of videobrief but `records` and `errors`."""
