"""Tables for `videobrief batch` and `watch`: one row per source seen (see migration 0010)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from videobrief.store.tables.videos import Base, UTCDateTime, utcnow


class BatchSource(Base):
    """A path or URL a batch or watcher took on, keyed by the source string.

    Size and mtime (for files) let `watch` tell an already-processed file from a new version
    written under the same name; `video_id` has no foreign key because a failed source has no
    video row.
    """

    __tablename__ = "batch_sources"
    __table_args__ = (CheckConstraint("status IN ('running', 'done', 'failed')", name="status"),)

    source: Mapped[str] = mapped_column(Text, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    mtime_ns: Mapped[int | None] = mapped_column(BigInteger)
    video_id: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
