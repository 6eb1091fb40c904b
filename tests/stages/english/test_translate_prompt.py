"""The chat translator's prompt and bad input: timeouts, empty answers, context, long segments.

`complete` is the chat-model boundary; here it is a planted function so each bad answer can be
produced on purpose (the real model is in tests/test_translate_bundled.py).
"""

from __future__ import annotations

import numpy as np

from videobrief.records import Segment
from videobrief.stages.english import prompt
from videobrief.stages.english.backends.bundled import ChatTranslator
from videobrief.stages.english.track import translate_segments
from videobrief.stages.english.validate import Validator, invented_words
from videobrief.text.glossary import Term


def _seg(i: int, text: str) -> Segment:
    return Segment(id=i, start=i * 5.0, end=i * 5.0 + 4, text=text, lang="ru")


def _echo(seen: list):
    """A planted model that answers "EN(<user turn>)" and records every call's messages."""

    def complete(messages, max_tokens, avoid=()):
        seen.append(messages)
        return f"EN({messages[-1]['content'][:20]})"

    return complete


def test_an_endpoint_that_times_out_is_recorded_and_the_segment_flagged():
    def complete(messages, max_tokens, avoid=()):
        raise TimeoutError("read timed out")

    translator = ChatTranslator(complete, source="llm")
    (out,) = translate_segments([_seg(1, "Министры встретились в Минске.")], translator)
    assert translator.errors and "timed out" in translator.errors[0]
    assert out.english is None
    assert "english:no-answer:llm" in out.flags and "english:missing" in out.flags


def test_labels_quotes_and_notes_are_cut_and_an_empty_answer_is_no_answer():
    answers = iter(['Translation: "Ministers met in Minsk."\n\nNote: Minsk is a city.', "  "])

    def complete(messages, max_tokens, avoid=()):
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


def test_the_tracks_retry_keeps_the_system_message_and_adds_what_was_rejected():
    seen: list = []
    segs = [_seg(i, f"Предложение номер {i}.") for i in range(3)]
    translator = ChatTranslator(_echo(seen))
    translator.translate(segs, None, segs)
    translator.hints[2] = ("numbers:80", "lost-name:CSTO")
    translator.translate(segs[2:], None, segs)
    retry = seen[-1]
    assert retry[0] == seen[0][0]  # one system message: its evaluated tokens are reused
    assert [m["role"] for m in retry] == ["system", "user"]  # no history
    assert retry[1]["content"] == segs[2].text + prompt.retry_note(("numbers:80", "lost-name:CSTO"))
    assert (
        "keep the numbers 80" in retry[1]["content"]
        and "write the name CSTO" in retry[1]["content"]
    )


def test_retry_notes_name_what_to_fix_and_unknown_reasons_get_the_generic_one():
    assert "too short" in prompt.retry_note(("length:0.30",))
    assert "too long" in prompt.retry_note(("length:2.50",))
    assert "do not add Europe" in prompt.retry_note(("invented-place:Europe",))
    assert "keep the numbers 24, 2000" in prompt.retry_note(("numbers:24,2000",))
    assert prompt.retry_note(("something-new:x",)) == prompt.retry_note(())
    assert prompt.RETRY_GENERIC in prompt.retry_note(())
    # the model echoing the note back is cut from its answer
    assert prompt.clean_answer("Ministers met." + prompt.retry_note(())) == "Ministers met."


