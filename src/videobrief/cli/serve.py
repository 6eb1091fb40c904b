"""`videobrief serve` (the web app) and `videobrief token create|list|revoke` (its admin tokens)."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Annotated

import typer

from videobrief.cli.options import (
    DEFAULT_DATA_DIR,
    DataDir,
    DbUrl,
    cache_dir,
    err,
    existing_store,
    fail,
    open_existing,
    open_store,
)
from videobrief.errors import BadInput

token_app = typer.Typer(help="Admin tokens for uploads and moderation.", no_args_is_help=True)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0 picks a free one).")] = 8000,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
    moderate: Annotated[
        bool, typer.Option(help="Hold new comments until an admin approves them.")
    ] = False,
    worker: Annotated[
        bool, typer.Option(help="Run the background pipeline worker for uploads.")
    ] = True,
    max_upload_mb: Annotated[int, typer.Option(help="Largest upload accepted, in MB.")] = 2048,
    threads: Annotated[int, typer.Option(help="CPU threads for Whisper in the worker.")] = min(
        os.cpu_count() or 2, 8
    ),
    workers: Annotated[
        int, typer.Option(min=1, help="HTTP server processes (one per core suits a busy site).")
    ] = 1,
    trust_proxy: Annotated[
        bool,
        typer.Option(
            help="Behind a reverse proxy on this host: take the client address from its "
            "X-Forwarded-For. Off by default, so a client cannot choose its own address."
        ),
    ] = False,
) -> None:
    """Serve the archive, video pages, comments, uploads and the API (FastAPI + uvicorn).

    With `--workers N` uvicorn runs N server processes; the pipeline worker then runs once, here,
    not once per server process. Rate limits and sign-ins live in the store, shared by all.
    """
    import uvicorn

    from videobrief.web import WebSettings, create_app
    from videobrief.web.processes import serve_processes
    from videobrief.web.settings import ENV_SETTINGS, to_env
    from videobrief.web.worker import Worker

    settings = WebSettings(
        data_dir=data_dir,
        db_url=db,
        moderate=moderate,
        worker=worker,
        max_upload_bytes=max_upload_mb * 1024 * 1024,
        cpu_threads=threads,
        cache_dir=cache_dir(),
    )
    err.print(f"videobrief: serving {data_dir} on http://{host}:{port}", highlight=False)
    options = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "timeout_graceful_shutdown": 3,
        "proxy_headers": trust_proxy,
        "forwarded_allow_ips": "127.0.0.1,::1" if trust_proxy else "",
    }
    open_store(data_dir, db).close()  # a bad URL exits 2; migrate once, before N processes
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    pipeline_worker = Worker(settings) if worker else None
    os.environ[ENV_SETTINGS] = to_env(replace(settings, worker=False))
    if pipeline_worker:
        pipeline_worker.start()
    try:
        serve_processes(workers, options)
    finally:
        if pipeline_worker:
            pipeline_worker.stop()


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="A label for whoever holds the token.")] = "admin",
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
) -> None:
    """Create an admin token and print it once (only its hash is stored)."""
    from videobrief.web.tokens import create_token

    with open_store(data_dir, db) as store:
        print(create_token(store, name))


@token_app.command("list")
def token_list(data_dir: DataDir = DEFAULT_DATA_DIR, db: DbUrl = None) -> None:
    """List admin tokens: id (a prefix of the stored hash), name, created, last used."""
    from videobrief.store.queries import security

    with open_existing(data_dir, db) as store:
        for t in security.list_tokens(store):
            used = t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "never"
            print(f"{t.id}  {t.created_at:%Y-%m-%d %H:%M}  last used {used:<16}  {t.name}")


@token_app.command("revoke")
def token_revoke(
    which: Annotated[str, typer.Argument(help="Token name, id from `token list`, or the token.")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
) -> None:
    """Revoke tokens (and their browser sessions) at once, in every server process."""
    from videobrief.store.queries import security

    try:
        with existing_store(data_dir, db) as store:
            names = security.revoke_tokens(store, which)
        if not names:
            raise BadInput(f"no token named or starting {which!r}: see `videobrief token list`")
    except BadInput as exc:
        fail(exc)
    err.print(f"revoked {len(names)} token(s): {', '.join(names)}", highlight=False)
