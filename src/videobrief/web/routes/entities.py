"""Names across the archive: the entity list with counts, and one entity's videos and mentions."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from videobrief.publish import page
from videobrief.web.deps import app_state, render

router = APIRouter(include_in_schema=False)
TYPES = (("PER", "People"), ("ORG", "Organisations"), ("LOC", "Places"), ("DATE", "Dates"))
Kind = Literal["", "PER", "ORG", "LOC", "DATE"]


@router.get("/entities", response_class=HTMLResponse)
def entity_list(request: Request, type: Kind = ""):  # noqa: A002 - the query parameter's name
    """Every entity in the archive, most videos first."""
    found = app_state(request).store.list_entities(type or None)
    return render(request, "entities.html", {"entities": found, "types": TYPES, "type": type})


@router.get("/entity", response_class=HTMLResponse)
def entity_page(request: Request, key: Annotated[str, Query(min_length=3, max_length=255)]):
    """Every video naming one entity ("PER:lukashenko"), each mention linking to its segment."""
    hits = app_state(request).store.entity_videos(key)
    if not hits:
        raise HTTPException(404, "no video names this")
    hits = [replace(h, source=page.filename(h.source)) for h in hits]  # never a server path
    first = hits[0].entity
    context = {"key": key, "hits": hits, "name": first.name, "name_en": first.name_en}
    return render(request, "entity.html", context)
