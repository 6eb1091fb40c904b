"""CSRF tokens and the per-client rate limit for public writes (comments).

CSRF uses the double-submit pattern: a random cookie (SameSite=Strict, HttpOnly) whose value
the server also renders into each form; a cross-site form can send the cookie but cannot read
it to fill the field.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

from starlette.requests import Request
from starlette.responses import Response

CSRF_COOKIE = "vb_csrf"
CSRF_FIELD = "csrf"


def csrf_token(request: Request) -> str:
    """The request's CSRF token: the cookie's, or a fresh one that `set_csrf_cookie` will set."""
    token = request.cookies.get(CSRF_COOKIE)
    if not token or len(token) != 43:
        token = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Set the cookie if this request minted a token."""
    token = getattr(request.state, "new_csrf", None)
    if token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """True if the form's token matches the cookie."""
    cookie = request.cookies.get(CSRF_COOKIE)
    return bool(cookie and submitted) and hmac.compare_digest(cookie, submitted)


def client_id(request: Request, secret: bytes) -> str:
    """A salted hash of the client address: enough to rate-limit, useless if leaked."""
    host = request.client.host if request.client else "unknown"
    return hmac.new(secret, host.encode(), hashlib.sha256).hexdigest()


class RateLimiter:
    """At most `limit` events per client in any `window` seconds (sliding window, in memory).

    One server process holds the counts; a restart forgets them, which only ever lets a client
    post sooner, never locks anyone out.
    """

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Record an attempt; False if the client is over its limit."""
        now = time.monotonic()
        with self._lock:
            times = self._seen.setdefault(client, deque())
            while times and now - times[0] > self.window:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(now)
            if len(self._seen) > 10_000:  # forget idle clients so memory stays bounded
                for key in [k for k, v in self._seen.items() if not v][:5_000]:
                    del self._seen[key]
            return True
