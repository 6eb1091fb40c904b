"""Any OpenAI-compatible chat endpoint ("llm"), batched with segment ids.

Its answer is untrusted: only ids that were asked for, each once, with a non-empty string that
reads as English (not the source copied back, not Cyrillic, not the prompt's placeholder) are
accepted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from videobrief.models.chat_client import ChatClient, LLMError
from videobrief.records import Segment
from videobrief.text.glossary import Term
from videobrief.text.languages import script_of

LLM_SYSTEM = (
    "You translate transcript segments into English. Reply with JSON only: "
    '{"translations": [{"id": <segment id>, "english": "<English text>"}]}, one entry per '
    "segment, same ids, nothing added."
)


@dataclass
class LLMTranslator:
    """Batches of segments to a chat endpoint, answers mapped back strictly by id."""

    client: ChatClient
    batch_size: int = 8
    glossary: tuple[Term, ...] = ()
    source: str = "llm"

    def translate(
        self,
        segments: Sequence[Segment],
        audio: np.ndarray | None,
        context: Sequence[Segment] = (),
    ) -> dict[int, str]:
        out: dict[int, str] = {}
        for i in range(0, len(segments), self.batch_size):
            batch = list(segments[i : i + self.batch_size])
            try:
                answer = self.client.complete(
                    self._messages(batch),
                    max_tokens=256 * len(batch),
                    json_schema=_schema([s.id for s in batch]),
                )
            except LLMError:
                continue  # these segments fall back; one bad batch must not sink the track
            texts = {s.id: s.text for s in batch}
            for sid, text in parse_llm_answer(answer, set(texts)).items():
                if plausible_english(text, texts[sid]):
                    out[sid] = text
        return out

    def _messages(self, batch: list[Segment]) -> list[dict[str, str]]:
        names = [f"{t.term} = {t.english}" for t in self.glossary if t.english]
        system = LLM_SYSTEM + (" Use these English names: " + "; ".join(names) if names else "")
        payload = {"segments": [{"id": s.id, "lang": s.lang, "text": s.text} for s in batch]}
        return [
            {"role": "system", "content": system},
            {"role": "user", "content": json.dumps(payload, ensure_ascii=False)},
        ]


def _schema(ids: list[int]) -> dict:
    item = {
        "type": "object",
        "properties": {"id": {"type": "integer", "enum": ids}, "english": {"type": "string"}},
        "required": ["id", "english"],
    }
    return {
        "type": "object",
        "properties": {"translations": {"type": "array", "items": item}},
        "required": ["translations"],
    }


def plausible_english(text: str, original: str) -> bool:
    """Reject what a small model returns instead of a translation.

    The source copied back, text still in Cyrillic, or the prompt's placeholder ("<English
    text>") is not an English track; such a segment falls back or is flagged instead.
    """
    stripped = text.strip()
    if not stripped or stripped == original.strip() or stripped.startswith("<"):
        return False
    return script_of(stripped) != "cyrl"


_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def parse_llm_answer(answer: str, asked: set[int]) -> dict[int, str]:
    """Accept only well-formed entries for ids that were asked, each exactly once.

    An id answered twice is dropped entirely (we cannot tell which answer is right); ids not
    asked are ignored; anything unparsable yields nothing, so those segments fall back.
    """
    match = _JSON_OBJECT.search(answer)
    if not match:
        return {}
    try:
        data = json.loads(match.group(0))
    except ValueError:
        return {}
    items = data.get("translations") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return {}
    found: dict[int, str] = {}
    twice: set[int] = set()
    for item in items:
        if not isinstance(item, dict):
            continue
        sid, text = item.get("id"), item.get("english")
        if isinstance(sid, str) and sid.strip().isdigit():
            sid = int(sid)
        if not isinstance(sid, int) or sid not in asked:
            continue
        if not isinstance(text, str) or not text.strip():
            continue
        if sid in found:
            twice.add(sid)
        found[sid] = text.strip()
    return {sid: text for sid, text in found.items() if sid not in twice}
