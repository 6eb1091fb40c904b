"""Text translation with a chat model: the bundled GGUF in-process, or a user's endpoint.

`ChatTranslator` batches consecutive segments (a few per call: one prompt prefix, fewer
calls), puts one neighbour on each side inline as context, splits very long segments into
pieces and joins their answers. `complete` is the only thing that differs between the bundled
llama.cpp model (`LlamaChat`) and an OpenAI-compatible endpoint.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from videobrief.errors import VideobriefError
from videobrief.glossary import Term
from videobrief.records import Segment
from videobrief.translate import prompt
from videobrief.translate.model import assemble

Complete = Callable[[list[dict[str, str]], int], str]


@dataclass
class Usage:
    """Tokens and seconds spent, for bench/english.py's tokens/s."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    calls: int = 0


class LlamaChat:
    """The bundled model in llama-cpp-python: temperature 0, small context, prefix cache on."""

    def __init__(self, path: Path, threads: int, n_ctx: int = 2048) -> None:
        from llama_cpp import Llama, LlamaRAMCache

        try:
            self.llm = Llama(str(path), n_ctx=n_ctx, n_threads=threads, verbose=False)
        except Exception as exc:  # llama.cpp raises ValueError/RuntimeError on a bad file
            raise VideobriefError(f"cannot load translation model {path}: {exc}") from exc
        self.llm.set_cache(LlamaRAMCache(capacity_bytes=256 << 20))
        self.usage = Usage()

    def __call__(self, messages: list[dict[str, str]], max_tokens: int) -> str:
        t0 = time.perf_counter()
        out = self.llm.create_chat_completion(
            messages=messages, temperature=0.0, max_tokens=max_tokens, seed=0
        )
        self.usage.seconds += time.perf_counter() - t0
        self.usage.calls += 1
        self.usage.prompt_tokens += out["usage"]["prompt_tokens"]
        self.usage.completion_tokens += out["usage"]["completion_tokens"]
        return out["choices"][0]["message"]["content"] or ""


@lru_cache(maxsize=1)
def load_bundled(cache_dir: str, threads: int) -> LlamaChat:
    """Assemble (once) and load the bundled model once per process."""
    return LlamaChat(assemble(Path(cache_dir)), threads)


@dataclass
class ChatTranslator:
    """Segments → English through a chat `complete`, answers mapped back strictly by id."""

    complete: Complete
    source: str = "llm-bundled"
    glossary: tuple[Term, ...] = ()
    names: dict[str, str] = field(default_factory=dict)
    batch_chars: int = 600  # about 3 demo segments per call
    errors: list[str] = field(default_factory=list)

    def translate(
        self,
        segments: Sequence[Segment],
        audio: np.ndarray | None = None,
        context: Sequence[Segment] = (),
    ) -> dict[int, str]:
        system = prompt.system_prompt(self.glossary, self.names)
        order = {s.id: i for i, s in enumerate(context)}
        out: dict[int, str] = {}
        for batch in self._batches(segments):
            items = self._items(batch, context, order)
            got: dict[str, str] = {}
            for chunk in _chunks(items, self.batch_chars):
                got.update(self._call(system, chunk))
            for seg in batch:
                keys = [
                    it.key for it in items if it.translate and it.key.split(".")[0] == str(seg.id)
                ]
                if keys and all(k in got for k in keys):
                    out[seg.id] = " ".join(got[k] for k in keys)
        return out

    def _call(self, system: str, items: list[prompt.Item]) -> dict[str, str]:
        """One chat call; nothing on error (the track falls back for those segments)."""
        asked = {it.key for it in items if it.translate}
        messages = [
            {"role": "system", "content": system},
            {"role": "user", "content": prompt.user_prompt(items)},
        ]
        budget = 40 + sum(len(it.text) // 2 + 30 for it in items if it.translate)
        try:
            answer = self.complete(messages, budget)
        except Exception as exc:  # an endpoint timeout, a llama error: these fall back
            self.errors.append(f"{type(exc).__name__}: {exc}")
            return {}
        return prompt.parse_answer(answer, asked)

    def _batches(self, segments: Sequence[Segment]) -> list[list[Segment]]:
        batches: list[list[Segment]] = []
        size = 0
        for seg in segments:
            if batches and size + len(seg.text) <= self.batch_chars and len(batches[-1]) < 4:
                batches[-1].append(seg)
                size += len(seg.text)
            else:
                batches.append([seg])
                size = len(seg.text)
        return batches

    def _items(
        self, batch: list[Segment], context: Sequence[Segment], order: dict[int, int]
    ) -> list[prompt.Item]:
        items: list[prompt.Item] = []
        first, last = order.get(batch[0].id), order.get(batch[-1].id)
        if first is not None and first > 0 and context[first - 1].text.strip():
            prev = context[first - 1]
            items.append(prompt.Item(f"c{prev.id}", prev.text[-200:], False))
        for seg in batch:
            parts = prompt.pieces(seg.text)
            for k, part in enumerate(parts):
                key = str(seg.id) if len(parts) == 1 else f"{seg.id}.{k}"
                items.append(prompt.Item(key, part, True))
        if last is not None and last + 1 < len(context) and context[last + 1].text.strip():
            nxt = context[last + 1]
            if nxt.id not in {s.id for s in batch}:
                items.append(prompt.Item(f"c{nxt.id}", nxt.text[:200], False))
        return items


def _chunks(items: list[prompt.Item], limit: int) -> list[list[prompt.Item]]:
    """Split one batch's lines into calls of at most `limit` characters to translate.

    A 3,000-character segment becomes several calls, each with the context lines that border
    it, so no call outgrows the small context window.
    """
    todo = [it for it in items if it.translate]
    if sum(len(it.text) for it in todo) <= limit:
        return [items]
    before = [it for it in items[: items.index(todo[0])] if not it.translate]
    after = [it for it in items[items.index(todo[-1]) + 1 :] if not it.translate]
    groups: list[list[prompt.Item]] = [[]]
    size = 0
    for it in todo:
        if groups[-1] and size + len(it.text) > limit:
            groups.append([])
            size = 0
        groups[-1].append(it)
        size += len(it.text)
    groups[0] = before + groups[0]
    groups[-1] = groups[-1] + after
    return groups
