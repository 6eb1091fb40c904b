"""Archive search: full text and cross-language meaning, over the store's indexes.

The SQL lives in `store/queries/search.py`; this module turns user text into a safe query,
matches into escaped snippets, and ranks meaning search. When each index is written is
explained there: the text index in the transcript's own transaction, embeddings afterwards
(`embed_video`, which the pipeline can call right after saving, and `refresh_embeddings`, which
the web worker runs between jobs for anything still missing).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from markupsafe import Markup, escape

from videobrief.models import embeddings
from videobrief.store import Filters, SegmentMatch, Store
from videobrief.store.queries.search import MARK_CLOSE, MARK_OPEN
from videobrief.text.languages import has_cyrillic

__all__ = ["Filters", "Hit", "SemanticIndex", "embed_video", "refresh_embeddings", "search_text"]

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_TERMS = 12
EMBED_BATCH = 32
NO_FILTERS = Filters()


@dataclass(frozen=True)
class Hit:
    """One matching segment with a link target (video id + start time) and safe snippets."""

    video_id: str
    title: str | None
    segment: int
    start: float
    end: float
    lang: str | None
    snippet: Markup
    english: Markup | None
    score: float
    kind: str  # "text" | "semantic"


def _marked(raw: str | None) -> Markup | None:
    """Escape everything, then turn the private-use markers into <mark> tags."""
    if raw is None:
        return None
    safe = str(escape(raw))
    return Markup(safe.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>"))


# -- indexing ---------------------------------------------------------------------------------


Embedder = Callable[[list[str]], np.ndarray]


def _embed(
    store: Store, todo: list[tuple[int, str, str]], passages: Embedder = embeddings.passages
) -> int:
    stored = 0
    for i in range(0, len(todo), EMBED_BATCH):
        batch = todo[i : i + EMBED_BATCH]
        vectors = passages([body for _, _, body in batch])
        rows = [
            (pk, body, embeddings.to_bytes(vec))
            for (pk, _, body), vec in zip(batch, vectors, strict=True)
        ]
        stored += store.save_embeddings(embeddings.MODEL_NAME, rows)
    return stored


def embed_video(store: Store, video_id: str, passages: Embedder = embeddings.passages) -> int:
    """Embed the segments of one video that have no embedding yet; returns how many.

    `passages` computes the vectors (a Ray task, under the Ray executor); the store writes
    stay with the caller.
    """
    return _embed(store, store.segments_to_embed(video_id), passages)


def refresh_embeddings(store: Store, limit: int | None = None) -> int:
    """Embed segments still missing an embedding, at most `limit` of them; returns how many.

    Slow (the model runs on the CPU), so the background worker calls it a batch at a time.
    """
    return _embed(store, store.segments_to_embed(limit=limit))


# -- querying ---------------------------------------------------------------------------------


def _stem(word: str) -> str:
    """Crude Russian stemming for FTS5: drop a case ending so "экономики" finds "экономика".

    Russian inflects by ending; without this, an exact-form index misses most hits. English
    words pass unchanged (a prefix match already covers plurals). PostgreSQL uses its own
    Snowball stemmers instead.
    """
    if has_cyrillic(word):
        if len(word) >= 6:
            return word[:-2]
        if len(word) == 5:
            return word[:-1]
    return word


def fts_query(q: str) -> str | None:
    """User text → a safe FTS5 query: each word quoted, stemmed and prefix-matched."""
    words = _WORD.findall(q)[:MAX_QUERY_TERMS]
    if not words:
        return None
    return " ".join('"' + _stem(w) + '"*' for w in words)


def _hit(m: SegmentMatch, kind: str, score: float | None = None) -> Hit:
    marked = kind == "text"
    return Hit(
        video_id=m.video_id,
        title=m.title,
        segment=m.segment,
        start=m.start,
        end=m.end,
        lang=m.lang,
        snippet=(_marked(m.text) if marked else Markup(escape(m.text))) or Markup(""),
        english=(_marked(m.english) if marked else Markup(escape(m.english)))
        if m.english and not _same_text(m.text, m.english)
        else None,
        score=m.score if score is None else score,
        kind=kind,
    )


def search_text(store: Store, q: str, filters: Filters = NO_FILTERS, limit: int = 20) -> list[Hit]:
    """Full-text search over original (and English) segment text, best first."""
    match = fts_query(q)
    if match is None:
        return []
    plain = " ".join(_WORD.findall(q)[:MAX_QUERY_TERMS])
    return [_hit(m, "text") for m in store.search_text(match, plain, filters, limit)]


# Meaning search keeps a hit only if it is close in absolute terms and close to the best hit.
# Calibrated with multilingual-e5-small on the test archive: queries with no answer there
# ("banana bread recipe", "football results", "family estate inheritance") peak at 0.735-0.760;
# answered ones ("grain trade talks", "weather in Moscow", "railway construction") at
# 0.788-0.857, with their runner-up hits within 0.05 of the best only when also relevant.
SEMANTIC_FLOOR = 0.77
SEMANTIC_GAP = 0.05


def close_enough(scores: np.ndarray) -> np.ndarray:
    """Mask of scores above the floor and within SEMANTIC_GAP of the best one."""
    if not len(scores):
        return scores.astype(bool)
    best = float(scores.max())
    return (scores >= SEMANTIC_FLOOR) & (scores >= best - SEMANTIC_GAP)


def _same_text(a: str | None, b: str | None) -> bool:
    """Is the English line the original again (English speech)? Marks and spacing aside."""
    if not a or not b:
        return False

    def plain(x: str) -> str:
        return " ".join(x.replace(MARK_OPEN, "").replace(MARK_CLOSE, "").split()).casefold()

    return plain(a) == plain(b)


class SemanticIndex:
    """All segment embeddings as one in-memory matrix, reloaded when the table changes.

    A brute-force dot product over the whole matrix is quick at the archive sizes this tool
    sees, so an ANN index is not worth its complexity (pgvector is not in Debian 12, so
    PostgreSQL takes this path too).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._ids = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, embeddings.DIM), dtype=np.float32)

    def _load(self, store: Store) -> None:
        key = store.embedding_key()
        if key == self._key:
            return
        rows = store.all_embeddings()
        self._ids = np.array([r[0] for r in rows], dtype=np.int64)
        vectors = [embeddings.from_bytes(r[1]) for r in rows]
        self._matrix = np.vstack(vectors) if vectors else np.zeros((0, embeddings.DIM), "f4")
        self._key = key

    def search(self, store: Store, q: str, filters: Filters = NO_FILTERS, limit: int = 20):
        """Segments nearest in meaning to `q`, in any language, best first."""
        if not _WORD.search(q):
            return []
        with self._lock:
            self._load(store)
            ids, matrix = self._ids, self._matrix
        if not len(ids):
            return []
        scores = matrix @ embeddings.query(q)
        order = np.argsort(-scores)[: max(limit * 10, 100)]
        order = order[close_enough(scores[order])]
        if not len(order):
            return []
        wanted = {int(ids[i]): float(scores[i]) for i in order}
        found = store.segments_by_pk(list(wanted), filters)
        found.sort(key=lambda m: -wanted[m.segment_pk])
        return [_hit(m, "semantic", wanted[m.segment_pk]) for m in found[:limit]]
