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

from videobrief.text.languages import has_cyrillic

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
    # Words for its people and adjectives («россиянин», «российский», "Russians"): they
    # mention the place without naming it, so they are not forms an entity is found by.
    related: tuple[str, ...] = ()


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
    rows = [{"related": [], **r} for r in json.loads(_TABLE.read_text(encoding="utf-8"))]
    return tuple(
        Alias(r["id"], r["type"], r["name"], r["name_en"], tuple(r["forms"]), tuple(r["related"]))
        for r in rows
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


def _case_ok(rule: str, word: str, form: str = "") -> bool:
    if rule == "upper":  # «МИДами»: the acronym is capitals, its case ending is not
        bare = word.replace(".", "")
        # «Брикс»: Whisper writes an acronym it hears as a word in title case. Accepted only
        # as the whole acronym (no ending), so «Мидами» is still not the ministry.
        heard = len(bare) >= 4 and bare[:1].isupper() and fold(bare) == fold(form)
        return bare[:2].isupper() or heard
    return word[:1].isupper() if rule == "title" else True


def find(words: list[Token], *, any_case: bool = False) -> list[tuple[int, int, Alias, str]]:
    """Longest alias forms in a token list, left to right: (first token, end token, alias,
    the table's spelling of the form found).

    `any_case` drops the capitalisation rules: for asking whether a text mentions a body at
    all (speech recognition writes «организации объединенных наций» in lower case), not for
    finding entities, where the rules keep common words out."""
    index = _index()
    longest = max(len(k) for k in index)
    found, i = [], 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            hit = index.get(tuple(w.lemma for w in words[i : i + n]))
            if hit and (any_case or _case_ok(hit[1], words[i].text, hit[2])):
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


def squeeze(word: str) -> str:
    """Folded, with runs of one letter collapsed: speech recognition writes «Росиян» for
    «Россиян» and «Оттечественной» for «Отечественной»."""
    return re.sub(r"(\w)\1+", r"\1", fold(word))


def near(word: str, form: str) -> bool:
    """Is `word` (as said, any case ending) the one-word `form`, up to a misspelling?

    Both squeezed; compared on their first min(len, 8) letters: five letters must be equal,
    six or more may differ in one edit with the first letter kept («Рысиян» is «россиянин»'s
    «росиян»). Shorter words are never guessed at."""
    a, b = squeeze(word), squeeze(form)
    n = min(len(a), len(b), 8)
    if n < 5 or a[:1] != b[:1]:
        return False
    if n == 5:
        return a[:5] == b[:5]
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(a[:n], b[:n]) <= 1


@lru_cache(maxsize=1)
def _heads() -> tuple[tuple[str, Alias], ...]:
    """One-word Cyrillic forms and related words (not acronyms) to match tolerantly.

    An acronym is any form with two capitals: «ЕврАзЭС» too, which `near` found in «Евразии»
    (so a line about Eurasia "lost" the Eurasian Economic Union)."""
    out = []
    for alias in table():
        for form in (*alias.forms, *alias.related):
            if has_cyrillic(form) and " " not in form and sum(c.isupper() for c in form) < 2:
                out.append((form, alias))
    return tuple(out)


@lru_cache(maxsize=4096)
def mentioned(text: str) -> frozenset[str]:
    """Ids of the table entries `text` mentions, in any case, tolerant of how it was heard.

    Forms by lemmas (`find`, any case), plus one-word Cyrillic forms and the words for a
    place's people and adjectives (`related`) up to a misspelling (`near`): «для Беларусов
    Рысиян» mentions Belarus and Russia; «российской стороной» mentions Russia. Latin related
    words ("Russians") count as well."""
    words = tokens(text)
    ids = {a.id for _, _, a, _ in find(words, any_case=True)}
    for tok in words:
        if has_cyrillic(tok.text):
            ids |= {a.id for form, a in _heads() if near(tok.text, form)}
        else:
            ids |= {a.id for a in table() if any(_latin_word(tok.text, r) for r in a.related)}
    return frozenset(ids)


def _latin_word(word: str, form: str) -> bool:
    return not has_cyrillic(form) and " " not in form and word == form


def english_forms(alias: Alias) -> tuple[str, ...]:
    """Every Latin spelling of an entry: its English name, its forms, its related words."""
    spellings = (alias.name_en, *alias.forms, *alias.related)
    return tuple(dict.fromkeys(f for f in spellings if not has_cyrillic(f)))


@lru_cache(maxsize=4096)
def form_pattern(form: str) -> re.Pattern[str]:
    """A Latin form as whole words: one-word forms and acronyms by case ("US" is not "us"),
    longer ones in any case (speech-translate writes "the united nations")."""
    flags = re.IGNORECASE if " " in form and not form.isupper() else 0
    return re.compile(rf"(?<![\w-]){re.escape(form)}(?![\w-])", flags)


def resolve(name: str) -> Alias | None:
    """The entry a name stands for: one of its forms exactly (`by_name`), else a one-word name
    close to exactly one entry's form or related word («Беларусов» is Belarus)."""
    hit = by_name(name)
    if hit is not None or " " in name.strip():
        return hit
    ids = mentioned(name)
    if len(ids) != 1:
        return None
    (only,) = ids
    return next(a for a in table() if a.id == only)
