"""Languages: their names, the script each is written in, and which script a text is in.

The one place for "is this text Cyrillic?". The speech stage (does the decode match the
window's language?), the English track (is anything still Cyrillic?), imports (naming a
subtitle file's language), the entity, brief and check stages (which recogniser, which
language a claim is in) and search (which words to stem) all ask it; one definition of a
Cyrillic and a Latin letter keeps their answers from drifting apart.

Which of several same-script languages a text is in (lingua) is `videobrief.text.detect`'s question.
"""

from __future__ import annotations

import re

# Languages written in Cyrillic: every Whisper language that is (ru, uk, be, bg, sr, mk, kk,
# tg, mn, tt, ba) plus Kyrgyz. Everything else we meet is taken as Latin-script.
CYRILLIC_LANGS = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn", "tt", "ba"})

# How the page and the LLM prompt name a language; other codes are shown as they are.
LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "uk": "Ukrainian", "be": "Belarusian"}

# Below this many letters a text says too little about its language to overrule the audio.
MIN_LETTERS = 4
# A script must hold this share of the letters to count as the text's script.
SCRIPT_SHARE = 0.7

# The Cyrillic and Cyrillic Supplement blocks (Russian, Ukrainian "ї", Kazakh "ә", ...).
_CYRILLIC_FIRST, _CYRILLIC_LAST = "\u0400", "\u052f"
# Latin letters with diacritics: Latin-1 Supplement to Latin Extended-B ("é", "ł", "ș").
_LATIN_EXT_FIRST, _LATIN_EXT_LAST = "\u00c0", "\u024f"

# A run of Cyrillic letters, hyphens inside allowed ("Северо-Запад").
CYRILLIC_WORD = re.compile(r"[\u0400-\u052f][\u0400-\u052f\-]*")


def language_name(code: str | None) -> str:
    """A language code as a reader says it ("ru" → "Russian")."""
    return LANGUAGE_NAMES.get(code, code) if code else "unknown"


def script_for_lang(lang: str) -> str:
    """The script `lang` is written in: 'cyrl' or 'latn'."""
    return "cyrl" if lang in CYRILLIC_LANGS else "latn"


def is_cyrillic_letter(ch: str) -> bool:
    return ch.isalpha() and _CYRILLIC_FIRST <= ch <= _CYRILLIC_LAST


def _counts(text: str) -> tuple[int, int, int]:
    """Cyrillic letters, Latin letters and all letters in `text`."""
    letters = [ch for ch in text if ch.isalpha()]
    cyr = sum(1 for ch in letters if _CYRILLIC_FIRST <= ch <= _CYRILLIC_LAST)
    lat = sum(1 for ch in letters if ch.isascii() or _LATIN_EXT_FIRST <= ch <= _LATIN_EXT_LAST)
    return cyr, lat, len(letters)


def script_shares(text: str, min_letters: int = MIN_LETTERS) -> dict[str, float] | None:
    """Share of Cyrillic and Latin among the letters of `text`; None if too few letters.

    Letters of other scripts count in the total, so "你好 ok" is not called Latin.
    """
    cyr, lat, letters = _counts(text)
    if letters < max(min_letters, 1):
        return None
    return {"cyrl": cyr / letters, "latn": lat / letters}


def script_of(text: str, share: float = SCRIPT_SHARE, min_letters: int = MIN_LETTERS) -> str | None:
    """'cyrl' or 'latn' when one script holds `share` of the letters of `text`, else None."""
    shares = script_shares(text, min_letters)
    if shares is None:
        return None
    best = max(shares, key=lambda k: shares[k])
    return best if shares[best] >= share else None


def is_cyrillic(text: str) -> bool:
    """More Cyrillic letters than Latin ones: any length, no threshold (names, short claims)."""
    cyr, lat, _ = _counts(text)
    return cyr > lat


def has_cyrillic(text: str) -> bool:
    """Any Cyrillic letter at all."""
    return any(is_cyrillic_letter(ch) for ch in text)
