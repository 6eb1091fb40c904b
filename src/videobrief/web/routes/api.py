"""JSON REST API under /api/v1 (OpenAPI at /docs): videos, transcripts, briefs, search,
comments, uploads and jobs. Writes other than comments need an admin Bearer token."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, HTTPException, Query, Request, Security
from fastapi import Path as PathParam
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from videobrief.publish import page
from videobrief.records import Brief
from videobrief.store import VideoSummary, search
from videobrief.web import comments as comment_store
from videobrief.web import jobs
from videobrief.web.deps import VIDEO_ID_PATTERN, app_state, find_video, load_brief, require_admin
from videobrief.web.routes.comments import post_comment
from videobrief.web.routes.search import run_search
from videobrief.web.routes.uploads import accept_upload

router = APIRouter(prefix="/api/v1", tags=["api"])
VideoId = Annotated[str, PathParam(pattern=VIDEO_ID_PATTERN)]
JobId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{32}$")]
_bearer = HTTPBearer(auto_error=False, description="Admin token from `videobrief token create`")
AdminAuth = Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]
ERRORS: dict[int | str, dict[str, Any]] = {404: {"description": "Not found"}}
# A video whose run has not finished: every read of it answers this (the store's gate).
VIDEO_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"description": "Still processing: try again after Retry-After seconds"},
}
ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {401: {"description": "Admin token needed"}}


class HitOut(BaseModel):
    video_id: str
    title: str | None
    segment: int
    start: float
    end: float
    lang: str | None
    snippet_html: str = Field(description="Escaped text; matches wrapped in <mark>")
    english_html: str | None
    score: float
    kind: str


class CommentIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    text: str = Field(min_length=1, max_length=2000)


class CommentOut(BaseModel):
    id: int
    name: str
    text: str
    status: str
    created_at: datetime


def _comment(c: comment_store.CommentView) -> CommentOut:
    return CommentOut(id=c.id, name=c.name, text=c.text, status=c.status, created_at=c.created_at)


@router.get("/videos", response_model=list[VideoSummary])
def list_videos(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
):
    """Published videos, newest first (paged in SQL)."""
    rows = app_state(request).store.list_videos(limit=limit, offset=offset)
    return [_public(v) for v in rows]


def _public(v: VideoSummary) -> VideoSummary:
    """The summary with the source's file name only, never its path on the server."""
    return replace(v, source=page.filename(v.source))


@router.get("/videos/{video_id}", response_model=VideoSummary, responses=VIDEO_ERRORS)
def get_video(request: Request, video_id: VideoId):
    """One video's summary (id or a unique prefix of at least 6 hex characters)."""
    t = find_video(app_state(request).store, video_id)
    row = app_state(request).store.video_summary(t.id)
    if row is None:
        raise HTTPException(404, f"no video {video_id}")
    return _public(row)


@router.get("/videos/{video_id}/transcript", responses=VIDEO_ERRORS)
def get_transcript(request: Request, video_id: VideoId) -> dict[str, Any]:
    """The transcript in the public transcript.json form (segments, words, English track)."""
    body = find_video(app_state(request).store, video_id).to_json_dict()
    body["source"] = page.filename(body.get("source"))
    return body


@router.get("/videos/{video_id}/brief", response_model=Brief, responses=VIDEO_ERRORS)
def get_brief(request: Request, video_id: VideoId) -> Brief:
    """The brief with its citations, or 404 while the video has none."""
    state = app_state(request)
    t = find_video(state.store, video_id)
    brief = load_brief(state.store, t.id)
    if brief is None:
        raise HTTPException(404, "no brief for this video")
    return brief


class EntityOut(BaseModel):
    """One entity across the archive: its key (for `/search?entity=`), names and counts."""

    key: str
    type: str
    name: str
    name_en: str
    videos: int
    mentions: int


@router.get("/entities", response_model=list[EntityOut])
def list_entities(
    request: Request,
    type: Literal["PER", "ORG", "LOC", "DATE"] | None = None,  # noqa: A002 - query name
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
):
    """People, organisations, places and dates across all videos, most videos first."""
    found = app_state(request).store.list_entities(type, limit)
    return [EntityOut(**vars(e)) for e in found]


