"""Bad input for the chat translator: timeouts, wrong ids, context lines, a 3,000-char segment.

`complete` is the chat-model boundary; here it is a planted function so each bad answer can be
produced on purpose (the real model is in tests/test_translate_bundled.py).
"""

from __future__ import annotations

import json

from videobrief.records import Segment
from videobrief.translate import prompt
from videobrief.translate.bundled import ChatTranslator
from videobrief.translate.track import translate_segments
from videobrief.translate.validate import Validator


def _seg(i: int, text: str) -> Segment:
    return Segment(id=i, start=i * 5.0, end=i * 5.0 + 4, text=text, lang="ru")


def _lines(messages) -> list[dict]:
    return [json.loads(line) for line in messages[-1]["content"].splitlines()]


def test_an_endpoint_that_times_out_is_recorded_and_the_segment_flagged():
    def complete(messages, max_tokens):
        raise TimeoutError("read timed out")

    translator = ChatTranslator(complete, source="llm")
    (out,) = translate_segments([_seg(1, "Министры встретились в Минске.")], translator)
    assert translator.errors and "timed out" in translator.errors[0]
    assert out.english is None
    assert "english:no-answer:llm" in out.flags and "english:missing" in out.flags


def test_answers_for_wrong_ids_are_dropped():
    def complete(messages, max_tokens):
        return '{"id": "9", "en": "Ministers met."}\n{"id": "c0", "en": "context again"}'

    segs = [_seg(0, "Добрый день."), _seg(1, "Министры встретились в Минске.")]
    got = ChatTranslator(complete).translate(segs[1:], None, segs)
    assert got == {}


def test_context_is_inline_marked_and_not_asked_for():
    seen = []

    def complete(messages, max_tokens):
        lines = _lines(messages)
        seen.append(lines)
        asked = [x for x in lines if x["do"] == "translate"]
        return "\n".join(json.dumps({"id": x["id"], "en": f"line {x['id']}"}) for x in asked)

    segs = [_seg(i, f"Предложение номер {i}.") for i in range(4)]
    got = ChatTranslator(complete).translate(segs[1:3], None, segs)
    assert got == {1: "line 1", 2: "line 2"}
    (lines,) = seen
    assert [(x["id"], x["do"]) for x in lines] == [
        ("c0", "context"),
        ("1", "translate"),
        ("2", "translate"),
        ("c3", "context"),
    ]


def test_a_3000_character_segment_is_split_into_calls_and_joined():
    sentence = "Министры обсудили сотрудничество в области безопасности и экономики. "
    text = (sentence * 45)[:3000]
    calls = []

    def complete(messages, max_tokens):
        lines = [x for x in _lines(messages) if x["do"] == "translate"]
        calls.append(sum(len(x["ru"]) for x in lines))
        return "\n".join(
            json.dumps({"id": x["id"], "en": "Ministers discussed security. " * 2}) for x in lines
        )

    got = ChatTranslator(complete).translate([_seg(0, text)], None, [_seg(0, text)])
    assert len(calls) >= 5 and max(calls) <= 600
    assert got[0].count("Ministers discussed security.") == 2 * len(prompt.pieces(text))


def test_an_empty_and_a_numbers_only_segment_never_reach_the_model():
    def complete(messages, max_tokens):
        raise AssertionError("the model was asked")

    segs = [_seg(0, "   "), _seg(1, "2024 — 2026, 80")]
    out = translate_segments(segs, ChatTranslator(complete), validator=Validator())
    assert out[0].english is None and not out[0].flags
    assert out[1].english == "2024 — 2026, 80" and out[1].english_source == "original"
