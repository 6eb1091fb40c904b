"""`transcribe` on real clips with the real bundled Whisper base model, and its silence filter."""

from __future__ import annotations

import jiwer
import numpy as np

from videobrief.media import decode_audio
from videobrief.records import Segment
from videobrief.stages.speech.asr import over_speech, transcribe
from videobrief.stages.speech.options import SpeechOptions
from videobrief.stages.speech.vad import SAMPLE_RATE, Region

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


def test_text_inside_a_pause_vad_called_silence_is_not_emitted():
    units = [Region(0, 2 * SAMPLE_RATE), Region(4 * SAMPLE_RATE, 6 * SAMPLE_RATE)]
    inside_pause = Segment(id=0, start=2.2, end=3.8, text="Thanks for watching", lang="en")
    straddling = inside_pause.model_copy(update={"start": 1.5})
    assert not over_speech(inside_pause, units)
    assert over_speech(straddling, units)
