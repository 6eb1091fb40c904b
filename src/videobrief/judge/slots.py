"""Slots: the parts of a statement that make it true or false, compared in either language.

A claim and the video can share nearly every word and still disagree: "in May" against
«В марте», "support grew" against «снижение поддержки», "held in Moscow" against «в Минске».
Meaning embeddings and word overlap do not see these differences; the slots do:

- months ("May", «мая») and relative years ("this year", «в прошлом году»);
- years (2024, «двадцать шестой год», "26-й год");
- numbers and ordinals, by value through `text.numbers` ("third" = «третьей» = 3);
- quantity direction: up / down (grew, fell, «рост», «снижение», «сократили») and
  majority / minority ("most", "less than half", «большинство», «менее половины»);
- negation ("did not", «не»);
- places, people and organisations, typed, in the same role: the place something happened
  ("held in Moscow" / «провели в Минске»), or one named party swapped for another.

`compare` returns the differences between a claim's slots and a passage's, each marked
`hard` (the video states another value in the same place: the claim is contradicted) or
soft (a difference the rules cannot place in the same role: it vetoes `supported`, and only a
model's vote can make it a contradiction). A slot the claim fills and the passage leaves
empty is *missing*, never a difference: a name on one side only contradicts nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache

from videobrief.models import ner
from videobrief.text import aliases
from videobrief.text.languages import has_cyrillic, is_cyrillic
from videobrief.text.names import Evidence, same_name
from videobrief.text.numbers import NumberMention, numbers_in

__all__ = ["Difference", "Name", "Slots", "compare", "missing", "name_found", "positive", "slots"]

_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)

# -- months ---------------------------------------------------------------------------------

_MONTHS_EN = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_MONTHS_RU = (
    "январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр",
    "ноябр", "декабр",
)  # fmt: skip
_RU_MONTH_END = {
    "март": r"(?:а|е|ом)?", "август": r"(?:а|е|ом|у)?", "ма": r"(?:й|я|е|ем|ю)",
}  # fmt: skip
_RU_MONTH = [re.compile(stem + _RU_MONTH_END.get(stem, r"(?:ь|я|е|ем|ю)")) for stem in _MONTHS_RU]
MONTH_NAMES = tuple(m.capitalize() for m in _MONTHS_EN)

# -- relative years -------------------------------------------------------------------------

_RELATIVE_YEAR = (
    ("this", re.compile(r"\b(?:this|current)\s+year\b", re.I)),
    ("last", re.compile(r"\b(?:last|previous|past)\s+year\b", re.I)),
    ("next", re.compile(r"\b(?:next|coming|following)\s+year\b", re.I)),
    ("this", re.compile(r"\b(?:это[мтг]\w*|нынешн\w*|текущ\w*|уходящ\w*)\s+год\w*", re.I)),
    ("last", re.compile(r"\bпрошл\w*\s+год\w*", re.I)),
    ("next", re.compile(r"\bследующ\w*,?\s+(?:\d+-?\w*\s+)?год\w*", re.I)),
)
_RELATIVE_SAID = {"this": "this year", "last": "last year", "next": "next year"}

# -- quantity direction ---------------------------------------------------------------------

# Majority / minority first: their words ("less than half") must not count as "down" too.
_SHARE = (
    ("majority", re.compile(
        r"\b(?:majority|most|more than half|over half|большинств\w*|"
        r"(?:более|больше) половины)\b", re.I)),
    ("minority", re.compile(
        r"\b(?:minority|less than half|fewer than half|under half|меньшинств\w*|"
        r"(?:менее|меньше) половины)\b", re.I)),
)  # fmt: skip
_DIRECTION = (
    ("up", re.compile(
        r"\b(?:gr[eo]w\w*|growth|ris(?:e|es|en|ing)|rose|increas\w*|expand\w*|expansion|"
        r"widen\w*|gain\w*|higher|boost\w*|рост\w*|прирост\w*|вырос\w*|раст[её]т\w*|"
        r"увелич\w*|повыш\w*|повыс\w*|расшир\w*|нараст\w*|наращ\w*)\b", re.I)),
    ("down", re.compile(
        r"\b(?:fell|fall\w*|declin\w*|decreas\w*|drop\w*|lower\w*|fewer|reduc\w*|"
        r"shr[iu]nk\w*|shrank|weaken\w*|(?:scal|cut)\w* back|curtail\w*|"
        r"сниж\w*|сниз\w*|сокра[щт]\w*|уменьш\w*|паден\w*|упал\w*|спад\w*|ослаб\w*)\b", re.I)),
)  # fmt: skip
_OPPOSITE = {"up": "down", "down": "up", "majority": "minority", "minority": "majority"}
_SAID_DIRECTION = {
    "up": "it grew",
    "down": "it fell",
    "majority": "a majority",
    "minority": "a minority",
}

# -- negation -------------------------------------------------------------------------------

_NOT_ONLY = re.compile(r"\b(?:not only|не только|не просто)\b", re.I)
_NEGATION = re.compile(
    r"\b(?:not|cannot|never|no|neither|nor|none|nobody|nothing|without|"
    r"не|ни|нет|никогда|никто|ничего|нельзя|без)\b|n't\b",
    re.I,
)
_AUXILIARY = {"be", "been", "was", "were", "is", "are", "have", "has", "had", "do", "did", "yet"}

# -- names ----------------------------------------------------------------------------------

_PLACE_BEFORE_EN = re.compile(r"\b(?:in|at)\s+(?:the\s+)?$", re.I)
_PLACE_BEFORE_RU = re.compile(r"(?:^|\s)(?:в|во)\s+$", re.I)
_SPACY_TYPES = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "ORG": "ORG"}
KIND_OF_TYPE = {"PER": "person", "LOC": "place", "ORG": "organisation"}

# -- units a number counts ------------------------------------------------------------------

_UNITS = (
    ("year", re.compile(r"^(?:years?|год\w*|лет)$", re.I)),
    ("month", re.compile(r"^(?:months?|месяц\w*)$", re.I)),
    ("day", re.compile(r"^(?:days?|дн\w*|день|суток)$", re.I)),
    ("percent", re.compile(r"^(?:%|percent|per cent|процент\w*)$", re.I)),
    ("country", re.compile(r"^(?:countr\w*|states?|nations?|стран\w*|государств\w*)$", re.I)),
    ("time", re.compile(r"^(?:times|раз|раза)$", re.I)),
    ("century", re.compile(r"^(?:century|centuries|век|века|веке|веков)$", re.I)),
    ("people", re.compile(r"^(?:people|persons?|человек\w*|людей)$", re.I)),
)


@dataclass(frozen=True)
class Name:
    """A named person (PER), place (LOC) or organisation (ORG), and whether it stands where
    something happened ("in Moscow", «в Минске»)."""

    text: str
    type: str
    place_role: bool = False


@dataclass(frozen=True)
class Number:
    """A number the text states (years apart), with the unit it counts when one follows."""

    value: float
    said: str
    ordinal: bool
    unit: str | None
    required: bool  # "the two ministries", "for the first time": not a fact that must appear
    comparable: bool  # may differ from another number ("two" only where a unit follows)


@dataclass(frozen=True)
class Slots:
    """What one text states that can be compared exactly."""

    months: frozenset[int]
    relative_years: frozenset[str]
    years: frozenset[int]
    numbers: tuple[Number, ...]
    shares: frozenset[str]
    directions: frozenset[str]
    negated: bool
    negated_words: tuple[str, ...]  # the word each negation bears on ("not signed" → signed)
    names: tuple[Name, ...]


@dataclass(frozen=True)
class Difference:
    """The claim states one value, the video another, in the same slot."""

    kind: str  # month, year, number, ordinal, direction, negation, place, person, organisation
    claim: str
    video: str
    hard: bool

    def describe(self, when: str | None = None) -> str:
        """ "the claim says May; the video says March (05:18)"."""
        at = f" ({when})" if when else ""
        return f"the claim says {self.claim}; the video says {self.video}{at}"


# -- extraction -----------------------------------------------------------------------------


def months(text: str) -> frozenset[int]:
    """Months named in `text` (1–12), in English or Russian, any case ending."""
    found: set[int] = set()
    for word in _WORD.findall(text):
        low = word.lower()
        if low in _MONTHS_EN and (low != "may" or word == "May"):
            found.add(_MONTHS_EN.index(low) + 1)
        elif has_cyrillic(word):
            found |= {i + 1 for i, rx in enumerate(_RU_MONTH) if rx.fullmatch(low)}
    return frozenset(found)


def relative_years(text: str) -> frozenset[str]:
    """ "this", "last", "next" for "this year", «в прошлом году», "next year"."""
    return frozenset(which for which, rx in _RELATIVE_YEAR if rx.search(text))


def _unit_after(text: str, end: int) -> str | None:
    follow = _WORD.search(text, end)
    if follow is None or text[end : follow.start()].strip(" -\u00a0") not in ("", "%"):
        return "percent" if text[end:].lstrip().startswith("%") else None
    word = follow.group(0)
    if word.lower() in ("of", "из") or text[end:].lstrip().startswith("%"):
        return "percent" if text[end:].lstrip().startswith("%") else None
    return next((unit for unit, rx in _UNITS if rx.match(word)), None)


def _short_year(text: str, m: NumberMention) -> int | None:
    """ "26-й год": a two-digit year of this century (not "три года", not "5 лет")."""
    if m.spelled or not (10 <= m.value < 100) or not m.value.is_integer():
        return None
    after = text[m.end : m.end + 6].strip().lower()
    return 2000 + int(m.value) if after.startswith(("год", "year")) else None


def _is_year(m: NumberMention) -> bool:
    return m.year or (m.value.is_integer() and 1900 <= m.value <= 2100 and not m.spelled)


def numbers_and_years(text: str) -> tuple[tuple[Number, ...], frozenset[int]]:
    """Numbers (years apart) and years a text states."""
    out: list[Number] = []
    years: set[int] = set()
    for m in numbers_in(text):
        short = _short_year(text, m)
        if _is_year(m) or short:
            years.add(short or int(m.value))
            continue
        unit = _unit_after(text, m.end)
        small = m.spelled and not m.ordinal and m.value <= 2
        first = m.spelled and m.ordinal and m.value == 1  # "for the first time" / «впервые»
        ordinal = m.ordinal or "-лет" in m.text.lower()  # «80-летие» is the 80th anniversary
        out.append(Number(m.value, m.text, ordinal, unit, not (small or first), not small))
    out += [Number(1.0, w.group(0), True, None, False, True) for w in _FIRST_TIME.finditer(text)]
    return tuple(out), frozenset(years)


_FIRST_TIME = re.compile(r"\bвпервые\b", re.I)


def _share_and_direction(text: str) -> tuple[frozenset[str], frozenset[str]]:
    shares = {which for which, rx in _SHARE if rx.search(text)}
    rest = text
    for _, rx in _SHARE:
        rest = rx.sub(" ", rest)
    directions = {which for which, rx in _DIRECTION if rx.search(rest)}
    return frozenset(shares), frozenset(directions)


def negations(text: str) -> tuple[str, ...]:
    """The word each negation bears on ("did not sign" → sign); empty when none."""
    plain = _NOT_ONLY.sub(" ", text)
    plain = re.sub(r"(?:менее|меньше|less|fewer) половины", " ", plain, flags=re.I)
    out = []
    for m in _NEGATION.finditer(plain):
        after = [w for w in _WORD.findall(plain[m.end() :])[:4] if w.lower() not in _AUXILIARY]
        out.append(after[0] if after else "")
    return tuple(out)


def positive(text: str) -> str:
    """The claim without its negations ("has not entered" → "has entered"): what it denies,
    to find the passage that says it."""
    plain = re.sub(r"\b(?:not|never|no|не|ни|нет|никогда)\b\s*", "", text, flags=re.I)
    return re.sub(r"\bcannot\b", "can", re.sub(r"n't\b", "", plain), flags=re.I)


def _natasha_spans(text: str) -> list[tuple[str, str, int]]:
    from natasha import Doc

    segmenter, _, tagger, _, _ = ner.natasha()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    return [(s.text, s.type, s.start) for s in doc.spans]


def _spacy_spans(text: str) -> list[tuple[str, str, int]]:
    nlp = ner.spacy_english()
    return [
        (e.text, _SPACY_TYPES[e.label_], e.start_char)
        for e in nlp(text).ents
        if e.label_ in _SPACY_TYPES
    ]


def _alias_spans(text: str) -> list[tuple[str, str, int]]:
    words = aliases.tokens(text)
    return [
        (text[words[i].start : words[j - 1].end], alias.type, words[i].start)
        for i, j, alias, _ in aliases.find(words)
    ]


@lru_cache(maxsize=8192)
def names(text: str) -> tuple[Name, ...]:
    """Typed names in `text`: the alias table first (its types are sure), then NER."""
    spans = _alias_spans(text)
    with suppress(Exception):  # no recogniser installed: the alias table alone
        spans += _natasha_spans(text) if is_cyrillic(text) else _spacy_spans(text)
    out: dict[str, Name] = {}
    taken: list[tuple[int, int]] = []
    for said, kind, start in spans:
        end = start + len(said)
        if any(start < b and a < end for a, b in taken):
            continue  # a recogniser's span inside an alias already found
        taken.append((start, end))
        before = text[max(0, start - 12) : start]
        place = kind == "LOC" and bool(
            _PLACE_BEFORE_RU.search(before) or _PLACE_BEFORE_EN.search(before)
        )
        if said not in out or place:
            out[said] = Name(said, kind, place)
    return tuple(out.values())


@lru_cache(maxsize=8192)
def slots(text: str) -> Slots:
    """Every slot `text` fills."""
    numbers, years = numbers_and_years(text)
    shares, directions = _share_and_direction(text)
    negated = negations(text)
    return Slots(
        months=months(text),
        relative_years=relative_years(text),
        years=years,
        numbers=numbers,
        shares=shares,
        directions=directions,
        negated=bool(negated),
        negated_words=negated,
        names=names(text),
    )


def merge(many: Sequence[Slots]) -> Slots:
    """The slots of several texts (a passage's original and its English) as one."""
    return Slots(
        months=frozenset().union(*(s.months for s in many)),
        relative_years=frozenset().union(*(s.relative_years for s in many)),
        years=frozenset().union(*(s.years for s in many)),
        numbers=tuple(n for s in many for n in s.numbers),
        shares=frozenset().union(*(s.shares for s in many)),
        directions=frozenset().union(*(s.directions for s in many)),
        negated=any(s.negated for s in many),
        negated_words=tuple(w for s in many for w in s.negated_words),
        names=tuple(n for s in many for n in s.names),
    )


# -- names across scripts -------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _alias_id(name: str) -> str | None:
    """The alias table's entry for a name; an English name also by the one entry whose
    English forms hold it as whole words ("the Security Council" in "UN Security Council",
    as «Совет Безопасности» is a form of the same entry)."""
    hit = aliases.resolve(name)
    if hit is not None:
        return hit.id
    bare = re.sub(r"^the\s+", "", name.strip(), flags=re.I)
    if has_cyrillic(bare) or len(bare) < 4:
        return None
    pattern = re.compile(rf"(?<![\w-]){re.escape(bare)}(?![\w-])", re.I)
    ids = {
        a.id for a in aliases.table() if any(pattern.search(f) for f in aliases.english_forms(a))
    }
    return ids.pop() if len(ids) == 1 else None


def same_entity(a: str, b: str, pairs: Sequence[tuple[str, str]] = ()) -> bool:
    """Two names stand for one entity: one alias entry, one spelling in Latin letters, one
    stem («Минске» / "Minsk"), or a pair of the video's entities (as said, English)."""
    ida, idb = _alias_id(a), _alias_id(b)
    if ida or idb:
        return ida == idb
    if Evidence(b).has_name(a) or Evidence(a).has_name(b) or same_name(a, b):
        return True
    return any(
        (Evidence(said).has_name(a) or Evidence(english).has_name(a))
        and (Evidence(said).has_name(b) or Evidence(english).has_name(b))
        for said, english in pairs
    )


def name_found(name: str, texts: Sequence[str], pairs: Sequence[tuple[str, str]] = ()) -> bool:
    """Is `name` mentioned in any of `texts` (any script, alias, or the video's own pairs)?"""
    joined = " ".join(t for t in texts if t)
    if not joined:
        return False
    ident = _alias_id(name)
    if ident is not None and ident in aliases.mentioned(joined):
        return True
    if Evidence(joined).has_name(name):
        return True
    return any(
        (Evidence(english).has_name(name) or Evidence(said).has_name(name))
        and (Evidence(joined).has_name(said) or Evidence(joined).has_name(english))
        for said, english in pairs
    )


# -- comparison -----------------------------------------------------------------------------


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _month_difference(claim: Slots, video: Slots) -> Difference | None:
    if not claim.months or claim.months & video.months or not video.months:
        return None
    said = lambda ms: " and ".join(MONTH_NAMES[m - 1] for m in sorted(ms))  # noqa: E731
    return Difference("month", said(claim.months), said(video.months), True)


def _relative_difference(claim: Slots, video: Slots) -> Difference | None:
    want, have = claim.relative_years, video.relative_years
    if not want or want & have or not have:
        return None
    said = lambda ws: " and ".join(_RELATIVE_SAID[w] for w in sorted(ws))  # noqa: E731
    return Difference("year", said(want), said(have), False)


def _year_difference(claim: Slots, video: Slots) -> Difference | None:
    lost = claim.years - video.years
    other = video.years - claim.years
    if not lost or not other:
        return None
    show = lambda ys: ", ".join(str(y) for y in sorted(ys))  # noqa: E731
    return Difference("year", show(lost), show(other), True)


def _number_difference(claim: Slots, video: Slots) -> Difference | None:
    """A number of the claim the video does not state, where the video states another of
    the same unit (or, without units, another of the same kind: ordinal or count)."""
    have = {n.value for n in video.numbers}
    stated = {n.value for n in claim.numbers}
    for n in claim.numbers:
        if n.value in have:
            continue
        rivals = [v for v in video.numbers if v.value not in stated and _comparable(n, v)]
        if rivals:
            kind = "ordinal" if n.ordinal else "number"
            said = ", ".join(dict.fromkeys(r.said for r in rivals))
            return Difference(kind, n.said, said, n.comparable or n.unit is not None)
    return None


def _comparable(a: Number, b: Number) -> bool:
    if a.unit or b.unit:
        return a.unit == b.unit
    return a.comparable and a.ordinal == b.ordinal


def _direction_difference(claim: Slots, video: Slots) -> Difference | None:
    for have, other in ((claim.shares, video.shares), (claim.directions, video.directions)):
        for d in have:
            if _OPPOSITE[d] in other and d not in other:
                return Difference("direction", _SAID_DIRECTION[d], _SAID_DIRECTION[_OPPOSITE[d]],
                                  True)  # fmt: skip
    return None


def _negation_difference(claim: Slots, video: Slots, claim_text: str) -> Difference | None:
    if claim.negated == video.negated:
        return None
    if claim.negated:
        return Difference("negation", "it did not happen", "it did", True)
    # The video negates something: a contradiction only where it negates what the claim says.
    words = Evidence(claim_text)
    bears = [w for w in video.negated_words if w and len(w) > 2 and words.has_token(w)]
    said = f"not {bears[0]}" if bears else "a negation"
    return Difference("negation", "it happened", said, bool(bears))


def _name_difference(
    claim: Slots, video: Slots, texts: Sequence[str], pairs: Sequence[tuple[str, str]]
) -> Difference | None:
    """A name of the claim the passage lacks, where the passage names another of its type in
    the same role: the place where it happened, or one party of several swapped (in a list
    with a name both share). Another name elsewhere in the passage is only a soft difference:
    names are matched across scripts imperfectly («Совете Безопасности» / "Security
    Council"), and a name the matcher misses must not read as a swap."""
    lacking = [n for n in claim.names if not name_found(n.text, texts, pairs)]
    if not lacking:
        return None
    found_any = len(lacking) < len(claim.names)
    for name in lacking:
        if name.place_role:
            # «в Минске» against "held in Moscow", even when the claim names Minsk elsewhere
            # ("the Minsk conference was held in Moscow"): the place where it happened differs.
            placed = [
                v
                for v in video.names
                if v.type == "LOC"
                and v.place_role
                and not any(same_entity(v.text, c.text, pairs) for c in claim.names if c.place_role)
            ]
            if placed:
                return Difference("place", name.text, placed[0].text, True)
        rivals = [
            v for v in video.names
            if v.type == name.type
            and not Evidence(v.text).has_name(name.text)  # "UN" in «Генассамблея ООН»
            and not any(same_entity(v.text, c.text, pairs) for c in claim.names)
        ]  # fmt: skip
        if rivals and (found_any or name.type == "PER"):
            kind = KIND_OF_TYPE[name.type]
            partners = [c.text for c in claim.names if c not in lacking]
            paired = [v for v in rivals if _coordinated(v.text, texts, partners)]
            return Difference(kind, name.text, (paired or rivals)[0].text, bool(paired))
    return None


_JOINED_BEFORE = re.compile(r"(?:,|\bи\b|\band\b|&)\s*$", re.I)
_JOINED_AFTER = re.compile(r"^\s*(?:,|\bи\b|\band\b|&)", re.I)


def _coordinated(rival: str, texts: Sequence[str], partners: Sequence[str]) -> bool:
    """The rival stands in a list with a name the claim shares («России и Белоруссии»
    against "Russia and China"; «СНГ и ШОС» against "the CIS and NATO"): the same role, one
    party swapped. A rival elsewhere in the passage («сотрудничеству в Европе») is not."""
    for text in texts:
        at = text.find(rival)
        if at < 0:
            continue
        before, after = text[max(0, at - 40) : at], text[at + len(rival) : at + len(rival) + 40]
        near = []
        if _JOINED_BEFORE.search(before):
            near.append(" ".join(_WORD.findall(_JOINED_BEFORE.sub("", before))[-3:]))
        if _JOINED_AFTER.match(after):
            near.append(" ".join(_WORD.findall(_JOINED_AFTER.sub("", after))[:3]))
        if any(name_found(p, [n]) for n in near for p in partners):
            return True
    return False


def compare(
    claim: Slots,
    video: Slots,
    claim_text: str,
    texts: Sequence[str],
    pairs: Sequence[tuple[str, str]] = (),
) -> list[Difference]:
    """Every slot where the claim and the passage (`texts`: its original and English) differ,
    hard differences first."""
    found = [
        _month_difference(claim, video),
        _year_difference(claim, video),
        _relative_difference(claim, video),
        _number_difference(claim, video),
        _direction_difference(claim, video),
        _negation_difference(claim, video, claim_text),
        _name_difference(claim, video, texts, pairs),
    ]
    return sorted((d for d in found if d is not None), key=lambda d: not d.hard)


def missing(
    claim: Slots, video: Slots, texts: Sequence[str], pairs: Sequence[tuple[str, str]] = ()
) -> list[str]:
    """What the claim states that the passage does not mention at all (never a
    contradiction; it only keeps the claim from `supported`)."""
    out = [n.text for n in claim.names if not name_found(n.text, texts, pairs)]
    have = {n.value for n in video.numbers}
    short = {y % 100 for y in video.years} | {int(v) for v in have if v.is_integer()}
    out += [n.said for n in claim.numbers if n.required and n.value not in have]
    out += [str(y) for y in claim.years if y not in video.years and (y % 100) not in short]
    out += [MONTH_NAMES[m - 1] for m in claim.months if m not in video.months]
    return out
