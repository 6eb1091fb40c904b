"""The web app's own bookkeeping: comments, admin tokens and the job queue.

The tables are declared in `tables/web.py`; `Store` inherits `WebQueries`, so `web/` never
holds a session or writes SQL.

Jobs are claimed under a lease. A worker takes the oldest job that is queued, or running with
its lease passed (its worker was killed), and must renew the lease (`heartbeat_job`) while it
works. The claim is safe with several workers: PostgreSQL locks the candidate row with
`FOR UPDATE SKIP LOCKED`, so a second worker skips to the next job instead of waiting; SQLite
serialises writers (BEGIN IMMEDIATE) and the UPDATE re-checks the claim's conditions and its
row count. `attempts` doubles as the claim's token: a worker whose lease was taken over can no
longer renew, report progress on, or finish the job.

A job whose worker dies while running it (SIGKILL, a crash in native code, memory) counts a
crash: seen by the server that supervises the worker (`release_job`), or, when nobody saw it,
by the claim that takes the job over after its lease passed. At `MAX_CRASHES` the job is
`failed` with the reason instead of being claimed again: a file that kills every worker would
otherwise take the queue down with it, forever.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, delete, or_, select, update
from sqlalchemy.orm import Session

from videobrief.store.queries.base import Queries
from videobrief.store.tables.videos import utcnow
from videobrief.store.tables.web import ApiToken, Comment, Job

DEFAULT_LEASE_S = 60.0
MAX_CRASHES = 3  # a job that has killed its worker this many times is failed
_CLAIM_TRIES = 5
_AGAIN = False  # `_claim_once`: nothing claimed this time, but look again

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
class CommentView:
    id: int
    video_id: str
    name: str
    text: str
    status: str
    created_at: datetime
    staff: bool = False


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
    lease_until: datetime | None = None
    crashes: int = 0  # times its worker died while running it

    @property
    def stage_label(self) -> str:
        return stage_label(self.stage)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["stage_label"] = stage_label(self.stage)
        for key in ("created_at", "updated_at", "lease_until"):
            d[key] = d[key].isoformat() if d[key] is not None else None
        return d


_C = Comment.__table__.c
# Every video page reads its comments: Core rows from statements built once.
_ALL_COMMENTS = (
    select(_C.id, _C.video_id, _C.name, _C.body, _C.status, _C.created_at, _C.staff)
    .where(_C.video_id == bindparam("video_id"))
    .order_by(_C.created_at, _C.id)
)
_COMMENTS = _ALL_COMMENTS.where(_C.status.in_(bindparam("statuses", expanding=True)))


def _comment_view(c: Comment) -> CommentView:
    return CommentView(c.id, c.video_id, c.name, c.body, c.status, c.created_at, bool(c.staff))


def _job_view(j: Job) -> JobView:
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
        j.lease_until,
        j.crashes,
    )


def _crash_reason(crashes: int, why: str, stage: str | None) -> str:
    """The failed job's error: how often its worker died, and how and where the last time."""
    label = stage_label(stage)
    where = f" while {label[:1].lower()}{label[1:]}" if stage else ""
    return (
        f"stopped: its worker died {crashes} times running this job, so it is not tried again"
        f" (the last time {why}{where}). Retry it once the cause is fixed."
    )


def _claimable(now: datetime) -> ColumnElement[bool]:
    expired = or_(Job.lease_until.is_(None), Job.lease_until < now)
    return or_(Job.status == "queued", and_(Job.status == "running", expired))


def _mine(job_id: str, attempt: int | None) -> ColumnElement[bool]:
    """This job, and (when `attempt` is given) still under the claim that returned it."""
    cond = Job.id == job_id
    if attempt is not None:
        cond = and_(cond, Job.attempts == attempt, Job.status == "running")
    return cond


