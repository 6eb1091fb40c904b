"""Split a text into claims: sentences, and the clauses of a sentence that joins several.

A fact-checker wants one verdict per statement. "Belarus backs Russia, and the war enters a
protracted phase" makes two statements; one may be in the video and the other not, so each
clause gets checked on its own and the sentence is "partly supported". Clauses are cut only at
coordinating joints (";", ", and", ", while", ", а", ", но", ", и ...") and only when both
sides are long enough to be statements: "Russia and Belarus" is never split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from videobrief.text.sentences import words

# Sentence ends: . ! ? … followed by space and a capital, digit or opening quote. Abbreviations
# like "Mr." are protected first.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"»”’)]*\s+(?=[\"«“‘(]*[A-ZА-ЯЁ0-9])")
_ABBREV = re.compile(r"\b(Mr|Mrs|Ms|Dr|St|Jr|Sr|vs|etc|т\.е|т\.д|г|гг|им|ул)\.", re.IGNORECASE)
_JOINTS = re.compile(
    r"\s*;\s*|,\s+(?=(?:and|but|while|whereas|although|as|и|а|но|однако|хотя|тогда как)\s)",
    re.IGNORECASE,
)
# A clause needs this many words to count as a statement of its own.
MIN_CLAUSE_WORDS = 4
_GUARD = "\u2063"  # invisible separator standing in for a protected full stop


@dataclass(frozen=True)
class Sentence:
    """One sentence of the checked text and its clauses (just itself when it has one)."""

    text: str
    clauses: tuple[str, ...]


def sentences(text: str) -> list[str]:
    """The text's sentences, whitespace normalised, empty pieces dropped."""
    flat = re.sub(r"\s+", " ", text).strip()
    if not flat:
        return []
    guarded = _ABBREV.sub(lambda m: m.group(0)[:-1] + _GUARD, flat)
    parts = _SENTENCE_END.split(guarded)
    return [p.replace(_GUARD, ".").strip() for p in parts if words(p)]


def clauses(sentence: str) -> tuple[str, ...]:
    """The clauses of one sentence: cut at coordinating joints when both sides are statements."""
    pieces = [p for p in _JOINTS.split(sentence) if p and p.strip()]
    merged: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if merged and (
            len(words(piece)) < MIN_CLAUSE_WORDS or len(words(merged[-1])) < MIN_CLAUSE_WORDS
        ):
            merged[-1] = f"{merged[-1]}, {piece}"
        else:
            merged.append(piece)
    if len(merged) > 1 and len(words(merged[-1])) < MIN_CLAUSE_WORDS:
        last = merged.pop()
        merged[-1] = f"{merged[-1]}, {last}"
    return tuple(merged) if len(merged) > 1 else (sentence,)


def split_claims(text: str) -> list[Sentence]:
    """Sentences of `text`, each with its clauses."""
    return [Sentence(s, clauses(s)) for s in sentences(text)]
