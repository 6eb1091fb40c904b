"""Search tables: the segment embeddings, and the names of the dialect-only text indexes.

Two search structures are not models: SQLite's FTS5 table (SQLAlchemy cannot describe virtual
tables) and PostgreSQL's generated `segments.search_tsv` column with its GIN index (portable
models cannot type it). Migrations create them; `include_name` hides them from schema
comparison. Their queries are in `queries/search.py`.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from videobrief.store.tables.videos import Base, BigIntPK

FTS_TABLE = "segments_fts"
_FTS_SHADOWS = ("_data", "_idx", "_content", "_docsize", "_config")
FTS_TABLES = frozenset({FTS_TABLE, *(FTS_TABLE + s for s in _FTS_SHADOWS)})
PG_TSV_COLUMN = "search_tsv"
PG_TSV_INDEX = "ix_segments_search_tsv"


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """Alembic filter: leave the dialect-only search structures out of comparisons."""
    if type_ == "table":
        return name not in FTS_TABLES
    if type_ == "column":
        return name != PG_TSV_COLUMN
    if type_ == "index":
        return name != PG_TSV_INDEX
    return True


class SegmentEmbedding(Base):
    """A segment's multilingual embedding (float32 bytes) for cross-language search."""

    __tablename__ = "segment_embeddings"
    __table_args__ = (Index("ix_segment_embeddings_video_id", "video_id"),)

    segment_id: Mapped[int] = mapped_column(
        BigIntPK,
        ForeignKey("segments.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    video_id: Mapped[str] = mapped_column(String(64), ForeignKey("videos.id", ondelete="CASCADE"))
    model: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
