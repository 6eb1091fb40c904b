"""What language is this decoded text really in? Script first, then lingua among candidates.

Whisper told to decode in language X can still emit another language: fixed to English on
Russian speech it silently *translates*; fixed to Russian on English speech it transliterates
or echoes English. The audio-side language ID cannot see that; the text can. Script (Cyrillic
vs Latin, from `videobrief.text.languages`) settles ru/en cheaply and surely; lingua, restricted to
the candidate languages (it calls "Путин" Kazakh when unrestricted), separates languages that
share a script.
"""

from __future__ import annotations

from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from videobrief.text.languages import SCRIPT_SHARE, script_for_lang, script_of, script_shares


def _lingua_language(code: str) -> Language | None:
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
    except ValueError:
        return None


@lru_cache(maxsize=16)
def _detector(codes: tuple[str, ...]):
    languages = [lang for code in codes if (lang := _lingua_language(code)) is not None]
    if len(languages) < 2:
        return None
    return LanguageDetectorBuilder.from_languages(*languages).build()


def text_language(text: str, candidates: tuple[str, ...]) -> str | None:
    """The candidate language `text` is written in, or None when the text cannot tell.

    Only candidates whose script matches the text's script are considered, so a Latin text can
    never be judged Russian and a Cyrillic one never English.
    """
    script = script_of(text)
    if script is None:
        return None
    same_script = tuple(sorted(c for c in set(candidates) if script_for_lang(c) == script))
    if len(same_script) == 1:
        return same_script[0]
    if not same_script:
        return None
    detector = _detector(same_script)
    if detector is None:
        return None
    found = detector.detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found is not None else None


def agrees(text: str, lang: str, candidates: tuple[str, ...]) -> bool:
    """False when the text shows a language other than `lang`, or mixes scripts.

    A text too short to judge agrees: the audio-side guess stands. A Russian decode that is
    30% Latin letters does not agree: that is Whisper half-echoing English speech.
    """
    shares = script_shares(text)
    if shares is None:
        return True
    if shares[script_for_lang(lang)] < SCRIPT_SHARE:
        return False
    found = text_language(text, tuple({*candidates, lang}))
    return found is None or found == lang
