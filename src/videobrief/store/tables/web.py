"""Tables the web app adds: reader comments, admin tokens and the upload job queue.

Their queries are in `queries/web.py`; the sign-in sessions and rate-limit hits that go with
the tokens are in `tables/security.py`.
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
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from videobrief.store.tables.videos import Base, BigIntPK, UTCDateTime, utcnow

COMMENT_STATUSES = ("visible", "pending", "hidden")
JOB_STATUSES = ("queued", "running", "done", "failed")


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
    # posted by a signed-in admin (shown marked "staff")
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
    # Times the job's worker died while running it (killed, or its lease ran out); at
    # `queries/web.MAX_CRASHES` the job fails instead of being claimed again.
    crashes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A running job whose lease has passed is claimed again (its worker was killed).
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
