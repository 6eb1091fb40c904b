"""Settings for one running web app (from `videobrief serve` flags or a test)."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_UPLOAD = 2 * 1024**3  # 2 GiB: a long news broadcast, not an unbounded disk fill


@dataclass(frozen=True)
class WebSettings:
    """Where the data lives and the app's policies.

    `worker=False` serves without the background pipeline process (tests of pages, benches);
    uploads then wait in the queue until a server with a worker runs.
    """

    data_dir: Path
    db_url: str | None = None  # a database URL (PostgreSQL); None: SQLite in data_dir
    moderate: bool = False
    worker: bool = True
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    comment_rate: tuple[int, float] = (5, 60.0)  # at most N comments per client per S seconds
    # Failed sign-ins (form or Bearer token) allowed in S seconds: from one address, and from
    # all addresses together (a spread-out guesser); past either, every attempt gets 429.
    login_rate: tuple[int, float] = (10, 600.0)
    login_rate_store: tuple[int, float] = (100, 600.0)
    comment_max_chars: int = 2000
    name_max_chars: int = 80
    cpu_threads: int = 2
    model: str = "base"
    cache_dir: Path | None = None
    secret: bytes = field(default=b"", repr=False)

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    def resolved_cache_dir(self) -> Path:
        """`cache_dir`, else the model cache every command shares."""
        from videobrief.pipeline.config import model_cache_dir

        return self.cache_dir or model_cache_dir()


ENV_SETTINGS = "VIDEOBRIEF_WEB_SETTINGS"


def to_env(settings: WebSettings) -> str:
    """The settings as JSON, for server processes that uvicorn spawns (they re-import the app)."""
    return json.dumps(
        {
            "data_dir": str(settings.data_dir),
            "db_url": settings.db_url,
            "moderate": settings.moderate,
            "worker": settings.worker,
            "max_upload_bytes": settings.max_upload_bytes,
            "cpu_threads": settings.cpu_threads,
            "comment_rate": list(settings.comment_rate),
            "login_rate": list(settings.login_rate),
            "login_rate_store": list(settings.login_rate_store),
            "comment_max_chars": settings.comment_max_chars,
            "name_max_chars": settings.name_max_chars,
            "model": settings.model,
            "cache_dir": str(settings.cache_dir) if settings.cache_dir else None,
        }
    )


def from_env() -> WebSettings:
    """Inverse of `to_env`, read from the environment."""
    raw = json.loads(os.environ[ENV_SETTINGS])
    cache = raw.pop("cache_dir")
    for key in ("comment_rate", "login_rate", "login_rate_store"):
        raw[key] = tuple(raw[key])
    return WebSettings(
        data_dir=Path(raw.pop("data_dir")), cache_dir=Path(cache) if cache else None, **raw
    )


def load_secret(data_dir: Path) -> bytes:
    """The per-data-folder secret (salts client hashes), created once with mode 0600."""
    path = data_dir / "web-secret"
    data_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
    return path.read_bytes()
