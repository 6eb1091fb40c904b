"""One-language real Russian: the speech stage must not lose to plain faster-whisper.

Both run here on the same real read speech (a committed 25 s clip, tests/fixtures/make_ru_read.py,
and the 150 s clip bench/ru_speech.py builds from Debian's asterisk-core-sounds-ru), same model,
beam 5, VAD; plain faster-whisper detects the language once, as it does by default. Accuracy is
behaviour here: the English track is translated from this text.
"""

from __future__ import annotations

import subprocess

import jiwer
import pytest

from bench.ru_speech import build, fetch
from bench.scoring import load_pieces, normalise
from tests.conftest import FIXTURES, stable_cache
from tests.shared_data import skip_or_fail
from videobrief.media import decode_audio
from videobrief.stages.speech.asr import transcribe
from videobrief.stages.speech.options import SpeechOptions

# WER points videobrief may lose to plain on 25 s (39 words: one word is 2.6 points).
TOLERANCE = 0.03
LONG_S = 150.0


@pytest.fixture(scope="module")
def ru_read():
    audio = decode_audio(FIXTURES / "ru-read.m4a")
    pieces = load_pieces(FIXTURES / "ru-read-reference.json")
    return audio, normalise(" ".join(p.text for p in pieces))


@pytest.fixture(scope="module")
def ru_segments(whisper, ru_read):
    return transcribe(ru_read[0], whisper, SpeechOptions())


@pytest.fixture(scope="module")
def ru_long():
    """150 s of the package's prompts (43 of them, 232 words), with their transcripts."""
    try:
        unpacked = fetch(stable_cache() / "ru-speech")
    except (OSError, subprocess.CalledProcessError) as exc:
        skip_or_fail(f"asterisk-core-sounds-ru could not be fetched with apt-get: {exc}")
    audio, pieces = build(unpacked, LONG_S)
    return audio, normalise(" ".join(p["text"] for p in pieces))


@pytest.fixture(scope="module")
def ru_long_segments(whisper, ru_long):
    return transcribe(ru_long[0], whisper, SpeechOptions())


def _plain_wer(whisper, audio, reference) -> float:
    raw, _info = whisper.transcribe(audio, beam_size=5, vad_filter=True, word_timestamps=True)
    return jiwer.wer(reference, normalise(" ".join(s.text for s in raw)))


def test_one_language_russian_stays_russian(ru_segments):
    """The clip holds a prompt Whisper's LID calls Ukrainian (p 0.98): it must come out ru."""
    assert {s.lang for s in ru_segments} == {"ru"}, [(s.lang, s.text) for s in ru_segments]


def test_russian_read_speech_is_at_least_as_good_as_plain_whisper(whisper, ru_read, ru_segments):
    audio, reference = ru_read
    raw, _info = whisper.transcribe(audio, beam_size=5, vad_filter=True)
    plain = jiwer.wer(reference, normalise(" ".join(s.text for s in raw)))
    ours = jiwer.wer(reference, normalise(" ".join(s.text for s in ru_segments)))
    detail = [(s.start, s.end, s.lang, s.flags, s.text) for s in ru_segments]
    assert ours <= plain + TOLERANCE, (ours, plain, detail)


def test_150_s_of_russian_is_at_least_as_good_as_plain_whisper(whisper, ru_long, ru_long_segments):
    """Plain, decoded in this run, may win by at most one word of the reference.

    Russian text in UTF-8 crosses Whisper's 2.4 compression threshold in nearly every window
    here, so plain's text is a draw among temperature samples; ours must be no worse.
    """
    audio, reference = ru_long
    plain = _plain_wer(whisper, audio, reference)
    ours = jiwer.wer(reference, normalise(" ".join(s.text for s in ru_long_segments)))
    one_word = 1 / len(reference.split())
    detail = [(s.start, s.end, s.flags, s.text) for s in ru_long_segments]
    assert {s.lang for s in ru_long_segments} == {"ru"}, detail
    assert ours <= plain + one_word, (ours, plain, detail)


def test_150_s_of_russian_decodes_the_same_every_run(whisper, ru_long, ru_long_segments):
    """No window of one-language Russian is left to temperature sampling: before the fix, two
    runs of the same code read the same 150 s at 19.4% and 27.2% WER."""
    again = transcribe(ru_long[0], whisper, SpeechOptions())
    assert [s.text for s in again] == [s.text for s in ru_long_segments]
