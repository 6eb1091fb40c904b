"""The archive: which videos it lists, their list lines, and what its pages show beside them.

`ArchiveQueries` adds the listing methods to `Store`; `headlines` and `set_title` are
functions over a `Store`, so the web layer writes no SQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from videobrief.store.queries.base import Queries
from videobrief.store.tables.videos import BriefRow, SegmentRow, StageRow, Video

TITLE_MAX = 300


@dataclass(frozen=True)
class VideoSummary:
    """One line of the video list: enough for an index page or `videobrief list`."""

    id: str
    title: str | None
    source: str
    duration: float
    created_at: datetime
    segment_count: int
    languages: list[str]


def complete_video() -> Any:
    """SQL condition: the video has a transcript and no stage that is running or failed.

    A job killed mid-stage leaves a `running` row; until a rerun finishes it, the archive and
    search do not list the video (its page says it is still processing).
    """
    unfinished = (
        select(StageRow.video_id)
        .where(StageRow.video_id == Video.id, StageRow.status != "done")
        .exists()
    )
    return and_(Video.transcript_lineage.is_not(None), ~unfinished)


def _languages(session: Session, video_ids: list[str]) -> dict[str, list[str]]:
    """Per video, the languages ordered by the first segment that uses each."""
    if not video_ids:
        return {}
    first = func.min(SegmentRow.idx).label("first")
    stmt = (
        select(SegmentRow.video_id, SegmentRow.lang, first)
        .where(SegmentRow.lang.is_not(None), SegmentRow.video_id.in_(video_ids))
        .group_by(SegmentRow.video_id, SegmentRow.lang)
        .order_by(SegmentRow.video_id, first)
    )
    out: dict[str, list[str]] = {}
    for video_id, lang, _ in session.execute(stmt):
        out.setdefault(video_id, []).append(lang)
    return out


class ArchiveQueries(Queries):
    """`Store` methods for the video list."""

    def list_videos(self, limit: int | None = None, offset: int = 0) -> list[VideoSummary]:
        """Videos newest first, one page of them in SQL, with segment counts and languages."""
        segs = (
            select(func.count())
            .where(SegmentRow.video_id == Video.id)
            .correlate(Video)
            .scalar_subquery()
        )
        stmt = (
            select(Video.id, Video.title, Video.source, Video.duration, Video.created_at, segs)
            .where(complete_video())
            .order_by(Video.created_at.desc(), Video.id)
            .offset(offset)
            .limit(limit)
        )

        def fn(session: Session) -> list[VideoSummary]:
            rows = session.execute(stmt).all()
            langs = _languages(session, [r[0] for r in rows])
            return [VideoSummary(*r, languages=langs.get(r[0], [])) for r in rows]

        return self.read(fn)

    def count_videos(self) -> int:
        """How many videos the archive lists (the pager's total)."""
        stmt = select(func.count()).select_from(Video).where(complete_video())
        return self.read(lambda s: s.scalar(stmt))

    def video_summary(self, video_id: str) -> VideoSummary | None:
        """One video's list line, or None if unknown (gated: `Unfinished` while a stage is not
        done)."""

        def fn(session: Session) -> VideoSummary | None:
            v = session.get(Video, video_id)
            if v is None:
                return None
            n = session.scalar(select(func.count()).where(SegmentRow.video_id == video_id))
            langs = _languages(session, [video_id]).get(video_id, [])
            return VideoSummary(v.id, v.title, v.source, v.duration, v.created_at, n, langs)

        return self.read_finished(video_id, fn)


def headlines(store, video_ids: list[str]) -> dict[str, str]:
    """Each listed video's brief headline, for those that have a brief with one (one query)."""
    if not video_ids:
        return {}
    stmt = select(BriefRow.video_id, BriefRow.json).where(BriefRow.video_id.in_(video_ids))
    rows = store.read(lambda session: session.execute(stmt).all())
    found = {}
    for video_id, raw in rows:
        headline = (json.loads(raw).get("headline") or {}).get("text")
        if headline:
            found[video_id] = headline
    return found


def set_title(store, video_id: str, title: str) -> bool:
    """Set a video's title (an editor's, shown on the archive and the page). False: no video."""
    stmt = update(Video).where(Video.id == video_id).values(title=title[:TITLE_MAX])
    return store.write(lambda session: bool(session.execute(stmt).rowcount))
