"""A video's brief and its text checks: JSON documents made from the transcript.

`write_brief` and `write_check` run inside the transaction that also marks their stage done
(`Store.save_outputs`, `save_brief`).
"""

from __future__ import annotations

import json

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from videobrief.records import Brief, CheckResult
from videobrief.store.queries.base import Queries
from videobrief.store.queries.stages import set_stage
from videobrief.store.tables.videos import BriefRow, CheckRow, utcnow

_BRIEF_JSON = select(BriefRow.json).where(BriefRow.video_id == bindparam("video_id"))
_CHECK_JSON = select(CheckRow.json).where(
    CheckRow.video_id == bindparam("video_id"), CheckRow.kind == bindparam("kind")
)


def write_brief(session: Session, video_id: str, brief: Brief, key: str) -> None:
    """Replace a video's brief; `key` is the settings hash of the run that made it."""
    row = session.get(BriefRow, video_id)
    if row is None:
        row = BriefRow(video_id=video_id)
        session.add(row)
    row.settings_hash = key
    row.json = json.dumps(brief.to_json_dict(), ensure_ascii=False)
    row.created_at = utcnow()


def write_check(
    session: Session, video_id: str, result: CheckResult, key: str, kind: str = "description"
) -> None:
    """Replace a video's check of one `kind` (the source description's: "description")."""
    row = session.get(CheckRow, (video_id, kind))
    if row is None:
        row = CheckRow(video_id=video_id, kind=kind)
        session.add(row)
    row.settings_hash = key
    row.json = json.dumps(result.model_dump(mode="json"), ensure_ascii=False)
    row.created_at = utcnow()


class BriefQueries(Queries):
    """`Store` methods for briefs and checks."""

    def save_brief(self, video_id: str, brief: Brief, settings_hash: str) -> None:
        """Replace a video's brief and mark the `brief` stage done, in one transaction."""
        with self._write.begin() as session:
            write_brief(session, video_id, brief, settings_hash)
            set_stage(session, video_id, "brief", "done", settings_hash, None)

    def load_brief(self, video_id: str) -> Brief | None:
        """The stored brief of a video, or None if none was made yet (gated: `Unfinished`)."""
        return self.read_finished(video_id, lambda session: read_brief(session, video_id))

    def load_check(self, video_id: str, kind: str = "description") -> CheckResult | None:
        """The stored check of a video's description, None if none was made (gated)."""
        return self.read_finished(video_id, lambda session: read_check(session, video_id, kind))


def read_brief(session: Session, video_id: str) -> Brief | None:
    """A video's brief as stored, finished run or not (the runner's read; see `stages`)."""
    payload = session.connection().scalar(_BRIEF_JSON, {"video_id": video_id})
    return Brief.model_validate(json.loads(payload)) if payload is not None else None


def read_check(session: Session, video_id: str, kind: str = "description") -> CheckResult | None:
    """A video's check of one `kind` as stored, finished run or not (the runner's read)."""
    payload = session.connection().scalar(_CHECK_JSON, {"video_id": video_id, "kind": kind})
    return CheckResult.model_validate(json.loads(payload)) if payload is not None else None
