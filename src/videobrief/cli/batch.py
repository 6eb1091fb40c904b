"""`videobrief batch` and `videobrief watch`: many sources, on this machine or on Ray.

Exit codes follow `run`: 0 all done or skipped, 2 if an input was refused (bad, over a limit),
1 if one failed otherwise.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import uuid
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from videobrief.batch import logs, sources
from videobrief.batch.executors import make_executor
from videobrief.batch.run import BatchSettings, Limits, Outcome, exit_code, parse_size
from videobrief.batch.view import BatchView
from videobrief.cli.options import (
    DEFAULT_DATA_DIR,
    DEFAULT_MAX_DURATION,
    DataDir,
    DbUrl,
    LLMModel,
    LLMUrl,
    MaxDuration,
    cache_dir,
    err,
    fail,
    max_seconds,
)
from videobrief.errors import BadInput
from videobrief.pipeline.process import RunConfig
from videobrief.stages.brief.options import BriefOptions
from videobrief.stages.english.options import EnglishOptions
from videobrief.stages.speech.options import SpeechOptions


class ExecutorKind(StrEnum):
    local = "local"
    ray = "ray"


ExecutorOpt = Annotated[
    ExecutorKind, typer.Option("--executor", help="local (this process) or ray.")
]
AddressOpt = Annotated[
    str | None, typer.Option(help="Ray cluster address; default: start a local Ray instance.")
]
WorkersOpt = Annotated[
    int, typer.Option(min=1, help="Ray model actors (twice as many videos in flight).")
]
OutOpt = Annotated[Path | None, typer.Option(help="Also write exports and page.html here.")]
MaxSize = Annotated[str | None, typer.Option(help="Refuse inputs larger than this (e.g. 2G).")]
KeepEmpty = Annotated[
    bool,
    typer.Option("--keep-empty", help="Store sources in which no speech is found (default: fail)."),
]
TimeoutOpt = Annotated[
    float | None, typer.Option(help="Give up on one source after this many seconds.")
]
DownloadTimeout = Annotated[float, typer.Option(help="Socket timeout for URL downloads, seconds.")]
LLMTimeout = Annotated[float, typer.Option(help="Timeout per LLM request, seconds.")]
LogJson = Annotated[bool, typer.Option("--log-json", help="Structured logs on stderr: JSON lines.")]
ModelOpt = Annotated[str, typer.Option(help="'base' (bundled) or a faster-whisper model.")]
ThreadsOpt = Annotated[int, typer.Option(help="CPU threads for Whisper per worker.")]


def _settings(
    data_dir: Path,
    out: Path | None,
    model: str,
    threads: int,
    llm_url: str | None,
    llm_model: str,
    llm_timeout: float,
    limits: Limits,
    longest: float,
    keep_empty: bool = False,
) -> BatchSettings:
    config = RunConfig(
        data_dir=data_dir,
        cache_dir=cache_dir(),
        speech=SpeechOptions(model=model),
        english=EnglishOptions(llm_url=llm_url, llm_model=llm_model, llm_timeout=llm_timeout),
        cpu_threads=threads,
        brief=BriefOptions(llm_url=llm_url, llm_model=llm_model, llm_timeout=llm_timeout),
        max_seconds=longest,
        keep_empty=keep_empty,
    )
    return BatchSettings(config, limits, out, job=uuid.uuid4().hex[:12])


def _limits(max_size: str | None, timeout: float | None, dl_timeout: float) -> Limits:
    return Limits(
        max_bytes=parse_size(max_size) if max_size else None,
        timeout=timeout,
        download_timeout=dl_timeout,
    )


def batch(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, folders, lists of paths/URLs, URLs, or -.")
    ],
    executor: ExecutorOpt = ExecutorKind.local,
    address: AddressOpt = None,
    workers: WorkersOpt = 2,
    out: OutOpt = None,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
    model: ModelOpt = "base",
    threads: ThreadsOpt = 1,
    llm_url: LLMUrl = None,
    llm_model: LLMModel = "default",
    llm_timeout: LLMTimeout = 120.0,
    max_size: MaxSize = None,
    max_duration: MaxDuration = DEFAULT_MAX_DURATION,
    keep_empty: KeepEmpty = False,
    timeout: TimeoutOpt = None,
    download_timeout: DownloadTimeout = 30.0,
    log_json: LogJson = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per source.")] = False,
) -> None:
    """Process many sources; a bad one fails alone, and a rerun skips what is done."""
    logs.setup(log_json)
    try:
        found = sources.expand(inputs)
        limits = _limits(max_size, timeout, download_timeout)
        longest = max_seconds(max_duration)
    except BadInput as exc:
        fail(exc)
    settings = _settings(
        data_dir, out, model, threads, llm_url, llm_model, llm_timeout, limits, longest, keep_empty
    )
    settings = replace(settings, db_url=db)
    refused = [Outcome(r.input, "failed", error=r.reason, bad_input=True) for r in found.refused]
    total = len(found.sources) + len(refused)
    with (
        make_executor(executor.value, settings, workers, address) as ex,
        BatchView(total, err, quiet=log_json or not sys.stderr.isatty()) as view,
    ):
        for outcome in refused:  # named nothing to run; the rest still runs
            extra = {"job": settings.job, "source": outcome.source, "error": outcome.error}
            logs.get("batch").warning("failed", extra={**extra, "status": "failed"})
            view.finished(outcome)
        outcomes = refused + ex.run(found.sources, view)
    for o in outcomes:
        if as_json:
            print(json.dumps(o.__dict__, default=str), flush=True)
    done, failed = view.count("done"), view.count("failed")
    err.print(
        f"batch {settings.job}: {done} done, {view.count('skipped')} skipped, {failed} failed; "
        f"{view.audio_hours_per_hour():.1f} audio h per wall h",
        highlight=False,
    )
    for o in outcomes:
        if o.status == "failed":
            err.print(f"[red]failed:[/red] {o.error}", highlight=False)
    raise typer.Exit(exit_code(outcomes))


def watch(
    folder: Annotated[Path, typer.Argument(help="Folder to watch (recursively).")],
    executor: ExecutorOpt = ExecutorKind.local,
    address: AddressOpt = None,
    workers: WorkersOpt = 2,
    out: OutOpt = None,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
    model: ModelOpt = "base",
    threads: ThreadsOpt = 1,
    llm_url: LLMUrl = None,
    llm_model: LLMModel = "default",
    llm_timeout: LLMTimeout = 120.0,
    max_size: MaxSize = None,
    max_duration: MaxDuration = DEFAULT_MAX_DURATION,
    keep_empty: KeepEmpty = False,
    timeout: TimeoutOpt = None,
    interval: Annotated[float, typer.Option(help="Seconds between folder scans.")] = 1.0,
    settle: Annotated[
        float, typer.Option(help="A file is ready once unchanged for this many seconds.")
    ] = 2.0,
    log_json: LogJson = False,
) -> None:
    """Process files as they appear once they stop growing; stop with Ctrl-C or SIGTERM."""
    from videobrief.batch.watch import watch as watch_loop

    logs.setup(log_json)
    try:
        limits = _limits(max_size, timeout, 30.0)
        longest = max_seconds(max_duration)
    except BadInput as exc:
        fail(exc)
    if not folder.is_dir():
        err.print(f"[red]error:[/red] {folder}: not a folder", highlight=False)
        raise typer.Exit(2)
    settings = _settings(
        data_dir, out, model, threads, llm_url, llm_model, llm_timeout, limits, longest, keep_empty
    )
    settings = replace(settings, db_url=db)
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda sig, _f: stopping.append(sig))
    err.print(f"videobrief: watching {folder} (pid {os.getpid()})", highlight=False)
    with (
        make_executor(executor.value, settings, workers, address) as ex,
        BatchView(0, err, quiet=log_json or not sys.stderr.isatty()) as view,
    ):
        store = settings.open_store()
        try:
            watch_loop(
                folder,
                ex,
                store,
                view,
                interval=interval,
                settle=settle,
                stop=lambda: bool(stopping),
                on_batch=view.add,
            )
        except KeyboardInterrupt:
            pass
        finally:
            store.close()
