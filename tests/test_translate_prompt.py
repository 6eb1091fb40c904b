"""The chat translator's prompt and bad input: timeouts, empty answers, context, long segments.

`complete` is the chat-model boundary; here it is a planted function so each bad answer can be
produced on purpose (the real model is in tests/test_translate_bundled.py).
"""

from __future__ import annotations

from videobrief.glossary import Term
from videobrief.records import Segment
from videobrief.translate import prompt
from videobrief.translate.bundled import ChatTranslator
from videobrief.translate.track import translate_segments
from videobrief.translate.validate import Validator


def _seg(i: int, text: str) -> Segment:
    return Segment(id=i, start=i * 5.0, end=i * 5.0 + 4, text=text, lang="ru")


def _echo(seen: list):
    """A planted model that answers "EN(<user turn>)" and records every call's messages."""

    def complete(messages, max_tokens):
        seen.append(messages)
        return f"EN({messages[-1]['content'][:20]})"

    return complete


def test_an_endpoint_that_times_out_is_recorded_and_the_segment_flagged():
    def complete(messages, max_tokens):
        raise TimeoutError("read timed out")

    translator = ChatTranslator(complete, source="llm")
    (out,) = translate_segments([_seg(1, "Министры встретились в Минске.")], translator)
    assert translator.errors and "timed out" in translator.errors[0]
    assert out.english is None
    assert "english:no-answer:llm" in out.flags and "english:missing" in out.flags


def test_labels_quotes_and_notes_are_cut_and_an_empty_answer_is_no_answer():
    answers = iter(['Translation: "Ministers met in Minsk."\n\nNote: Minsk is a city.', "  "])

    def complete(messages, max_tokens):
        return next(answers)

    segs = [_seg(0, "Министры встретились в Минске."), _seg(1, "Добрый день, коллеги.")]
    got = ChatTranslator(complete).translate(segs, None, segs)
    assert got == {0: "Ministers met in Minsk."}


def test_the_previous_segment_is_an_answered_turn_and_only_the_new_one_is_asked():
    seen: list = []
    segs = [_seg(i, f"Предложение номер {i}.") for i in range(4)]
    translator = ChatTranslator(_echo(seen))
    got = translator.translate(segs[1:3], None, segs)
    assert got == {1: "EN(Предложение номер 1.)", 2: "EN(Предложение номер 2.)"}
    first, second = seen
    assert [m["role"] for m in first] == ["system", "user"]
    # the second call extends the first: same system, segment 1 answered, then segment 2
    assert second[:2] == first and second[2] == {"role": "assistant", "content": got[1]}
    assert second[3] == {"role": "user", "content": segs[2].text}
    assert all("номер 3" not in m["content"] for call in seen for m in call)


def test_a_retry_gets_a_different_prompt_without_history():
    seen: list = []
    segs = [_seg(i, f"Предложение номер {i}.") for i in range(3)]
    translator = ChatTranslator(_echo(seen))
    translator.translate(segs, None, segs)
    translator.translate(segs[2:], None, segs)
    retry = seen[-1]
    assert retry[0]["content"] == prompt.RETRY_SYSTEM != seen[0][0]["content"]
    assert [m["role"] for m in retry] == ["system", "user"]


def test_names_go_only_into_the_turn_of_the_line_that_mentions_them():
    seen: list = []
    glossary = (Term("ОДКБ", "CSTO"), Term("Лавров", "Lavrov"))
    segs = [_seg(0, "Лавров выступил в Минске."), _seg(1, "Министры обсудили планы.")]
    ChatTranslator(_echo(seen), glossary=glossary).translate(segs, None, segs)
    assert seen[0][-1]["content"].endswith("(English names in this line: Лавров = Lavrov)")
    assert seen[1][-1]["content"] == segs[1].text
    assert all("CSTO" not in m["content"] for call in seen for m in call)


def test_big_spelled_numbers_reach_the_model_as_digits_and_the_text_is_kept():
    text = "с две тысячи двадцать четвёртого по две тысячи двадцать шестой, три года"
    assert prompt.digits_for_words(text) == "с 2024 по 2026, три года"
    seen: list = []
    seg = _seg(0, text)
    ChatTranslator(_echo(seen)).translate([seg], None, [seg])
    assert seen[0][-1]["content"] == "с 2024 по 2026, три года"


def test_a_3000_character_segment_is_split_into_turns_and_joined():
    sentence = "Министры обсудили сотрудничество в области безопасности и экономики. "
    text = (sentence * 45)[:3000]
    calls = []

    def complete(messages, max_tokens):
        calls.append(len(messages[-1]["content"]))
        return "Ministers discussed security."

    got = ChatTranslator(complete).translate([_seg(0, text)], None, [_seg(0, text)])
    assert len(calls) == len(prompt.pieces(text)) >= 7 and max(calls) <= 400
    assert got[0].count("Ministers discussed security.") == len(calls)


def test_an_empty_and_a_numbers_only_segment_never_reach_the_model():
    def complete(messages, max_tokens):
        raise AssertionError("the model was asked")

    segs = [_seg(0, "   "), _seg(1, "2024 — 2026, 80")]
    out = translate_segments(segs, ChatTranslator(complete), validator=Validator())
    assert out[0].english is None and not out[0].flags
    assert out[1].english == "2024 — 2026, 80" and out[1].english_source == "original"
