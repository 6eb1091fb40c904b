"""Speech on real clips with the real bundled Whisper base model."""

from __future__ import annotations

import jiwer
import numpy as np

from videobrief.media import decode_audio
from videobrief.records import Segment, Word
from videobrief.stages.speech.asr import transcribe
from videobrief.stages.speech.language import LangGuess, smooth
from videobrief.stages.speech.options import SpeechOptions
from videobrief.stages.speech.same_script import _without_span, fold_same_script_guesses
from videobrief.stages.speech.timeline import Timeline
from videobrief.stages.speech.vad import SAMPLE_RATE, Region, speech_regions
from videobrief.stages.speech.windows import Window, pack_windows, plan_windows

NORMALISE = jiwer.Compose(
    [
        jiwer.ToLowerCase(),
        jiwer.SubstituteRegexes({r"\bmr\b\.?": "mister"}),
        jiwer.RemovePunctuation(),
        jiwer.RemoveMultipleSpaces(),
        jiwer.Strip(),
        jiwer.ReduceToListOfListOfWords(),
    ]
)


def test_real_english_speech_has_low_wer_and_full_records(whisper, librivox):
    refs, hyps = [], []
    for path, reference in librivox:
        audio = decode_audio(path)
        segments = transcribe(audio, whisper, SpeechOptions())
        assert segments, f"no speech found in {path.name}"
        for seg in segments:
            assert seg.lang == "en" and seg.lang_prob is not None and seg.lang_prob > 0.8
            assert seg.avg_logprob is not None and seg.avg_logprob < 0
            assert 0 <= seg.start < seg.end <= len(audio) / SAMPLE_RATE + 0.01
            assert seg.words, "word timestamps missing"
            for w in seg.words:
                assert seg.start - 0.05 <= w.start <= w.end <= seg.end + 0.05
                assert 0 <= w.prob <= 1
        refs.append(reference)
        hyps.append(" ".join(s.text for s in segments))
    wer = jiwer.wer(refs, hyps, reference_transform=NORMALISE, hypothesis_transform=NORMALISE)
    assert wer < 0.15, f"WER {wer:.3f}: {hyps}"


def test_segment_times_are_absolute_in_a_longer_file(whisper, speech_samples):
    gap = np.zeros(SAMPLE_RATE * 20, dtype=np.float32)
    audio = np.concatenate([gap, speech_samples])
    segments = transcribe(audio, whisper, SpeechOptions(language="en"))
    assert segments and segments[0].start >= 19.0
    assert segments[0].lang_prob is None  # forced, not detected: no invented confidence
    assert [s.id for s in segments] == list(range(len(segments)))


def test_silence_and_noise_floor_yield_no_text(whisper):
    silence = np.zeros(SAMPLE_RATE * 60, dtype=np.float32)
    assert transcribe(silence, whisper, SpeechOptions()) == []
    hiss = np.random.default_rng(0).normal(0, 0.003, SAMPLE_RATE * 30).astype(np.float32)
    assert transcribe(hiss, whisper, SpeechOptions()) == []


def test_vad_regions_are_bounded(speech_samples):
    regions = speech_regions(speech_samples, max_region_s=10.0)
    assert len(regions) >= 2  # three sentences; VAD joins two across a short pause
    assert all(0 < r.seconds <= 10.5 for r in regions)


def test_weak_guess_between_confident_neighbours_takes_their_language():
    ru = LangGuess("ru", 0.9, (("ru", 0.9),))
    weak = LangGuess("bg", 0.35, (("bg", 0.35), ("ru", 0.3), ("en", 0.1)))
    assert [g.lang for g in smooth([ru, weak, ru])] == ["ru", "ru", "ru"]
    # a weak guess for a language the file never showed falls back to one it did show
    en = LangGuess("en", 0.95, (("en", 0.95),))
    assert [g.lang for g in smooth([en, ru, weak])] == ["en", "ru", "ru"]
    # a confident guess is never overridden
    assert [g.lang for g in smooth([ru, en, ru])] == ["ru", "en", "ru"]


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


def test_timeline_maps_packed_times_back_to_each_part():
    s = SAMPLE_RATE
    timeline = Timeline(((2 * s, 5 * s), (20 * s, 24 * s)))
    assert timeline.part_of(1.0) == 0 and timeline.part_of(3.5) == 1
    assert timeline.to_source(1.0, 0) == 3.0
    assert timeline.to_source(3.5, 1) == 20.5
    assert timeline.to_source(9.0, 1) == 24.0  # clamped to the end of its part


def test_timeline_skips_the_silence_laid_between_packed_parts():
    s = SAMPLE_RATE
    timeline = Timeline(((2 * s, 5 * s), (20 * s, 24 * s)), gap=s // 2)
    assert timeline.part_of(3.2) == 0 and timeline.to_source(3.2, 0) == 5.0  # in the gap
    assert timeline.part_of(3.5) == 1 and timeline.to_source(3.5, 1) == 20.0
    assert timeline.to_source(4.5, 1) == 21.0


def test_same_script_units_are_folded_into_the_main_language_and_others_are_not():
    ru = LangGuess("ru", 0.95, (("ru", 0.95),))
    uk = LangGuess("uk", 0.98, (("uk", 0.98), ("ru", 0.01)))
    en = LangGuess("en", 0.9, (("en", 0.9),))
    planned, folded = fold_same_script_guesses([ru, uk, en, None], "ru")
    assert [g.lang if g else None for g in planned] == ["ru", "ru", "en", None]
    assert folded == [1]
    assert planned[1].prob == 0.01  # the main language's own probability, never invented


def test_cutting_a_unit_out_of_a_segment_keeps_the_words_around_it():
    words = tuple(
        Word(start=a, end=a + 0.4, word=w, prob=0.9)
        for a, w in ((1.0, "one"), (2.0, "два"), (3.0, "three"))
    )
    seg = Segment(id=0, start=1.0, end=3.4, text="one два three", lang="en", words=words)
    cut = _without_span(seg, (1.9, 2.6))
    assert cut is not None and cut.text == "one three" and (cut.start, cut.end) == (1.0, 3.4)
    assert _without_span(seg, (0.0, 5.0)) is None
    assert _without_span(seg, (5.0, 6.0)) == seg
