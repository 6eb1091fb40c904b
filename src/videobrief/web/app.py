"""`create_app(settings)`: the FastAPI application, its routes, and the worker's lifetime."""

from __future__ import annotations

import gc
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from jinja2 import PackageLoader
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp

from videobrief.publish import page
from videobrief.store import Store, Unfinished
from videobrief.store.queries.entities import archive_key
from videobrief.store.search import SemanticIndex
from videobrief.web.deps import AppState, render
from videobrief.web.headers import BodyLimit, HeadAsGet, SecurityHeaders
from videobrief.web.routes import (
    admin,
    api,
    check,
    comments,
    entities,
    pages,
    search,
    speakers,
    uploads,
)
from videobrief.web.settings import WebSettings, from_env, load_secret
from videobrief.web.worker import Worker

STATIC = Path(__file__).parent / "static"
RETRY_PROCESSING_S = 30  # Retry-After on a video that is still processing


def _wrap_outermost(app: FastAPI) -> None:
    """Put the security headers and HEAD outside the whole stack, Starlette's error middleware
    included, so its 500 and every other answer the framework makes carry the headers too.

    `add_middleware` can only go inside that middleware; Starlette builds the stack on the
    first request by calling `build_middleware_stack`, so the app's own is wrapped.
    """
    build = app.build_middleware_stack

    def build_wrapped() -> ASGIApp:
        return HeadAsGet(SecurityHeaders(build()))

    app.build_middleware_stack = build_wrapped  # type: ignore[method-assign]


def create_app(settings: WebSettings) -> FastAPI:
    """Build the app on the store in `settings.data_dir` (migrated on open)."""
    if not settings.secret:
        from dataclasses import replace

        settings = replace(settings, secret=load_secret(settings.data_dir))
    store = Store.from_settings(settings.data_dir, settings.db_url)
    env = page.environment(PackageLoader("videobrief.web", "templates"))
    env.globals["entity_key"] = archive_key  # links from a video's names to the archive page
    state = AppState(
        settings=settings,
        store=store,
        env=env,
        semantic=SemanticIndex(),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        worker = Worker(settings) if settings.worker else None
        if worker:
            worker.start()
        # Everything built at start-up lives as long as the server: keep it out of the cyclic
        # collector's full passes, whose pauses otherwise land on a request now and then.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            if worker:
                worker.stop()
            store.close()

    # FastAPIOffline: /docs and /redoc serve Swagger UI / ReDoc from the wheel, not a CDN.
    app = FastAPIOffline(
        title="videobrief",
        version="1",
        summary="Transcripts, English track, briefs and comments of published news videos.",
        lifespan=lifespan,
    )
    app.state.vb = state
    state.env.globals["language_name"] = page.language_name
    stylesheet = state.env.get_template("site.css").render().encode()

    @app.get("/assets/site.css", include_in_schema=False)
    def site_css() -> Response:
        """The page's stylesheet as a file: the CSP allows no inline style."""
        return Response(
            stylesheet, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"}
        )

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (pages, search, entities, speakers, comments, uploads, admin, api, check):
        app.include_router(module.router)
    # multipart framing adds a little to an upload's file size
    upload_limit = settings.max_upload_bytes + 1024 * 1024
    app.add_middleware(BodyLimit, upload_limit=upload_limit)
    _wrap_outermost(app)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        """JSON for the API, a page for people."""
        response = _error(request, exc.status_code, str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Unfinished)
    async def processing(request: Request, exc: Unfinished) -> Response:
        """A video whose stages are not all done: 409 with Retry-After, a page for people.

        Raised by the store's read gate, whichever route or document asked."""
        headers = {"Retry-After": str(RETRY_PROCESSING_S)}
        if _wants_html(request):
            message = (
                f"This video is still processing (not finished: {', '.join(exc.stages)}). "
                "Reload this page in a while."
            )
            context = {"title": "Still processing", "message": message}
            response = render(request, "message.html", context, 409)
            response.headers.update(headers)
            return response
        body = {"detail": str(exc), "status": "processing", "unfinished": list(exc.stages)}
        return _json(body, 409, headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        """Bad parameters: 404 when the path names nothing (a malformed id is no video),
        else 400 for people and 422 for the API. Never echoes the input (it may be huge or
        not even encodable)."""
        errors = [
            {"loc": [str(part)[:40] for part in e.get("loc", ())], "msg": safe_text(e["msg"])}
            for e in exc.errors()[:10]
        ]
        if any(e["loc"][:1] == ["path"] for e in errors):
            return _error(request, 404, "No such page." if _wants_html(request) else "not found")
        if _wants_html(request):
            text = "; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in errors)
            return _error(request, 400, text)
        return _json({"detail": errors}, 422)

    return app


def safe_text(text: str, limit: int = 200) -> str:
    """`text` cut short, with anything UTF-8 cannot carry (lone surrogates) replaced."""
    return text[:limit].encode("utf-8", "replace").decode("utf-8")


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return not request.url.path.startswith("/api/") and "text/html" in accept


def _json(body: object, status: int, headers: dict[str, str] | None = None) -> Response:
    # ensure_ascii: escapes every non-ASCII character, so no input can fail to encode
    return Response(
        json.dumps(body), status_code=status, media_type="application/json", headers=headers
    )


def _error(request: Request, status: int, message: str) -> Response:
    message = safe_text(message)
    if _wants_html(request):
        context = {"title": f"Error {status}", "message": message}
        return render(request, "message.html", context, status)
    return _json({"detail": message}, status)


def create_app_from_env() -> FastAPI:
    """Factory for `uvicorn --workers N`: each server process builds its app from the env."""
    return create_app(from_env())
