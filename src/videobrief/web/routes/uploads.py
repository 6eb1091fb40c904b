"""Upload form, job pages, live progress (Server-Sent Events) and retry."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from videobrief.web import jobs, uploads
from videobrief.web.deps import admin_name, app_state, render, require_admin
from videobrief.web.routes.comments import check_csrf, small_form
from videobrief.web.security import CSRF_FIELD, csrf_ok

router = APIRouter(include_in_schema=False)
JobId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{32}$")]
SSE_POLL_S = 0.5
SSE_MAX_S = 6 * 3600  # a stream never outlives the longest job we expect


async def accept_upload(request: Request) -> jobs.JobView:
    """Shared by the form and the API: receive, check, store by hash, queue a job."""
    state = app_state(request)
    try:
        path, sha, label = await uploads.receive(
            request, state.settings.uploads_dir, state.settings.max_upload_bytes
        )
    except uploads.UploadError as exc:
        raise HTTPException(exc.status, exc.reason) from exc
    return await run_in_threadpool(jobs.create, state.store, label, str(path), sha)


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request):
    status = 200 if admin_name(request) else 401
    ctx = {"max_bytes": app_state(request).settings.max_upload_bytes}
    return render(request, "upload.html", ctx, status)


@router.post("/upload")
async def upload_form(request: Request) -> Response:
    """Admin-only; the cookie is checked before a byte of the body is read.

    The CSRF token travels in the query string: the body is a file stream we read only once.
    """
    require_admin(request)
    if not csrf_ok(request, request.query_params.get(CSRF_FIELD)):
        raise HTTPException(403, "the form expired: reload and retry")
    job = await accept_upload(request)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(request: Request):
    require_admin(request)
    return render(request, "jobs.html", {"jobs": jobs.recent(app_state(request).store)})


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: JobId):
    require_admin(request)  # a job shows the uploaded file's name
    job = jobs.get(app_state(request).store, job_id)
    if job is None:
        raise HTTPException(404, "no such job")
    return render(request, "job.html", {"job": job})


@router.get("/jobs/{job_id}/events")
async def job_events(request: Request, job_id: JobId) -> StreamingResponse:
    """SSE: one `job` event each time the job's row changes, until it is done or failed."""
    require_admin(request)
    store = app_state(request).store
    if await run_in_threadpool(jobs.get, store, job_id) is None:
        raise HTTPException(404, "no such job")

    async def stream() -> AsyncIterator[str]:
        last = None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SSE_MAX_S
        while loop.time() < deadline and not await request.is_disconnected():
            job = await run_in_threadpool(jobs.get, store, job_id)
            if job is None:
                return
            data = json.dumps(job.to_dict())
            if data != last:
                last = data
                yield f"event: job\ndata: {data}\n\n"
            if job.status in ("done", "failed"):
                return
            await asyncio.sleep(SSE_POLL_S)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


@router.post("/jobs/{job_id}/retry")
async def retry_form(request: Request, job_id: JobId) -> Response:
    form = await small_form(request)
    check_csrf(request, form)
    require_admin(request)
    if not jobs.retry(app_state(request).store, job_id):
        raise HTTPException(409, "only a failed job can be retried")
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)
