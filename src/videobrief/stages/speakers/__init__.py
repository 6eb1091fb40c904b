"""Who speaks when: embeddings, clustering into turns, names from cues, a voice library.

One module per concern: `embed` (the encoders), `diarize` (windows, clustering, turns), `cues`
(names from hand-over and thanks in the text), `library` (matching clusters to enrolled voices),
`assign` (words and segments to speakers, splitting segments at turn changes), `renames` (user
names that survive a rerun), `annotate` (all of it on records) and `stage` (`STAGE`, `run`).
"""
