"""Numbers in text, in digits or in words (Russian and English), as values.

Why: a translation that drops "80th" or turns "с 2024 по 2026" into "from 2024" has lost a
fact, and a brief that says "1,500" where the speaker said "полторы тысячи" is wrong. Both
checks need the *values* a text mentions, whatever way they are written: digits with either
decimal mark, "80-й", "5 млн", "восьмидесятой годовщины", "две тысячи двадцать четвёртого",
"eighty-fifth", "two thousand and twenty".

Russian words are matched by stem and ending tables, not by a morphological analyser, so this
module has no dictionary to load and is cheap enough for every segment.

Public API (stable; other modules import it):
    numbers_in(text) -> list[NumberMention]
    number_values(text) -> set[float]
    ranges_in(text) -> list[tuple[float, float]]
    missing_numbers(original, translation) -> set[float]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "NumberMention",
    "missing_numbers",
    "number_values",
    "numbers_in",
    "ranges_in",
]


@dataclass(frozen=True)
class NumberMention:
    """One number in a text: its value and where it is.

    `spelled` is True when it was written in words (small spelled numbers are often rendered
    as "a"/"the" in a translation, so checks may treat them leniently); `ordinal` for "80-й",
    "eightieth"; `year` for 1000–2100 written as four digits or followed by год/year.
    """

    value: float
    text: str
    start: int
    end: int
    ordinal: bool = False
    spelled: bool = False
    year: bool = False


# -- word tables --------------------------------------------------------------------------

_ORD_RU = (
    r"(?:ый|ой|ий|ая|ое|ого|ому|ым|ом|ую|ые|ых|ыми|ым|ей|ья|ье|ьи|ьего|ьему|ьей|ьим|ьих|ьими|ью)"
)
_CARD_UNIT_RU = r"(?:ь|и|ью)"

# (full-match pattern, value, ordinal). Order matters only for readability: patterns are
# anchored at both ends so they never overlap.
_RU_WORDS: list[tuple[str, float, bool]] = [
    (r"ноль|нуля|нулю|нулем|нуле|нуль", 0, False),
    (r"нулев" + _ORD_RU, 0, True),
    (r"один|одна|одно|одни|одного|одному|одним|одной|одну|одном|одною|одних", 1, False),
    (r"перв" + _ORD_RU, 1, True),
    (r"два|две|двух|двум|двумя", 2, False),
    (r"втор" + _ORD_RU, 2, True),
    (r"три|трех|трем|тремя", 3, False),
    (r"трет" + _ORD_RU, 3, True),
    (r"четыре|четырех|четырем|четырьмя", 4, False),
    (r"четверт" + _ORD_RU, 4, True),
    (r"пят" + _CARD_UNIT_RU, 5, False),
    (r"пят" + _ORD_RU, 5, True),
    (r"шест" + _CARD_UNIT_RU, 6, False),
    (r"шест" + _ORD_RU, 6, True),
    (r"сем" + _CARD_UNIT_RU, 7, False),
    (r"седьм" + _ORD_RU, 7, True),
    (r"восемь|восьми|восемью|восьмью", 8, False),
    (r"восьм" + _ORD_RU, 8, True),
    (r"девят" + _CARD_UNIT_RU, 9, False),
    (r"девят" + _ORD_RU, 9, True),
    (r"десят" + _CARD_UNIT_RU, 10, False),
    (r"десят" + _ORD_RU, 10, True),
    (r"полтора|полторы|полутора", 1.5, False),
    (r"двое|двоих|двоим|двоими", 2, False),
    (r"трое|троих|троим|троими", 3, False),
    (r"четверо|четверых", 4, False),
    (r"пятеро|пятерых", 5, False),
    (r"шестеро|шестерых", 6, False),
    (r"семеро|семерых", 7, False),
]
_TEENS_RU = [
    "одиннадцат",
    "двенадцат",
    "тринадцат",
    "четырнадцат",
    "пятнадцат",
    "шестнадцат",
    "семнадцат",
    "восемнадцат",
    "девятнадцат",
]
for _i, _stem in enumerate(_TEENS_RU, start=11):
    _RU_WORDS.append((_stem + _CARD_UNIT_RU, _i, False))
    _RU_WORDS.append((_stem + _ORD_RU, _i, True))
_TENS_RU = {
    20: ("двадцат" + _CARD_UNIT_RU, "двадцат" + _ORD_RU),
    30: ("тридцат" + _CARD_UNIT_RU, "тридцат" + _ORD_RU),
    40: ("сорок|сорока", "сороков" + _ORD_RU),
    50: ("пятьдесят|пятидесяти|пятьюдесятью", "пятидесят" + _ORD_RU),
    60: ("шестьдесят|шестидесяти|шестьюдесятью", "шестидесят" + _ORD_RU),
    70: ("семьдесят|семидесяти|семьюдесятью", "семидесят" + _ORD_RU),
    80: ("восемьдесят|восьмидесяти|восемьюдесятью", "восьмидесят" + _ORD_RU),
    90: ("девяносто|девяноста", "девяност" + _ORD_RU),
    100: ("сто|ста|сотня|сотни|сотен", "сот" + _ORD_RU),
    200: ("двести|двухсот|двумстам|двумястами|двухстах", "двухсот" + _ORD_RU),
    300: ("триста|трехсот|тремстам|тремястами|трехстах", "трехсот" + _ORD_RU),
    400: ("четыреста|четырехсот|четыремстам|четырьмястами|четырехстах", "четырехсот" + _ORD_RU),
    500: ("пятьсот|пятисот|пятистам|пятьюстами|пятистах", "пятисот" + _ORD_RU),
    600: ("шестьсот|шестисот|шестистам|шестьюстами|шестистах", "шестисот" + _ORD_RU),
    700: ("семьсот|семисот|семистам|семьюстами|семистах", "семисот" + _ORD_RU),
    800: ("восемьсот|восьмисот|восьмистам|восьмьюстами|восьмистах", "восьмисот" + _ORD_RU),
    900: ("девятьсот|девятисот|девятистам|девятьюстами|девятистах", "девятисот" + _ORD_RU),
}
for _v, (_card, _ord) in _TENS_RU.items():
    _RU_WORDS.append((_card, _v, False))
    _RU_WORDS.append((_ord, _v, True))
_MULT_RU: list[tuple[str, float, bool]] = [
    (r"тысяч[аиеуы]?|тысячей|тысячам|тысячами|тысячах|тыс", 1e3, False),
    (r"тысячн" + _ORD_RU, 1e3, True),
    (r"миллион(?:а|у|ом|е|ы|ов|ам|ами|ах)?|млн", 1e6, False),
    (r"миллионн" + _ORD_RU, 1e6, True),
    (r"миллиард(?:а|у|ом|е|ы|ов|ам|ами|ах)?|млрд", 1e9, False),
    (r"триллион(?:а|у|ом|е|ы|ов|ам|ами|ах)?|трлн", 1e12, False),
]

_EN_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_EN_ORD_UNITS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
_EN: dict[str, tuple[float, bool]] = {}
for _i, _w in enumerate(_EN_UNITS):
    _EN[_w] = (_i, False)
for _i, _w in enumerate(_EN_ORD_UNITS):
    _EN[_w] = (_i, True)
for _i, _w in enumerate(_EN_TENS, start=2):
    _EN[_w] = (_i * 10, False)
    _EN[_w[:-1] + "ieth"] = (_i * 10, True)
_EN.update({"hundred": (100, False), "hundredth": (100, True), "hundreds": (100, False)})
_EN_MULT: dict[str, tuple[float, bool]] = {
    "thousand": (1e3, False),
    "thousands": (1e3, False),
    "thousandth": (1e3, True),
    "million": (1e6, False),
    "millions": (1e6, False),
    "millionth": (1e6, True),
    "billion": (1e9, False),
    "billions": (1e9, False),
    "trillion": (1e12, False),
}
_EN_EXTRA = {"dozen": (12, False), "dozens": (12, False)}

_RU_RE = [(re.compile(f"(?:{p})"), v, o) for p, v, o in _RU_WORDS]
_RU_MULT_RE = [(re.compile(f"(?:{p})"), v, o) for p, v, o in _MULT_RU]


def _word_value(word: str) -> tuple[float, bool, bool] | None:
    """(value, ordinal, is_multiplier) of one number word, or None."""
    w = word.lower().replace("ё", "е")
    if w in _EN:
        return (*_EN[w], False)
    if w in _EN_MULT:
        return (*_EN_MULT[w], True)
    if w in _EN_EXTRA:
        return (*_EN_EXTRA[w], False)
    if not ("а" <= w[:1] <= "я"):
        return None
    for rx, value, ordinal in _RU_MULT_RE:
        if rx.fullmatch(w):
            return value, ordinal, True
    for rx, value, ordinal in _RU_RE:
        if rx.fullmatch(w):
            return value, ordinal, False
    return None


# -- tokens -------------------------------------------------------------------------------

# A number in digits: 10 000 / 1,500 (thousands) / 1,5 / 1.5 / 80-й / 80th; or a word.
_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:[\u00a0\u202f ]\d{3})+(?!\d)|\d+(?:[.,]\d+)?)"
    r"(?P<suffix>-?(?:st|nd|rd|th)\b|-[а-яёa-z]+)?"
    r"|(?P<word>[^\W\d_]+)",
    re.IGNORECASE,
)
_YEAR_WORD = re.compile(r"^(?:год|г\.?$|гг|year)", re.IGNORECASE)
_ORD_SUFFIX = re.compile(r"^-?(?:st|nd|rd|th|[а-яё]{1,3})$", re.IGNORECASE)
_CONNECT_EN = {"and"}


def _digits_value(num: str) -> float:
    """Value of a digit string with a space, comma or dot in it, by the press's conventions."""
    s = num.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if re.fullmatch(r"\d+,\d{3}", s):  # 1,500: thousands separator (English)
        return float(s.replace(",", ""))
    return float(s.replace(",", "."))


