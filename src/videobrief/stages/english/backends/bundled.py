"""Text translation with a chat model: the bundled GGUF in-process, or a user's endpoint.

`ChatTranslator` sends one segment per user turn of a running conversation (see
`videobrief.stages.english.prompt` for why), splits very long segments into pieces (one turn
each) and joins their answers. `complete` is the only thing that differs between the bundled
llama.cpp model (`LlamaChat`) and an OpenAI-compatible endpoint.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from videobrief.errors import VideobriefError
from videobrief.models.llama import amx_warning, assemble
from videobrief.records import Segment
from videobrief.stages.english import prompt
from videobrief.stages.english.validate import Verdict, invented_words
from videobrief.text.glossary import Term

# (messages, max_tokens, avoid) -> answer. `avoid`: words the answer may not contain (a
# retry's invented names, see `validate.invented_words`); a `complete` that cannot steer its
# tokens ignores them and leaves the judging to the validator.
Complete = Callable[[list[dict[str, str]], int, Sequence[str]], str]


@dataclass
class Usage:
    """Tokens and seconds spent, for bench/english.py's tokens/s.

    `prompt_tokens`/`completion_tokens` are what the API reports (the whole prompt, cached or
    not); `evaluated`, `eval_ms`, `generated` and `gen_ms` are llama.cpp's own timings, so a
    reused prefix shows as prompt tokens that were not evaluated.
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    calls: int = 0
    evaluated: int = 0
    eval_ms: float = 0.0
    generated: int = 0
    gen_ms: float = 0.0
    cut: int = 0  # answers that ran into their max_tokens budget

    def since(self, before: Usage) -> Usage:
        """What was spent after `before` (a copy of this usage taken earlier)."""
        return Usage(**{k: v - getattr(before, k) for k, v in vars(self).items()})

    def add(self, other: Usage) -> None:
        for k, v in vars(other).items():
            setattr(self, k, getattr(self, k) + v)


class LlamaChat:
    """The bundled model in llama-cpp-python: temperature 0, one sequence, prefix reuse.

    No `LlamaRAMCache`: llama.cpp already keeps the tokens of the last call in its KV cache
    and evaluates only what a new prompt adds after their common prefix — which, with the
    conversation prompt, is the new turn. A RAM cache would only copy that state after every call.
    `use_mmap=False`: with the file mapped, llama.cpp's repacked copy of the weights and the
    mapped pages are both resident (≈ 1.8 GB RSS after loading, against 1.2 GB unmapped).
    """

    def __init__(self, path: Path, threads: int, n_ctx: int = 2048) -> None:
        from llama_cpp import Llama

        try:
            self.llm = Llama(
                str(path),
                n_ctx=n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                n_batch=256,
                flash_attn=True,
                use_mmap=False,  # mmap + the CPU weight repack keep both copies resident
                verbose=False,
            )
        except Exception as exc:  # llama.cpp raises ValueError/RuntimeError on a bad file
            raise VideobriefError(f"cannot load translation model {path}: {exc}") from exc
        self.usage = Usage()

    def __call__(
        self, messages: list[dict[str, str]], max_tokens: int, avoid: Sequence[str] = ()
    ) -> str:
        t0 = time.perf_counter()
        before = self._perf()
        out = self.llm.create_chat_completion(
            messages=messages,
            temperature=0.0,
            max_tokens=max_tokens,
            seed=0,
            logit_bias=self.bans(avoid) or None,
        )
        after = self._perf()
        self.usage.seconds += time.perf_counter() - t0
        self.usage.calls += 1
        self.usage.prompt_tokens += out["usage"]["prompt_tokens"]
        self.usage.completion_tokens += out["usage"]["completion_tokens"]
        self.usage.cut += out["choices"][0].get("finish_reason") == "length"
        if before is not None and after is not None:
            self.usage.evaluated += max(0, after[0] - before[0])
            self.usage.eval_ms += max(0.0, after[1] - before[1])
            self.usage.generated += max(0, after[2] - before[2])
            self.usage.gen_ms += max(0.0, after[3] - before[3])
        return out["choices"][0]["message"]["content"] or ""

    def close(self) -> None:
        """Free the model's memory now, whoever still holds this object (the runner calls it
        when a run releases the model, see `runner.release_models`); later calls fail."""
        self.llm.close()

    def bans(self, words: Sequence[str]) -> dict[int, float]:
        """A logit bias that keeps `words` out of the answer: each word that is one token
        (with or without its leading space, as written or in lower case) gets -100.

        Only whole-word tokens are banned: the first token of a longer word may begin a word
        the answer needs (" Eur" is also "Eurasian").
        """
        bias: dict[int, float] = {}
        for word in words:
            for form in {word, word.lower()}:
                for text in (" " + form, form):
                    tokens = self.llm.tokenize(text.encode(), add_bos=False, special=False)
                    if len(tokens) == 1:
                        bias[tokens[0]] = -100.0
        return bias

    def _perf(self) -> tuple[int, float, int, float] | None:
        """llama.cpp's counters: prompt tokens evaluated, their ms, tokens generated, their ms."""
        try:
            import llama_cpp

            data = llama_cpp.llama_perf_context(self.llm._ctx.ctx)
        except Exception:  # noqa: BLE001 - timings are a nicety, never a failure
            return None
        return data.n_p_eval, data.t_p_eval_ms, data.n_eval, data.t_eval_ms


