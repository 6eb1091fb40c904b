"""Speakers across the archive: the list of named speakers, one speaker's videos and quotes,
and an editor's rename of a video's speaker (a user's name wins over cue/library/archive)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from videobrief.errors import BadInput
from videobrief.records import Quote
from videobrief.store.queries.speakers import SpeakerInVideo
from videobrief.web.comments import strip_controls
from videobrief.web.deps import VIDEO_ID_PATTERN, app_state, find_video, render, require_admin

router = APIRouter(include_in_schema=False)
VideoId = Annotated[str, PathParam(pattern=VIDEO_ID_PATTERN)]
Label = Annotated[str, PathParam(pattern=r"^S[0-9]{1,4}$")]


@dataclass(frozen=True)
class SpeakerVideo:
    """A video on a speaker's page: where they speak, and the brief's quotes that are theirs."""

    hit: SpeakerInVideo
    quotes: tuple[Quote, ...]


@router.get("/speakers", response_class=HTMLResponse)
def speaker_list(request: Request):
    """Every named speaker in the archive, most videos first."""
    found = app_state(request).store.list_speakers()
    return render(request, "speakers.html", {"speakers": found})


@router.get("/speaker", response_class=HTMLResponse)
def speaker_page(request: Request, name: Annotated[str, Query(min_length=1, max_length=200)]):
    """One speaker's videos, each with the brief's quotes spoken by them (all quoted segments
    theirs) and where they first speak."""
    store = app_state(request).store
    hits = store.speaker_videos(name)
    if not hits:
        raise HTTPException(404, "no video has a speaker of this name")
    videos = [SpeakerVideo(h, _their_quotes(store.load_brief(h.video_id), h)) for h in hits]
    context = {"name": name, "videos": videos, "quotes": sum(len(v.quotes) for v in videos)}
    return render(request, "speaker.html", context)


def _their_quotes(brief, hit: SpeakerInVideo) -> tuple[Quote, ...]:
    if brief is None:
        return ()
    theirs = {seg for seg, _, _ in hit.segments}
    return tuple(q for q in brief.quotes if set(q.segment_ids) <= theirs)


@router.post("/v/{video_id}/speakers/{label}")
async def rename(request: Request, video_id: VideoId, label: Label) -> Response:
    """An editor names a video's speaker (source "user"; kept when the speakers stage reruns)."""
    from videobrief.web.routes.comments import _field, check_csrf, small_form

    form = await small_form(request)
    check_csrf(request, form)
    require_admin(request)
    store = app_state(request).store
    t = find_video(store, video_id)
    name = " ".join(strip_controls(_field(form, "name") or "").split())
    try:
        store.rename_speaker(t.id, label, name)
    except BadInput as exc:
        raise HTTPException(422, str(exc)) from exc
    return RedirectResponse(f"/v/{t.id}#speakers", status_code=303)
