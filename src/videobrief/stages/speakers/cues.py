"""Names from the text: hand-overs name the next speaker, thanks name the previous one.

"Передаю слово Максиму Владимировичу" / "слово предоставляется …" / "I give the floor to …"
name whoever speaks next; "Спасибо, Сергей Викторович" / "thank you, Mr …" at the start of a turn
name whoever spoke before. Russian names are put into the nominative with pymorphy2 (natasha's
morphology), so the cue gives "Максим Владимирович" whatever case the sentence used.

For transcripts without audio, the same cues also place the turn changes: a hand-over ends a
turn after its segment, and a thanks-with-a-name opens one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from videobrief.models import ner
from videobrief.records import Segment
from videobrief.text.languages import has_cyrillic

_NAME = (
    r"((?:(?:Mr|Mrs|Ms|Dr|Mister|President|Minister|господин|госпожа)\.?\s+)?"
    r"[A-ZА-ЯЁ][\w'-]+(?:\s+[A-ZА-ЯЁ][\w'-]+){0,2})"
)
NEXT = [
    re.compile(r"(?i:переда(?:ю|ём|ем)\s+слово)\s+" + _NAME),
    re.compile(r"(?i:слово\s+предоставляется)\s+" + _NAME),
    re.compile(r"(?i:предоставляю\s+слово)\s+" + _NAME),
    re.compile(r"(?i:i\s+give\s+the\s+floor\s+to)\s+" + _NAME),
    re.compile(r"(?i:the\s+floor\s+is\s+yours,?)\s+" + _NAME),
]
PREVIOUS = [
    re.compile(r"^\W*(?:[Сс]пасибо|[Бб]лагодарю)(?:\s+(?:вам|большое))*,\s*" + _NAME),
    re.compile(r"^\W*(?i:thank\s+you(?:\s+very\s+much)?),\s*" + _NAME),
]
_TITLES = {"mr", "mrs", "ms", "dr", "mister", "president", "minister", "господин", "госпожа"}


@dataclass(frozen=True)
class Cue:
    """A name in segment `segment`, naming the next (`next`) or the previous speaker."""

    segment: int
    name: str
    next: bool


def _parses(word: str):
    import pymorphy2

    return pymorphy2.MorphAnalyzer.parse(ner.morph(), word)


def nominative(name: str) -> str | None:
    """The name in the nominative, or None when its words are not a person's name.

    English names pass through (titles dropped); Russian words must parse as a first name,
    patronymic or surname.
    """
    words = [w for w in name.split() if w.lower().rstrip(".") not in _TITLES]
    if not words:
        return None
    if not has_cyrillic(name):
        return " ".join(words)
    out = []
    for word in words:
        parses = [p for p in _parses(word) if {"Name", "Patr", "Surn"} & set(p.tag.grammemes)]
        if not parses:
            break
        # Prefer declinable readings: "Анне" is also the indeclinable name "Анне".
        parses = [p for p in parses if "Fixd" not in p.tag.grammemes] or parses
        form = parses[0].inflect({"Nom"})  # natasha maps UD grammemes
        out.append((form.word if form else parses[0].normal_form).capitalize())
    return " ".join(out) or None


def find_cues(segments: Sequence[Segment]) -> list[Cue]:
    """Every hand-over and thanks-with-a-name, in segment order."""
    cues = []
    for i, seg in enumerate(segments):
        for rx, is_next in [(r, True) for r in NEXT] + [(r, False) for r in PREVIOUS]:
            m = rx.search(seg.text)
            if m and (name := nominative(m.group(1))):
                cues.append(Cue(i, name, is_next))
    return cues


def turns_from_cues(segments: Sequence[Segment], cues: Sequence[Cue]) -> list[int]:
    """Per segment a turn index (0, 1, …): a hand-over closes a turn, a thanks opens one."""
    starts = {c.segment + 1 for c in cues if c.next} | {c.segment for c in cues if not c.next}
    turn, out = 0, []
    for i in range(len(segments)):
        if i in starts and i > 0:
            turn += 1
        out.append(turn)
    return out


def names_for(segments: Sequence[Segment], cues: Sequence[Cue]) -> dict[str, str]:
    """Speaker id -> name, from cues over segments that already carry speakers.

    A hand-over names the first later segment with a different speaker; a thanks names the
    last earlier one with a different speaker. The first cue for a speaker wins.
    """
    names: dict[str, str] = {}
    for cue in cues:
        here = segments[cue.segment].speaker
        seq = segments[cue.segment + 1 :] if cue.next else reversed(segments[: cue.segment])
        other = next((s.speaker for s in seq if s.speaker and s.speaker != here), None)
        if other and other not in names:
            names[other] = cue.name
    return names
