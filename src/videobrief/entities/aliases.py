"""The shipped alias table: bodies, acronyms and places whose spellings letters cannot bridge.

"ОДКБ", "CSTO" and «Организация Договора о коллективной безопасности» share no letters a
transliteration could match, so a small table (`aliases.json`, beside this module) names them
once with their English name. Forms are matched on word lemmas, so «в Организации Соединённых
Наций» finds the UN form «Организация Объединённых Наций»'s sibling in any grammatical case.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from videobrief.languages import has_cyrillic

_TABLE = Path(__file__).with_name("aliases.json")
_TOKEN = re.compile(r"\w+(?:[-.]\w+)*\.?", re.UNICODE)


@dataclass(frozen=True)
class Alias:
    """One body or place: a stable id, its type, its Russian and English names, its forms."""

    id: str
    type: str
    name: str
    name_en: str
    forms: tuple[str, ...]


@dataclass(frozen=True)
class Token:
    """A word of some text with its character offsets and its case-folded lemma."""

    text: str
    start: int
    end: int
    lemma: str


def fold(text: str) -> str:
    """Lower case with ё folded to е: «Объединённых» and «Объединенных» are one spelling."""
    return text.lower().replace("ё", "е").replace("’", "'")


@lru_cache(maxsize=1)
def _morph():
    from natasha import MorphVocab

    return MorphVocab()


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The dictionary form of one word (pymorphy2 via natasha for Cyrillic), folded."""
    if has_cyrillic(word):
        return fold(_morph().parse(word)[0].normal_form)
    return fold(word.rstrip("."))


def tokens(text: str) -> list[Token]:
    """Words of `text` with offsets and lemmas (a trailing full stop is kept only in "U.N.")."""
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        if word.endswith(".") and word.count(".") == 1:
            word = word[:-1]
        out.append(Token(word, m.start(), m.start() + len(word), lemma(word)))
    return out


@lru_cache(maxsize=1)
def table() -> tuple[Alias, ...]:
    """Every entry of the shipped table."""
    rows = json.loads(_TABLE.read_text(encoding="utf-8"))
    return tuple(
        Alias(r["id"], r["type"], r["name"], r["name_en"], tuple(r["forms"])) for r in rows
    )


def _case_rule(form: str) -> str:
    """How the first word of a form must be written: "upper" (acronyms), "title" or "any"."""
    first = _TOKEN.match(form)
    word = first.group(0).rstrip(".") if first else ""
    if len(word) >= 2 and word.isupper():
        return "upper"
    return "title" if word[:1].isupper() else "any"


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, ...], tuple[Alias, str, str]]:
    index: dict[tuple[str, ...], tuple[Alias, str, str]] = {}
    for alias in table():
        for form in alias.forms:
            index[tuple(t.lemma for t in tokens(form))] = (alias, _case_rule(form), form)
    return index


def _case_ok(rule: str, word: str) -> bool:
    if rule == "upper":  # «МИДами»: the acronym is capitals, its case ending is not
        return word.replace(".", "")[:2].isupper()
    return word[:1].isupper() if rule == "title" else True


def find(words: list[Token]) -> list[tuple[int, int, Alias, str]]:
    """Longest alias forms in a token list, left to right: (first token, end token, alias,
    the table's spelling of the form found)."""
    index = _index()
    longest = max(len(k) for k in index)
    found, i = [], 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            hit = index.get(tuple(w.lemma for w in words[i : i + n]))
            if hit and _case_ok(hit[1], words[i].text):
                found.append((i, i + n, hit[0], hit[2]))
                i += n
                break
        else:
            i += 1
    return found


def by_name(name: str) -> Alias | None:
    """The table entry one of whose forms is exactly `name` (as lemmas), or None."""
    hit = _index().get(tuple(t.lemma for t in tokens(name)))
    return hit[0] if hit else None
