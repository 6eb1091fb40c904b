"""The sentences of one transcript in the brief's language, embedded once.

Both the extractive ranking and the grounding check work on this: ranking needs every
sentence's vector, grounding compares a claim with its cited sentences and with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from videobrief.models import embeddings
from videobrief.records import Entity, Segment, Transcript
from videobrief.stages.brief.original import Original
from videobrief.text.glossary import Term
from videobrief.text.sentences import Unit, brief_language, sentence_units

# Past this many sentences (about three hours of speech) only the first ones are ranked:
# embedding time grows linearly and a brief cannot cite what it never read, so say so.
MAX_UNITS = 3000


@dataclass(frozen=True)
class Index:
    """Sentences (`units`) with their embeddings, and the transcript's segments by id."""

    language: str | None
    segments: dict[int, Segment]
    units: list[Unit]
    vectors: np.ndarray
    truncated: bool = False
    by_segment: dict[int, list[int]] = field(default_factory=dict)
    glossary: tuple[Term, ...] = ()
    entities: tuple[Entity, ...] = ()
    _originals: dict[tuple[int, ...], Original] = field(default_factory=dict, repr=False)

    def original(self, segment_ids: tuple[int, ...]) -> Original:
        """The original words of the cited segments (built once per citation)."""
        if segment_ids not in self._originals:
            segs = [self.segments[s] for s in segment_ids if s in self.segments]
            self._originals[segment_ids] = Original(segs, self.glossary, self.entities)
        return self._originals[segment_ids]

    def units_of(self, segment_ids: tuple[int, ...]) -> list[int]:
        """Indices of the sentences that draw on any of `segment_ids`."""
        out: list[int] = []
        for sid in segment_ids:
            out += self.by_segment.get(sid, [])
        return sorted(set(out))


def build_index(
    transcript: Transcript, language: str | None = None, glossary: tuple[Term, ...] = ()
) -> Index:
    """Split, cap and embed; `language` defaults to `brief_language(transcript)`. The
    glossary and the transcript's entities serve the check of names against the original."""
    lang = language if language is not None else brief_language(transcript)
    units = sentence_units(list(transcript.segments), lang)
    truncated = len(units) > MAX_UNITS
    units = units[:MAX_UNITS]
    vectors = embeddings.embed([u.text for u in units])
    by_segment: dict[int, list[int]] = {}
    for u in units:
        for sid in u.segment_ids:
            by_segment.setdefault(sid, []).append(u.index)
    return Index(
        language=lang,
        segments={s.id: s for s in transcript.segments},
        units=units,
        vectors=vectors,
        truncated=truncated,
        by_segment=by_segment,
        glossary=tuple(glossary),
        entities=transcript.entities,
    )
