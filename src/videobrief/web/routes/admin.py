"""Admin sign-in for the browser: the token goes into an HttpOnly, SameSite=Strict cookie."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from videobrief.web import tokens
from videobrief.web.deps import ADMIN_COOKIE, app_state, render
from videobrief.web.routes.comments import _field, check_csrf, small_form

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request):
    return render(request, "login.html", {})


@router.post("/login")
async def login(request: Request) -> Response:
    form = await small_form(request)
    check_csrf(request, form)
    token = (_field(form, "token") or "").strip()
    if tokens.verify_token(app_state(request).store, token) is None:
        return render(request, "login.html", {"error": "That token is not valid."}, 401)
    response = RedirectResponse("/upload", status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(
        ADMIN_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/"
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await small_form(request)
    check_csrf(request, form)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(ADMIN_COOKIE, path="/")
    return response