@lru_cache(maxsize=1)
def load_bundled(cache_dir: str, threads: int) -> LlamaChat:
    """Assemble (once) and load the bundled model once per process."""
    _warn_amx()
    return LlamaChat(assemble(Path(cache_dir)), threads)


def _warn_amx() -> None:
    """Say before the first decode when this llama.cpp build may crash in it (AMX)."""
    try:
        import llama_cpp

        info = llama_cpp.llama_print_system_info().decode(errors="replace")
    except Exception:  # noqa: BLE001 - a missing runtime fails clearly in LlamaChat
        return
    warning = amx_warning(info)
    if warning:
        logging.getLogger("videobrief.stages.english.backends").warning(warning)


@dataclass
class ChatTranslator:
    """Segments → English through a chat `complete`, one segment (piece) per user turn.

    The conversation runs across calls: a segment whose predecessor was the last turn
    continues it (the predecessor is its context, already answered); otherwise it starts over
    from the fixed system message, with the predecessor's turn first when that was answered
    before.

    Retries keep the system message and add `prompt.retry_note` (what the validator rejected)
    to the end of the segment's user turn — a different prompt, so a different answer at
    temperature 0:
    - with `check` set (the track sets it to the validator's checks that need no model), a
      one-piece answer that fails them is retried at once, in place of the rejected turn: the
      conversation up to the note is still evaluated in llama.cpp, so only the note is new.
      What was rejected is left in `rejected` for the track to flag;
    - a segment asked for a second time (the track's retry, e.g. after the meaning check) is
      retried with no history, with the note of the reasons the track left in `hints`.
    """

    complete: Complete
    source: str = "llm-bundled"
    glossary: tuple[Term, ...] = ()
    names: dict[str, str] = field(default_factory=dict)
    history_chars: int = 2400  # Russian + English kept as earlier turns (≈ 800 tokens)
    errors: list[str] = field(default_factory=list)
    check: Callable[[str, str], Verdict] | None = None
    rejected: dict[int, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    hints: dict[int, tuple[str, ...]] = field(default_factory=dict)
    # llama.cpp's counts per phase ("first", "retry") and per turn (phase, segment id, raw
    # answer, counts), when `complete` keeps a `Usage` (the bundled model): bench/english.py
    phases: dict[str, Usage] = field(default_factory=dict)
    log: list[tuple[str, int, str, Usage]] = field(default_factory=list)
    _turns: list[tuple[str, str]] = field(default_factory=list, init=False, repr=False)
    _last: int | None = field(default=None, init=False, repr=False)
    _answered: dict[int, tuple[str, str]] = field(default_factory=dict, init=False, repr=False)

    def translate(
        self,
        segments: Sequence[Segment],
        audio: np.ndarray | None = None,
        context: Sequence[Segment] = (),
    ) -> dict[int, str]:
        before = _predecessors(context)
        out: dict[int, str] = {}
        for seg in segments:
            retry = seg.id in self._answered
            if not retry:
                self._follow(before.get(seg.id))
            turns = [self._user(part) for part in prompt.pieces(seg.text)]
            avoid: tuple[str, ...] = ()
            if retry:
                hints = self.hints.pop(seg.id, ())
                turns = [user + prompt.retry_note(hints) for user in turns]
                avoid = invented_words(self._answered[seg.id][1], hints)
            history = list(self._turns)
            answers = [self._turn(user, retry, seg.id, avoid=avoid) for user in turns]
            if self.check is not None and not retry and len(turns) == 1 and answers[0]:
                rejected = prompt.clean_answer(answers[0])
                reasons = self.check(seg.text, rejected).reasons
                if reasons:
                    self.rejected[seg.id] = (rejected, reasons)
                    self._turns = history  # the rejected turn is replaced, not kept
                    turns = [turns[0] + prompt.retry_note(reasons)]
                    avoid = invented_words(rejected, reasons)
                    answers = [self._turn(turns[0], False, seg.id, "retry", avoid)]
            if all(answers):
                out[seg.id] = " ".join(prompt.clean_answer(a) for a in answers)
                self._answered[seg.id] = (turns[-1], answers[-1])
            if retry:
                self._turns, self._last = [], None
            else:
                self._last = seg.id
        return out

    def _user(self, text: str) -> str:
        return prompt.user_turn(text, prompt.names_in(text, self.glossary, self.names))

    def _follow(self, previous: int | None) -> None:
        """Keep the conversation if it ends with `previous`; else restart from its turn."""
        if previous is not None and previous == self._last:
            return
        self._turns = [self._answered[previous]] if previous in self._answered else []

    def _turn(
        self,
        user: str,
        retry: bool,
        seg_id: int = -1,
        phase: str = "",
        avoid: Sequence[str] = (),
    ) -> str:
        """One chat call; "" on error (the track falls back for that segment).

        `retry`: the track's retry, with no history and not kept as history. `avoid`: words
        the answer may not write (what a rejected answer invented).
        """
        history = [] if retry else self._turns
        messages = [{"role": "system", "content": prompt.SYSTEM}]
        for past_user, past_answer in history:
            messages.append({"role": "user", "content": past_user})
            messages.append({"role": "assistant", "content": past_answer})
        messages.append({"role": "user", "content": user})
        budget = 40 + len(user) // 2
        usage: Usage | None = getattr(self.complete, "usage", None)
        before = replace(usage) if usage is not None else None
        try:
            answer = self.complete(messages, budget, avoid)
        except Exception as exc:  # an endpoint timeout, a llama error: these fall back
            self.errors.append(f"{type(exc).__name__}: {exc}")
            return ""
        if usage is not None and before is not None:
            phase = phase or ("retry" if retry else "first")
            spent = usage.since(before)
            self.phases.setdefault(phase, Usage()).add(spent)
            self.log.append((phase, seg_id, answer, spent))
        if not retry and answer.strip():
            self._turns.append((user, answer))
            self._trim()
        return answer if answer.strip() else ""

    def _trim(self) -> None:
        """Past `history_chars`, keep only the last turn (one re-evaluation, then reuse again)."""
        size = sum(len(u) + len(a) for u, a in self._turns)
        if size > self.history_chars and len(self._turns) > 1:
            self._turns = self._turns[-1:]


def _predecessors(context: Sequence[Segment]) -> dict[int, int]:
    """Each segment's id → the id of the non-empty segment before it."""
    out: dict[int, int] = {}
    prev: int | None = None
    for seg in context:
        if prev is not None:
            out[seg.id] = prev
        if seg.text.strip():
            prev = seg.id
    return out
