"""CSRF tokens, the client identity the rate limits count by, and the failed sign-in throttle
(its counts kept in the store, so every server process enforces one limit).

CSRF uses the signed double-submit pattern: a random nonce plus its HMAC under the data
folder's secret, in a cookie (SameSite=Strict, HttpOnly) whose value the server also renders
into each form. A cross-site form can send the cookie but cannot read it to fill the field, and
a self-chosen cookie/field pair fails the signature (a sibling subdomain cannot plant one).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from videobrief.store.queries import security as store_security

CSRF_COOKIE = "vb_csrf"
CSRF_FIELD = "csrf"


def _secret(request: Request) -> bytes:
    return request.app.state.vb.settings.secret


def _sign(secret: bytes, nonce: str) -> str:
    return hmac.new(secret, b"csrf:" + nonce.encode(), hashlib.sha256).hexdigest()


def signed(secret: bytes, token: str | None) -> bool:
    """True if `token` is `nonce.hmac` with a valid signature under `secret`."""
    if not token or len(token) > 200:
        return False
    nonce, _, mac = token.partition(".")
    return len(nonce) == 43 and hmac.compare_digest(_sign(secret, nonce), mac)


def csrf_token(request: Request) -> str:
    """The request's CSRF token: the cookie's, or a fresh one that `set_csrf_cookie` will set."""
    token = request.cookies.get(CSRF_COOKIE)
    secret = _secret(request)
    if not signed(secret, token):
        token = getattr(request.state, "new_csrf", None)
        if token is None:
            nonce = secrets.token_urlsafe(32)
            token = f"{nonce}.{_sign(secret, nonce)}"
        request.state.new_csrf = token
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Set the cookie if this request minted a token."""
    token = getattr(request.state, "new_csrf", None)
    if token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """True if the form's token matches the cookie and carries the server's signature."""
    cookie = request.cookies.get(CSRF_COOKIE)
    if not (cookie and submitted) or not hmac.compare_digest(cookie, submitted):
        return False
    return signed(_secret(request), cookie)


def client_id(request: Request, secret: bytes) -> str:
    """A salted hash of the client address: enough to rate-limit, useless if leaked."""
    host = request.client.host if request.client else "unknown"
    return hmac.new(secret, host.encode(), hashlib.sha256).hexdigest()


LOGIN_BUCKET = "login-failed"  # per client address
LOGIN_STORE = "*"  # the client under which every address's failures also count


def _login_limits(request: Request) -> list[tuple[str, str, int, float]]:
    settings = request.app.state.vb.settings
    client = client_id(request, settings.secret)
    per_client, per_store = settings.login_rate, settings.login_rate_store
    return [
        (LOGIN_BUCKET, client, per_client[0], per_client[1]),
        (LOGIN_BUCKET, LOGIN_STORE, per_store[0], per_store[1]),
    ]


def check_login_throttle(request: Request) -> None:
    """Raise 429 (with Retry-After) while this address, or the store as a whole, has had too
    many failed sign-ins. Called before a token is looked at, so a guesser past the limit
    learns nothing, the right token included."""
    wait = store_security.rate_wait(request.app.state.vb.store, _login_limits(request))
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise HTTPException(
            429,
            f"Too many failed sign-ins: try again in {seconds} s.",
            {"Retry-After": str(seconds)},
        )


def login_failed(request: Request) -> None:
    """Count a failed sign-in against this address and against the store."""
    events = [(bucket, client, window) for bucket, client, _, window in _login_limits(request)]
    store_security.rate_record(request.app.state.vb.store, events)
