"""`videobrief check VIDEO_ID TEXT_FILE|-`: check a text's claims against a stored video."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from videobrief.cli.options import (
    DEFAULT_DATA_DIR,
    DataDir,
    DbUrl,
    JudgeOption,
    LLMModel,
    LLMUrl,
    cache_dir,
    err,
    fail,
    open_existing,
)
from videobrief.errors import BadInput, VideobriefError


def _read_text(source: str) -> str:
    """The text to check, from a file or stdin ("-"), refused when too large or not UTF-8."""
    from videobrief.stages.check.checker import MAX_TEXT_BYTES

    if source == "-":
        raw = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
    else:
        path = Path(source)
        if not path.is_file():
            raise BadInput(f"{source}: no such file")
        with path.open("rb") as fh:
            raw = fh.read(MAX_TEXT_BYTES + 1)
    if len(raw) > MAX_TEXT_BYTES:
        raise BadInput(f"{source}: text is over the limit of {MAX_TEXT_BYTES:,} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{source}: not UTF-8 text") from exc


def check_cmd(
    video_id: Annotated[str, typer.Argument(help="Video id or a unique prefix (≥ 6 chars).")],
    text_file: Annotated[str, typer.Argument(help="Text to check (a file, or - for stdin).")],
    out: Annotated[Path, typer.Option(help="Folder for check.json and check.md.")] = Path("out"),
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
    llm_url: LLMUrl = None,
    llm_model: LLMModel = "default",
    as_json: Annotated[bool, typer.Option("--json", help="Print check.json on stdout.")] = False,
    judge: JudgeOption = "llm-bundled",
    threads: Annotated[int, typer.Option(help="CPU threads for the judge model.")] = min(
        os.cpu_count() or 2, 8
    ),
) -> None:
    """Check a text against a stored video: a verdict per claim, with timestamps and evidence."""
    from videobrief.models.llama import load_bundled
    from videobrief.stages.check import report
    from videobrief.stages.check.checker import check_text, make_vote
    from videobrief.stages.check.options import CheckOptions

    options = CheckOptions(judge=judge, llm_url=llm_url, llm_model=llm_model)
    store = open_existing(data_dir, db)
    try:
        text = _read_text(text_file)
        transcript = store.load_transcript(store.resolve_id(video_id))
        if transcript is None:
            raise BadInput(f"{video_id}: no transcript stored yet")
        vote = make_vote(options, lambda: load_bundled(str(cache_dir()), threads))
        result = check_text(transcript, text, options, vote)
        paths = report.write(result, out / transcript.id, transcript.title or transcript.source)
    except (BadInput, VideobriefError) as exc:
        fail(exc)
    finally:
        store.close()
    if as_json:
        print(report.to_json(result), end="")
    else:
        counts = ", ".join(f"{n} {v}" for v, n in result.counts().items() if n)
        err.print(f"{counts} → {paths['md']}", highlight=False)
