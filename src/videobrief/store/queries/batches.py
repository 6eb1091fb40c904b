"""What a batch or watcher has done with each source, so a rerun or a restart skips it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from videobrief.store.store import Store
from videobrief.store.tables.batches import BatchSource
from videobrief.store.tables.videos import Video, utcnow


@dataclass(frozen=True)
class SourceState:
    source: str
    status: str
    size_bytes: int | None
    mtime_ns: int | None
    video_id: str | None
    error: str | None
    attempts: int


def get(store: Store, source: str) -> SourceState | None:
    with store._read.begin() as session:
        row = session.get(BatchSource, source)
        if row is None:
            return None
        return SourceState(
            row.source,
            row.status,
            row.size_bytes,
            row.mtime_ns,
            row.video_id,
            row.error,
            row.attempts,
        )


def mark(
    store: Store,
    source: str,
    status: str,
    *,
    size_bytes: int | None = None,
    mtime_ns: int | None = None,
    video_id: str | None = None,
    error: str | None = None,
) -> None:
    """Upsert the row; 'running' counts an attempt, so a source that kills the worker shows."""
    with store._write.begin() as session:
        row = session.get(BatchSource, source)
        if row is None:
            row = BatchSource(source=source, attempts=0)
            session.add(row)
        row.status = status
        row.error = error
        row.updated_at = utcnow()
        if status == "running":
            row.attempts = (row.attempts or 0) + 1
        if size_bytes is not None:
            row.size_bytes, row.mtime_ns = size_bytes, mtime_ns
        if video_id is not None:
            row.video_id = video_id


def all_states(store: Store) -> list[SourceState]:
    with store._read.begin() as session:
        rows = session.query(BatchSource).order_by(BatchSource.source).all()
        return [
            SourceState(
                r.source, r.status, r.size_bytes, r.mtime_ns, r.video_id, r.error, r.attempts
            )
            for r in rows
        ]


def set_source_url(store: Store, video_id: str, url: str) -> None:
    """Record the URL a downloaded video came from (its `source` is the local file)."""
    with store._write.begin() as session:
        session.execute(update(Video).where(Video.id == video_id).values(source_url=url))


def source_url(store: Store, video_id: str) -> str | None:
    """The http(s) URL a video was downloaded from, if it came from one."""
    with store._read.begin() as session:
        video = session.get(Video, video_id)
        return video.source_url if video is not None else None
