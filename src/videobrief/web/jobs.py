"""Jobs: the queue the upload routes write and the background worker drains (rows only).

The database is the queue: a worker claims a job with a conditional UPDATE, so two workers can
never take the same one, and a job that was running when its worker died is requeued at start.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from videobrief.store import Store
from videobrief.store.models import utcnow
from videobrief.store.web_models import Job

# What a newsroom reads on the job page for each pipeline stage name.
STAGE_LABELS = {
    "import": "Reading the transcript file",
    "ingest": "Reading the file",
    "decode": "Decoding the audio",
    "speech": "Recognising speech",
    "speakers": "Telling speakers apart",
    "entities": "Finding names and places",
    "english": "Writing the English track",
    "brief": "Writing the brief",
    "index": "Updating the search index",
    "publish": "Publishing the page",
}


def stage_label(stage: str | None) -> str:
    """A stage's human name ("speech" → "Recognising speech"); unknown names pass through."""
    if not stage:
        return "—"
    return STAGE_LABELS.get(stage, stage.replace("_", " ").capitalize())


@dataclass(frozen=True)
class JobView:
    id: str
    status: str
    filename: str
    sha256: str
    video_id: str | None
    stage: str | None
    done: float
    total: float
    note: str | None
    error: str | None
    attempts: int
    created_at: datetime
    updated_at: datetime

    @property
    def stage_label(self) -> str:
        return stage_label(self.stage)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["stage_label"] = stage_label(self.stage)
        d["created_at"] = self.created_at.isoformat()
        d["updated_at"] = self.updated_at.isoformat()
        return d


def _view(j: Job) -> JobView:
    return JobView(
        j.id,
        j.status,
        j.filename,
        j.sha256,
        j.video_id,
        j.stage,
        j.done,
        j.total,
        j.note,
        j.error,
        j.attempts,
        j.created_at,
        j.updated_at,
    )


def create(store: Store, filename: str, upload_path: str, sha256: str) -> JobView:
    """Queue a stored upload for the pipeline."""
    now = utcnow()
    job = Job(
        id=uuid.uuid4().hex,
        status="queued",
        filename=filename,
        upload_path=upload_path,
        sha256=sha256,
        done=0.0,
        total=0.0,
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    with store.writing() as session:
        session.add(job)
        session.flush()
        return _view(job)


def get(store: Store, job_id: str) -> JobView | None:
    with store.reading() as session:
        job = session.get(Job, job_id)
        return _view(job) if job else None


def upload_path(store: Store, job_id: str) -> str | None:
    with store.reading() as session:
        return session.scalar(select(Job.upload_path).where(Job.id == job_id))


def recent(store: Store, limit: int = 50) -> list[JobView]:
    with store.reading() as session:
        rows = session.scalars(select(Job).order_by(Job.created_at.desc()).limit(limit)).all()
        return [_view(j) for j in rows]


def claim_next(store: Store) -> JobView | None:
    """Take the oldest queued job (status → running), or None if the queue is empty."""
    with store.writing() as session:
        job_id = session.scalar(
            select(Job.id).where(Job.status == "queued").order_by(Job.created_at).limit(1)
        )
        if job_id is None:
            return None
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "queued")
            .values(
                status="running",
                attempts=Job.attempts + 1,
                stage=None,
                done=0.0,
                total=0.0,
                note=None,
                error=None,
                updated_at=utcnow(),
            )
        )
        return _view(session.get(Job, job_id))


def progress(store: Store, job_id: str, stage: str, done: float, total: float, note: str) -> None:
    with store.writing() as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(stage=stage, done=done, total=total, note=note or None, updated_at=utcnow())
        )


def finish(store: Store, job_id: str, video_id: str | None, error: str | None) -> None:
    """Mark a job done (with its video) or failed (with a one-line reason)."""
    status = "failed" if error else "done"
    with store.writing() as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status=status, video_id=video_id, error=error, updated_at=utcnow())
        )


def retry(store: Store, job_id: str) -> bool:
    """Requeue a failed job; False if it is not failed (or unknown)."""
    with store.writing() as session:
        result = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "failed")
            .values(status="queued", updated_at=utcnow())
        )
    return bool(result.rowcount)


def requeue_running(store: Store) -> int:
    """At worker start: jobs left 'running' by a dead worker go back to the queue."""
    with store.writing() as session:
        result = session.execute(
            update(Job).where(Job.status == "running").values(status="queued", updated_at=utcnow())
        )
    return result.rowcount
