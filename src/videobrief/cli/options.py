"""What every command shares: the error console, the data folder, the database and LLM options,
and the store openers.

The command modules import from here, never from `cli.app`, which imports them to register them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import platformdirs
import typer
from rich.console import Console

from videobrief.errors import BadInput, VideobriefError
from videobrief.store import Store

err = Console(stderr=True, soft_wrap=True)


def fail(exc: VideobriefError) -> NoReturn:
    """One line on stderr, then exit 2 for bad input, 1 for any other videobrief error."""
    err.print(f"[red]error:[/red] {exc}", highlight=False)
    raise typer.Exit(2 if isinstance(exc, BadInput) else 1) from exc


DEFAULT_DATA_DIR = Path(platformdirs.user_data_dir("videobrief"))
DataDir = Annotated[
    Path,
    typer.Option(
        "--data-dir",
        envvar="VIDEOBRIEF_DATA_DIR",
        help="Folder holding the database, downloads and uploads.",
    ),
]

DbUrl = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="VIDEOBRIEF_DB",
        help="Database URL (e.g. postgresql://user@host/videobrief). "
        "Default: SQLite in --data-dir.",
    ),
]

LLMUrl = Annotated[
    str | None,
    typer.Option(
        "--llm-url",
        envvar="VIDEOBRIEF_LLM_URL",
        help="OpenAI-compatible API base (e.g. http://127.0.0.1:8080/v1): writes the brief, and "
        "the English track with --translate llm. Default: offline extractive brief.",
    ),
]
LLMModel = Annotated[
    str, typer.Option("--llm-model", envvar="VIDEOBRIEF_LLM_MODEL", help="Model name to ask for.")
]


JudgeOption = Annotated[
    str,
    typer.Option(
        "--judge",
        help="How claims are judged: llm-bundled (slot rules and the bundled model's vote; "
        "--llm-url puts that model in its place) or rules (the slot rules alone, faster).",
    ),
]


MaxDuration = Annotated[
    str,
    typer.Option(
        "--max-duration",
        help="Refuse media whose audio is longer than this (e.g. 3h, 90m, 1:30:00): checked on "
        "what the file declares before decoding, and held to while decoding.",
    ),
]
DEFAULT_MAX_DURATION = "6h"


def max_seconds(text: str) -> float:
    """`--max-duration` in seconds; BadInput unless it is a positive length."""
    from videobrief.batch.run import parse_duration

    seconds = parse_duration(text)
    if not seconds > 0:
        raise BadInput(f"--max-duration {text!r}: give a positive length such as 6h or 90m")
    return seconds


def cache_dir() -> Path:
    """The model cache every command shares (`pipeline.config.model_cache_dir`)."""
    from videobrief.pipeline.config import model_cache_dir

    return model_cache_dir()


def existing_store(data_dir: Path, db: str | None = None, create: bool = False) -> Store:
    """Open the store of a command that reads: a missing data folder is a typo, not a wish.

    With a database URL the data folder holds no database, so the URL's store is opened (a bad
    or unreachable URL raises BadInput from `Store.from_settings`).
    """
    from videobrief.store.store import DB_FILENAME

    if db is None and not create and not (data_dir / DB_FILENAME).is_file():
        raise BadInput(
            f"no videobrief data in {data_dir} (no {DB_FILENAME}); check --data-dir, "
            "or pass --create to start an empty one"
        )
    return Store.from_settings(data_dir, db)


def open_store(data_dir: Path, db: str | None) -> Store:
    """The store the command was pointed at, created if new; a bad or unreachable URL exits 2."""
    try:
        return Store.from_settings(data_dir, db)
    except BadInput as exc:
        fail(exc)


def open_existing(data_dir: Path, db: str | None, create: bool = False) -> Store:
    """`existing_store`, exiting 2 with a one-line reason."""
    try:
        return existing_store(data_dir, db, create)
    except BadInput as exc:
        fail(exc)
