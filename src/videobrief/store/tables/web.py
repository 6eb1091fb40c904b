"""Tables the web app adds: comments, admin tokens, jobs, and the segment embeddings.

Kept apart from `models.py` so the transcript schema stays small; they share one `Base`, so
`upgrade head` and the models still describe the same database. Their queries live in
`web_tables.py` (comments, tokens, jobs) and `search_index.py` (embeddings, full text).

Two search structures are not models: SQLite's FTS5 table (SQLAlchemy cannot describe virtual
tables) and PostgreSQL's generated `segments.search_tsv` column with its GIN index (portable
models cannot type it). `include_name` hides them from schema comparison.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from videobrief.store.tables.videos import Base, BigIntPK, UTCDateTime, utcnow

COMMENT_STATUSES = ("visible", "pending", "hidden")
JOB_STATUSES = ("queued", "running", "done", "failed")
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


class Comment(Base):
    """A reader's comment on a video; `client` is a salted hash, never the raw address."""

    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint("status IN ('visible', 'pending', 'hidden')", name="status"),
        Index("ix_comments_video_id_created_at", "video_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    video_id: Mapped[str] = mapped_column(String(64), ForeignKey("videos.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    client: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # posted by a signed-in admin (shown marked "staff"); added by 0007_web_sessions
    staff: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ApiToken(Base):
    """An admin bearer token. Only its sha256 is stored: a leaked database grants nothing."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Job(Base):
    """One uploaded file going through the pipeline in the background worker.

    `video_id` has no foreign key: the video row appears only once ingest succeeds, and a job's
    history should outlive a deleted video.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        Index("ix_jobs_status", "status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(Text)
    upload_path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    video_id: Mapped[str | None] = mapped_column(String(64))
    stage: Mapped[str | None] = mapped_column(String(64))
    done: Mapped[float] = mapped_column(Float, default=0.0)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    note: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Migration 0006: a running job whose lease has passed is claimed again (worker killed).
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


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