@router.get("/search", response_model=list[HitOut])
def search_api(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    mode: Literal["text", "semantic"] = "text",
    lang: Annotated[str | None, Query(max_length=16)] = None,
    date_from: date | None = None,
    date_to: date | None = None,
    entity: Annotated[str | None, Query(max_length=255)] = None,
    speaker: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
):
    """Full-text (`text`) or cross-language meaning (`semantic`) search over segments;
    `entity` (an archive key from `/entities`, e.g. "PER:lukashenko") keeps its videos only;
    `speaker` (a name from `/speakers`) keeps the segments that speaker speaks."""
    filters = search.Filters(
        lang=lang or None,
        date_from=date_from,
        date_to=date_to,
        entity=entity or None,
        speaker=speaker or None,
    )
    hits = run_search(app_state(request), q, mode, filters, limit)
    return [
        HitOut(
            video_id=h.video_id,
            title=h.title,
            segment=h.segment,
            start=h.start,
            end=h.end,
            lang=h.lang,
            snippet_html=str(h.snippet),
            english_html=str(h.english) if h.english is not None else None,
            score=h.score,
            kind=h.kind,
        )
        for h in hits
    ]


@router.get("/videos/{video_id}/comments", response_model=list[CommentOut], responses=VIDEO_ERRORS)
def list_comments(request: Request, video_id: VideoId, _auth: AdminAuth = None):
    """Visible comments, oldest first (an admin token also shows pending and hidden ones)."""
    state = app_state(request)
    t = find_video(state.store, video_id)
    admin = _auth is not None and _is_admin(request)
    return [_comment(c) for c in comment_store.for_video(state.store, t.id, admin=admin)]


def _is_admin(request: Request) -> bool:
    try:
        require_admin(request)
    except HTTPException:
        return False
    return True


@router.post(
    "/videos/{video_id}/comments",
    status_code=201,
    responses={**VIDEO_ERRORS, 429: {"description": "Rate limited"}},
)
def add_comment(request: Request, video_id: VideoId, comment: Annotated[CommentIn, Body()]):
    """Post a comment (JSON needs no CSRF token: browsers cannot send it cross-site unasked)."""
    t = find_video(app_state(request).store, video_id)
    status = post_comment(request, t.id, comment.name, comment.text)
    return {"status": status}


@router.post(
    "/comments/{comment_id}/{action}",
    responses={**ERRORS, **ADMIN_ERRORS},
)
def moderate_comment(
    request: Request,
    comment_id: Annotated[int, PathParam(ge=1, le=2**62)],
    action: Literal["approve", "hide"],
    _auth: AdminAuth = None,
) -> dict[str, str]:
    """Approve or hide a comment (admin)."""
    require_admin(request)
    if not comment_store.moderate(app_state(request).store, comment_id, action):
        raise HTTPException(404, "no such comment")
    return {"result": action}


@router.delete("/comments/{comment_id}", responses={**ERRORS, **ADMIN_ERRORS})
def delete_comment(
    request: Request,
    comment_id: Annotated[int, PathParam(ge=1, le=2**62)],
    _auth: AdminAuth = None,
) -> dict[str, str]:
    """Delete a comment (admin)."""
    require_admin(request)
    if not comment_store.moderate(app_state(request).store, comment_id, "delete"):
        raise HTTPException(404, "no such comment")
    return {"result": "deleted"}


@router.post(
    "/uploads",
    status_code=202,
    response_model=jobs.JobView,
    responses={
        **ADMIN_ERRORS,
        413: {"description": "Too large"},
        415: {"description": "Not decodable media"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                }
            },
        }
    },
)
async def upload(request: Request, _auth: AdminAuth = None):
    """Upload audio or video (multipart field `file`); queues a pipeline job (admin)."""
    require_admin(request)
    return await accept_upload(request)


@router.get("/jobs", response_model=list[jobs.JobView], responses=ADMIN_ERRORS)
def list_jobs(request: Request, _auth: AdminAuth = None):
    """Recent jobs, newest first (admin)."""
    require_admin(request)
    return jobs.recent(app_state(request).store)


@router.get("/jobs/{job_id}", response_model=jobs.JobView, responses={**ERRORS, **ADMIN_ERRORS})
def get_job(request: Request, job_id: JobId, _auth: AdminAuth = None):
    """One job's status and stage progress (admin: a job names the uploaded file)."""
    require_admin(request)
    job = jobs.get(app_state(request).store, job_id)
    if job is None:
        raise HTTPException(404, "no such job")
    return job


@router.post(
    "/jobs/{job_id}/retry",
    response_model=jobs.JobView,
    responses={**ERRORS, **ADMIN_ERRORS, 409: {"description": "Not failed"}},
)
def retry_job(request: Request, job_id: JobId, _auth: AdminAuth = None):
    """Requeue a failed job (admin)."""
    require_admin(request)
    store = app_state(request).store
    if jobs.get(store, job_id) is None:
        raise HTTPException(404, "no such job")
    if not jobs.retry(store, job_id):
        raise HTTPException(409, "only a failed job can be retried")
    return jobs.get(store, job_id)
