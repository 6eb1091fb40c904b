"""Security headers on every response and a size limit on every request body (pure ASGI).

Pure ASGI rather than `BaseHTTPMiddleware`: it adds no task per request, a cost every page and
search would otherwise pay.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

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


class BodyTooLarge(Exception):
    """Raised inside `receive` once a body passes its limit."""


def _is_admin_view(path: str, headers: list[tuple[bytes, bytes]]) -> bool:
    """Admin pages, and any page seen with admin credentials (it may show pending comments)."""
    if path.startswith(ADMIN_PREFIXES):
        return True
    for key, value in headers:
        if key == b"authorization" or (key == b"cookie" and b"vb_session=" in value):
            return True
    return False


class SecurityMiddleware:
    """Adds the headers, and answers 413 before parsing when a body is over its limit."""

    def __init__(self, app: ASGIApp, body_limit: int = DEFAULT_BODY_LIMIT, upload_limit: int = 0):
        self.app, self.body_limit, self.upload_limit = app, body_limit, upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        headers = scope["headers"]
        limit = self.upload_limit if path in UPLOAD_PATHS and self.upload_limit else self.body_limit
        declared = next((v for k, v in headers if k == b"content-length"), None)
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send, limit)
            return
        extra = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"DENY"),
            (b"content-security-policy", (DOCS_CSP if _docs(path) else CSP).encode()),
        ]
        if _is_admin_view(path, headers):
            extra.append((b"cache-control", b"no-store"))
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in names or k == b"cache-control"
                ]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await _too_large(send, limit)


def _docs(path: str) -> bool:
    return path in ("/docs", "/redoc") or path.startswith("/docs/")


async def _too_large(send: Send, limit: int) -> None:
    body = b'{"detail":"request body too large (limit %d bytes)"}' % limit
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"content-security-policy", CSP.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
