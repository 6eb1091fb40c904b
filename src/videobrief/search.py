"""Archive search: a full-text index (SQLite FTS5) and a multilingual embedding index.

Both indexes are derived data, kept beside the transcripts rather than inside `Store`'s write
path: `refresh_text` / `refresh_embeddings` bring any video whose `updated_at` moved (a new run,
an import from the CLI, a re-transcription) up to date, so whoever wrote the transcript needs to
know nothing about search. The English track is indexed when the store has it (the `english`
column arrives with the English-track migration); until then only the original text is.

PostgreSQL has no FTS5 table: its text search runs `to_tsvector` at query time (correct, not
indexed; a GIN index is the next step there).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from markupsafe import Markup, escape
from sqlalchemy import (
    Column,
    ColumnElement,
    Select,
    and_,
    column,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from videobrief import embeddings
from videobrief.store import Store
from videobrief.store.models import SegmentRow, Video
from videobrief.store.web_models import FTS_TABLE, SearchState, SegmentEmbedding

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use markers: survive escaping, then become <mark>
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_TERMS = 12
_fts = table(FTS_TABLE, column("rowid"), column("video_id"), column("text"), column("english"))


@dataclass(frozen=True)
class Filters:
    """Narrowing applied to both search kinds."""

    lang: str | None = None
    date_from: date | None = None
    date_to: date | None = None


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


def _english_col() -> Column | None:
    """The segments.english column once the English-track schema is present, else None."""
    return SegmentRow.__table__.c.get("english")


def _marked(raw: str | None) -> Markup | None:
    """Escape everything, then turn the private-use markers into <mark> tags."""
    if raw is None:
        return None
    safe = str(escape(raw))
    return Markup(safe.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>"))


# -- indexing ---------------------------------------------------------------------------------


def _stale(session: Session, version_col: ColumnElement, limit: int | None) -> list[tuple]:
    stmt = (
        select(Video.id, Video.updated_at, SearchState.video_id)
        .outerjoin(SearchState, SearchState.video_id == Video.id)
        .where(or_(version_col.is_(None), version_col != Video.updated_at))
        .order_by(Video.created_at.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.execute(stmt).all())


def _set_state(session: Session, video_id: str, known: bool, **versions: datetime) -> None:
    if known:
        row = session.get(SearchState, video_id)
        if row is not None:
            for name, value in versions.items():
                setattr(row, name, value)
            return
    session.add(SearchState(video_id=video_id, **versions))


def _segments(session: Session, video_id: str) -> list[tuple[int, str, str | None]]:
    english = _english_col()
    cols = [SegmentRow.id, SegmentRow.text, english if english is not None else literal(None)]
    stmt = select(*cols).where(SegmentRow.video_id == video_id).order_by(SegmentRow.idx)
    return [tuple(r) for r in session.execute(stmt)]


def refresh_text(store: Store, limit: int | None = None) -> int:
    """Index the text of every video changed since it was last indexed; returns how many.

    On PostgreSQL only the bookkeeping moves (its text search needs no separate table).
    """
    sqlite = store.engine.dialect.name == "sqlite"
    with store.reading() as session:
        stale = _stale(session, SearchState.text_version, limit)
    for video_id, version, known in stale:
        with store.writing() as session:
            if sqlite:
                if known:
                    session.execute(delete(_fts).where(_fts.c.video_id == video_id))
                rows = [
                    {"rowid": pk, "video_id": video_id, "text": body, "english": en}
                    for pk, body, en in _segments(session, video_id)
                ]
                if rows:
                    session.execute(_fts.insert(), rows)
            _set_state(session, video_id, known is not None, text_version=version)
    return len(stale)


def refresh_embeddings(store: Store, limit: int | None = None) -> int:
    """Embed the segments of videos changed since they were last embedded; returns how many.

    Slow (the model runs on the CPU), so the background worker calls it, a few videos at a time.
    """
    with store.reading() as session:
        stale = _stale(session, SearchState.embed_version, limit)
    for video_id, version, known in stale:
        with store.reading() as session:
            segs = _segments(session, video_id)
        vectors = embeddings.passages([body for _, body, _ in segs])
        try:
            with store.writing() as session:
                session.execute(
                    delete(SegmentEmbedding).where(SegmentEmbedding.video_id == video_id)
                )
                rows = [
                    {
                        "segment_id": pk,
                        "video_id": video_id,
                        "model": embeddings.MODEL_NAME,
                        "vector": embeddings.to_bytes(vec),
                    }
                    for (pk, _, _), vec in zip(segs, vectors, strict=True)
                ]
                if rows:
                    session.execute(SegmentEmbedding.__table__.insert(), rows)
                _set_state(session, video_id, known is not None, embed_version=version)
        except IntegrityError:
            continue  # the transcript was replaced meanwhile; the next refresh picks it up
    return len(stale)


# -- querying ---------------------------------------------------------------------------------


_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def _stem(word: str) -> str:
    """Crude Russian stemming: drop a case ending so "экономики" finds "экономика".

    Russian inflects by ending; without this, an exact-form index misses most hits. English
    words pass unchanged (a prefix match already covers plurals).
    """
    if _CYRILLIC.search(word):
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


def _filtered(stmt: Select, filters: Filters) -> Select:
    if filters.lang:
        stmt = stmt.where(SegmentRow.lang == filters.lang)
    if filters.date_from:
        stmt = stmt.where(Video.created_at >= datetime.combine(filters.date_from, time()))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time())
        stmt = stmt.where(Video.created_at < end)
    return stmt


_HIT_COLS = (
    SegmentRow.video_id,
    Video.title,
    SegmentRow.idx,
    SegmentRow.start,
    SegmentRow.end,
    SegmentRow.lang,
)


def search_text(store: Store, q: str, filters: Filters = Filters(), limit: int = 20) -> list[Hit]:
    """Full-text search over original (and English) segment text, best first."""
    match = fts_query(q)
    if match is None:
        return []
    if store.engine.dialect.name != "sqlite":
        return _search_text_pg(store, q, filters, limit)
    match_clause = text(f"{FTS_TABLE} MATCH :match").bindparams(match=match)
    score = func.bm25(literal_column(FTS_TABLE)).label("score")
    # Two steps: rank every match without building snippets (SQLite would build one for each
    # of thousands of matches before sorting), then snippets for the few rows shown only.
    ranked = select(_fts.c.rowid, score).select_from(_fts).where(match_clause)
    if filters != Filters():
        ranked = _filtered(
            ranked.join(SegmentRow, SegmentRow.id == _fts.c.rowid).join(
                Video, Video.id == SegmentRow.video_id
            ),
            filters,
        )
    ranked = ranked.order_by(score, _fts.c.rowid).limit(limit)
    snip = func.snippet(literal_column(FTS_TABLE), 1, _OPEN, _CLOSE, "…", 24)
    snip_en = func.snippet(literal_column(FTS_TABLE), 2, _OPEN, _CLOSE, "…", 24)
    with store.reading() as session:
        order = session.execute(ranked).all()
        if not order:
            return []
        detail = (
            select(_fts.c.rowid, *_HIT_COLS, snip, snip_en)
            .select_from(_fts)
            .join(SegmentRow, SegmentRow.id == _fts.c.rowid)
            .join(Video, Video.id == SegmentRow.video_id)
            .where(match_clause, _fts.c.rowid.in_([r[0] for r in order]))
        )
        rows = {r[0]: r[1:] for r in session.execute(detail).all()}
    return [_text_hit(rows[rowid], rank) for rowid, rank in order if rowid in rows]


def _text_hit(r: tuple, rank: float) -> Hit:
    return Hit(
        video_id=r[0],
        title=r[1],
        segment=r[2],
        start=r[3],
        end=r[4],
        lang=r[5],
        snippet=_marked(r[6]) or Markup(""),
        english=_marked(r[7]) if r[7] and not _same_text(r[6], r[7]) else None,
        score=-float(rank),
        kind="text",
    )


def _search_text_pg(store: Store, q: str, filters: Filters, limit: int) -> list[Hit]:
    """PostgreSQL: to_tsvector('simple', …) at query time, ts_headline for snippets."""
    english = _english_col()
    body = SegmentRow.text
    doc_text = body + literal(" ") + func.coalesce(english, "") if english is not None else body
    doc = func.to_tsvector("simple", doc_text)
    tsq = func.plainto_tsquery("simple", q)
    opts = f"StartSel={_OPEN},StopSel={_CLOSE},MaxWords=24,MinWords=8"
    rank = func.ts_rank(doc, tsq).label("score")
    stmt = (
        select(*_HIT_COLS, func.ts_headline("simple", body, tsq, opts), rank)
        .join(Video, Video.id == SegmentRow.video_id)
        .where(and_(doc.op("@@")(tsq)))
        .order_by(rank.desc())
        .limit(limit)
    )
    with store.reading() as session:
        rows = session.execute(_filtered(stmt, filters)).all()
    return [
        Hit(*r[:6], snippet=_marked(r[6]) or Markup(""), english=None, score=r[7], kind="text")
        for r in rows
    ]


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
        return " ".join(x.replace(_OPEN, "").replace(_CLOSE, "").split()).casefold()

    return plain(a) == plain(b)


class SemanticIndex:
    """All segment embeddings as one in-memory matrix, reloaded when the table changes.

    A brute-force dot product over 10⁵ × 384 floats takes milliseconds; an ANN index is not
    worth its complexity at archive sizes this tool sees.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._ids = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, embeddings.DIM), dtype=np.float32)

    def _load(self, session: Session) -> None:
        key = tuple(
            session.execute(
                select(func.count(), func.coalesce(func.max(SegmentEmbedding.segment_id), 0))
            ).one()
        )
        if key == self._key:
            return
        rows = session.execute(select(SegmentEmbedding.segment_id, SegmentEmbedding.vector)).all()
        self._ids = np.array([r[0] for r in rows], dtype=np.int64)
        vectors = [embeddings.from_bytes(r[1]) for r in rows]
        self._matrix = np.vstack(vectors) if vectors else np.zeros((0, embeddings.DIM), "f4")
        self._key = key

    def search(self, store: Store, q: str, filters: Filters = Filters(), limit: int = 20):
        """Segments nearest in meaning to `q`, in any language, best first."""
        if not _WORD.search(q):
            return []
        with self._lock, store.reading() as session:
            self._load(session)
            ids, matrix = self._ids, self._matrix
        if not len(ids):
            return []
        scores = matrix @ embeddings.query(q)
        order = np.argsort(-scores)[: max(limit * 10, 100)]
        order = order[close_enough(scores[order])]
        if not len(order):
            return []
        wanted = {int(ids[i]): float(scores[i]) for i in order}
        english = _english_col()
        extra = english if english is not None else literal(None)
        stmt = (
            select(*_HIT_COLS, SegmentRow.text, extra, SegmentRow.id)
            .join(Video, Video.id == SegmentRow.video_id)
            .where(SegmentRow.id.in_(list(wanted)))
        )
        with store.reading() as session:
            rows = session.execute(_filtered(stmt, filters)).all()
        rows.sort(key=lambda r: -wanted[r[8]])
        return [
            Hit(
                *r[:6],
                snippet=Markup(escape(r[6])),
                english=Markup(escape(r[7])) if r[7] and not _same_text(r[6], r[7]) else None,
                score=wanted[r[8]],
                kind="semantic",
            )
            for r in rows[:limit]
        ]
