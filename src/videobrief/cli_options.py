"""What every command shares: the error console, the data folder, the database and LLM options.

Apart from `cli.py` so the command modules (`cli_batch.py`) take them without importing the
app that registers them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import platformdirs
import typer
from rich.console import Console

err = Console(stderr=True, soft_wrap=True)

DEFAULT_DATA_DIR = Path(platformdirs.user_data_dir("videobrief"))
DataDir = Annotated[
    Path,
    typer.Option(
        "--data-dir", envvar="VIDEOBRIEF_DATA_DIR", help="Folder holding the database and caches."
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


def cache_dir(data_dir: Path) -> Path:
    """Model caches: VIDEOBRIEF_CACHE_DIR, else `cache` inside the data folder."""
    return Path(os.environ.get("VIDEOBRIEF_CACHE_DIR", data_dir / "cache"))
