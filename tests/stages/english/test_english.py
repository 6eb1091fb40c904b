"""The English track: backends, id mapping, fallbacks, and the original never replaced."""

from __future__ import annotations

import numpy as np
import pytest

from bench.scoring import load_pieces
from tests.conftest import FIXTURES
from videobrief.errors import VideobriefError
from videobrief.media import decode_audio
from videobrief.models.chat_client import ChatClient
from videobrief.records import Segment
from videobrief.stages.english.backends import make_backend
from videobrief.stages.english.backends.ct2 import CT2Translator
from videobrief.stages.english.backends.endpoint import (
    LLMTranslator,
    parse_llm_answer,
    plausible_english,
)
from videobrief.stages.english.backends.speech import SpeechTranslate
from videobrief.stages.english.options import EnglishOptions
from videobrief.stages.english.track import MISSING
from videobrief.stages.english.units import translate_units
from videobrief.text.languages import script_of


@pytest.fixture(scope="module")
def fixture_segments() -> tuple[np.ndarray, list[Segment]]:
    """Two Russian and one English reference piece as segments (reference text as `text`)."""
    audio = decode_audio(FIXTURES / "codeswitch.m4a")
    pieces = [p for p in load_pieces(FIXTURES / "codeswitch-reference.json") if p.start > 49]
    chosen = [pieces[0], pieces[1], pieces[3]]  # en, ru, ru
    segments = [
        Segment(id=i + 10, start=p.start, end=p.end, text=p.text, lang=p.lang)
        for i, p in enumerate(chosen)
    ]
    return audio, segments


def test_speech_translate_gives_english_and_keeps_the_original(whisper, fixture_segments):
    audio, segments = fixture_segments
    out = translate_units(segments, SpeechTranslate(whisper), audio)
    assert [s.text for s in out] == [s.text for s in segments]  # never replaced
    en, ru1, ru2 = out
    assert en.english == en.text and en.english_source == "original"
    for seg in (ru1, ru2):  # kept when it validates, else marked unverified (and why)
        assert seg.english_source in ("speech-translate", "unverified")
        assert seg.english_source == "speech-translate" or any("rejected" in f for f in seg.flags)
        assert script_of(seg.english) == "latn", seg.english
        assert MISSING not in seg.flags
    assert "speech-translate" in {ru1.english_source, ru2.english_source}


def test_llm_answers_map_back_strictly_by_id():
    asked = {3, 4, 5}
    answer = (
        'Sure! {"translations": [{"id": 3, "english": "one"}, {"id": 9, "english": "extra"},'
        ' {"id": "4", "english": "two"}, {"id": 5, "english": "a"}, {"id": 5, "english": "b"}]}'
    )
    # 9 was never asked; 5 came twice (cannot tell which is right); "4" as text is accepted
    assert parse_llm_answer(answer, asked) == {3: "one", 4: "two"}
    assert parse_llm_answer("no json here", asked) == {}
    assert parse_llm_answer('{"translations": [{"id": 3, "english": ""}]}', asked) == {}
    assert parse_llm_answer('{"translations": {"id": 3}}', asked) == {}


def test_llm_answers_that_are_not_english_are_refused():
    original = "Думаю, что нам есть, что предъявить гражданам наших стран."
    assert plausible_english("I think we have something to show our citizens.", original)
    assert not plausible_english(original, original)  # copied back
    assert not plausible_english("Думаю, нам есть что показать", original)  # still Russian
    assert not plausible_english("<English text>", original)  # the prompt's placeholder


def test_llm_backend_against_a_real_llama_server(llm_url, fixture_segments):
    audio, segments = fixture_segments
    backend = LLMTranslator(ChatClient(llm_url, "smollm2"), batch_size=2)
    non_english = [s for s in segments if s.lang != "en"]
    found = backend.translate(non_english, None)
    assert set(found) <= {s.id for s in non_english}
    for sid, text in found.items():
        original = next(s.text for s in non_english if s.id == sid)
        assert plausible_english(text, original)
    out = translate_units(segments, backend, None)
    assert [s.text for s in out] == [s.text for s in segments]
    for seg in out:
        if seg.lang == "en":
            assert seg.english_source == "original"
        elif seg.id in found:
            assert seg.english == found[seg.id] and seg.english_source == "llm"
        else:  # no audio given, so no fallback: flagged, never invented
            assert seg.english is None and MISSING in seg.flags


def test_unreachable_llm_falls_back_to_speech_translate(whisper, fixture_segments):
    audio, segments = fixture_segments
    backend, fallback = make_backend(
        EnglishOptions(backend="llm", llm_url="http://127.0.0.1:9/v1", llm_model="x"), whisper
    )
    out = translate_units(segments, backend, audio, fallback)
    for seg in out:
        expected = ("original",) if seg.lang == "en" else ("speech-translate", "unverified")
        assert seg.english_source in expected and seg.english, seg
    assert "speech-translate" in {s.english_source for s in out}


def test_rerun_replaces_the_previous_track():
    seg = Segment(id=0, start=0, end=1, text="Привет", lang="ru")
    flagged = translate_units([seg], LLMTranslator(ChatClient("http://127.0.0.1:9/v1", "x")))
    assert MISSING in flagged[0].flags
    assert translate_units(flagged, None)[0].flags == ()


def test_ct2_backend_explains_a_missing_or_malformed_folder(tmp_path):
    with pytest.raises(VideobriefError, match="no such folder"):
        CT2Translator(tmp_path / "absent")
    folder = tmp_path / "opus-mt-ru-en"
    folder.mkdir()
    with pytest.raises(VideobriefError, match="no model.bin"):
        CT2Translator(folder)
    (folder / "model.bin").write_bytes(b"not a model")
    with pytest.raises(VideobriefError, match="no tokenizer"):
        CT2Translator(folder)
    (folder / "source.spm").write_bytes(b"garbage")
    (folder / "target.spm").write_bytes(b"garbage")
    with pytest.raises(VideobriefError, match="tokenizer"):
        CT2Translator(folder)


def test_ct2_backend_rejects_a_malformed_model_with_a_real_tokenizer(tmp_path):
    """A valid sentencepiece model (trained here, in-process) beside a corrupt model.bin."""
    import sentencepiece

    corpus = tmp_path / "corpus.txt"
    corpus.write_text(
        "\n".join(p.text for p in load_pieces(FIXTURES / "codeswitch-reference.json"))
    )
    sentencepiece.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(tmp_path / "sp"), vocab_size=120, minloglevel=2
    )
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"\x00" * 64)
    for name in ("source.spm", "target.spm"):
        (folder / name).write_bytes((tmp_path / "sp.model").read_bytes())
    with pytest.raises(VideobriefError, match="cannot load model"):
        CT2Translator(folder)


def test_backend_options_are_checked():
    with pytest.raises(VideobriefError, match="--mt-model"):
        make_backend(EnglishOptions(backend="mt"), None)
    with pytest.raises(VideobriefError, match="--llm-url"):
        make_backend(EnglishOptions(backend="llm"), None)
    assert make_backend(EnglishOptions(backend="none"), None) == (None, None)
