"""What the archive page shows beyond `list_videos`: brief headlines, and the admin's title.

Store-style functions over a `Store`, so the web layer writes no SQL.
"""

from __future__ import annotations

import json

from sqlalchemy import select, update

from videobrief.store.models import BriefRow, Video

TITLE_MAX = 300


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
