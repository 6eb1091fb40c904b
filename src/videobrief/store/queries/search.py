"""The search indexes' SQL: full text (SQLite FTS5 / PostgreSQL tsvector) and embeddings.

`Store` inherits `SearchQueries`; `videobrief.store.search` builds safe snippets and ranks
meaning search on top of them and never sees SQL.

When each index is written:
- **Text**: in the transcript's own transaction. On SQLite `sync_text_index` rewrites the FTS5
  rows of the segments that changed; on PostgreSQL the generated `segments.search_tsv` column
  follows the row by itself. A video stored by `videobrief run` is searchable the moment the
  transaction commits, with no worker running.
- **Embeddings**: not in that transaction, because the embedding model is slow on a CPU and
  the write lock would be held meanwhile. Saving a transcript deletes the embedding of every
  segment whose text changed; `videobrief.store.search.embed_video` fills the gaps for one
  video (the pipeline can call it right after saving) and the web worker fills any that remain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Select,
    bindparam,
    column,
    delete,
    exists,
    func,
    insert,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from videobrief.store.queries.archive import complete_video
from videobrief.store.queries.base import Queries, chunks
from videobrief.store.tables.entities import EntityRow
from videobrief.store.tables.search import FTS_TABLE, PG_TSV_COLUMN, SegmentEmbedding
from videobrief.store.tables.videos import SegmentRow, Video, VideoSpeakerRow

MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"  # private-use markers: survive escaping
_fts = table(FTS_TABLE, column("rowid"), column("video_id"), column("text"), column("english"))
_tsv = literal_column(f"segments.{PG_TSV_COLUMN}")
_HIT_COLS = (
    SegmentRow.video_id,
    Video.title,
    SegmentRow.idx,
    SegmentRow.start,
    SegmentRow.end,
    SegmentRow.lang,
)


@dataclass(frozen=True)
class Filters:
    """Narrowing applied to both search kinds."""

    lang: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    entity: str | None = None  # an archive entity key ("PER:lukashenko"): its videos only
    speaker: str | None = None  # a speaker's name: only the segments that speaker speaks


@dataclass(frozen=True)
class SegmentMatch:
    """A matching segment as stored; `text`/`english` may hold MARK_OPEN/MARK_CLOSE markers."""

    video_id: str
    title: str | None
    segment: int
    start: float
    end: float
    lang: str | None
    text: str
    english: str | None
    score: float
    segment_pk: int


def sync_text_index(
    session: Session, video_id: str, fresh: Sequence[tuple[int, str, str | None]], gone: list[int]
) -> None:
    """SQLite: drop the FTS rows of `gone` and rewrite those of `fresh` (pk, text, english)."""
    if session.get_bind().dialect.name != "sqlite":
        return
    stale = gone + [pk for pk, _, _ in fresh]
    for chunk in chunks(stale):
        session.execute(delete(_fts).where(_fts.c.rowid.in_(chunk)))
    rows = [{"rowid": pk, "video_id": video_id, "text": t, "english": e} for pk, t, e in fresh]
    if rows:
        session.execute(_fts.insert(), rows)


def _listed(stmt: Select) -> Select:
    """Only videos the archive lists (all stages done): a half-made video is never a hit.

    Applied where rows are fetched for display, not to the ranking of every match, so it costs
    nothing on the common path; a page may then show fewer hits while a video is processing.
    """
    return stmt.where(complete_video())


def _filtered(stmt: Select, filters: Filters) -> Select:
    if filters.lang:
        stmt = stmt.where(SegmentRow.lang == filters.lang)
    if filters.date_from:
        stmt = stmt.where(Video.created_at >= datetime.combine(filters.date_from, time()))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time())
        stmt = stmt.where(Video.created_at < end)
    if filters.entity:
        naming = select(EntityRow.video_id).where(EntityRow.norm == filters.entity)
        stmt = stmt.where(SegmentRow.video_id.in_(naming))
    if filters.speaker:  # the segment's own speaker, by name (user names are on these rows)
        stmt = stmt.where(
            exists().where(
                VideoSpeakerRow.video_id == SegmentRow.video_id,
                VideoSpeakerRow.label == SegmentRow.speaker,
                VideoSpeakerRow.name == filters.speaker,
            )
        )
    return stmt


class SearchQueries(Queries):
    """`Store` methods for full-text and meaning search."""

    # -- full text ----------------------------------------------------------------------------

    def search_text(
        self, fts_match: str, plain: str, filters: Filters, limit: int
    ) -> list[SegmentMatch]:
        """Segments matching the query, best first, with marked snippets.

        `fts_match` is an FTS5 query (SQLite); `plain` the user's words (PostgreSQL, parsed
        by `websearch_to_tsquery`, which accepts any input).
        """
        if self.dialect == "postgresql":
            return self.read(lambda s: _search_pg(s, plain, filters, limit))
        return self.read(lambda s: _search_sqlite(s, fts_match, filters, limit))

    def languages(self) -> list[str]:
        """Every segment language in the archive, sorted (the search filter menu)."""
        stmt = select(SegmentRow.lang).where(SegmentRow.lang.is_not(None)).distinct()
        return sorted(self.read(lambda s: list(s.scalars(stmt))))

    # -- embeddings ---------------------------------------------------------------------------

    def embedding_key(self) -> tuple:
        """Changes whenever the embedding table may have: (rows, largest key, newest video)."""
        stmt = select(
            select(func.count()).select_from(SegmentEmbedding).scalar_subquery(),
            select(func.coalesce(func.max(SegmentEmbedding.segment_id), 0)).scalar_subquery(),
            select(func.max(Video.updated_at)).scalar_subquery(),
        )
        return tuple(self.read(lambda s: s.execute(stmt).one()))

    def all_embeddings(self) -> list[tuple[int, bytes]]:
        """(segment pk, float32 bytes) for every embedded segment."""
        stmt = select(SegmentEmbedding.segment_id, SegmentEmbedding.vector)
        return self.read(lambda s: [tuple(r) for r in s.execute(stmt)])

    def segments_by_pk(self, pks: Sequence[int], filters: Filters) -> list[SegmentMatch]:
        """The given segments (any order) that pass the filters, with their plain text."""
        if not pks:
            return []
        stmt = _filtered(
            select(*_HIT_COLS, SegmentRow.text, SegmentRow.english, SegmentRow.id)
            .join(Video, Video.id == SegmentRow.video_id)
            .where(SegmentRow.id.in_(list(pks))),
            filters,
        )
        stmt = _listed(stmt)
        return self.read(
            lambda s: [SegmentMatch(*r[:8], score=0.0, segment_pk=r[8]) for r in s.execute(stmt)]
        )

    def segments_to_embed(
        self, video_id: str | None = None, limit: int | None = None
    ) -> list[tuple[int, str, str]]:
        """(pk, video id, text) of segments with no embedding yet (one video's, or all by video)."""
        stmt = (
            select(SegmentRow.id, SegmentRow.video_id, SegmentRow.text)
            .outerjoin(SegmentEmbedding, SegmentEmbedding.segment_id == SegmentRow.id)
            .where(SegmentEmbedding.segment_id.is_(None))
            .order_by(SegmentRow.video_id, SegmentRow.idx)
        )
        if video_id is not None:
            stmt = stmt.where(SegmentRow.video_id == video_id)
        if limit is not None:
            stmt = stmt.limit(limit)
        return self.read(lambda s: [tuple(r) for r in s.execute(stmt)])

    def save_embeddings(self, model: str, rows: Sequence[tuple[int, str, bytes]]) -> int:
        """Store (pk, text it was computed from, vector); returns how many were kept.

        A segment deleted or re-worded since its text was read is skipped, so a slow embedding
        run never attaches a vector to text it did not see.
        """
        if not rows:
            return 0

        def fn(session: Session) -> int:
            current: dict[int, tuple[str, str]] = {}
            for chunk in chunks([pk for pk, _, _ in rows]):
                stmt = select(SegmentRow.id, SegmentRow.video_id, SegmentRow.text).where(
                    SegmentRow.id.in_(chunk)
                )
                current.update({pk: (vid, body) for pk, vid, body in session.execute(stmt)})
                done = select(SegmentEmbedding.segment_id).where(
                    SegmentEmbedding.segment_id.in_(chunk)
                )
                for pk in session.scalars(done):
                    current.pop(pk, None)
            keep = [
                {"segment_id": pk, "video_id": current[pk][0], "model": model, "vector": vec}
                for pk, body, vec in rows
                if pk in current and current[pk][1] == body
            ]
            if keep:
                session.execute(_insert_ignore(session, SegmentEmbedding), keep)
            return len(keep)

        return self.write(fn)


def _insert_ignore(session: Session, model: type) -> Any:
    """INSERT … ON CONFLICT DO NOTHING: another worker may have embedded the same segment."""
    name = session.get_bind().dialect.name
    dialect = {"sqlite": sqlite, "postgresql": postgresql}.get(name)
    if dialect is None:
        return insert(model)
    return dialect.insert(model).on_conflict_do_nothing()


_MATCH = text(f"{FTS_TABLE} MATCH :match")
_SCORE = func.bm25(literal_column(FTS_TABLE)).label("score")
_RANKED = select(_fts.c.rowid, _SCORE).select_from(_fts).where(_MATCH)
_RANKED_ALL = _RANKED.order_by(_SCORE, _fts.c.rowid).limit(bindparam("limit"))
# `+rowid`: the unary plus keeps the IN list away from FTS5's planner. Offered to it, FTS5
# runs the whole MATCH once per listed rowid (prefix terms expanded again each time); filtered
# here, one MATCH pass yields the rows.
_DETAIL = _listed(
    select(
        _fts.c.rowid,
        *_HIT_COLS,
        func.snippet(literal_column(FTS_TABLE), 1, MARK_OPEN, MARK_CLOSE, "…", 24),
        func.snippet(literal_column(FTS_TABLE), 2, MARK_OPEN, MARK_CLOSE, "…", 24),
    )
    .select_from(_fts)
    .join(SegmentRow, SegmentRow.id == _fts.c.rowid)
    .join(Video, Video.id == SegmentRow.video_id)
    .where(_MATCH, literal_column(f"+{FTS_TABLE}.rowid").in_(bindparam("shown", expanding=True)))
)


def _search_sqlite(session: Session, match: str, filters: Filters, limit: int) -> list:
    """Two steps: rank every match without building snippets (SQLite would build one for each
    of thousands of matches before sorting), then snippets for the few rows shown only. The
    unfiltered statements are built once (the common case: the search box)."""
    conn = session.connection()
    if filters == Filters():
        order = conn.execute(_RANKED_ALL, {"match": match, "limit": limit}).all()
    else:
        ranked = _filtered(
            _RANKED.join(SegmentRow, SegmentRow.id == _fts.c.rowid).join(
                Video, Video.id == SegmentRow.video_id
            ),
            filters,
        )
        ranked = ranked.order_by(_SCORE, _fts.c.rowid).limit(limit)
        order = conn.execute(ranked, {"match": match}).all()
    if not order:
        return []
    shown = [r[0] for r in order]
    rows = {r[0]: r[1:] for r in conn.execute(_DETAIL, {"match": match, "shown": shown})}
    return [
        SegmentMatch(*rows[pk][:6], rows[pk][6] or "", rows[pk][7] or None, -float(rank), pk)
        for pk, rank in order
        if pk in rows
    ]


def _search_pg(session: Session, q: str, filters: Filters, limit: int) -> list:
    """PostgreSQL: the GIN-indexed tsvector, ranked by ts_rank_cd, snippets by ts_headline.

    The query is parsed twice, with the `russian` and the `english` configurations, and OR-ed:
    the document holds the original text under one and the English track under the other.
    """
    tsq = func.websearch_to_tsquery("russian", q).op("||")(func.websearch_to_tsquery("english", q))
    rank = func.ts_rank_cd(_tsv, tsq).label("score")
    ranked = (
        select(SegmentRow.id, rank)
        .join(Video, Video.id == SegmentRow.video_id)
        .where(_tsv.op("@@")(tsq))
        .order_by(rank.desc(), SegmentRow.id)
        .limit(limit)
    )
    order = session.execute(_filtered(ranked, filters)).all()
    if not order:
        return []
    opts = f"StartSel={MARK_OPEN},StopSel={MARK_CLOSE},MaxWords=24,MinWords=8"
    detail = (
        select(
            SegmentRow.id,
            *_HIT_COLS,
            func.ts_headline("russian", SegmentRow.text, tsq, opts),
            func.ts_headline("english", func.coalesce(SegmentRow.english, ""), tsq, opts),
        )
        .join(Video, Video.id == SegmentRow.video_id)
        .where(SegmentRow.id.in_([r[0] for r in order]))
    )
    rows = {r[0]: r[1:] for r in session.execute(_listed(detail)).all()}
    return [
        SegmentMatch(*rows[pk][:6], rows[pk][6] or "", rows[pk][7] or None, float(rank), pk)
        for pk, rank in order
        if pk in rows
    ]
