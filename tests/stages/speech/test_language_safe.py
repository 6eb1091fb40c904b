"""The code-switch fixture through the real speech stage: language per stretch, never translated."""

from __future__ import annotations

import pytest

from bench.scoring import TimedWord, assign_words, load_pieces, score
from tests.conftest import FIXTURES
from videobrief.media import decode_audio
from videobrief.stages.speech.asr import transcribe
from videobrief.stages.speech.options import SpeechOptions
from videobrief.text.detect import agrees, text_language
from videobrief.text.languages import script_of

REFERENCE = FIXTURES / "codeswitch-reference.json"


@pytest.fixture(scope="module")
def codeswitch_segments(whisper, codeswitch_audio):
    return transcribe(codeswitch_audio, whisper, SpeechOptions())


def test_every_piece_comes_out_in_its_own_language(codeswitch_segments):
    pieces = load_pieces(REFERENCE)
    words = [TimedWord(w.start, w.end, w.word) for seg in codeswitch_segments for w in seg.words]
    result = score(pieces, assign_words(pieces, words))
    assert result.accuracy >= 0.95, result
    assert result.ru_as_en == 0, result
    # and per segment: the label matches the script of the text it carries
    for seg in codeswitch_segments:
        assert seg.lang in ("ru", "en")
        script = script_of(seg.text)
        assert script in (None, "cyrl" if seg.lang == "ru" else "latn"), seg


def test_no_russian_piece_is_english_text_in_the_text_field(codeswitch_segments):
    for piece in load_pieces(REFERENCE):
        if piece.lang != "ru":
            continue
        inside = [
            s.text
            for s in codeswitch_segments
            if min(s.end, piece.end) - max(s.start, piece.start) > 0.5 * (s.end - s.start)
        ]
        assert inside, f"nothing transcribed for the Russian piece at {piece.start}s"
        assert text_language(" ".join(inside), ("ru", "en")) == "ru", inside


def test_text_check_catches_the_wrong_script_and_mixed_echoes():
    cands = ("ru", "en")
    assert agrees("Во всех этих структурах солидарно выступаем", "ru", cands)
    assert not agrees("In all these structures we act together", "ru", cands)
    assert not agrees("Ту Минестерс, ревюта of close co operation,", "ru", cands)
    assert not agrees("Сегодня мы подводим итоги", "en", cands)
    assert agrees("80-е", "en", cands)  # too few letters to judge: the audio decides
    # lingua separates same-script candidates
    assert not agrees("Що прийдя від гражданам наших стран, дякую всім", "ru", ("ru", "uk"))


def test_a_switch_within_one_script_keeps_its_own_language(whisper):
    """Spanish between English prompts, one voice (real read speech, make_en_es_read.py).

    Same script, so the Spanish units are decoded in English context first; the Spanish text
    must still come out (English decode of Spanish speech is a translation), labelled es.
    """
    audio = decode_audio(FIXTURES / "en-es-read.m4a")
    pieces = load_pieces(FIXTURES / "en-es-read-reference.json")
    segments = transcribe(audio, whisper, SpeechOptions())
    words = [TimedWord(w.start, w.end, w.word) for seg in segments for w in seg.words]
    for piece, text in zip(pieces, assign_words(pieces, words), strict=True):
        assert text_language(text, ("en", "es")) == piece.lang, (piece, text, segments)
    for seg in segments:
        mid = (seg.start + seg.end) / 2
        piece = min(pieces, key=lambda p: abs((p.start + p.end) / 2 - mid))
        assert seg.lang == piece.lang, (seg, piece)
