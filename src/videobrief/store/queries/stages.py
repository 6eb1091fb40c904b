"""Stage bookkeeping: which stages ran for a video, with which key, and how they ended; and the
gate that keeps a video whose stages are not all done from being read.

The runner (`videobrief.pipeline.runner`) reads these rows to skip finished work and marks
each stage queued, running, done or failed. `set_stage` also runs inside the transactions
that store a stage's results, so results and their `done` mark commit together.

A run killed between two stages leaves a transcript that is half made (no English track, no
speakers...) with a stage row that is not `done`. Every public read of one video's documents
(`load_transcript`, `load_brief`, `load_check`, `media_path`, `video_summary`) goes through
`read_finished`, which raises `Unfinished` for such a video in the same transaction as the read,
so no caller (route, export, CLI command) can serve it by forgetting a check. The runner reads
its inputs through `Store.load_artifact`, which is not gated: a later stage must read what the
earlier ones left.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from videobrief.errors import BadInput
from videobrief.store.queries.base import Queries
from videobrief.store.tables.videos import STAGE_STATUSES, StageRow, utcnow

T = TypeVar("T")
_UNFINISHED = select(StageRow.stage).where(
    StageRow.video_id == bindparam("video_id"), StageRow.status != "done"
)
# Per transaction (a `snapshot` makes a page's reads one): the gate's answer for each video.
_GATE_KEY = "videobrief_unfinished"


class Unfinished(BadInput):
    """The video exists but a stage of its run is queued, running or failed: nothing of it may
    be shown yet. The web app answers 409 with Retry-After; the CLI exits 2."""

    def __init__(self, video_id: str, stages: tuple[str, ...]) -> None:
        self.video_id, self.stages = video_id, stages
        super().__init__(
            f"video {video_id[:12]} is still processing (not finished: {', '.join(stages)});"
            " try again once its run is done"
        )


def unfinished(session: Session, video_id: str) -> tuple[str, ...]:
    """The video's stages that are not done, sorted (empty: done, or no run recorded)."""
    cache = session.info.setdefault(_GATE_KEY, {})
    if video_id not in cache:
        params = {"video_id": video_id}
        cache[video_id] = tuple(sorted(session.connection().scalars(_UNFINISHED, params)))
    return cache[video_id]


def require_finished(session: Session, video_id: str) -> None:
    """The read gate: raise `Unfinished` unless every stage of the video is done."""
    stages = unfinished(session, video_id)
    if stages:
        raise Unfinished(video_id, stages)


def set_stage(
    session: Session,
    video_id: str,
    stage: str,
    status: str,
    settings_hash: str,
    error: str | None,
    options: Any = None,
    version: str | None = None,
) -> None:
    """Upsert a stage row: 'running' restarts the clock, 'done'/'failed' stop it."""
    if status not in STAGE_STATUSES:
        raise ValueError(f"stage status must be one of {STAGE_STATUSES}, not {status!r}")
    row = session.get(StageRow, (video_id, stage))
    if row is None:
        row = StageRow(video_id=video_id, stage=stage)
        session.add(row)
    now = utcnow()
    row.status = status
    row.settings_hash = settings_hash
    row.error = error
    if options is not None or version is not None:
        row.options, row.version = options, version
    if status == "queued":
        row.started_at, row.finished_at = None, None
    elif status == "running":
        row.started_at, row.finished_at = now, None
    else:
        row.finished_at = now


def _stage_dict(r: StageRow) -> dict[str, Any]:
    return {
        "video_id": r.video_id,
        "stage": r.stage,
        "status": r.status,
        "settings_hash": r.settings_hash,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "error": r.error,
        "options": r.options,
        "version": r.version,
    }


class StageQueries(Queries):
    """`Store` methods for stage rows."""

    def stage_done(self, video_id: str, stage: str, settings_hash: str) -> bool:
        """True if `stage` finished for this video with exactly these settings."""
        with self._read.begin() as session:
            row = session.get(StageRow, (video_id, stage))
            return row is not None and row.status == "done" and row.settings_hash == settings_hash

    def mark_stage(
        self,
        video_id: str,
        stage: str,
        status: str,
        settings_hash: str,
        error: str | None = None,
        *,
        options: Any = None,
        version: str | None = None,
    ) -> None:
        """Record a stage as running, done or failed. The video row must already exist."""
        with self._write.begin() as session:
            set_stage(session, video_id, stage, status, settings_hash, error, options, version)

    def queue_stages(self, video_id: str, stages: dict[str, str]) -> None:
        """Mark the stages a run will redo (name -> key) as queued, all in one transaction.

        So a run killed between two stages still leaves the video visibly unfinished.
        """
        with self._write.begin() as session:
            for name, key in stages.items():
                set_stage(session, video_id, name, "queued", key, None)

    def stage_row(self, video_id: str, stage: str) -> dict[str, Any] | None:
        """One stage row as a dict, or None."""
        with self._read.begin() as session:
            row = session.get(StageRow, (video_id, stage))
            return _stage_dict(row) if row is not None else None

    def stage_rows(self, video_id: str) -> list[dict[str, Any]]:
        """Every stage row of a video as plain dicts, in the order the stages started."""
        order = func.coalesce(StageRow.started_at, StageRow.finished_at)
        with self._read.begin() as session:
            rows = session.scalars(
                select(StageRow)
                .where(StageRow.video_id == video_id)
                .order_by(order, StageRow.stage)
            )
            return [_stage_dict(r) for r in rows]

    def unfinished_stages(self, video_id: str) -> list[str]:
        """Stages of the video that are queued, running or failed (empty: the video is done)."""
        return list(self.read(lambda s: unfinished(s, video_id)))

    def read_finished(self, video_id: str, fn: Callable[[Session], T]) -> T:
        """`fn(session)` for one video's documents, behind the gate (`Unfinished` if a stage is
        not done), in the same transaction, so the answer and the documents agree."""

        def gated(session: Session) -> T:
            require_finished(session, video_id)
            return fn(session)

        return self.read(gated)

    def any_stage_done(self, video_id: str) -> bool:
        """True if at least one stage of the video finished (so the video holds real results)."""
        with self._read.begin() as session:
            stmt = select(StageRow.stage).where(
                StageRow.video_id == video_id, StageRow.status == "done"
            )
            return session.scalars(stmt.limit(1)).first() is not None