def _is_ordinal_suffix(suffix: str | None) -> bool:
    """'-й', '-го', '-th' make an ordinal; '-летие', '-х' (the '80-х' decade) do not."""
    if not suffix:
        return False
    low = suffix.lower()
    if low in ("-х", "-ых", "-их"):
        return False
    return bool(_ORD_SUFFIX.match(low))


def numbers_in(text: str) -> list[NumberMention]:
    """Every number mentioned in `text`, in order, compound number words joined into one."""
    tokens = list(_TOKEN.finditer(text))
    out: list[NumberMention] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.group("num"):
            mention, i = _digit_mention(text, tokens, i)
            out.append(mention)
            continue
        parsed = _word_value(tok.group("word"))
        if parsed is None:
            i += 1
            continue
        mention, i = _word_mention(text, tokens, i)
        if mention is not None:
            out.append(mention)
    return [_mark_year(text, tokens, m) for m in out]


def _digit_mention(text: str, tokens: list[re.Match], i: int) -> tuple[NumberMention, int]:
    """A digit number, times a following multiplier word ("5 млн", "2 thousand")."""
    tok = tokens[i]
    value = _digits_value(tok.group("num"))
    end = tok.end()
    ordinal = _is_ordinal_suffix(tok.group("suffix"))
    j = i + 1
    if j < len(tokens) and tokens[j].group("word") and _gap_ok(text, end, tokens[j].start()):
        parsed = _word_value(tokens[j].group("word"))
        if parsed is not None and parsed[2]:
            value *= parsed[0]
            ordinal = parsed[1]
            end = tokens[j].end()
            j += 1
    mention = NumberMention(value, text[tok.start() : end], tok.start(), end, ordinal=ordinal)
    return mention, j


