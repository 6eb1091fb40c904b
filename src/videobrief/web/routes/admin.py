"""Admin sign-in for the browser: a token opens a server-side session whose random id goes into
an HttpOnly, SameSite=Strict cookie (Secure over https); signing out deletes the session.
Failed sign-ins are throttled per address and per store (`web/security.py`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from videobrief.store.queries import security
from videobrief.web import tokens
from videobrief.web.deps import SESSION_COOKIE, app_state, render
from videobrief.web.routes.comments import _field, check_csrf, small_form
from videobrief.web.security import check_login_throttle, login_failed

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request):
    return render(request, "login.html", {})


@router.post("/login")
async def login(request: Request) -> Response:
    form = await small_form(request)
    check_csrf(request, form)
    try:
        check_login_throttle(request)
    except HTTPException as exc:
        response = render(request, "login.html", {"error": exc.detail}, 429)
        response.headers.update(exc.headers or {})
        return response
    token = (_field(form, "token") or "").strip()
    store = app_state(request).store
    token_id = tokens.token_id(store, token)
    if token_id is None:
        login_failed(request)
        return render(request, "login.html", {"error": "That token is not valid."}, 401)
    sid = security.open_session(store, token_id)
    response = RedirectResponse("/upload", status_code=303)
    secure = request.url.scheme == "https"
    max_age = int(security.SESSION_TTL.total_seconds())
    response.set_cookie(
        SESSION_COOKIE,
        sid,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=secure,
        path="/",
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await small_form(request)
    check_csrf(request, form)
    security.close_session(app_state(request).store, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
