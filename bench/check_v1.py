"""The checker as it was before the judge (check-v1), frozen for bench/check.py's baseline.

Its verdict rules (thresholds tuned on bench/data/check_claims.json) and its clause loop,
copied unchanged but for the imports, over today's retrieval (`stages.check.evidence`). Not
used by videobrief itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from videobrief.models.chat_client import ChatClient, LLMError
from videobrief.records import Citation, ClaimCheck
from videobrief.stages.check.evidence import Corpus, Facts, Match, facts, retrieve
from videobrief.text.names import Evidence, names

# Calibrated with bench/check.py on the labelled claims of bench/data/check_claims.json.
SIM_SUPPORTED = 0.83  # meaning floor for `supported` with word coverage
SIM_CROSS = 0.86  # meaning floor when no evidence text is in the claim's script
MIN_COVERAGE = 0.6  # share of content words the evidence must state
SIM_PARTLY = 0.82
MIN_PARTLY_COVERAGE = 0.35
SIM_CONTRADICT = 0.82
SHOWN = 3  # nearest segments shown for `not found`


@dataclass(frozen=True)
class Judge:
    """An OpenAI-compatible endpoint asked whether the evidence entails the claim."""

    client: ChatClient

    def vote(self, claim: str, evidence: str) -> str | None:
        """ "entailed", "contradicted" or "neutral"; None when the model gave no usable answer."""
        prompt = (
            "Evidence (a transcript excerpt, maybe in another language):\n"
            f"{evidence}\n\nClaim: {claim}\n\n"
            'Does the evidence entail the claim? Answer JSON {"verdict": "entailed"|'
            '"contradicted"|"neutral"}.'
        )
        try:
            raw = self.client.complete(
                [{"role": "user", "content": prompt}], max_tokens=40, json_schema=_SCHEMA
            )
            verdict = json.loads(raw[raw.find("{") : raw.rfind("}") + 1]).get("verdict")
        except (LLMError, ValueError, AttributeError):
            return None
        return verdict if verdict in ("entailed", "contradicted", "neutral") else None


_SCHEMA = {
    "type": "object",
    "properties": {"verdict": {"enum": ["entailed", "contradicted", "neutral"]}},
    "required": ["verdict"],
}


def _supports(m: Match, fact: Facts) -> bool:
    if m.names_missing or m.numbers_missing:
        return False
    if m.coverage is None:
        anchored = bool(m.names_found) or bool(fact.numbers)
        return anchored and m.similarity >= SIM_CROSS
    return m.coverage >= MIN_COVERAGE and m.similarity >= SIM_SUPPORTED


def _fits_otherwise(m: Match) -> bool:
    """The stretch matches the claim apart from its numbers or names."""
    if m.similarity < SIM_CONTRADICT:
        return False
    return m.coverage is None or m.coverage >= MIN_COVERAGE - 0.1


def _number_conflict(m: Match, fact: Facts) -> str | None:
    for value in m.numbers_missing:
        is_year = value in fact.years
        pool = sorted(m.evidence_years if is_year else m.evidence_numbers - m.evidence_years)
        if pool:
            said = ", ".join(_show(v) for v in pool)
            kind = "year" if is_year else "number"
            return f"the claim says {kind} {_show(value)}; the segment says {said}"
    return None


def _name_conflict(corpus: Corpus, m: Match, fact: Facts) -> str | None:
    # One name swapped for another in a stretch that otherwise matches: "Russia and China meet
    # in Moscow" against "Russia and Belarus meet in Moscow". Two names missing is a different
    # statement, not a swapped name.
    if len(m.names_missing) != 1 or not m.names_found:
        return None
    if m.coverage is None or m.coverage < MIN_COVERAGE:
        return None
    claim_names = Evidence(" ".join(fact.names))
    other = [
        n for n in names(corpus.text_of(m.candidate.segment_ids)) if not claim_names.has_name(n)
    ]
    if other:
        said = ", ".join(other[:3])
        return f"the claim names {', '.join(m.names_missing)}; the segment names {said}"
    return None


def _show(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def citations(corpus: Corpus, m: Match, *, support: bool = True) -> tuple[Citation, ...]:
    """The segments of a match, both languages, with the claim's words found in each."""
    out = []
    for sid in m.candidate.segment_ids:
        seg = corpus.segments[sid]
        ev = Evidence(f"{seg.text} {seg.english or ''}")
        matched = tuple(w for w in m.matched_words if ev.has_token(w)) + tuple(
            n for n in m.names_found if ev.has_name(n)
        )
        out.append(
            Citation(
                segment_id=sid, start=seg.start, end=seg.end, text=seg.text, english=seg.english,
                lang=seg.lang, similarity=round(m.similarity, 3),
                matched=tuple(dict.fromkeys(matched)), support=support,
            )
        )  # fmt: skip
    return tuple(out)


