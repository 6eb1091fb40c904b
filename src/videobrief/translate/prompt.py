"""The translation prompt: one fixed system prefix, segments as JSON lines, answers by id.

Why this shape:
- The system message is identical for every call of a video (glossary and names included),
  so llama.cpp's prefix cache reuses its evaluated tokens from the second call on.
- Neighbouring segments go *inline*, marked "context": given as a separate message, the model
  translated the context again.
- Glossary and names are offered "only when the line mentions them": listed bare, the model
  dumped the whole glossary into a line naming three bodies.
- Answers are JSON lines `{"id": ..., "en": ...}`; an id not asked, or asked twice, is dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from videobrief.glossary import Term

SYSTEM = (
    "You translate transcript lines into English, faithfully and completely. "
    'Input: JSON lines. Lines with "do": "context" are NOT to be translated; they only '
    'help you understand. Translate every line with "do": "translate". Keep every number '
    "and name. Never add a name the line does not mention. Reply with JSON lines only: "
    '{"id": N, "en": "..."} one per translated line.'
)


@dataclass(frozen=True)
class Item:
    """One line of the prompt: a piece of a segment to translate, or context."""

    key: str  # "12" or "12.1" for the second piece of a long segment
    text: str
    translate: bool


def system_prompt(glossary: Sequence[Term], names: dict[str, str]) -> str:
    """The fixed prefix of every call for one video."""
    pairs = [f"{t.term} = {t.english}" for t in glossary if t.english]
    pairs += [f"{ru} = {en}" for ru, en in names.items() if en]
    if not pairs:
        return SYSTEM
    return SYSTEM + "\nNames (use one only when the line mentions it): " + "; ".join(pairs)


def user_prompt(items: Sequence[Item]) -> str:
    lines = []
    for item in items:
        line = {"id": item.key, "ru": item.text, "do": "translate" if item.translate else "context"}
        lines.append(json.dumps(line, ensure_ascii=False))
    return "\n".join(lines)


_OBJECT = re.compile(r"\{[^{}]*\}")


def parse_answer(answer: str, asked: set[str]) -> dict[str, str]:
    """English by key for keys that were asked, each answered exactly once."""
    found: dict[str, str] = {}
    twice: set[str] = set()
    for match in _OBJECT.finditer(answer):
        try:
            data = json.loads(match.group(0))
        except ValueError:
            continue
        if not isinstance(data, dict):
            continue
        key, text = str(data.get("id", "")).strip(), data.get("en")
        if key not in asked or not isinstance(text, str) or not text.strip():
            continue
        if key in found:
            twice.add(key)
        found[key] = text.strip()
    return {k: v for k, v in found.items() if k not in twice}


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
