"""Sentence units for translation: recogniser segments joined back into the sentences they cut.

Why: Whisper and the speakers stage cut speech where the voice pauses or changes, not where
sentences end: «Хотел бы выразить признательность … во всех наших общих» / «начинаниях.» and
«Этой» / «программы сейчас охватывают…» are each one sentence over two or three segments.
Translated piece by piece, the 1.5B model turns «начинаниях.» into "at the beginning." and
«Этой» into "This"; given the whole sentence it translates it. So consecutive segments are
joined while the sentence runs on (no terminal punctuation), translated and validated as one
text, and the English is shared back out over the segments in proportion to their original
length, cut at word boundaries (at punctuation where one is near), so each segment still has
the English of about what it says, for subtitles and the page.

A unit whose English fails validation twice is not lost: its segments are translated one by
one, and only what still fails goes to the fallback (speech-translate).

Only segments of one language and one speaker are joined — except a segment the speakers
stage split off mid-sentence (`split:speaker`), which is still the recogniser's one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from videobrief.records import Segment
from videobrief.stages.english.backends import Backend
from videobrief.stages.english.track import UNVERIFIED, translate_segments
from videobrief.stages.english.validate import Validator
from videobrief.text.glossary import Term

SENTENCE_END = re.compile(r"[.!?…»\"”)]\s*$")
MAX_CHARS = 400  # prompt.pieces splits longer texts again; a unit stays one chat turn
MAX_GAP = 1.5  # seconds of silence after which a new sentence is assumed
PART_FLAG = "english:part-of:"  # on a segment whose English is a share of a unit's
PER_SEGMENT_FLAG = "english:per-segment"  # its unit failed; translated on its own
ENGLISH = "en"  # English segments are their own English: never joined
_ENDED = ("english:unverified", "english:missing")  # a verdict a later attempt replaces
_TRACK_FLAGS = ("english:", "glossary-en:")  # what the track writes (and clears on a rerun)


@dataclass(frozen=True)
class Unit:
    """Segments translated together; `segment` is the text the translator sees."""

    members: tuple[Segment, ...]

    @property
    def segment(self) -> Segment:
        first, last = self.members[0], self.members[-1]
        if len(self.members) == 1:
            return first
        text = " ".join(m.text.strip() for m in self.members)
        return first.model_copy(update={"end": last.end, "text": text, "words": ()})


def join(segments: Sequence[Segment]) -> list[Unit]:
    """Consecutive segments grouped into sentence units, in order; every segment in one."""
    units: list[list[Segment]] = []
    for seg in segments:
        if units and _continues(units[-1], seg):
            units[-1].append(seg)
        else:
            units.append([seg])
    return [Unit(tuple(group)) for group in units]


def _continues(group: list[Segment], seg: Segment) -> bool:
    prev = group[-1]
    if seg.lang == ENGLISH or not _has_words(seg.text) or not _has_words(prev.text):
        return False
    if not prev.text.strip() or not seg.text.strip() or SENTENCE_END.search(prev.text.strip()):
        return False
    if prev.lang != seg.lang or seg.start - prev.end > MAX_GAP:
        return False
    if prev.speaker != seg.speaker and not _split(prev, seg):
        return False
    return sum(len(s.text) + 1 for s in group) + len(seg.text) <= MAX_CHARS


def _has_words(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _split(prev: Segment, seg: Segment) -> bool:
    return "split:speaker" in prev.flags or "split:speaker" in seg.flags


def share(english: str, members: Sequence[Segment]) -> list[str]:
    """`english` cut into one piece per member, in proportion to the members' text lengths.

    Each cut is at a word boundary near the proportional point, moved to a boundary just
    after punctuation when one lies within a fifth of the text of it. Every piece gets at
    least one word while there are words enough.
    """
    if len(members) == 1:
        return [english]
    words = english.split()
    weights = [max(1, len(m.text.strip())) for m in members]
    total = sum(weights)
    cuts: list[int] = []
    acc = 0
    for i, weight in enumerate(weights[:-1]):
        acc += weight
        lo = (cuts[-1] + 1) if cuts else 1
        hi = len(words) - (len(weights) - 1 - i)
        cuts.append(_cut(words, acc / total, lo, hi))
    bounds = [0, *cuts, len(words)]
    return [" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


def _cut(words: list[str], fraction: float, lo: int, hi: int) -> int:
    """The word index to cut before: nearest the fraction, preferring after punctuation."""
    if hi < lo:
        return max(0, min(lo, len(words)))
    target = fraction * len(words)
    window = max(1.0, len(words) / 5)
    candidates = range(lo, hi + 1)
    punct = [i for i in candidates if abs(i - target) <= window and _ends_clause(words[i - 1])]
    pool = punct or list(candidates)
    return min(pool, key=lambda i: abs(i - target))


def _ends_clause(word: str) -> bool:
    return word[-1:] in ",.;:!?)»”"


def spread(unit: Unit, translated: Segment) -> list[Segment]:
    """The members with their share of `translated`'s English, source and English flags.

    The first member carries the unit's English flags (rejections, retries, fallbacks); the
    others point to it with `english:part-of:<id>`, so the page and the brief can tell.
    """
    if len(unit.members) == 1:
        return [translated]
    new_flags = tuple(f for f in translated.flags if f.startswith(_TRACK_FLAGS))
    english = translated.english
    pieces = share(english, unit.members) if english else [None] * len(unit.members)
    out = []
    for i, (member, piece) in enumerate(zip(unit.members, pieces, strict=True)):
        flags = new_flags if i == 0 else (f"{PART_FLAG}{unit.members[0].id}",)
        out.append(
            member.model_copy(
                update={
                    "english": piece or None,
                    "english_source": translated.english_source if piece else None,
                    "flags": _own_flags(member) + flags,
                }
            )
        )
    return out


def _own_flags(seg: Segment) -> tuple[str, ...]:
    """The segment's flags minus a previous English track's (a rerun starts over)."""
    return tuple(f for f in seg.flags if not f.startswith(_TRACK_FLAGS))


def translate_units(
    segments: Sequence[Segment],
    backend: Backend | None,
    audio: np.ndarray | None = None,
    fallback: Backend | None = None,
    glossary: tuple[Term, ...] = (),
    validator: Validator | None = None,
) -> list[Segment]:
    """`track.translate_segments` over sentence units, then segment by segment where a unit
    failed, then the fallback for what is left (see the module docstring)."""
    if backend is None:  # `--translate none`: English segments get their copy, nothing is tried
        return translate_segments(segments, None, audio, None, glossary, validator)
    groups = join(segments)
    first = translate_segments(
        [g.segment for g in groups], backend, audio, None, glossary, validator
    )
    failed = [g for g, t in zip(groups, first, strict=True) if _failed(t)]
    again = [m for g in failed if len(g.members) > 1 for m in g.members]
    alone = [g.members[0] for g in failed if len(g.members) == 1]
    second = _by_id(translate_segments(again, backend, audio, None, glossary, validator))
    last = [s for s in again if _failed(second[s.id])] + alone
    rescued = {}
    if fallback is not None and fallback is not backend and audio is not None and last:
        rescued = _by_id(
            translate_segments(last, fallback, audio, None, glossary, validator, second_try=False)
        )
    out: list[Segment] = []
    for g, t in zip(groups, first, strict=True):
        if not _failed(t):
            out += spread(g, t)
            continue
        for m in g.members:
            tried = _after(t, second[m.id]) if len(g.members) > 1 else t
            out.append(_rescue(tried, rescued.get(m.id), fallback))
    return out


def _failed(seg: Segment) -> bool:
    """Has non-English words but no validated English."""
    return _has_words(seg.text) and seg.lang != ENGLISH and seg.english_source in (None, UNVERIFIED)


def _by_id(segments: Sequence[Segment]) -> dict[int, Segment]:
    return {s.id: s for s in segments}


def _after(unit: Segment, alone: Segment) -> Segment:
    """A member translated alone, with the failed unit's flags before its own."""
    flags = tuple(f for f in unit.flags if f.startswith(_TRACK_FLAGS) and f not in _ENDED)
    flags += (PER_SEGMENT_FLAG,) + tuple(f for f in alone.flags if f.startswith(_TRACK_FLAGS))
    return alone.model_copy(update={"flags": _own_flags(alone) + flags})


def _rescue(tried: Segment, rescued: Segment | None, fallback: Backend | None) -> Segment:
    """`tried` (unverified), or the fallback's validated English with both attempts' flags."""
    if rescued is None or fallback is None:
        return tried
    flags = tuple(f for f in tried.flags if f.startswith(_TRACK_FLAGS) and f not in _ENDED)
    flags += (f"english:fallback:{fallback.source}",)
    flags += tuple(f for f in rescued.flags if f.startswith(_TRACK_FLAGS) and f not in flags)
    if _failed(rescued) and (tried.english or not rescued.english):
        flags += ("english:unverified",) if "english:unverified" not in flags else ()
        return tried.model_copy(update={"flags": _own_flags(tried) + flags})
    return rescued.model_copy(update={"flags": _own_flags(rescued) + flags})
