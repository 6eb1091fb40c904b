"""`POST /api/v1/videos/{id}/check`: check a text against a stored video.

The body is `{"text": ...}` (at most `MAX_TEXT_BYTES`); the answer is the check.json document,
or 400 with the reason (empty text, a language the video lacks), 413 over the size limit, 404
for an unknown video. It needs an admin token: a check embeds the whole transcript and every
claim, which is too much work to offer to anyone who asks. `format=md` answers the Markdown
report instead.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, HTTPException, Query, Request, Security
from fastapi import Path as PathParam
from fastapi.responses import PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from videobrief.errors import BadInput
from videobrief.publish import page
from videobrief.stages.check import report
from videobrief.stages.check.checker import MAX_TEXT_BYTES, check_text
from videobrief.web.deps import VIDEO_ID_PATTERN, app_state, find_video, require_admin

router = APIRouter(prefix="/api/v1", tags=["api"])
_bearer = HTTPBearer(auto_error=False, description="Admin token from `videobrief token create`")


class CheckIn(BaseModel):
    text: str


@router.post(
    "/videos/{video_id}/check",
    responses={
        400: {"description": "Nothing to check, or a language the video lacks"},
        401: {"description": "Admin token needed"},
        404: {"description": "Not found"},
        409: {"description": "Still processing: try again after Retry-After seconds"},
        413: {"description": f"Text over {MAX_TEXT_BYTES} bytes"},
    },
)
def check_video(
    request: Request,
    video_id: Annotated[str, PathParam(pattern=VIDEO_ID_PATTERN)],
    body: Annotated[CheckIn, Body()],
    _auth: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
    format: Annotated[Literal["json", "md"], Query()] = "json",  # noqa: A002 - query name
):
    """A verdict per claim of `text` (supported / partly supported / not found /
    contradicted), with the cited segments' times and text in both languages."""
    require_admin(request)
    size = len(body.text.encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        raise HTTPException(413, f"text is {size:,} bytes; the limit is {MAX_TEXT_BYTES:,}")
    transcript = find_video(app_state(request).store, video_id)
    try:
        result = check_text(transcript, body.text)
    except BadInput as exc:
        raise HTTPException(400, str(exc)) from exc
    if format == "md":
        title = transcript.title or page.filename(transcript.source)
        return PlainTextResponse(report.to_markdown(result, title))
    return result.to_json_dict()
