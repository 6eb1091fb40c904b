"""Posting and moderating comments from the video page (HTML forms, CSRF-protected)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from videobrief.store.queries import security
from videobrief.web import comments as comment_store
from videobrief.web.deps import VIDEO_ID_PATTERN, admin_name, app_state, find_video, require_admin
from videobrief.web.security import CSRF_FIELD, client_id, csrf_ok

router = APIRouter(include_in_schema=False)
HONEYPOT = "website"


async def small_form(request: Request) -> FormData:
    """A urlencoded or multipart form with no files and few fields."""
    try:
        return await request.form(max_files=0, max_fields=10, max_part_size=64 * 1024)
    except StarletteHTTPException:  # the body limit's 413 (web/headers.py)
        raise
    except Exception as exc:  # noqa: BLE001 - starlette raises several kinds for bad bodies
        raise HTTPException(400, "bad form body") from exc


def _field(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


def check_csrf(request: Request, form: FormData) -> None:
    if not csrf_ok(request, _field(form, CSRF_FIELD)):
        raise HTTPException(403, "the form expired or came from another site: reload and retry")


def post_comment(request: Request, video_id: str, name: str | None, text: str | None) -> str:
    """Shared by the form and the API: rate limit, validate, store. Returns the status."""
    state = app_state(request)
    settings = state.settings
    client = client_id(request, settings.secret)
    limit, window = settings.comment_rate
    if not security.rate_allow(state.store, "comment", client, limit, window):
        raise HTTPException(429, "too many comments from you just now; wait a minute")
    try:
        name, text = comment_store.clean(
            name, text, settings.name_max_chars, settings.comment_max_chars
        )
    except comment_store.CommentError as exc:
        raise HTTPException(422, str(exc)) from exc
    staff = admin_name(request) is not None
    comment_store.add(
        state.store, video_id, name, text, client, pending=settings.moderate, staff=staff
    )
    return "pending" if settings.moderate and not staff else "visible"


@router.post("/v/{video_id}/comments")
async def comment_form(
    request: Request, video_id: Annotated[str, PathParam(pattern=VIDEO_ID_PATTERN)]
) -> Response:
    form = await small_form(request)
    check_csrf(request, form)
    t = find_video(app_state(request).store, video_id)
    if _field(form, HONEYPOT):  # a bot filled the hidden field: look successful, store nothing
        return RedirectResponse(f"/v/{t.id}?posted=yes#comments", status_code=303)
    status = post_comment(request, t.id, _field(form, "name"), _field(form, "text"))
    posted = "pending" if status == "pending" else "yes"
    return RedirectResponse(f"/v/{t.id}?posted={posted}#comments", status_code=303)


@router.post("/comments/{comment_id}/{action}")
async def moderate_form(request: Request, comment_id: int, action: str) -> Response:
    if action not in ("approve", "hide", "delete"):
        raise HTTPException(404, "unknown action")
    form = await small_form(request)
    check_csrf(request, form)
    require_admin(request)
    store = app_state(request).store
    comment = comment_store.get(store, comment_id)
    if comment is None or not comment_store.moderate(store, comment_id, action):
        raise HTTPException(404, "no such comment")
    return RedirectResponse(f"/v/{comment.video_id}#comments", status_code=303)
