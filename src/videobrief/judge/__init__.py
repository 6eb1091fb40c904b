"""The judge: one home for deciding whether a text is supported by the video, used by the
checker, the brief and anything else that asserts (supported, partly supported, not found,
contradicted), with the passage it rests on and the deciding slot.

    judge = Judge(bundled_vote(chat))            # or endpoint_vote(client), or Judge() for rules
    judge.judge(claim, passages) -> Judgement    # passages: the caller's candidates, best first
    judge.judge_many([(claim, passages), ...])   # the same, the model's votes in one batch

Two parts decide (see `rules` for how):
- the slot rules (`slots`), decided in the original language: a month, year, number, ordinal,
  direction, negation, place, person or organisation that differs forces `contradicted`; a
  name or number the passage lacks keeps a claim from `supported`;
- the vote (`vote`) of a chat model, when one is given: it decides supported against not said,
  and may call `contradicted` only where a slot differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from videobrief.judge import rules
from videobrief.judge.passage import Judgement, Passage, join
from videobrief.judge.vote import bundled_vote, endpoint_vote
from videobrief.records import VERDICTS

if TYPE_CHECKING:
    from videobrief.models.chat_client import ChatClient  # noqa: F401 - named in the API
    from videobrief.models.llama import LlamaChat  # noqa: F401

__all__ = [
    "VERDICTS",
    "Judge",
    "Judgement",
    "Passage",
    "Vote",
    "bundled_vote",
    "endpoint_vote",
    "join",
]


class Vote(Protocol):
    """A batched entailment vote: one answer per (claim, passage), None when unusable."""

    def __call__(self, items: Sequence[tuple[str, Passage]]) -> list[str | None]: ...


class Judge:
    """Claims against passages: the slot rules, and the vote when one is given.

    `names`: (as said, English) pairs of the video's entities, so a claim's "Glazyev" is found
    in «Глазьев» even where letters alone would not bridge the spellings.
    """

    def __init__(self, vote: Vote | None = None, names: Sequence[tuple[str, str]] = ()) -> None:
        self.vote = vote
        self.names = tuple(names)

    def judge(self, claim: str, passages: Sequence[Passage]) -> Judgement:
        """The verdict on one claim."""
        return self.judge_many([(claim, passages)])[0]

    def judge_many(self, items: Sequence[tuple[str, Sequence[Passage]]]) -> list[Judgement]:
        """Verdicts on many claims; the votes they need go to the model as one batch."""
        readings = [rules.read(claim, list(passages), self.names) for claim, passages in items]
        asks = [i for i, r in enumerate(readings) if self.vote is not None and r.needs_vote]
        answers = self.vote([readings[i].ballot() for i in asks]) if asks and self.vote else []
        votes: dict[int, str | None] = dict(zip(asks, answers, strict=True))
        return [rules.decide(r, votes.get(i), voted=i in votes) for i, r in enumerate(readings)]
