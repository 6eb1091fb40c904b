"""Language per unit: weak guesses smoothed by their neighbours."""

from __future__ import annotations

from videobrief.stages.speech.language import LangGuess, smooth


def test_weak_guess_between_confident_neighbours_takes_their_language():
    ru = LangGuess("ru", 0.9, (("ru", 0.9),))
    weak = LangGuess("bg", 0.35, (("bg", 0.35), ("ru", 0.3), ("en", 0.1)))
    assert [g.lang for g in smooth([ru, weak, ru])] == ["ru", "ru", "ru"]
    # a weak guess for a language the file never showed falls back to one it did show
    en = LangGuess("en", 0.95, (("en", 0.95),))
    assert [g.lang for g in smooth([en, ru, weak])] == ["en", "ru", "ru"]
    # a confident guess is never overridden
    assert [g.lang for g in smooth([ru, en, ru])] == ["ru", "en", "ru"]
