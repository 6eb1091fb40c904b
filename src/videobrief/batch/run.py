"""One source of a batch, start to finish: download, limits, pipeline, bookkeeping.

Executors (`videobrief.batch.executors`) decide *where* `process_source` runs; this module decides
*what* happens to one source, so the local and Ray executors cannot drift apart. Every outcome
is recorded in the store's `batch_sources` table: a rerun skips sources already done (same
size and mtime for files), and a poisoned source fails alone with its error kept.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from videobrief.batch import download, logs, sources
from videobrief.errors import BadInput
from videobrief.pipeline.process import Event, OnEvent, RunConfig, process, publish
from videobrief.pipeline.runner import Dispatch, Here, Opened, open_source
from videobrief.store import Store
from videobrief.store.queries import batches

log = logs.get("batch")


class SourceTimeout(Exception):
    """A source ran past `Limits.timeout`."""


@dataclass(frozen=True)
class Limits:
    """Refusals and timeouts. None means no limit. (The duration limit is the run's own,
    `RunConfig.max_seconds`: the probe and the decoder enforce it.)"""

    max_bytes: int | None = None
    timeout: float | None = None  # wall seconds for one source
    download_timeout: float = download.DEFAULT_TIMEOUT


@dataclass(frozen=True)
class BatchSettings:
    """Everything a worker needs, picklable so a Ray actor can be built from it."""

    config: RunConfig
    limits: Limits = Limits()
    out_dir: Path | None = None
    db_url: str | None = None  # None: the SQLite file in config.data_dir
    job: str = "batch"

    def open_store(self) -> Store:
        return Store.from_settings(self.config.data_dir, self.db_url)


@dataclass
class Outcome:
    source: str
    status: str  # "done" | "failed" | "skipped"
    video_id: str | None = None
    error: str | None = None
    bad_input: bool = False
    audio_seconds: float = 0.0
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    reused: bool = False


def parse_size(text: str) -> int:
    """'500M', '2G', '1048576' → bytes."""
    text = text.strip().upper().removesuffix("B")
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    try:
        if text and text[-1] in scale:
            return int(float(text[:-1]) * scale[text[-1]])
        return int(text)
    except ValueError as exc:
        raise BadInput(f"size limit {text!r}: use a number with K, M, G or T") from exc


def parse_duration(text: str) -> float:
    """'90', '45m', '2h', '1:30:00' → seconds."""
    text = text.strip().lower()
    try:
        if ":" in text:
            seconds = 0.0
            for part in text.split(":"):
                seconds = seconds * 60 + float(part)
            return seconds
        scale = {"s": 1, "m": 60, "h": 3600}
        if text and text[-1] in scale:
            return float(text[:-1]) * scale[text[-1]]
        return float(text)
    except ValueError as exc:
        raise BadInput(f"duration limit {text!r}: use seconds, 45m, 2h or H:MM:SS") from exc


def check_limits(path: Path, limits: Limits) -> None:
    """Refuse a source over the size limit before any work is done on it."""
    size = path.stat().st_size
    if limits.max_bytes is not None and size > limits.max_bytes:
        raise BadInput(f"{path}: {size} bytes is over the --max-size limit of {limits.max_bytes}")


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise SourceTimeout after `seconds` (main thread only: SIGALRM). Elsewhere (Ray actors)
    the executor enforces the timeout by killing the worker."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _expired(_sig: int, _frame: object) -> None:
        raise SourceTimeout(f"took longer than the --timeout of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _file_identity(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError as exc:  # gone since the batch was listed (a watched folder, a share)
        raise BadInput(f"{path}: no such file ({exc.strerror or exc})") from exc
    return st.st_size, st.st_mtime_ns


def already_done(store: Store, source: str) -> batches.SourceState | None:
    """The stored state if this source finished before and (for files) is unchanged."""
    state = batches.get(store, source)
    if state is None or state.status != "done":
        return None
    if sources.is_url(source):
        return state
    path = Path(source)
    if not path.exists() or _file_identity(path) != (state.size_bytes, state.mtime_ns):
        return None
    return state


def prepare(source: str, settings: BatchSettings) -> tuple[Path, Opened]:
    """A source made ready for the runner: downloaded if a URL, checked against the limits,
    probed (media declaring more than `--max-duration` is refused here) and hashed. Reads (and
    downloads) only: nothing is stored, so it can run anywhere."""
    path = _local_path(source, settings)
    check_limits(path, settings.limits)
    return path, open_source(path, settings.config.max_seconds)


def process_source(
    source: str,
    store: Store,
    settings: BatchSettings,
    on_event: OnEvent | None = None,
    dispatch: Dispatch | None = None,
) -> Outcome:
    """Run one source through the pipeline, recording what happened; never raises for it.

    `dispatch` says where the work runs (this process, or Ray tasks and actors); the
    bookkeeping (store, marks, batch rows, exports) happens here, in the caller's process.
    """
    started = time.perf_counter()
    ctx = {"job": settings.job, "source": source}
    done = already_done(store, source)
    if done is not None:
        log.info("skipped: done before", extra={**ctx, "video_id": done.video_id})
        return Outcome(source, "skipped", video_id=done.video_id)
    dispatch = dispatch if dispatch is not None else Here()
    on_event = on_event if on_event is not None else _ignore
    identity: tuple[int | None, int | None] = (None, None)
    try:
        batches.mark(store, source, "running")
        log.info("started", extra={**ctx, "status": "running"})
        with deadline(settings.limits.timeout):
            if not sources.is_url(source):
                identity = _file_identity(Path(source))
            path, opened = dispatch.task(prepare, source, settings)
            result = process(
                path, store, settings.config, on_event, opened=opened, dispatch=dispatch
            )
            if settings.out_dir is not None:
                publish(result.transcript, settings.out_dir, result.brief)
    except (BadInput, SourceTimeout, Exception) as exc:  # a poisoned source fails alone
        error = f"{exc}" if isinstance(exc, BadInput) else f"{type(exc).__name__}: {exc}"
        batches.mark(
            store, source, "failed", size_bytes=identity[0], mtime_ns=identity[1], error=error
        )
        seconds = time.perf_counter() - started
        log.warning("failed", extra={**ctx, "status": "failed", "error": error, "seconds": seconds})
        return Outcome(
            source, "failed", error=error, bad_input=isinstance(exc, BadInput), seconds=seconds
        )
    video_id = result.transcript.id
    if sources.is_url(source):
        batches.set_source_url(store, video_id, source)
    batches.mark(
        store, source, "done", size_bytes=identity[0], mtime_ns=identity[1], video_id=video_id
    )
    seconds = time.perf_counter() - started
    audio = result.transcript.duration
    log.info(
        "done",
        extra={
            **ctx,
            "video_id": video_id,
            "status": "done",
            "seconds": seconds,
            "audio_seconds": audio,
        },
    )
    return Outcome(
        source,
        "done",
        video_id,
        audio_seconds=audio,
        seconds=seconds,
        stages=dict(dispatch.timings),
        reused=result.reused,
    )


def _ignore(_event: Event) -> None:
    pass


def _local_path(source: str, settings: BatchSettings) -> Path:
    if sources.is_url(source):
        return download.fetch(source, settings.config.data_dir, settings.limits.download_timeout)
    return Path(source)


def exit_code(outcomes: list[Outcome]) -> int:
    """0 all done or skipped; 2 if any input was refused as bad; 1 if any failed otherwise."""
    failed = [o for o in outcomes if o.status == "failed"]
    if not failed:
        return 0
    return 1 if any(not o.bad_input for o in failed) else 2
