"""The offline brief: the transcript's own most central sentences, lightly trimmed.

Ranking is TextRank over the embedding-similarity graph (edges are similarities above the
transcript's median, so the narrow e5 band does not flatten the graph), weighted towards
sentences that name people, places, organisations or numbers, then MMR to avoid saying the
same thing twice. Nothing is paraphrased: the lede and points are whole sentences minus
leading fillers; the headline is one clause of the top sentence; quotes are verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from videobrief.records import Claim, Quote
from videobrief.stages.brief.index import Index
from videobrief.text.languages import is_cyrillic
from videobrief.text.names import names
from videobrief.text.sentences import Unit, near_duplicate, numbers, trim_fillers, words

DAMPING = 0.85
ITERATIONS = 60
MMR_LAMBDA = 0.7
# Only this many most-central sentences are considered further (NER, MMR): NER costs a few
# ms per sentence, and sentences below that rank do not reach a five-point brief anyway.
CANDIDATES = 40
HEADLINE_WORDS = (4, 14)
QUOTE_WORDS = (6, 45)

_FIRST_PERSON = re.compile(r"\b(?:я|мы|нам|нас|наш\w*|i|we|our|us)\b", re.IGNORECASE)
_CEREMONY = re.compile(
    r"спасибо|благодар|признательн|приветств|рад(?:ы)? видеть|thank|grateful|welcome"
    r"|gratitude|добр\w* (?:день|утро|вечер)|здравствуйте|good (?:morning|afternoon|evening)",
    re.IGNORECASE,
)
# A key point says something: fewer words than this is a greeting or a fragment.
POINT_MIN_WORDS = 4
_ENDED = re.compile(r"[.!?…][\"»”)]*\s*$")
_CLAUSE_SPLIT = re.compile(r"\s*(?:[,;:]|\s[–—-]\s)\s*")


@dataclass(frozen=True)
class Draft:
    """What a backend proposes, before the grounding check."""

    headline: list[Claim]
    lede: list[Claim]
    points: list[Claim]
    quotes: list[Quote]


def centrality(vectors: np.ndarray) -> np.ndarray:
    """TextRank scores (summing to 1) of each row over the cosine-similarity graph."""
    n = len(vectors)
    if n <= 2:
        return np.full(n, 1.0 / max(n, 1))
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, np.nan)
    baseline = float(np.nanmedian(sims))
    weights = np.nan_to_num(np.clip(sims - baseline, 0.0, None))
    rows = weights.sum(axis=1, keepdims=True)
    trans = np.where(rows > 0, weights / np.where(rows > 0, rows, 1.0), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(ITERATIONS):
        rank = (1 - DAMPING) / n + DAMPING * (trans.T @ rank)
    return rank / rank.sum()


def _prior(unit: Unit, name_count: int) -> float:
    """Favour informative sentences: names and numbers up; ceremony (thanks, greetings),
    fragments cut off by the end of the recording, and very short or long sentences down."""
    weight = 1.0 + 0.25 * min(name_count, 3) + (0.3 if numbers(unit.text) else 0.0)
    n = unit.words
    if n < 6:
        weight *= 0.4
    elif n > 45:
        weight *= 0.8
    if _CEREMONY.search(unit.text):
        weight *= 0.5
    if not _ENDED.search(unit.text):
        weight *= 0.7
    return weight


def mmr(candidates: list[int], scores: dict[int, float], vectors: np.ndarray, k: int) -> list[int]:
    """Pick `k` of `candidates`: high score, low similarity to what is already picked."""
    top = max(scores.values()) or 1.0
    chosen: list[int] = []
    pool = list(candidates)
    while pool and len(chosen) < k:

        def value(i: int) -> float:
            overlap = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            return MMR_LAMBDA * scores[i] / top - (1 - MMR_LAMBDA) * overlap

        best = max(pool, key=value)
        chosen.append(best)
        pool.remove(best)
    return chosen


# Speech-translate is the gist, not a faithful translation ("We are going to the next year"
# for «Сегодня мы подводим итоги уходящего года»): its sentences rank below text translation.
GIST_WEIGHT = 0.6


def _gist(index: Index, segment_ids: tuple[int, ...]) -> bool:
    """Does a sentence rest on speech-translate English?"""
    return any(
        index.segments[s].english_source == "speech-translate"
        for s in segment_ids
        if s in index.segments
    )


def rank(index: Index) -> tuple[list[int], dict[int, float], dict[int, list[str]]]:
    """Candidate sentence indices (best first), their scores, and the names each mentions."""
    base = centrality(index.vectors)
    order = [int(i) for i in np.argsort(-base)[:CANDIDATES]]
    found = {i: names(index.units[i].text) for i in order}
    # Square-rooted centrality: it says what the talk is about, but its spread (often 10x
    # between the most and least central sentence of a talk) would otherwise drown the prior
    # that picks out news (names, numbers) among the central sentences.
    scale = len(base)
    scores = {
        i: float(base[i] * scale) ** 0.5
        * _prior(index.units[i], len(found[i]))
        * (GIST_WEIGHT if _gist(index, index.units[i].segment_ids) else 1.0)
        for i in order
    }
    order.sort(key=lambda i: -scores[i])
    return order, scores, found


HEADLINE_CHARS = 90
HEADLINE_CANDIDATES = 6


def _norm(text: str) -> str:
    return " ".join(words(text.lower()))


def headline_text(
    unit: Unit, unit_names: list[str], avoid: frozenset[str] = frozenset()
) -> str | None:
    """A complete headline from `unit`: its first sentence or one clause, at most 90 chars.

    Never a sentence cut off with "…" (a reader cannot tell what was lost), and never a text
    in `avoid` (the lede's sentences: a headline that repeats the lede says nothing). None
    when the unit has no such clause; the caller tries the next candidate.
    """
    lo, hi = HEADLINE_WORDS
    text = trim_fillers(unit.text)
    # A unit can hold two sentences when the second starts in lower case; take the first.
    first = re.split(r"(?<=[.!?…])\s+", text)[0].rstrip(" .!?…,;:")
    options = [first, *_CLAUSE_SPLIT.split(text.rstrip(" .!?…,;:"))]
    valid = [
        c.strip()
        for c in options
        if lo <= len(words(c)) <= hi + 4
        and len(c.strip()) <= HEADLINE_CHARS
        and _norm(c) not in avoid
    ]
    if not valid:
        return None

    def value(clause: str) -> tuple[int, int, int, int]:
        # A headline says something: six words or more before names and numbers ("Как
        # сказал Сергей Викторович" names a person and says nothing).
        informative = sum(1 for n in unit_names if n in clause) + len(numbers(clause))
        full = int(len(words(clause)) >= 6)
        return full, informative, int(clause is first), -abs(len(words(clause)) - 9)

    best = trim_fillers(max(valid, key=value))
    return best[0].upper() + best[1:] if best else None


def has_verb(text: str) -> bool:
    """Does an English clause have a verb (spaCy's tagger)? "Also in BRICS in the
    organization of the United Nations" is a fragment, not a headline. Russian headlines
    often have no verb («Уровень координации беспрецедентный»), so other scripts pass."""
    if is_cyrillic(text) or not re.search(r"[A-Za-z]", text):
        return True
    from videobrief.models.ner import spacy_english

    return any(t.tag_.startswith("VB") or t.tag_ == "MD" for t in spacy_english()(text))


def _quote(unit: Unit, index: Index) -> Quote:
    """A quote is the original words; the English track rides along when the brief is English."""
    segs = [index.segments[s] for s in unit.segment_ids]
    # Sentences are built from the English track only where a segment has one.
    original = not any(s.english for s in segs)
    text = unit.text if original else " ".join(s.text for s in segs)
    speakers = {getattr(s, "speaker", None) for s in segs}
    speaker = speakers.pop() if len(speakers) == 1 else None
    return Quote(
        speaker=speaker,
        text=text,
        start=segs[0].start,
        end=segs[-1].end,
        segment_ids=unit.segment_ids,
        english=None if original else unit.text,
    )


def _greeting(text: str) -> bool:
    """Only a greeting ("Good afternoon."): ceremony with no more than three other words."""
    rest = _CEREMONY.sub("", text)
    return bool(_CEREMONY.search(text)) and len(words(rest)) <= 3


def _headline(
    index: Index, candidates: list[int], found: dict[int, list[str]], avoid: frozenset[str]
) -> list[Claim]:
    """Headline candidates, best first. Never ceremony (a greeting, thanks). First those that
    carry news: a clause with a verb (English) that names a body, place or person, drawn from
    the speaker's words or a text translation (speech-translate is a gist, see `GIST_WEIGHT`);
    then the other valid clauses. The brief shows the first that passes the grounding check."""
    return [claim for _, claim in _headline_units(index, candidates, found, avoid)]


def _headline_units(
    index: Index, candidates: list[int], found: dict[int, list[str]], avoid: frozenset[str]
) -> list[tuple[int, Claim]]:
    """`_headline`'s candidates, each with the sentence it was cut from."""
    units = index.units
    claims: list[tuple[int, Claim]] = []
    for i in dict.fromkeys(candidates):
        if _CEREMONY.search(units[i].text):
            continue
        text = headline_text(units[i], found.get(i) or names(units[i].text), avoid)
        if text:
            claims.append((i, Claim(text=text, citations=units[i].segment_ids)))
        if len(claims) >= HEADLINE_CANDIDATES:
            break

    def value(item: tuple[int, Claim]) -> tuple[bool, bool, bool]:
        claim = item[1]
        return not has_verb(claim.text), not names(claim.text), _gist(index, claim.citations)

    return sorted(claims, key=value)


def _same(i: int, j: int, index: Index) -> bool:
    units, vectors = index.units, index.vectors
    return near_duplicate(units[i].text, units[j].text, float(vectors[i] @ vectors[j]))


def _distinct(picked: list[int], index: Index) -> list[int]:
    """`picked` without the sentences that repeat an earlier one (`near_duplicate`)."""
    kept: list[int] = []
    for i in picked:
        if not any(_same(i, j, index) for j in kept):
            kept.append(i)
    return kept


def draft(index: Index, max_points: int = 5, max_quotes: int = 2) -> Draft:
    """The extractive brief for an index (which must hold at least one sentence)."""
    order, scores, found = rank(index)
    if not order:
        return Draft([], [], [], [])
    units = index.units
    # A few spare picks: near-duplicates and greetings are dropped below.
    picked = _distinct(mmr(order, scores, index.vectors, 3 + max_points + 4), index)
    said = [
        i for i in picked if units[i].words >= POINT_MIN_WORDS and not _greeting(units[i].text)
    ] or picked
    if len(units) > 1:
        # The best headline is told once: its sentence leaves the lede (a headline that
        # repeats the lede says nothing) and the lede tells the next ones.
        best = _headline_units(index, [*said, *order], found, frozenset())
        if best:
            top = best[0][0]
            said = [i for i in said if i != top and not _same(top, i, index)] or said
    lede_n = 3 if sum(units[i].words for i in said[:2]) < 40 else 2
    lede_ids = sorted(said[:lede_n])
    lede = [
        Claim(text=trim_fillers(units[i].text), citations=units[i].segment_ids) for i in lede_ids
    ]
    # A one-sentence transcript can only repeat itself (the brief's notes say so).
    avoid = frozenset(_norm(c.text) for c in lede) if len(units) > 1 else frozenset()
    headlines = _headline(index, [*picked, *order], found, avoid)
    points = [
        Claim(text=trim_fillers(units[i].text), citations=units[i].segment_ids)
        for i in said[lede_n : lede_n + max_points]
    ]
    lo, hi = QUOTE_WORDS
    used = set(picked[: lede_n + max_points]) | set(said[: lede_n + max_points])
    quotable = [i for i in order if i not in used and lo <= units[i].words <= hi]
    quotable.sort(key=lambda i: -scores[i] * (1.3 if _FIRST_PERSON.search(units[i].text) else 1))
    quotes = [_quote(units[i], index) for i in quotable[:max_quotes]]
    return Draft(headlines, lede, points, quotes)
