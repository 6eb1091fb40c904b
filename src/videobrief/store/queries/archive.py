"""Which videos the archive lists, and what its page shows beyond them: headlines, titles.

Store-style functions over a `Store`, so the web layer writes no SQL.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, select, update

from videobrief.store.tables.videos import BriefRow, StageRow, Video

TITLE_MAX = 300


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