def _gap_ok(text: str, end: int, start: int) -> bool:
    """Tokens of one number are separated only by spaces or a hyphen."""
    return re.fullmatch(r"[\s\-\u00a0]*", text[end:start]) is not None


def _word_mention(text: str, tokens: list[re.Match], i: int) -> tuple[NumberMention | None, int]:
    """Join consecutive number words into one value ("две тысячи двадцать четвёртого")."""
    total = 0.0
    current = 0.0
    last: float | None = None  # last non-multiplier value added, to split "пять пять"
    ordinal = False
    start = tokens[i].start()
    end = tokens[i].end()
    j = i
    used = 0
    while j < len(tokens):
        tok = tokens[j]
        word = tok.group("word")
        if not word:
            break
        if used and not _gap_ok(text, end, tok.start()):
            break
        if used and word.lower() in _CONNECT_EN and j + 1 < len(tokens):
            nxt = tokens[j + 1].group("word")
            if nxt and _word_value(nxt) and not _word_value(nxt)[2]:
                end = tok.end()
                j += 1
                continue
            break
        parsed = _word_value(word)
        if parsed is None or ordinal:
            break
        value, is_ord, is_mult = parsed
        if is_mult:
            total += max(current, 1.0) * value
            current, last = 0.0, None
        elif value == 100 and word.lower().startswith("hundred"):
            current = max(current, 1.0) * 100
            last = 100
        else:
            if last is not None and value >= last:
                break  # "пять пять": two numbers, not one
            current += value
            last = value if value >= 20 and value % 10 == 0 else 0.5
        ordinal = is_ord
        end = tok.end()
        used += 1
        j += 1
    if not used:
        return None, i + 1
    value = total + current
    return NumberMention(value, text[start:end], start, end, ordinal=ordinal, spelled=True), j


