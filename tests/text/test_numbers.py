"""Numbers in Russian and English text, in digits or words, normalised to values."""

from __future__ import annotations

import pytest

from videobrief.text.numbers import (
    missing_numbers,
    number_values,
    numbers_in,
    ranges_in,
    roman_values,
)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("с 2024 по 2026 год", {2024, 2026}),
        ("80-й", {80}),
        ("в честь восьмидесятой годовщины Победы", {80}),
        ("две тысячи двадцать четвёртого года", {2024}),
        ("сто двадцать пять человек", {125}),
        ("полторы тысячи", {1500}),
        ("5 млн рублей", {5_000_000}),
        ("10 000 человек", {10_000}),
        ("1,5 процента", {1.5}),
        ("1,500 people", {1500}),
        ("the eighty-fifth anniversary", {85}),
        ("two thousand and twenty", {2020}),
        ("one hundred and five", {105}),
        ("трое суток", {3}),
        ("Пятница, пятый, пять", {5}),
        ("Сегодня мы подводим итоги", set()),
    ],
)
def test_values(text, values):
    assert number_values(text) == {float(v) for v in values}


def test_two_spelled_numbers_stay_two():
    assert [m.value for m in numbers_in("пять пять")] == [5.0, 5.0]
    assert [m.value for m in numbers_in("одиннадцать пять")] == [11.0, 5.0]


def test_ordinals_and_years():
    (m,) = numbers_in("80-й")
    assert m.ordinal and not m.spelled and not m.year
    (m,) = numbers_in("две тысячи двадцать четвёртого года")
    assert m.ordinal and m.spelled and m.year
    (m,) = numbers_in("80-летие")
    assert m.value == 80 and not m.ordinal
    assert all(m.year for m in numbers_in("с 2024 по 2026"))


def test_ranges():
    assert ranges_in("программа с 2024 по 2026 год") == [(2024.0, 2026.0)]
    assert ranges_in("from 2024 to 2026") == [(2024.0, 2026.0)]
    assert ranges_in("2024–2026") == [(2024.0, 2026.0)]
    assert ranges_in("от пяти до десяти") == [(5.0, 10.0)]
    assert ranges_in("2024 и 2026") == []


def test_missing_numbers_across_languages():
    ru = "в год восьмидесятой годовщины, программа с 2024 по 2026 год"
    assert missing_numbers(ru, "in the year of the 80th anniversary, from 2024 to 2026") == set()
    assert missing_numbers(ru, "in the year of the anniversary, from 2024") == {80.0, 2026.0}
    # a spelled "one" may become an article
    assert missing_numbers("один из партнёров", "a partner") == set()


def test_mentions_carry_positions():
    text = "итоги 2024 года"
    (m,) = numbers_in(text)
    assert text[m.start : m.end] == m.text == "2024"


def test_a_roman_numeral_keeps_its_number_and_a_lone_i_is_no_number():
    assert (
        missing_numbers("в связи с окончанием Второй мировой войны", "the end of World War II")
        == set()
    )
    assert missing_numbers("Второй мировой войны", "the World War") == {2.0}
    assert roman_values("I said XIV and XXXIX") == {14.0, 39.0}
