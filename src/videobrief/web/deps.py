"""What every route needs: the app's shared state, admin identity, video lookup, rendering."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment

from videobrief.errors import BadInput
from videobrief.records import Brief, Transcript
from videobrief.store import Store
from videobrief.store.queries import security
from videobrief.store.search import SemanticIndex
from videobrief.web import tokens
from videobrief.web.security import (
    check_login_throttle,
    csrf_token,
    login_failed,
    set_csrf_cookie,
)
from videobrief.web.settings import WebSettings

F = TypeVar("F", bound=Callable[..., Any])
SESSION_COOKIE = "vb_session"  # a server-side session id, never the token itself
VIDEO_ID_PATTERN = r"^[0-9a-fA-F]{6,64}$"  # ids are shown lower case; any case is accepted


@dataclass
class AppState:
    """One per app: settings, the store, templates, and in-memory helpers."""

    settings: WebSettings
    store: Store
    env: Environment
    semantic: SemanticIndex


def app_state(request: Request) -> AppState:
    return request.app.state.vb


def one_read(route: F) -> F:
    """Serve a sync route's store reads from one read transaction (`Store.snapshot`).

    A video page makes about ten small reads; each in its own transaction costs more than its
    query. FastAPI passes `request` by keyword and reads the signature through `__wrapped__`.
    """

    @functools.wraps(route)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with app_state(kwargs["request"]).store.snapshot():
            return route(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def admin_name(request: Request) -> str | None:
    """The admin token's name from a Bearer header or the sign-in session cookie, else None."""
    cached = getattr(request.state, "admin", False)
    if cached is not False:
        return cached
    store = app_state(request).store
    token, sid = bearer(request), request.cookies.get(SESSION_COOKIE)
    if token:  # a Bearer token is a sign-in: throttled as the form is, or it would be a way round
        request.state.admin = None  # no admin, also for the error page that a 429 renders
        check_login_throttle(request)
        name = tokens.verify_token(store, token)
        if name is None:
            login_failed(request)
    elif sid:
        name = security.session_admin(store, sid)
    else:
        name = None
    request.state.admin = name
    return name


def require_admin(request: Request) -> str:
    name = admin_name(request)
    if name is None:
        reason = "an admin token is needed (Authorization: Bearer …)"
        raise HTTPException(401, reason, {"WWW-Authenticate": "Bearer"})
    return name


def find_video(store: Store, video_id: str) -> Transcript:
    """The stored transcript for a full id or unique prefix; 404 otherwise."""
    video_id = video_id.lower()
    try:
        full = video_id if len(video_id) == 64 else store.resolve_id(video_id)
    except BadInput as exc:
        raise HTTPException(404, str(exc)) from exc
    transcript = store.load_transcript(full)
    if transcript is None:
        raise HTTPException(404, f"no video {video_id}")
    return transcript


def load_brief(store: Store, video_id: str) -> Brief | None:
    """The video's grounded brief, if the brief stage has made one."""
    return store.load_brief(video_id)


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """Render a template with the CSRF token, admin flag and search box filled in."""
    ctx = {
        "request": request,
        "csrf": csrf_token(request),
        "admin": admin_name(request),
        "q": request.query_params.get("q", ""),
        **context,
    }
    html = app_state(request).env.get_template(name).render(ctx)
    response = HTMLResponse(html, status_code=status)
    set_csrf_cookie(request, response)
    return response