def test_an_answer_failing_the_check_is_retried_at_once_in_place_of_its_turn():
    """The retry extends the rejected call's prompt up to its last user turn; the conversation
    goes on from the retried turn, and the track flags rejected, retry, then the verdict."""
    seen: list = []
    answers = iter(["Ministers met in Minsk.", "In 2024.", "In 2024 and 2026.", "Good day."])

    def complete(messages, max_tokens, avoid=()):
        seen.append(messages)
        return next(answers)

    segs = [
        _seg(0, "Министры встретились в Минске."),
        _seg(1, "В 2024 и 2026 годах."),
        _seg(2, "Добрый день."),
    ]
    translator = ChatTranslator(complete)
    out = translate_segments(segs, translator, validator=Validator())
    first, bad, retry, after = seen
    assert len(seen) == 4  # the segment that lost 2026 was asked twice, the others once
    assert retry[:-1] == bad[:-1]  # same system, same history: only the last turn changes
    assert retry[-1]["content"].startswith(bad[-1]["content"] + "\n\n(")
    assert "keep the numbers 2026" in retry[-1]["content"]
    # the next segment continues from the retried turn, not the rejected one
    assert after[-3:-1] == [retry[-1], {"role": "assistant", "content": "In 2024 and 2026."}]
    assert out[1].english == "In 2024 and 2026." and out[1].english_source == "llm-bundled"
    assert list(out[1].flags) == ["english:rejected:llm-bundled:numbers:2026", "english:retry"]
    assert out[0].flags == () and out[2].flags == ()
    assert translator.rejected == {}  # handed over to the track


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

    def complete(messages, max_tokens, avoid=()):
        calls.append(len(messages[-1]["content"]))
        return "Ministers discussed security."

    got = ChatTranslator(complete).translate([_seg(0, text)], None, [_seg(0, text)])
    assert len(calls) == len(prompt.pieces(text)) >= 7 and max(calls) <= 400
    assert got[0].count("Ministers discussed security.") == len(calls)


def test_an_empty_and_a_numbers_only_segment_never_reach_the_model():
    def complete(messages, max_tokens, avoid=()):
        raise AssertionError("the model was asked")

    segs = [_seg(0, "   "), _seg(1, "2024 — 2026, 80")]
    out = translate_segments(segs, ChatTranslator(complete), validator=Validator())
    assert out[0].english is None and not out[0].flags
    assert out[1].english == "2024 — 2026, 80" and out[1].english_source == "original"


class Speech:
    """A fallback backend that answers every segment it is asked, recording the asks."""

    source = "speech-translate"

    def __init__(self, answer: str) -> None:
        self.answer, self.calls = answer, []

    def translate(self, segments, audio, context=()):
        self.calls.append([s.id for s in segments])
        return {s.id: self.answer for s in segments}


def test_a_retried_answer_that_fails_again_goes_to_the_fallback_without_a_third_ask():
    calls: list = []

    def complete(messages, max_tokens, avoid=()):
        calls.append(messages)
        return "In 2024."  # loses 2026 both times

    seg = _seg(1, "В 2024 и 2026 годах.")
    speech = Speech("In 2024 and 2026.")
    (out,) = translate_segments(
        [seg], ChatTranslator(complete), np.zeros(16000 * 12, np.float32), speech, (), Validator()
    )
    assert len(calls) == 2 and speech.calls == [[1]]
    assert out.english == "In 2024 and 2026." and out.english_source == "speech-translate"
    assert [f.split(":")[1] for f in out.flags] == [
        "rejected",
        "retry",
        "rejected",
        "fallback",
    ]


def test_a_retry_may_not_write_again_what_the_rejected_answer_invented():
    """«общих евразийских объединений» answered "the common European Union": the retry is
    sent the invented words to avoid."""
    asked: list = []
    answers = iter(["We worked on the platforms of the common European Union.", "Eurasian."])

    def complete(messages, max_tokens, avoid=()):
        asked.append(tuple(avoid))
        return next(answers)

    seg = _seg(0, "Мы интенсивно сотрудничали на площадках общих евразийских объединений.")
    translator = ChatTranslator(complete, check=Validator().check)
    translator.translate([seg], None, [seg])
    assert asked[0] == () and {"EU", "European", "Europe"} <= set(asked[1])
    assert "invented-place:Europe" in translator.rejected[0][1]


def test_invented_words_are_the_offending_words_of_the_answer_only():
    english = "Talks in Europe with the European Union, and with Russia."
    assert set(invented_words(english, ("invented-place:Europe",))) == {
        "Europe",
        "European",
        "Europeans",
    }
    # every spelling of the body, also the one this answer did not use
    assert set(invented_words(english, ("invented-name:EU",))) == {"EU", "European"}
    assert "West" in invented_words("The West said.", ("invented-name:the West",))
    assert "the" not in invented_words("The West said.", ("invented-name:the West",))
    assert invented_words(english, ("lost-name:CSTO", "numbers:80")) == ()
