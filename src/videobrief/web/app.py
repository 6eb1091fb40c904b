"""`create_app(settings)`: the FastAPI application, its routes, and the worker's lifetime."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from jinja2 import PackageLoader
from starlette.exceptions import HTTPException

from videobrief import page
from videobrief.search import SemanticIndex
from videobrief.store import Store
from videobrief.store.entity_store import archive_key
from videobrief.web.deps import AppState, render
from videobrief.web.routes import admin, api, check, comments, entities, pages, search, uploads
from videobrief.web.security import RateLimiter
from videobrief.web.settings import WebSettings, from_env, load_secret
from videobrief.web.worker import Worker

STATIC = Path(__file__).parent / "static"


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
        comment_limiter=RateLimiter(*settings.comment_rate),
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
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (pages, search, entities, comments, uploads, admin, api, check):
        app.include_router(module.router)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        """JSON for the API, a page for people."""
        accept = request.headers.get("accept", "")
        wants_html = not request.url.path.startswith("/api/") and "text/html" in accept
        if wants_html:
            response = render(
                request,
                "message.html",
                {"title": f"Error {exc.status_code}", "message": exc.detail},
                exc.status_code,
            )
        else:
            response = JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    return app


def create_app_from_env() -> FastAPI:
    """Factory for `uvicorn --workers N`: each server process builds its app from the env."""
    return create_app(from_env())