def _missing_reason(m: Match) -> str:
    bits = []
    if m.names_missing:
        bits.append(f"names not there: {', '.join(m.names_missing)}")
    if m.numbers_missing:
        bits.append(f"numbers not there: {', '.join(_show(v) for v in m.numbers_missing)}")
    if m.coverage is not None:
        bits.append(f"{m.coverage:.0%} of its words found")
    bits.append(f"similarity {m.similarity:.2f}")
    return "; ".join(bits)


def _partly(m: Match, fact: Facts) -> bool:
    if m.similarity < SIM_PARTLY or len(m.numbers_missing) == len(fact.numbers) > 0:
        return False
    if m.coverage is None:
        return bool(m.names_found) or (bool(fact.numbers) and not m.numbers_missing)
    return m.coverage >= MIN_PARTLY_COVERAGE and len(m.names_missing) <= 1


def judge_clause(text: str, corpus: Corpus, judge: Judge | None = None) -> ClaimCheck:
    """The verdict on one clause, with citations and reasons."""
    fact = facts(text)
    matches = retrieve(corpus, text, fact)
    if not matches:
        return ClaimCheck(text=text, verdict="not found", reasons=("the transcript is empty",))
    for m in matches:
        if _supports(m, fact):
            return _with_judge(_result(corpus, text, "supported", m, "names, numbers, words and "
                               "meaning are in the cited segments"), corpus, m, judge)  # fmt: skip
    for m in matches:
        if _fits_otherwise(m):
            conflict = _number_conflict(m, fact) or _name_conflict(corpus, m, fact)
            if conflict:
                return _result(corpus, text, "contradicted", m, conflict)
    for m in matches:
        if _partly(m, fact):
            return _result(corpus, text, "partly supported", m, _missing_reason(m))
    nearest = tuple(c for m in matches[:SHOWN] for c in citations(corpus, m, support=False))
    unique = tuple({c.segment_id: c for c in nearest}.values())[:SHOWN]
    return ClaimCheck(
        text=text, verdict="not found", citations=unique,
        reasons=(f"nothing in the transcript says it (nearest: {_missing_reason(matches[0])})",),
        similarity=round(matches[0].similarity, 3), coverage=matches[0].coverage,
    )  # fmt: skip


def _result(corpus: Corpus, text: str, verdict: str, m: Match, reason: str) -> ClaimCheck:
    return ClaimCheck(
        text=text, verdict=verdict, citations=citations(corpus, m), reasons=(reason,),
        similarity=round(m.similarity, 3),
        coverage=None if m.coverage is None else round(m.coverage, 3),
    )  # fmt: skip


def _with_judge(check: ClaimCheck, corpus: Corpus, m: Match, judge: Judge | None) -> ClaimCheck:
    if judge is None:
        return check
    vote = judge.vote(check.text, corpus.text_of(m.candidate.segment_ids, both=True))
    if vote is None or vote == "entailed":
        return check.model_copy(update={"judge": vote})
    return check.model_copy(
        update={
            "judge": vote,
            "verdict": "partly supported",
            "reasons": (*check.reasons, f"the LLM judge says {vote}: held back from supported"),
        }
    )


def combine(verdicts: list[str]) -> str:
    """A sentence's verdict from its clauses'."""
    if all(v == "supported" for v in verdicts):
        return "supported"
    if "contradicted" in verdicts:
        return "contradicted"
    if all(v == "not found" for v in verdicts):
        return "not found"
    return "partly supported"


def check_v1(transcript, text: str):  # noqa: ANN001, ANN201 - a frozen copy
    """Verdicts on every claim of `text` as check-v1 gave them (no LLM)."""
    from videobrief.records import CheckResult
    from videobrief.stages.check.claims import split_claims
    from videobrief.stages.check.evidence import build_corpus

    corpus = build_corpus(transcript)
    claims = []
    for sentence in split_claims(text):
        parts = [judge_clause(c, corpus, None) for c in sentence.clauses]
        if len(parts) == 1:
            claims.append(parts[0].model_copy(update={"text": sentence.text}))
            continue
        claims.append(ClaimCheck(text=sentence.text, verdict=combine([p.verdict for p in parts])))
    return CheckResult(video_id=transcript.id, claims=tuple(claims))
