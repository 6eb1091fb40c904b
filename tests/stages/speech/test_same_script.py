"""Same-script (sibling) languages: folded into the main language, cut out when they win."""

from __future__ import annotations

from videobrief.records import Segment, Word
from videobrief.stages.speech.language import LangGuess
from videobrief.stages.speech.same_script import _without_span, fold_same_script_guesses


def test_same_script_units_are_folded_into_the_main_language_and_others_are_not():
    ru = LangGuess("ru", 0.95, (("ru", 0.95),))
    uk = LangGuess("uk", 0.98, (("uk", 0.98), ("ru", 0.01)))
    en = LangGuess("en", 0.9, (("en", 0.9),))
    planned, folded = fold_same_script_guesses([ru, uk, en, None], "ru")
    assert [g.lang if g else None for g in planned] == ["ru", "ru", "en", None]
    assert folded == [1]
    assert planned[1].prob == 0.01  # the main language's own probability, never invented


def test_cutting_a_unit_out_of_a_segment_keeps_the_words_around_it():
    words = tuple(
        Word(start=a, end=a + 0.4, word=w, prob=0.9)
        for a, w in ((1.0, "one"), (2.0, "два"), (3.0, "three"))
    )
    seg = Segment(id=0, start=1.0, end=3.4, text="one два three", lang="en", words=words)
    cut = _without_span(seg, (1.9, 2.6))
    assert cut is not None and cut.text == "one three" and (cut.start, cut.end) == (1.0, 3.4)
    assert _without_span(seg, (0.0, 5.0)) is None
    assert _without_span(seg, (5.0, 6.0)) == seg
