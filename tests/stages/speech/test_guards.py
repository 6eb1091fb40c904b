"""Hallucination guards on decoded segments."""

from __future__ import annotations

from videobrief.records import Segment, Word
from videobrief.stages.speech.guards import (
    compression_ratio,
    guard_segment,
    is_prompt_echo,
    loop_cut,
)


def _segment(tokens: list[str], avg_logprob: float = -0.3, probs=None) -> Segment:
    words = tuple(
        Word(start=i * 0.3, end=i * 0.3 + 0.25, word=t, prob=(probs[i] if probs else 0.9))
        for i, t in enumerate(tokens)
    )
    return Segment(
        id=0,
        start=0.0,
        end=len(tokens) * 0.3,
        text=" ".join(tokens),
        lang="ru",
        avg_logprob=avg_logprob,
        words=words,
    )


def test_a_looping_transcript_is_cut_to_one_copy():
    loop = ["Спасибо", "за", "внимание."] * 12
    seg = _segment(["Мы", "закончили."] + loop)
    assert compression_ratio(seg.text) > 2.4
    out = guard_segment(seg, no_speech_prob=0.01)
    assert out is not None
    assert out.text == "Мы закончили. Спасибо за внимание."
    assert [w.word for w in out.words] == ["Мы", "закончили.", "Спасибо", "за", "внимание."]
    assert "loop-cut" in out.flags and "compression" not in out.flags
    assert out.end == out.words[-1].end


def test_loop_detection_ignores_case_punctuation_and_ordinary_repeats():
    assert loop_cut(["Thank", "you.", "Thank", "you,", "thank", "you!"]) == [0, 1]
    ordinary = ["очень", "очень", "важно", "и", "очень", "нужно"]
    assert loop_cut(ordinary) == list(range(len(ordinary)))


def test_text_over_silence_is_dropped():
    seg = _segment(["Продолжение", "следует..."], avg_logprob=-1.4)
    assert guard_segment(seg, no_speech_prob=0.9) is None
    # sure of its words, or sure there was speech: kept
    assert guard_segment(seg.model_copy(update={"avg_logprob": -0.2}), 0.9) is not None
    assert guard_segment(seg, no_speech_prob=0.1) is not None


def test_low_probability_words_are_marked():
    seg = _segment(["раз", "два", "три"], probs=[0.9, 0.49, 0.5])
    out = guard_segment(seg, 0.0)
    assert [w.low_conf for w in out.words] == [False, True, False]


def test_gibberish_is_flagged_by_compression_ratio():
    seg = Segment(id=0, start=0, end=5, text="ха" * 40 + " " + "хо" * 40, lang="ru")
    out = guard_segment(seg, 0.0)
    assert out is not None and "compression" in out.flags


def test_prompt_echo_is_recognised():
    prompt = "Лавров Рыженков ОДКБ ШОС БРИКС"
    assert is_prompt_echo("Рыженков ОДКБ ШОС БРИКС", prompt)
    assert not is_prompt_echo("Лавров сказал, что встреча прошла хорошо", prompt)
    assert not is_prompt_echo("Рыженков ОДКБ", None)
