"""The translation prompt: one segment per turn of a running conversation, plain-text answers.

Why this shape (measured on the demo, see bench/english.py and the README):
- JSON lines with several segments per call broke on the 1.5B model: it renumbered the ids
  (asked 0, 1, 2 it answered 3, 4, 5, 6), translated the context line, echoed the `"do"`
  field, so half the answers could not be mapped back. One segment per user turn, answered
  in plain text, maps back by construction and needs no grammar.
- The previous segments are earlier turns of the same conversation (their Russian as the user
  turn, the model's own English as the assistant turn). They are context the model has
  already answered, so it never translates them again, and each call's prompt extends the
  previous call's tokens: llama.cpp keeps its evaluated prefix and only evaluates the new
  turn (see `LlamaChat`).
- The system message is fixed for every call, so it is evaluated once per video.
- Glossary and names go into the turn of the segment that mentions them, and only those:
  listed bare in the system message, the model dumped the whole glossary into a line naming
  three bodies ("Eurasian Economic Union, CSTO, SCO, BRICS, CIS, EU").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from videobrief.glossary import Term
from videobrief.numbers import numbers_in
from videobrief.translate.validate import mentions

SYSTEM = (
    "You are a professional translator. Translate each transcript line the user sends from "
    "Russian into English, faithfully and completely, as one English text. Keep every name and "
    "every number; write numbers and years as digits. Add nothing the line does not say. "
    "Reply with the English translation only."
)

# The retry's prompt: a different instruction, so temperature 0 gives a different answer.
RETRY_SYSTEM = SYSTEM + " Translate literally, clause by clause, and leave nothing out."

NAMES_NOTE = "\n\n(English names in this line: {pairs})"


def names_in(text: str, glossary: Sequence[Term], names: dict[str, str]) -> list[tuple[str, str]]:
    """The glossary terms and names with an English form that `text` mentions."""
    pairs = [(t.term, t.english) for t in glossary if t.english]
    pairs += [(ru, en) for ru, en in names.items() if en]
    seen: set[str] = set()
    out = []
    for ru, en in pairs:
        if ru not in seen and mentions(text, ru):
            seen.add(ru)
            out.append((ru, en))
    return out


def digits_for_words(text: str) -> str:
    """Large spelled numbers as digits ("с две тысячи двадцать четвёртого" -> "с 2024").

    Why: the 1.5B model turned «с две тысячи двадцать четвёртого по две тысячи двадцать
    шестой» into "from the second to the sixth thousand two hundred and sixty", while it keeps
    digits. Only the prompt changes; the segment's text and the number check stay on the
    original words. Small numbers ("три", "восьмидесятой") it translates well and keep.
    """
    out, last = [], 0
    for m in numbers_in(text):
        if not m.spelled or m.value < 100 or m.value != int(m.value) or " " not in m.text:
            continue
        digits = str(int(m.value))
        if m.ordinal and m.value < 1000:
            digits += "-й"
        out.append(text[last : m.start] + digits)
        last = m.end
    return "".join(out) + text[last:]


def user_turn(text: str, pairs: Sequence[tuple[str, str]] = ()) -> str:
    """The user turn for one line: the Russian (big numbers in digits), then its names."""
    text = digits_for_words(text)
    if not pairs:
        return text
    return text + NAMES_NOTE.format(pairs="; ".join(f"{ru} = {en}" for ru, en in pairs))


_LABEL = re.compile(r"^\s*(?:english|translation|english translation)\s*:\s*", re.IGNORECASE)
_QUOTES = ('"', "«", "“")


def clean_answer(answer: str) -> str:
    """The translation out of the answer: no "Translation:" label, no wrapping quotes.

    A note the model adds after a blank line ("Note: ...") is cut; the validator judges the rest.
    """
    text = answer.strip()
    text = _LABEL.sub("", text)
    text = re.split(r"\n\s*\n", text, maxsplit=1)[0].strip()
    text = re.sub(r"\s*\(English names in this line:.*$", "", text, flags=re.DOTALL)
    if len(text) > 1 and text[0] in _QUOTES and text[-1] in {'"', "»", "”"}:
        text = text[1:-1].strip()
    return " ".join(text.split())


_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+")


def pieces(text: str, limit: int = 400) -> list[str]:
    """Split a long segment at sentence (then comma, then space) ends into pieces ≤ limit."""
    if len(text) <= limit:
        return [text]
    out: list[str] = []
    buf = ""
    for part in _split(text, limit):
        if buf and len(buf) + 1 + len(part) > limit:
            out.append(buf)
            buf = part
        else:
            buf = f"{buf} {part}".strip()
    if buf:
        out.append(buf)
    return out


def _split(text: str, limit: int) -> list[str]:
    parts = _SENTENCE_END.split(text)
    out = []
    for part in parts:
        while len(part) > limit:
            cut = part.rfind(", ", 0, limit)
            cut = cut + 1 if cut > limit // 3 else part.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            out.append(part[:cut].strip())
            part = part[cut:].strip()
        if part:
            out.append(part)
    return out
