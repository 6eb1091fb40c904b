"""Text translation with a chat model: the bundled GGUF in-process, or a user's endpoint.

`ChatTranslator` sends one segment per user turn of a running conversation (see
`videobrief.stages.english.prompt` for why), splits very long segments into pieces (one turn
each) and joins their answers. `complete` is the only thing that differs between the bundled
llama.cpp model (`LlamaChat`) and an OpenAI-compatible endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from videobrief.models.llama import Usage
from videobrief.records import Segment
from videobrief.stages.english import prompt
from videobrief.stages.english.validate import Verdict, invented_words
from videobrief.text.glossary import Term

# (messages, max_tokens, avoid) -> answer. `avoid`: words the answer may not contain (a
# retry's invented names, see `validate.invented_words`); a `complete` that cannot steer its
# tokens ignores them and leaves the judging to the validator.
Complete = Callable[[list[dict[str, str]], int, Sequence[str]], str]


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
