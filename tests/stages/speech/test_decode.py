"""Decoding a window with its language fixed, and the text check that re-decodes it."""

from __future__ import annotations

from bench.scoring import load_pieces
from tests.conftest import FIXTURES
from videobrief.media import SAMPLE_RATE
from videobrief.stages.speech.decode import decode_checked
from videobrief.stages.speech.options import SpeechOptions
from videobrief.stages.speech.windows import Window
from videobrief.text.detect import text_language
from videobrief.text.languages import script_of

REFERENCE = FIXTURES / "codeswitch-reference.json"


def test_window_decoded_in_the_wrong_language_is_redecoded(whisper, codeswitch_audio):
    """Ukrainian is Whisper's usual wrong guess for Russian: the text shows it, ru is retried."""
    # the first Russian run after the English one (57.6-68.6 s)
    piece = next(p for p in load_pieces(REFERENCE) if p.lang == "ru" and p.start > 50)
    window = Window(int(piece.start * SAMPLE_RATE), int(piece.end * SAMPLE_RATE), "uk", 0.4)
    segments = decode_checked(
        codeswitch_audio, whisper, window, SpeechOptions(), ("ru", "uk", "en"), None
    )
    assert segments
    assert all(s.lang == "ru" and "redecoded:uk->ru" in s.flags for s in segments), segments
    assert text_language(" ".join(s.text for s in segments), ("ru", "uk")) == "ru"


def test_english_speech_forced_to_russian_comes_back_english(whisper, codeswitch_audio):
    """Whisper fixed to ru on English speech half-transliterates; the check sends it to en."""
    piece = next(p for p in load_pieces(REFERENCE) if p.lang == "en")
    window = Window(int(piece.start * SAMPLE_RATE), int(piece.end * SAMPLE_RATE), "ru", 0.4)
    segments = decode_checked(
        codeswitch_audio, whisper, window, SpeechOptions(), ("ru", "en"), None
    )
    assert segments
    for seg in segments:
        assert seg.lang == "en" and "redecoded:ru->en" in seg.flags, segments
        assert script_of(seg.text) == "latn"
