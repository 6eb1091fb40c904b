"""One-language real Russian: the speech stage must not lose to plain faster-whisper.

Both run here on the same committed clip (real read speech, tests/fixtures/make_ru_read.py),
same model, beam 5, VAD; plain faster-whisper detects the language once, as it does by
default. Accuracy is behaviour here: the English track is translated from this text.
"""

from __future__ import annotations

import jiwer

from bench.scoring import load_pieces, normalise
from tests.conftest import FIXTURES
from videobrief.ingest import decode_audio
from videobrief.speech.asr import SpeechOptions, transcribe

# WER points videobrief may lose to plain on 25 s (about 50 words: one word is 2 points).
TOLERANCE = 0.02


def test_russian_read_speech_is_at_least_as_good_as_plain_whisper(whisper):
    audio = decode_audio(FIXTURES / "ru-read.m4a")
    reference = normalise(
        " ".join(p.text for p in load_pieces(FIXTURES / "ru-read-reference.json"))
    )
    raw, _info = whisper.transcribe(audio, beam_size=5, vad_filter=True)
    plain = jiwer.wer(reference, normalise(" ".join(s.text for s in raw)))
    segments = transcribe(audio, whisper, SpeechOptions())
    ours = jiwer.wer(reference, normalise(" ".join(s.text for s in segments)))
    assert ours <= plain + TOLERANCE, (ours, plain, [s.text for s in segments])
    # one-language Russian comes out Russian: no stretch left in a sibling language
    assert {s.lang for s in segments} == {"ru"}, [(s.lang, s.text) for s in segments]
