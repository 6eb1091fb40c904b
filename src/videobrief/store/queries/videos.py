"""A video's own row: what ingest learned, its id from a prefix, its media file, its title.

`upsert_video` is also what a transcript's save writes its video row with
(`queries/transcripts.py`), inside that save's transaction.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from videobrief.errors import BadInput
from videobrief.records import MediaInfo
from videobrief.store.queries.base import Queries
from videobrief.store.tables.videos import Video, utcnow

MIN_PREFIX = 6
_HEX = re.compile(r"[0-9a-f]+")
# Columns where None means "not known here": an upsert never erases a stored value with it.
_KEEP_IF_NONE = ("title", "description", "media_path", "size_bytes", "has_video")
_V = Video.__table__.c
_MEDIA_PATH = select(_V.media_path).where(_V.id == bindparam("video_id"))


def upsert_video(session: Session, values: dict[str, Any]) -> None:
    """Insert or update one video row in one statement.

    A None title/description/media field means "not known here", so it never erases a
    value an earlier step stored (an imported transcript has no media path, for example).
    """
    now = utcnow()
    row = {**values, "created_at": now, "updated_at": now}
    dialect = {"sqlite": sqlite, "postgresql": postgresql}.get(session.get_bind().dialect.name)
    if dialect is None:
        _upsert_video_orm(session, row)
        return
    stmt = dialect.insert(Video).values(row)
    updates: dict[str, Any] = {"updated_at": stmt.excluded.updated_at}
    for name in values:
        if name == "id":
            continue
        new = stmt.excluded[name]
        updates[name] = (
            func.coalesce(new, Video.__table__.c[name]) if name in _KEEP_IF_NONE else new
        )
    session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=updates))


def _upsert_video_orm(session: Session, row: dict[str, Any]) -> None:
    """Portable fallback for dialects without INSERT .. ON CONFLICT."""
    video = session.get(Video, row["id"])
    if video is None:
        session.add(Video(**row))
        return
    for name, value in row.items():
        if name != "created_at" and (value is not None or name in ("source", "duration")):
            setattr(video, name, value)


class VideoQueries(Queries):
    """`Store` methods for one video's row."""

    def save_media(
        self, info: MediaInfo, title: str | None, description: str | None, source: str
    ) -> None:
        """Record what ingest learned about a source (insert, or update the existing row)."""
        values = {
            "id": info.sha256,
            "source": source,
            "duration": info.duration,
            "title": title,
            "description": description,
            "media_path": info.path,
            "size_bytes": info.size_bytes,
            "has_video": info.has_video,
        }
        with self._write.begin() as session:
            upsert_video(session, values)

    def register_video(
        self, video_id: str, source: str, title: str | None, info: MediaInfo | None
    ) -> None:
        """Make the video row a stage row needs; the archive hides it until its stages are done."""
        values: dict[str, Any] = {"id": video_id, "source": source, "title": title}
        if info is not None:
            values.update(
                duration=info.duration,
                media_path=info.path,
                size_bytes=info.size_bytes,
                has_video=info.has_video,
            )
        else:
            values["duration"] = 0.0
        with self._write.begin() as session:
            exists = session.get(Video, video_id) is not None
            if not exists:
                upsert_video(session, values)

    def resolve_id(self, prefix: str) -> str:
        """The full video id for a unique prefix of at least six hex characters."""
        wanted = prefix.strip().lower()
        if not _HEX.fullmatch(wanted):
            raise BadInput(
                f"{prefix[:80]!r} is not a video id: ids are hexadecimal (0-9, a-f);"
                " `videobrief list` shows them"
            )
        if len(wanted) < MIN_PREFIX:
            raise BadInput(
                f"video id {prefix!r} is too short: give at least {MIN_PREFIX} of its characters"
            )
        stmt = select(Video.id).where(Video.id.startswith(wanted)).limit(3)
        found = self.read(lambda session: list(session.scalars(stmt)))
        if not found:
            raise BadInput(f"no video with id starting {wanted!r}")
        if len(found) > 1:
            shown = ", ".join(f[:12] for f in found)
            raise BadInput(f"video id {wanted!r} is ambiguous ({shown}, ...): give more characters")
        return found[0]

    def media_path(self, video_id: str) -> str | None:
        """Where the video's source media is stored, if anywhere (gated, as `load_transcript`)."""
        params = {"video_id": video_id}
        return self.read_finished(video_id, lambda s: s.connection().scalar(_MEDIA_PATH, params))

    def set_media_path(self, video_id: str, path: str) -> None:
        """Point a video at its media file's new place (a moved data folder)."""
        stmt = update(Video).where(Video.id == video_id).values(media_path=path)
        self.write(lambda s: s.execute(stmt))

    def set_title_source(
        self, video_id: str, title: str, source: str, only_if_title: str | None = None
    ) -> bool:
        """Give a video a readable title and source (e.g. an upload's own file name).

        With `only_if_title`, only a video whose title is still that (the default made from
        the stored file name) changes, so a title someone set is never overwritten.
        """
        stmt = update(Video).where(Video.id == video_id)
        if only_if_title is not None:
            stmt = stmt.where(Video.title == only_if_title)
        stmt = stmt.values(title=title, source=source, updated_at=utcnow())
        return bool(self.write(lambda s: s.execute(stmt).rowcount))

    def delete_video(self, video_id: str) -> bool:
        """Delete a video and (by ON DELETE CASCADE) its segments, words and stages."""
        with self._write.begin() as session:
            result = session.execute(delete(Video).where(Video.id == video_id))
        return bool(result.rowcount)
