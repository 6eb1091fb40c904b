"""Reader pages: the archive, the video page, its downloads and its media (with ranges)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from videobrief.publish import exports, page
from videobrief.store.queries import archive
from videobrief.web import comments as comment_store
from videobrief.web import media
from videobrief.web.comments import strip_controls
from videobrief.web.deps import (
    VIDEO_ID_PATTERN,
    admin_name,
    app_state,
    find_video,
    load_brief,
    one_read,
    render,
    require_admin,
)

router = APIRouter(include_in_schema=False)
PER_PAGE = 50
VideoId = Annotated[str, PathParam(pattern=VIDEO_ID_PATTERN)]
EXPORT_LABELS = (("srt", "SRT"), ("vtt", "WebVTT"), ("json", "JSON"), ("txt", "Text"))
_MIME = {
    "srt": "application/x-subrip",
    "vtt": "text/vtt",
    "json": "application/json",
    "txt": "text/plain",
    "html": "text/html",
    "md": "text/markdown",
}


@router.get("/", response_class=HTMLResponse)
def index(request: Request, page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1):
    """All videos, newest first, 50 a page (paged in SQL)."""
    store = app_state(request).store
    videos = store.list_videos(limit=PER_PAGE, offset=(page_no - 1) * PER_PAGE)
    return render(
        request,
        "index.html",
        {
            "videos": videos,
            "headlines": archive.headlines(store, [v.id for v in videos]),
            "total": store.count_videos(),
            "page": page_no,
            "per_page": PER_PAGE,
        },
    )


def _media_path(request: Request, video_id: str) -> Path | None:
    stored = app_state(request).store.media_path(video_id)
    return Path(stored) if stored else None


def _export_formats(brief: object) -> list[tuple[str, str]]:
    formats = list(EXPORT_LABELS)
    if brief is not None:
        formats.append(("md", "Brief (Markdown)"))
    return formats


@router.get("/v/{video_id}", response_class=HTMLResponse)
@one_read
def video_page(
    request: Request,
    video_id: VideoId,
    posted: str | None = None,
    speaker: Annotated[str, Query(max_length=16)] = "",
):
    """The published page: player, brief, transcript, downloads, comments.

    `?speaker=S2` shows only that speaker's segments (the others are sent `hidden`, so the
    filter works without script; video.js switches it in place)."""
    state = app_state(request)
    t = find_video(state.store, video_id)  # a video still processing stops here: the store's gate
    brief = load_brief(state.store, t.id)
    path = _media_path(request, t.id)
    kind = media.media_type(path) if path else None
    notice = {
        "yes": "Your comment is posted.",
        "pending": "Thanks — your comment will appear once a moderator approves it.",
    }.get(posted or "")
    context = {
        **page.page_context(t, brief, state.store.load_check(t.id)),
        "seekable": kind is not None,
        "media_type": kind[0] if kind else None,
        "has_video": kind[1] if kind else False,
        "has_english": any(s.english and s.lang != "en" for s in t.segments),
        "exports": _export_formats(brief),
        "comments": comment_store.for_video(state.store, t.id, admin=bool(admin_name(request))),
        "notice": notice,
        "moderate": state.settings.moderate,
        "name_max": state.settings.name_max_chars,
        "text_max": state.settings.comment_max_chars,
        "speaker_filter": True,
        "only_speaker": speaker if any(sp.id == speaker for sp in t.speakers) else "",
    }
    return render(request, "video.html", context)


@router.get("/v/{video_id}/export/{fmt}")
def export(
    request: Request,
    video_id: VideoId,
    fmt: str,
    track: Annotated[str, Query(pattern="^(original|english)$")] = "original",
) -> Response:
    """Downloads: the CLI's export formats, the static page, and the brief when there is one.

    `?track=english` gives the English subtitles (srt/vtt); the player's <track> uses it.
    """
    state = app_state(request)
    t = find_video(state.store, video_id)
    if fmt == "json":
        body = exports.to_json(t, state.store.load_check(t.id))
    elif fmt in ("srt", "vtt"):
        body = (exports.to_srt if fmt == "srt" else exports.to_vtt)(t, track)
    elif fmt in exports.EXPORTERS:
        body = exports.EXPORTERS[fmt][1](t)
    elif fmt == "html":
        body = page.render_page(t, load_brief(state.store, t.id), state.store.load_check(t.id))
    elif fmt == "md" and (brief := load_brief(state.store, t.id)) is not None:
        body = exports.brief_markdown(brief)
    else:
        raise HTTPException(404, f"no {fmt!r} download for this video")
    name = f"{t.id[:12]}.{'transcript.' if fmt not in ('html', 'md') else ''}{fmt}"
    return Response(
        body,
        media_type=_MIME[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/media/{video_id}")
def media_file(request: Request, video_id: VideoId) -> Response:
    """The source media, with HTTP range support so the player can seek."""
    t = find_video(app_state(request).store, video_id)
    path = _media_path(request, t.id)
    kind = media.media_type(path) if path else None
    if path is None or kind is None:
        raise HTTPException(404, "the media file is not available on this server")
    return FileResponse(path, media_type=kind[0], content_disposition_type="inline")


@router.post("/v/{video_id}/title")
async def set_title(request: Request, video_id: VideoId) -> Response:
    """An editor names the video (archive headline when it has no brief, page title)."""
    from videobrief.web.routes.comments import _field, check_csrf, small_form

    form = await small_form(request)
    check_csrf(request, form)
    require_admin(request)
    store = app_state(request).store
    t = find_video(store, video_id)
    title = " ".join(strip_controls(_field(form, "title") or "").split())
    if not title:
        raise HTTPException(422, "a title cannot be empty")
    archive.set_title(store, t.id, title)
    return RedirectResponse(f"/v/{t.id}", status_code=303)
