"""The translation prompt: one segment per turn of a running conversation, plain-text answers.

Why this shape (bench/english.py measures it):
- JSON lines with several segments per call break on the 1.5B model: it renumbers the ids
  (asked 0, 1, 2 it answers 3, 4, 5, 6), translates the context line, echoes the `"do"`
  field, so half the answers cannot be mapped back. One segment per user turn, answered
  in plain text, maps back by construction and needs no grammar.
- The previous segments are earlier turns of the same conversation (their Russian as the user
  turn, the model's own English as the assistant turn). They are context the model has
  already answered, so it never translates them again, and each call's prompt extends the
  previous call's tokens: llama.cpp keeps its evaluated prefix and only evaluates the new
  turn (see `LlamaChat`).
- The system message is fixed for every call, so it is evaluated once per video.
- Glossary and names go into the turn of the segment that mentions them, and only those:
  listed bare in the system message, the whole glossary ends up in a line naming three bodies
  ("Eurasian Economic Union, CSTO, SCO, BRICS, CIS, EU").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from videobrief.records import Entity
from videobrief.stages.english.validate import mentions
from videobrief.text.aliases import fold
from videobrief.text.glossary import Term
from videobrief.text.numbers import numbers_in

SYSTEM = (
    "You are a professional translator. Translate each transcript line the user sends from "
    "Russian into English, faithfully and completely, as one English text. Keep every name and "
    "every number; write numbers and years as digits. Add nothing the line does not say. "
    "Reply with the English translation only."
)

NAMES_NOTE = "\n\n(English names in this line: {pairs})"

# A retry is the segment's user turn with this note at its end, under the same system message:
# a different prompt, so temperature 0 answers differently. Retried right after the rejected
# answer (see `ChatTranslator`), everything up to the note is still evaluated in llama.cpp,
# where a new conversation under another system message would evaluate the segment's whole
# turn again.
RETRY_NOTE = "\n\n(Your last translation of this line was rejected: {why}. Translate it again.)"
RETRY_GENERIC = "translate literally, clause by clause, and leave nothing out"


def retry_note(reasons: Sequence[str] = ()) -> str:
    """What the validator's reasons (`stages.english.validate` tags) ask the model to fix.

    Tags it does not know (and no tags) get the generic instruction.
    """
    why: list[str] = []
    for reason in reasons:
        kind, _, value = reason.partition(":")
        text = _RETRY_WHY.get(kind, "")
        if kind == "length":
            try:
                text = _LENGTH_WHY[float(value) > 1.0]
            except ValueError:
                text = ""
        text = text.format(value=value.replace(",", ", "))
        if text and text not in why:
            why.append(text)
    return RETRY_NOTE.format(why="; ".join(why or [RETRY_GENERIC]))


_RETRY_WHY = {
    "cyrillic": "translate every Russian word into English",
    "repetition": "it repeated itself; say each thing once",
    "numbers": "keep the numbers {value}",
    "lost-name": "write the name {value}",
    "invented-name": "the line does not mention {value}: do not add {value}",
    "invented-place": "the line does not mention {value}: do not add {value}",
    "meaning": RETRY_GENERIC,
}
_LENGTH_WHY = {
    False: "it was too short; translate the whole line and leave nothing out",
    True: "it was too long; translate only this line and add nothing",
}


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

    Why: the 1.5B model turns «с две тысячи двадцать четвёртого по две тысячи двадцать
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
    text = re.sub(
        r"\s*\((?:English names in this line:|Your last translation).*$", "", text, flags=re.DOTALL
    )
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


def names_for_prompt(entities: tuple[Entity, ...] | list[Entity]) -> list[tuple[str, str]]:
    """(name as said, English name) pairs for a translation prompt, dates left out.

    Each entity gives its name and every other form it was said in, so the translator sees
    «Белоруссия» → "Belarus" as well as «Беларусь» → "Belarus". Pairs whose two sides are equal
    say nothing and are dropped.

    An organisation or place of several words whose English name is only its transliteration
    is left out: «Минская международная конференция» = "Minskaya mezhdunarodnaya
    konferentsiya" is no English name. In the prompt it makes the model write that; in the
    validator it would reject every correct "Minsk International Conference". A person's
    transliteration is their English name and stays.
    """
    pairs: dict[tuple[str, str], None] = {}
    for ent in entities:
        if ent.type == "DATE" or _transliterated_phrase(ent):
            continue
        for name in (ent.name, *ent.aliases):
            if fold(name) != fold(ent.name_en):
                pairs[(name, ent.name_en)] = None
    return list(pairs)


def _transliterated_phrase(ent: Entity) -> bool:
    """A non-person name of several words whose English name is its transliteration."""
    import iuliia

    if ent.type == "PER" or " " not in ent.name.strip():
        return False
    return fold(ent.name_en) == fold(iuliia.WIKIPEDIA.translate(ent.name))
