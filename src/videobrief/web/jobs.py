"""Jobs: the queue the upload routes write and the background worker drains.

The rows, the lease and the claim live in the store (`Store.claim_job`): a worker claims
the oldest queued job, or a running one whose lease has passed because its worker died, and
renews the lease while it works.
"""

from __future__ import annotations

from videobrief.store import JobView, Store
from videobrief.store.queries.web import DEFAULT_LEASE_S, STAGE_LABELS, stage_label

__all__ = [
    "DEFAULT_LEASE_S",
    "JobView",
    "claim_next",
    "create",
    "finish",
    "get",
    "progress",
    "STAGE_LABELS",
    "stage_label",
]


def create(store: Store, filename: str, upload_path: str, sha256: str) -> JobView:
    """Queue a stored upload for the pipeline."""
    return store.create_job(filename, upload_path, sha256)


def get(store: Store, job_id: str) -> JobView | None:
    return store.get_job(job_id)


def upload_path(store: Store, job_id: str) -> str | None:
    return store.job_upload_path(job_id)


def recent(store: Store, limit: int = 50) -> list[JobView]:
    return store.recent_jobs(limit)


def claim_next(store: Store, lease_s: float = DEFAULT_LEASE_S) -> JobView | None:
    """Take the oldest claimable job (status → running, under a lease), or None."""
    return store.claim_job(lease_s)


def heartbeat(store: Store, job: JobView, lease_s: float = DEFAULT_LEASE_S) -> bool:
    """Renew the lease on a claimed job; False once another worker has taken it over."""
    return store.heartbeat_job(job.id, job.attempts, lease_s)


def progress(
    store: Store,
    job_id: str,
    stage: str,
    done: float,
    total: float,
    note: str,
    attempt: int | None = None,
) -> None:
    store.job_progress(job_id, stage, done, total, note, attempt)


def finish(
    store: Store, job_id: str, video_id: str | None, error: str | None, attempt: int | None = None
) -> bool:
    """Mark a job done (with its video) or failed (with a one-line reason)."""
    return store.finish_job(job_id, video_id, error, attempt)


def retry(store: Store, job_id: str) -> bool:
    """Requeue a failed job; False if it is not failed (or unknown)."""
    return store.retry_job(job_id)
