"""Security headers on every response, HEAD wherever GET is answered, and a size limit on every
request body (pure ASGI).

Pure ASGI rather than `BaseHTTPMiddleware`: it adds no task per request, a cost every page and
search would otherwise pay.

`SecurityHeaders` and `HeadAsGet` wrap the whole application, outside Starlette's
`ServerErrorMiddleware` (`create_app` builds the stack so), so the framework's own answers (a
500, a 405, a 413) carry the same headers as a page. `BodyLimit` sits inside, among the user
middleware: it has to raise through the route that reads the body, and an exception that
reached `ServerErrorMiddleware` would become a 500.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# No inline script or style anywhere: scripts and the stylesheet come from /static.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# Swagger UI / ReDoc (fastapi-offline) start themselves with an inline script: only there.
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'"
)
ADMIN_PREFIXES = ("/upload", "/jobs", "/login", "/logout", "/api/v1/jobs", "/api/v1/uploads")
UPLOAD_PATHS = ("/upload", "/api/v1/uploads")
DEFAULT_BODY_LIMIT = 256 * 1024  # comments and forms; uploads have their own limit


def security_headers(path: str, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers every response to a request for `path` carries."""
    extra = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", (DOCS_CSP if _docs(path) else CSP).encode()),
    ]
    if _is_admin_view(path, headers):
        extra.append((b"cache-control", b"no-store"))
    return extra


def _is_admin_view(path: str, headers: list[tuple[bytes, bytes]]) -> bool:
    """Admin pages, and any page seen with admin credentials (it may show pending comments)."""
    if path.startswith(ADMIN_PREFIXES):
        return True
    for key, value in headers:
        if key == b"authorization" or (key == b"cookie" and b"vb_session=" in value):
            return True
    return False


def _docs(path: str) -> bool:
    return path in ("/docs", "/redoc") or path.startswith("/docs/")


class SecurityHeaders:
    """Adds `security_headers` to every response start that passes through it.

    A header the application set itself is kept (a route may need its own), except
    Cache-Control on an admin view, which is always no-store as well.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(scope["path"], scope["headers"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in names or k == b"cache-control"
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _HeadSent(Exception):
    """Raised from `send` to stop a streaming GET once a HEAD's headers have gone out."""


class HeadAsGet:
    """Answers HEAD wherever GET is answered: the GET's status and headers, no body.

    FastAPI's routes answer only the methods they name, so HEAD on a page gave 405; link
    checkers and proxies send HEAD. The request is routed as GET (on a copy of the scope: the
    server still knows it is HEAD and sends no body). A response that streams (a media file,
    the job events) is stopped after its first chunk instead of being read to the end.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        finished = False

        async def headers_only(message: Message) -> None:
            nonlocal finished
            if message["type"] == "http.response.start":
                await send(message)
            elif message["type"] == "http.response.body":
                if finished:
                    raise _HeadSent
                finished = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                if message.get("more_body", False):
                    raise _HeadSent
            else:
                await send(message)

        try:
            await self.app({**scope, "method": "GET"}, receive, headers_only)
        except _HeadSent:
            pass
        except BaseExceptionGroup as group:  # a response that streams from a task group
            rest = group.subgroup(lambda exc: not isinstance(exc, _HeadSent))
            if rest is not None:
                raise rest from None


class BodyTooLarge(HTTPException):
    """Raised inside `receive` once a body passes its limit.

    An HTTPException, because FastAPI's body parsing turns any other exception from `receive`
    into a 400 ("error parsing the body") but lets this one through to the app's 413.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body too large (limit {limit} bytes)")


class BodyLimit:
    """Answers 413 before parsing when a body is (or declares itself) over its limit."""

    def __init__(self, app: ASGIApp, body_limit: int = DEFAULT_BODY_LIMIT, upload_limit: int = 0):
        self.app, self.body_limit, self.upload_limit = app, body_limit, upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.upload_limit if path in UPLOAD_PATHS and self.upload_limit else self.body_limit
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send, limit)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def send_started(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, send_started)
        except BodyTooLarge:
            if not started:
                await _too_large(send, limit)


async def _too_large(send: Send, limit: int) -> None:
    body = b'{"detail":"request body too large (limit %d bytes)"}' % limit
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