def _mark_year(text: str, tokens: list[re.Match], m: NumberMention) -> NumberMention:
    """Years: 1000–2100, as four plain digits, or any form followed by год/year."""
    if not (1000 <= m.value <= 2100 and m.value == int(m.value)):
        return m
    after = text[m.end : m.end + 12].strip().lower()
    four_digits = re.fullmatch(r"\d{4}(?:-[а-яё]+)?", m.text) is not None
    if four_digits or _YEAR_WORD.match(after):
        return NumberMention(m.value, m.text, m.start, m.end, m.ordinal, m.spelled, year=True)
    return m


def number_values(text: str) -> set[float]:
    """The set of values mentioned in `text`."""
    return {m.value for m in numbers_in(text)}


_RANGE_OPEN = re.compile(r"(?:^|\s)(?:с|со|от|from|between)\s*$", re.IGNORECASE)
_RANGE_MID = re.compile(r"^\s*(?:[-–—]|по|до|to|and|through|till|until|-?\s*to)\s*$", re.IGNORECASE)
_RANGE_DASH = re.compile(r"^\s*[-–—]\s*$")


def ranges_in(text: str) -> list[tuple[float, float]]:
    """Ranges: "с 2024 по 2026", "от 5 до 10", "2024–2026", "from 2024 to 2026"."""
    ms = numbers_in(text)
    out = []
    for a, b in zip(ms, ms[1:], strict=False):
        mid = text[a.end : b.start]
        if _RANGE_DASH.match(mid) or (
            _RANGE_MID.match(mid) and _RANGE_OPEN.search(text[max(0, a.start - 12) : a.start])
        ):
            out.append((a.value, b.value))
    return out


_ROMAN = re.compile(r"(?<![\w-])(X{0,3})(IX|IV|V?I{0,3})(?![\w-])")
_ROMAN_DIGITS = {"I": 1, "V": 5, "X": 10}


def roman_values(text: str) -> set[float]:
    """Roman numerals II … XXXIX written as words: «Второй мировой войны» is "World War II".

    A lone "I", "V" or "X" is not taken (a pronoun, a letter)."""
    out: set[float] = set()
    for m in _ROMAN.finditer(text):
        word = m.group(0)
        if len(word) < 2:
            continue
        values = [_ROMAN_DIGITS[c] for c in word]
        total = sum(-v if v < nxt else v for v, nxt in zip(values, [*values[1:], 0], strict=True))
        out.add(float(total))
    return out


def missing_numbers(original: str, translation: str, *, lenient_below: float = 2) -> set[float]:
    """Values `original` mentions that `translation` does not.

    Spelled numbers below `lenient_below` ("один", "первый" as "a", "the") are not required:
    translations legitimately render them as articles.
    """
    have = number_values(translation) | roman_values(translation)
    need = {m.value for m in numbers_in(original) if not (m.spelled and m.value < lenient_below)}
    return {v for v in need if v not in have}
