"""Window planning and packing: one language per decode call, never past 30 s."""

from __future__ import annotations

from videobrief.media import SAMPLE_RATE
from videobrief.stages.speech.language import LangGuess
from videobrief.stages.speech.options import SpeechOptions
from videobrief.stages.speech.vad import Region
from videobrief.stages.speech.windows import Window, pack_windows, plan_windows


def test_windows_never_mix_languages_or_exceed_30_s():
    s = SAMPLE_RATE
    units = [Region(i * 8 * s, (i * 8 + 7) * s) for i in range(6)]
    langs = ["ru", "ru", "ru", "ru", "en", "ru"]
    guesses = [LangGuess(lang, 0.9, ((lang, 0.9),)) for lang in langs]
    windows = plan_windows(units, guesses, SpeechOptions())
    assert [w.lang for w in windows] == ["ru", "ru", "en", "ru"]
    assert all((w.end - w.start) / s <= 30 for w in windows)


def test_runs_of_one_language_are_packed_into_full_windows():
    s = SAMPLE_RATE
    spans = [(0, 8, "ru"), (9, 15, "en"), (16, 24, "ru"), (25, 31, "en"), (32, 50, "ru")]
    windows = [Window(a * s, b * s, lang, 0.9, b - a) for a, b, lang in spans]
    packed = pack_windows(windows, SpeechOptions())
    assert [w.lang for w in packed] == ["ru", "en", "ru"]
    first_ru, en, last_ru = packed
    assert first_ru.spans == ((0, 8 * s), (16 * s, 24 * s))  # 8 s + 8 s, then 18 s would pass 30
    assert en.spans == ((9 * s, 15 * s), (25 * s, 31 * s)) and en.seconds == 12
    assert last_ru.spans == ((32 * s, 50 * s),)
    assert all(w.seconds <= 30 for w in packed)
