"""From retrieval to the judge and back: candidates become `judge.Passage`s, a `Judgement`
becomes a `ClaimCheck` with its citations, and clause verdicts sum up to a sentence's.

The verdict itself is the judge's (`videobrief.judge`): slot rules decided in the original
language, and the model's vote when one is given. This module only translates between the
checker's records and the judge's.
"""

from __future__ import annotations

from videobrief.judge import Judgement, Passage
from videobrief.records import Citation, ClaimCheck
from videobrief.stages.check.evidence import Corpus, Match
from videobrief.text.names import Evidence, names
from videobrief.text.sentences import content_words, validated_english

SHOWN = 3  # nearest segments shown for `not found`


def passage(corpus: Corpus, ids: tuple[int, ...], similarity: float | None = None) -> Passage:
    """The segments `ids` as one passage: original words, and validated English only."""
    segs = [corpus.segments[i] for i in ids]
    englishes = [validated_english(s) for s in segs]
    speakers = {s.speaker for s in segs}
    return Passage(
        segment_ids=ids,
        start=segs[0].start,
        end=segs[-1].end,
        original=" ".join(s.text for s in segs),
        english=" ".join(e for e in englishes if e) if all(englishes) else None,
        lang=segs[0].lang,
        speaker=speakers.pop() if len(speakers) == 1 else None,
        similarity=similarity,
    )


def passages(corpus: Corpus, matches: list[Match]) -> list[Passage]:
    """One passage per stretch of segments, best first; a stretch found in both renderings
    (original and English track) keeps its better similarity."""
    best: dict[tuple[int, ...], float] = {}
    for m in matches:
        ids = m.candidate.segment_ids
        best[ids] = max(best.get(ids, -1.0), m.similarity)
    return [passage(corpus, ids, round(sim, 4)) for ids, sim in best.items()]


def citations(
    corpus: Corpus, claim: str, ids: tuple[int, ...], similarity: float, *, support: bool = True
) -> tuple[Citation, ...]:
    """The segments `ids`, both languages, each with the claim's words and names it states."""
    words = content_words(claim)
    named = names(claim)
    out = []
    for sid in ids:
        seg = corpus.segments[sid]
        ev = Evidence(f"{seg.text} {seg.english or ''}")
        matched = [w for w in words if ev.has_token(w)] + [n for n in named if ev.has_name(n)]
        out.append(
            Citation(
                segment_id=sid, start=seg.start, end=seg.end, text=seg.text, english=seg.english,
                lang=seg.lang, similarity=round(similarity, 3),
                matched=tuple(dict.fromkeys(matched)), support=support,
            )
        )  # fmt: skip
    return tuple(out)


def claim_check(corpus: Corpus, text: str, j: Judgement, nearest: list[Passage]) -> ClaimCheck:
    """The checker's record of one judged clause."""
    if j.passage is not None:
        cited = citations(corpus, text, j.passage.segment_ids, j.passage.similarity or 0.0)
    else:
        shown = [c for p in nearest[:SHOWN] for c in _nearest(corpus, text, p)]
        cited = tuple({c.segment_id: c for c in shown}.values())[:SHOWN]
    return ClaimCheck(
        text=text, verdict=j.verdict, citations=cited, reasons=j.reasons, judge=j.vote,
        similarity=j.similarity, coverage=j.coverage,
    )  # fmt: skip


def _nearest(corpus: Corpus, text: str, p: Passage) -> tuple[Citation, ...]:
    return citations(corpus, text, p.segment_ids, p.similarity or 0.0, support=False)


def combine(verdicts: list[str]) -> str:
    """A sentence's verdict from its clauses'."""
    if all(v == "supported" for v in verdicts):
        return "supported"
    if "contradicted" in verdicts:
        return "contradicted"
    if all(v == "not found" for v in verdicts):
        return "not found"
    return "partly supported"
