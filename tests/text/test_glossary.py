"""Glossary: hints for the decoder, and a snap that only ever touches near-misses of terms."""

from __future__ import annotations

import pytest

from bench.scoring import load_pieces
from tests.conftest import EXAMPLES, FIXTURES
from videobrief.errors import BadInput
from videobrief.records import Segment, Word
from videobrief.text.glossary import (
    hotwords,
    load_glossary,
    parse_glossary,
    snap_segment,
    snap_text,
)

EXAMPLE = EXAMPLES / "glossary.txt"


@pytest.fixture(scope="module")
def terms():
    return load_glossary(EXAMPLE)


def test_parse_terms_with_english_forms_and_comments():
    terms = parse_glossary(
        "# names\nЛавров = Lavrov\n\nСНГ\n  Евразийский  экономический союз = EAEU \n"
    )
    assert [(t.term, t.english) for t in terms] == [
        ("Лавров", "Lavrov"),
        ("СНГ", None),
        ("Евразийский экономический союз", "EAEU"),
    ]
    with pytest.raises(BadInput):
        parse_glossary("= Lavrov")


def test_example_glossary_has_the_demo_names(terms):
    names = {t.term for t in terms}
    assert {"Лавров", "Рыженков", "ОДКБ", "ШОС", "БРИКС", "СНГ"} <= names
    assert "Евразийский экономический союз" in names
    assert all(t.english for t in terms)


def test_hotwords_follow_the_window_language(terms):
    ru, en = hotwords(terms, "ru"), hotwords(terms, "en")
    assert "Лавров" in ru and "ШОС" in ru and "Lavrov" not in ru
    assert "Lavrov" in en and "BRICS" in en and "Лавров" not in en


@pytest.mark.parametrize(
    ("heard", "fixed"),
    [
        ("Министр Лавро сказал", "Министр Лавров сказал"),
        ("поблагодарил Рыжинкова за", "поблагодарил Рыженкова за"),  # case ending kept
        ("в рамках ОДК и ШОС", "в рамках ОДКБ и ШОС"),
        ("Евразийского економичского союза", "Евразийского экономического союза"),
        ("ministers Lavrow and Ryzhenkov", "ministers Lavrov and Ryzhenkov"),
        ("а также в Брикс и в Шос", "а также в БРИКС и в ШОС"),  # acronyms heard as words
    ],
)
def test_near_misses_snap_to_the_glossary_form(terms, heard, fixed):
    text, changes = snap_text(heard, terms)
    assert text == fixed
    assert len(changes) == sum(a != b for a, b in zip(heard.split(), fixed.split(), strict=True))


@pytest.mark.parametrize(
    "text",
    [
        "встреча с Лавровым и Лаврову",  # inflected forms of the term itself
        "Павлов и Лавка сказали",  # other words, two edits away
        "европейского экономического союза",  # not the Eurasian union
        "СНГ, ШОС и БРИКС",  # exact
        "ШОСе и СНГе",  # short terms are hints only: never snapped to
    ],
)
def test_words_that_are_not_near_misses_are_untouched(terms, text):
    assert snap_text(text, terms) == (text, [])


def test_real_reference_text_is_left_alone(terms):
    """The fixture's Russian and English reference texts hold no near-miss of a demo term."""
    for piece in load_pieces(FIXTURES / "codeswitch-reference.json"):
        assert snap_text(piece.text, terms) == (piece.text, [])


def test_snap_segment_updates_words_and_records_flags(terms):
    words = (
        Word(start=0.0, end=0.4, word="Министр", prob=0.9),
        Word(start=0.4, end=0.9, word="Лавро,", prob=0.4, low_conf=True),
        Word(start=0.9, end=1.3, word="сказал", prob=0.9),
    )
    seg = Segment(id=0, start=0.0, end=1.3, text="Министр Лавро, сказал", lang="ru", words=words)
    out = snap_segment(seg, terms)
    assert out.text == "Министр Лавров, сказал"
    assert [w.word for w in out.words] == ["Министр", "Лавров,", "сказал"]
    assert out.words[1].low_conf and out.words[1].prob == 0.4  # evidence kept
    assert out.flags == ("glossary:Лавров<-Лавро",)
    assert snap_segment(out, terms) == out