class WebQueries(Queries):
    """`Store` methods for comments, tokens and jobs."""

    # -- comments -----------------------------------------------------------------------------

    def add_comment(
        self, video_id: str, name: str, body: str, status: str, client: str, staff: bool = False
    ) -> int:
        """Store a comment; returns its id. `staff`: posted by a signed-in admin."""

        def fn(session: Session) -> int:
            row = Comment(
                video_id=video_id,
                name=name,
                body=body,
                status=status,
                client=client,
                staff=staff,
            )
            session.add(row)
            session.flush()
            return row.id

        return self.write(fn)

    def comments_for(self, video_id: str, statuses: tuple[str, ...] | None) -> list[CommentView]:
        """A video's comments, oldest first; only the given statuses unless None."""
        if statuses is None:
            stmt, params = _ALL_COMMENTS, {"video_id": video_id}
        else:
            stmt, params = _COMMENTS, {"video_id": video_id, "statuses": list(statuses)}
        rows = self.read(lambda s: s.connection().execute(stmt, params).all())
        return [CommentView(*r[:6], staff=bool(r[6])) for r in rows]

    def get_comment(self, comment_id: int) -> CommentView | None:
        def fn(session: Session) -> CommentView | None:
            row = session.get(Comment, comment_id)
            return _comment_view(row) if row else None

        return self.read(fn)

    def set_comment_status(self, comment_id: int, status: str) -> bool:
        stmt = update(Comment).where(Comment.id == comment_id).values(status=status)
        return bool(self.write(lambda s: s.execute(stmt).rowcount))

    def delete_comment(self, comment_id: int) -> bool:
        stmt = delete(Comment).where(Comment.id == comment_id)
        return bool(self.write(lambda s: s.execute(stmt).rowcount))

    # -- admin tokens -------------------------------------------------------------------------

    def add_token(self, name: str, token_hash: str) -> None:
        self.write(lambda s: s.add(ApiToken(name=name, token_hash=token_hash)))

    def token_hashes(self) -> list[str]:
        """Every stored token hash (tests check that no raw token is kept)."""
        return self.read(lambda s: list(s.scalars(select(ApiToken.token_hash))))

    # -- jobs ---------------------------------------------------------------------------------

    def create_job(self, filename: str, upload_path: str, sha256: str) -> JobView:
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

        def fn(session: Session) -> JobView:
            session.add(job)
            session.flush()
            return _job_view(job)

        return self.write(fn)

    def get_job(self, job_id: str) -> JobView | None:
        def fn(session: Session) -> JobView | None:
            job = session.get(Job, job_id)
            return _job_view(job) if job else None

        return self.read(fn)

    def job_upload_path(self, job_id: str) -> str | None:
        stmt = select(Job.upload_path).where(Job.id == job_id)
        return self.read(lambda s: s.scalar(stmt))

    def recent_jobs(self, limit: int = 50) -> list[JobView]:
        stmt = select(Job).order_by(Job.created_at.desc()).limit(limit)
        return self.read(lambda s: [_job_view(j) for j in s.scalars(stmt)])

    def claim_job(self, lease_s: float = DEFAULT_LEASE_S) -> JobView | None:
        """Take the oldest claimable job (status → running, lease starts), or None.

        A running job whose lease has passed lost its worker: the takeover counts a crash, and
        the job that reaches `MAX_CRASHES` so is failed instead of claimed.
        """
        for _ in range(_CLAIM_TRIES):
            claimed = self.write(lambda s: self._claim_once(s, lease_s))
            if claimed is not _AGAIN:
                return claimed
        return None

    def _claim_once(self, session: Session, lease_s: float) -> JobView | None | bool:
        """One attempt; `_AGAIN` when another worker won the row between SELECT and UPDATE, or
        when the row was a job failed here for its crashes."""
        now = utcnow()
        pick = select(Job.id, Job.attempts, Job.status, Job.crashes, Job.stage)
        pick = pick.where(_claimable(now)).order_by(Job.created_at, Job.id).limit(1)
        if self.dialect == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        row = session.execute(pick).first()
        if row is None:
            return None
        job_id, attempts, status, crashes, stage = row
        if status == "running":  # its worker died unseen: the lease ran out
            crashes += 1
        mine = and_(Job.id == job_id, Job.attempts == attempts, _claimable(now))
        if crashes >= MAX_CRASHES:
            reason = _crash_reason(crashes, "it stopped renewing its lease", stage)
            session.execute(
                update(Job)
                .where(mine)
                .values(
                    status="failed", crashes=crashes, error=reason, lease_until=None, updated_at=now
                )
                .execution_options(synchronize_session=False)
            )
            return _AGAIN
        result = session.execute(
            update(Job)
            .where(mine)
            .values(
                status="running",
                attempts=attempts + 1,
                crashes=crashes,
                lease_until=now + timedelta(seconds=lease_s),
                stage=None,
                done=0.0,
                total=0.0,
                note=None,
                error=None,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return _AGAIN
        return _job_view(session.get(Job, job_id, populate_existing=True))

    def release_job(self, job_id: str, attempt: int, why: str, crashed: bool = True) -> str | None:
        """The worker holding this claim is gone: queue the job again at once.

        `crashed` (the worker died; `why` says how, e.g. "it was killed by SIGKILL") counts a
        crash, and at `MAX_CRASHES` fails the job with the reason instead. A worker the server
        stopped on purpose is no crash. Returns the job's new status, or None when the claim
        was no longer that worker's.
        """

        def fn(session: Session) -> str | None:
            job = session.scalars(
                select(Job).where(_mine(job_id, attempt)).with_for_update()
            ).first()
            if job is None:
                return None
            job.crashes += int(crashed)
            job.lease_until, job.updated_at = None, utcnow()
            if job.crashes >= MAX_CRASHES:
                job.status, job.error = "failed", _crash_reason(job.crashes, why, job.stage)
            else:
                job.status = "queued"
            return job.status

        return self.write(fn)

    def heartbeat_job(self, job_id: str, attempt: int, lease_s: float = DEFAULT_LEASE_S) -> bool:
        """Extend a running job's lease; False if the claim was lost (taken over or finished)."""
        now = utcnow()
        stmt = (
            update(Job)
            .where(_mine(job_id, attempt))
            .values(lease_until=now + timedelta(seconds=lease_s))
        )
        return bool(self.write(lambda s: s.execute(stmt).rowcount))

    def job_progress(
        self,
        job_id: str,
        stage: str,
        done: float,
        total: float,
        note: str | None,
        attempt: int | None = None,
    ) -> bool:
        stmt = (
            update(Job)
            .where(_mine(job_id, attempt))
            .values(stage=stage, done=done, total=total, note=note or None, updated_at=utcnow())
        )
        return bool(self.write(lambda s: s.execute(stmt).rowcount))

    def finish_job(
        self, job_id: str, video_id: str | None, error: str | None, attempt: int | None = None
    ) -> bool:
        """Mark a job done (with its video) or failed (with a one-line reason)."""
        values = {
            "status": "failed" if error else "done",
            "video_id": video_id,
            "error": error,
            "lease_until": None,
            "updated_at": utcnow(),
        }
        stmt = update(Job).where(_mine(job_id, attempt)).values(**values)
        return bool(self.write(lambda s: s.execute(stmt).rowcount))

    def retry_job(self, job_id: str) -> bool:
        """Requeue a failed job; False if it is not failed (or unknown)."""
        stmt = (
            update(Job)
            .where(Job.id == job_id, Job.status == "failed")
            .values(status="queued", crashes=0, updated_at=utcnow())
        )
        return bool(self.write(lambda s: s.execute(stmt).rowcount))
