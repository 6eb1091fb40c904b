"""Pure text helpers every layer may use: scripts and languages, numbers, glossary terms,
clock formats, name matching across scripts, sentence splitting and text language detection.

Nothing here loads a model of its own beyond lingua's detector and the Russian morphology
dictionary (pymorphy2, through natasha); the recognisers `names` uses come from `models.ner`.
Nothing here imports any other part of videobrief but `records`, `errors` and `models`."""
