"""The entailment vote: a chat model reads the evidence and the claim and answers one word.

SUPPORTED / CONTRADICTED / NOTSAID at temperature 0, over the evidence's original words and
its validated English. The system message is the same for every claim, so llama.cpp keeps it
evaluated between calls (its KV cache keeps the common prefix of the last prompt, as the
English track's turns rely on): a batch pays for it once, and each claim costs its own
evidence, the claim and a few answer tokens.

The vote is one input to the judge (`videobrief.judge.Judge`), never the whole verdict: it
decides supported against not said; `contradicted` stands only where the slot rules see a
value that differs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from videobrief.models.chat_client import LLMError

if TYPE_CHECKING:
    from videobrief.judge.passage import Passage
    from videobrief.models.chat_client import ChatClient
    from videobrief.models.llama import LlamaChat

SYSTEM = (
    "You are a careful fact-checker. You get an excerpt of a news video's transcript (in "
    "its original language, often Russian, with an English translation) and a claim. "
    "Decide from the excerpt alone.\n"
    "Answer with exactly one word:\n"
    "SUPPORTED - the excerpt says what the claim says (other words or language are fine).\n"
    "CONTRADICTED - the excerpt says something else about the same thing: another date, "
    "number, place, person or organisation, the opposite direction, or the opposite.\n"
    "NOTSAID - the excerpt does not say it."
)
# Characters of evidence a prompt carries (≈ 2 long segments in both languages).
MAX_EVIDENCE_CHARS = 900
ANSWER_TOKENS = 4
VOTES = ("supported", "contradicted", "not said")

Messages = list[dict[str, str]]


def user_turn(claim: str, passage: Passage) -> str:
    """The evidence first, then the claim: the question comes last, next to the answer."""
    original = passage.original[:MAX_EVIDENCE_CHARS]
    lines = [f"Excerpt ({passage.lang or 'original'}): {original}"]
    if passage.english and passage.english != passage.original:
        lines.append(f"Excerpt (English): {passage.english[:MAX_EVIDENCE_CHARS]}")
    lines += [f"Claim: {claim}", "Answer (SUPPORTED, CONTRADICTED or NOTSAID):"]
    return "\n".join(lines)


def messages(claim: str, passage: Passage) -> Messages:
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": user_turn(claim, passage)},
    ]


def parse(answer: str) -> str | None:
    """The vote in an answer ("SUPPORTED.", "Not said", "contradicted"), None when unclear."""
    word = "".join(ch for ch in answer.strip().upper() if ch.isalpha() or ch == " ")
    word = word.replace(" ", "").replace("_", "")
    for prefix, vote in (("SUPPORT", "supported"), ("CONTRADICT", "contradicted"),
                         ("NOTSAID", "not said"), ("NOT", "not said")):  # fmt: skip
        if word.startswith(prefix):
            return vote
    return None


def _batch(complete: Callable[[Messages], str]) -> Callable[..., list[str | None]]:
    def vote(items: Sequence[tuple[str, Passage]]) -> list[str | None]:
        out: list[str | None] = []
        for claim, passage in items:
            try:
                out.append(parse(complete(messages(claim, passage))))
            except (LLMError, RuntimeError, ValueError):
                out.append(None)  # no usable answer: the rules decide alone
        return out

    return vote


def bundled_vote(chat: LlamaChat) -> Callable[..., list[str | None]]:
    """The bundled model (`models.llama.LlamaChat`) as the vote, one call per claim in order,
    the shared system prefix evaluated once."""
    return _batch(lambda m: chat(m, ANSWER_TOKENS))


def endpoint_vote(client: ChatClient) -> Callable[..., list[str | None]]:
    """Any OpenAI-compatible model (`--llm-url`) as the vote."""
    return _batch(lambda m: client.complete(m, max_tokens=ANSWER_TOKENS))
