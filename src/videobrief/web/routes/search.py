"""The search page: full-text (FTS5) or cross-language meaning search, with filters."""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from videobrief.store import search
from videobrief.web.deps import AppState, app_state, one_read, render

router = APIRouter(include_in_schema=False)
Mode = Literal["text", "semantic"]


def run_search(
    state: AppState, q: str, mode: Mode, filters: search.Filters, limit: int
) -> list[search.Hit]:
    """One entry point for the page and the API."""
    if mode == "semantic":
        return state.semantic.search(state.store, q, filters, limit)
    return search.search_text(state.store, q, filters, limit)


LANGS_TTL_S = 30.0
_langs_cache: dict[int, tuple[float, list[str]]] = {}


def languages(state: AppState) -> list[str]:
    """Languages in the archive for the filter menu; a full scan, so cached for 30 s."""
    now = time.monotonic()
    cached = _langs_cache.get(id(state))
    if cached and now - cached[0] < LANGS_TTL_S:
        return cached[1]
    found = state.store.languages()
    _langs_cache[id(state)] = (now, found)
    return found


@router.get("/search", response_class=HTMLResponse)
@one_read
def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=500)] = "",
    mode: Mode = "text",
    lang: Annotated[str | None, Query(max_length=16)] = None,
    date_from: Annotated[str, Query(max_length=10)] = "",
    date_to: Annotated[str, Query(max_length=10)] = "",
    entity: Annotated[str, Query(max_length=255)] = "",
    speaker: Annotated[str, Query(max_length=200)] = "",
):
    """A browser sends every field, empty ones as "", so dates are parsed leniently here."""
    state = app_state(request)
    error = None
    try:
        start = date.fromisoformat(date_from) if date_from else None
        end = date.fromisoformat(date_to) if date_to else None
    except ValueError:
        start = end = None
        error = "Dates must look like 2025-01-31; the date filter was left out."
    filters = search.Filters(
        lang=lang or None,
        date_from=start,
        date_to=end,
        entity=entity or None,
        speaker=speaker or None,
    )
    hits = run_search(state, q, mode, filters, 30) if q.strip() else []
    other = {
        "q": q,
        "mode": "semantic" if mode == "text" else "text",
        "lang": lang or "",
        "entity": entity,
        "speaker": speaker,
    }
    return render(
        request,
        "search.html",
        {
            "hits": hits,
            "mode": mode,
            "lang": lang,
            "langs": languages(state),
            "entity": entity,
            "entities": state.store.list_entities(limit=200),
            "speaker": speaker,
            "speakers": state.store.list_speakers(limit=200),
            "date_from": date_from,
            "date_to": date_to,
            "error": error,
            "other_url": "/search?" + urlencode(other),
        },
    )
