"""Support in the original: do the cited segments, as they were said, state the statement's
names and numbers?

An English brief is written from the English track, and that track is a machine translation:
checking a statement against the same English proves nothing ("Shambhais organization" for
«Шанхайской организации сотрудничества» is in the English, so it "passes"). So names and
numbers are looked up in the *original* text of the cited segments instead:

- numbers by value (`videobrief.text.numbers`): "2026" is found in «две тысячи двадцать шестом»,
  "80th" in «80-й»; small spelled numbers ("one of", "the first") are not required, since a
  translation writes them as articles;
- names in the English that the alias table (`text/aliases.json`), the user's glossary,
  the shipped table of names English writes in words (`names.txt`), or this video's stored
  entities know: the body or term must be mentioned in the original, in any case ending
  ("the common European Union" over «общих евразийских объединений» fails: the EU is not
  there);
- every other capitalised word of a name must match a word of the original by letters,
  across scripts (transliteration with case endings, consonant skeletons, every iuliia
  scheme with fuzzy matching: "Lavrov" is in «Лавровым», "Shambhais" is in nothing), or a
  word of the English forms of the names the original mentions ("Shanghai" for «ШОС»).

Words that are capitalised only because they open a sentence are not names, nor are title
words ("Minister", "State", "Council") on their own: they are checked by the word coverage
and meaning checks like any other word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from videobrief.records import Entity, Segment
from videobrief.text import aliases
from videobrief.text.glossary import Term, parse_glossary
from videobrief.text.languages import is_cyrillic
from videobrief.text.names import Evidence, key, same_name
from videobrief.text.names import names as ner_names
from videobrief.text.numbers import numbers_in

_TABLE = Path(__file__).with_name("names.txt")
_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;]\s+|[\"«“(]\s*)$")
# Spelled numbers below this are articles in translation ("a", "the first"): not required.
LENIENT_BELOW = 2

# Capitalised words that are part of many names but name nothing alone. A name made only of
# these ("the Foreign Minister") is left to the coverage and meaning checks.
_TITLE_WORDS = {
    "mr", "mrs", "ms", "dr", "sir", "president", "presidents", "minister", "ministers",
    "ministry", "ministries", "foreign", "prime", "deputy", "secretary", "secretaries",
    "general", "state", "states", "council", "committee", "assembly", "day", "international",
    "conference", "union", "organization", "organisation", "organizations", "court",
    "federation", "republic", "government", "parliament", "supreme", "high", "chairman",
    "head", "special", "representative", "representatives", "envoy", "envoys", "session",
    "summit", "declaration", "resolution", "charter", "program", "programme", "agreement",
    "treaty", "national", "joint", "standing", "permanent", "executive", "economic",
    "commission", "security", "cooperation", "co-operation", "collegium", "board", "the",
    "of", "and", "for", "in", "on", "at", "to", "a", "an", "by", "with", "new", "centre",
    "center", "group", "forum", "office", "service", "department", "affairs", "public",
} | {"january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
     "friday", "saturday", "sunday"}  # fmt: skip


@lru_cache(maxsize=1)
def builtin_terms() -> tuple[Term, ...]:
    """The shipped names English writes in ordinary words (`names.txt`)."""
    return parse_glossary(_TABLE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class KnownName:
    """An English form some table knows, and how to ask the original for it."""

    english: str
    alias_id: str | None = None  # the alias table's entry: must be in the original
    terms: tuple[str, ...] = ()  # glossary terms (Russian) with this English form
    strict: bool = False  # alias table, user glossary: several words must be named as such


@lru_cache(maxsize=64)
def _known(glossary: tuple[Term, ...]) -> tuple[KnownName, ...]:
    """Every English form the alias table, the shipped names and the glossary know, longest
    first (so "UN General Assembly" is judged as one name, not as "UN" plus the rest)."""
    out: list[KnownName] = []
    for alias in aliases.table():
        for form in dict.fromkeys((alias.name_en, *alias.forms)):
            if not is_cyrillic(form):
                out.append(KnownName(form, alias_id=alias.id, strict=True))
    by_english: dict[tuple[str, bool], list[str]] = {}
    for strict, terms in ((False, builtin_terms()), (True, glossary)):
        for term in terms:
            if term.english:
                by_english.setdefault((term.english, strict), []).append(term.term)
    out += [KnownName(en, terms=tuple(ts), strict=s) for (en, s), ts in by_english.items()]
    return tuple(sorted(out, key=lambda k: -len(k.english)))


def _lemmas(text: str) -> list[str]:
    return [t.lemma for t in aliases.tokens(text)]


def _mentions(lemmas: list[str], stems: list[str], term: str) -> bool:
    """Does the original mention `term` (by lemmas in order, or 5-letter stems for words the
    dictionary does not know, as speech recognition spells them)?"""
    want = _lemmas(term)
    n = len(want)
    if n and any(lemmas[i : i + n] == want for i in range(len(lemmas) - n + 1)):
        return True
    want_stems = [w[:5] for w in want]
    return bool(n) and any(stems[i : i + n] == want_stems for i in range(len(stems) - n + 1))


class Original:
    """The original words of some cited segments, ready for name and number look-ups."""

    def __init__(
        self,
        segments: list[Segment],
        glossary: tuple[Term, ...] = (),
        entities: tuple[Entity, ...] = (),
    ) -> None:
        self.text = " ".join(s.text for s in segments)
        tokens = aliases.tokens(self.text)
        self.lemmas = [t.lemma for t in tokens]
        self.stems = [aliases.fold(t.text)[:5] for t in tokens]
        # Bodies and places by any form, and as speech recognition heard them («для Беларусов
        # Рысиян» names Belarus and Russia).
        self.alias_ids = set(aliases.mentioned(self.text))
        self.glossary = glossary
        ids = {s.id for s in segments}
        forms: list[str] = []
        for alias in aliases.table():
            if alias.id in self.alias_ids:
                forms += [f for f in (alias.name_en, *alias.forms) if not is_cyrillic(f)]
        for term in (*builtin_terms(), *glossary):
            if term.english and self.mentions(term.term):
                forms.append(term.english)
        self.entity_forms = {
            e.name_en
            for e in entities
            if e.type != "DATE" and any(m.segment in ids for m in e.mentions)
        }
        forms += sorted(self.entity_forms)
        self.forms = Evidence(" ".join(forms))
        self.evidence = Evidence(f"{self.text} {' '.join(self.lemmas)}")
        self._latin_words = {
            w for w in {*(t.text for t in tokens), *self.lemmas} if len(key(w)) >= 4
        }
        self.values = {m.value for m in numbers_in(self.text)}

    def mentions(self, term: str) -> bool:
        return _mentions(self.lemmas, self.stems, term)

    # -- numbers ----------------------------------------------------------------------

    def missing_number(self, claim: str) -> float | None:
        """The first number `claim` states that the original does not, or None."""
        for m in numbers_in(claim):
            if m.spelled and m.value < LENIENT_BELOW:
                continue
            if not self._has_number(m.value):
                return m.value
        return None

    def _has_number(self, value: float) -> bool:
        if value in self.values:
            return True
        # "26-й год" is how a year is often said: it supports 2026.
        return value.is_integer() and 1900 <= value <= 2100 and (value % 100) in self.values

    # -- names ------------------------------------------------------------------------

    def missing_name(self, claim: str) -> str | None:
        """The first name in `claim` the original does not support, or None."""
        if is_cyrillic(claim):
            return next((n for n in ner_names(claim) if not self.evidence.has_name(n)), None)
        taken: list[tuple[int, int]] = []
        for known in _known(self.glossary):
            for m in aliases.form_pattern(known.english).finditer(claim):
                if any(m.start() < b and a < m.end() for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                if not self._supports(known, m.group(0)):
                    return m.group(0)
        for start, end in _name_spans(claim):
            for tok in _TOKEN.finditer(claim, start, end):
                a, b = tok.start(), tok.end()
                if any(a < y and x < b for x, y in taken) or not _is_name_word(claim, tok):
                    continue
                if not self._has_word(tok.group(0)):
                    return tok.group(0)
        return None

    def _supports(self, known: KnownName, said: str) -> bool:
        if known.english in self.entity_forms:
            return True
        if known.alias_id is not None and known.alias_id in self.alias_ids:
            return True
        if any(self.mentions(t) for t in known.terms):
            return True
        words = _TOKEN.findall(said)
        if known.strict and len(words) > 1:
            # A body of several words must be named: "European Union" is not «Европа».
            return False
        # One word (a place, an acronym) may be said in a form the table lacks: «Беларусов».
        words = [w for w in words if w.lower() not in _TITLE_WORDS]
        return bool(words) and all(self._has_word(w) for w in words)

    def _has_word(self, word: str) -> bool:
        """One word of a name: in the English forms of what the original names, or in the
        original by letters (any script, case endings, every transliteration scheme)."""
        if self.forms.has_token(word) or self.evidence.has_token(word):
            return True
        if len(key(word)) < 4:
            return False
        return any(same_name(word, w) for w in self._latin_words)


def _name_spans(claim: str) -> list[tuple[int, int]]:
    """Character spans of the names a recogniser finds in an English claim, plus acronyms."""
    spans = []
    for name in ner_names(claim):
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", claim):
            spans.append((m.start(), m.end()))
    return spans


def _is_name_word(claim: str, tok: re.Match[str]) -> bool:
    """A capitalised word of a name span that could be checked by letters.

    Not a title word ("Minister"), not a lower-case word inside the span ("the Shambhais
    organization"), and not a common word capitalised because it opens the sentence ("Today",
    "Also"): at a sentence start only acronyms and words the recogniser tags as proper nouns
    count (`names` already drops the rest), and a single capitalised word there that a
    lower-case spelling elsewhere in the claim shows to be ordinary is skipped.
    """
    word = tok.group(0)
    if not word[:1].isupper() or word.lower() in _TITLE_WORDS:
        return False
    if _ACRONYM.match(word):
        return True
    if _SENTENCE_START.search(claim[: tok.start()]):
        return not re.search(rf"\b{re.escape(word.lower())}\b", claim)
    return True
