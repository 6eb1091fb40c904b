"""The shared `Base` and the tables of a video: its row, segments, words, stages, brief,
checks, speakers, and the voice library.

The schema is created only by the Alembic migrations (`Store` runs them when it opens); these
classes exist so queries are typed and so a test can check that `upgrade head` and the models
describe the same tables. Only portable column types are used, so the same models serve SQLite
and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints let later migrations drop or alter them on SQLite (batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STAGE_STATUSES = ("queued", "running", "done", "failed")

# SQLite only auto-increments an INTEGER primary key; PostgreSQL gets a 64-bit key.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware in UTC.

    SQLite drops the offset on the way in; without this, the same code would see naive
    datetimes on SQLite and aware ones on PostgreSQL.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """Now, in UTC (one place, so tests and rows agree on the clock)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base carrying the constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Video(Base):
    """One source, identified by the sha256 of its bytes."""

    __tablename__ = "videos"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    duration: Mapped[float] = mapped_column(Float)
    description: Mapped[str | None] = mapped_column(Text)
    media_path: Mapped[str | None] = mapped_column(Text)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    has_video: Mapped[bool | None] = mapped_column(Boolean)
    source_url: Mapped[str | None] = mapped_column(Text)  # where a downloaded source came from
    # Stage name -> cache key of every stage that shaped the stored transcript (see runner).
    transcript_lineage: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class SegmentRow(Base):
    """One `records.Segment`; `idx` is the segment's id within its transcript."""

    __tablename__ = "segments"
    __table_args__ = (
        UniqueConstraint("video_id", "idx"),
        Index("ix_segments_video_id", "video_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    video_id: Mapped[str] = mapped_column(String(64), ForeignKey("videos.id", ondelete="CASCADE"))
    idx: Mapped[int] = mapped_column(Integer)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(16))
    lang_prob: Mapped[float | None] = mapped_column(Float)
    avg_logprob: Mapped[float | None] = mapped_column(Float)
    # The English track; flags is a JSON list of strings.
    english: Mapped[str | None] = mapped_column(Text)
    english_source: Mapped[str | None] = mapped_column(String(32))
    flags: Mapped[list[str] | None] = mapped_column(JSON)
    speaker: Mapped[str | None] = mapped_column(String(16))  # a `records.Speaker` id


class WordRow(Base):
    """One `records.Word`; `idx` is its position within the segment."""

    __tablename__ = "words"
    # The unique index also serves lookups and cascaded deletes by segment_id.
    __table_args__ = (UniqueConstraint("segment_id", "idx"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    segment_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("segments.id", ondelete="CASCADE"),
    )
    idx: Mapped[int] = mapped_column(Integer)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    word: Mapped[str] = mapped_column(Text)
    prob: Mapped[float] = mapped_column(Float)
    low_conf: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    speaker: Mapped[str | None] = mapped_column(String(16))  # a `records.Speaker` id


class StageRow(Base):
    """Bookkeeping for one pipeline stage of one video, so reruns can skip finished work."""

    __tablename__ = "stages"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')",
            name="status",
        ),
    )

    video_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("videos.id", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    settings_hash: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)
    options: Mapped[dict | None] = mapped_column(JSON)  # the stage's options in full
    version: Mapped[str | None] = mapped_column(String(64))


class BriefRow(Base):
    """The latest brief of a video (brief.json's content) and the settings that made it."""

    __tablename__ = "briefs"

    video_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("videos.id", ondelete="CASCADE"), primary_key=True
    )
    settings_hash: Mapped[str] = mapped_column(String(128))
    json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CheckRow(Base):
    """A stored text check of a video (check.json's content); `kind` "description" for the
    source description the check stage verifies."""

    __tablename__ = "checks"

    video_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("videos.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    settings_hash: Mapped[str] = mapped_column(String(128))
    json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VideoSpeakerRow(Base):
    """One `records.Speaker` of a video, with its voice centroid for matching across videos."""

    __tablename__ = "video_speakers"

    video_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("videos.id", ondelete="CASCADE"), primary_key=True
    )
    label: Mapped[str] = mapped_column(String(16), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text, index=True)  # indexed for the speaker pages
    name_source: Mapped[str | None] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    encoder: Mapped[str | None] = mapped_column(String(16))
    centroid: Mapped[list[float] | None] = mapped_column(JSON)


class VoiceRow(Base):
    """An enrolled voice: one unit embedding per encoder (`videobrief voices add`)."""

    __tablename__ = "voices"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    encoder: Mapped[str] = mapped_column(String(16), primary_key=True)
    embedding: Mapped[list[float]] = mapped_column(JSON)
    clips: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SpeakerRenameRow(Base):
    """A user's name for a speaker (`speakers rename`, the page's admin form), kept apart from
    `video_speakers` so a rerun of the speakers stage, which rewrites those rows, keeps it
    (applied by `speakers.renames`)."""

    __tablename__ = "speaker_renames"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    video_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("videos.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    encoder: Mapped[str | None] = mapped_column(String(16))
    centroid: Mapped[list[float] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
