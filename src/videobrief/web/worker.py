"""The background worker: a separate process that drains the job queue and keeps search fresh.

A separate process (not a thread) so Whisper's CPU-bound decoding never stalls the web server's
event loop, and so a crash in native code takes down one job, not the site. Between jobs it
embeds any segment that has no embedding yet (including ones `videobrief run` stored); the text
index needs no worker, it is written with the transcript.

A claimed job is held under a lease that a heartbeat thread renews; a worker killed with
SIGKILL stops renewing, and once the lease passes another worker (or this one restarted)
claims the job again.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from videobrief.errors import BadInput
from videobrief.pipeline import process
from videobrief.pipeline.config import build_config, env_llm
from videobrief.pipeline.process import RunConfig
from videobrief.pipeline.runner import Event
from videobrief.store import Store, search
from videobrief.web import jobs
from videobrief.web.settings import WebSettings

IDLE_POLL_S = 1.0
PROGRESS_EVERY_S = 0.5
LEASE_S = jobs.DEFAULT_LEASE_S
EMBED_BATCH = 32


def _friendly_title(filename: str) -> str:
    stem = Path(filename).stem.strip()
    return stem or "upload"


@contextmanager
def _heartbeat(store: Store, job: jobs.JobView, lease_s: float) -> Iterator[None]:
    """Renew the job's lease every third of it while the body runs (in a daemon thread)."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(lease_s / 3):
            if not jobs.heartbeat(store, job, lease_s):
                return  # taken over or finished: nothing left to renew

    thread = threading.Thread(target=beat, name=f"lease-{job.id[:8]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def run_job(store: Store, job: jobs.JobView, config: RunConfig, lease_s: float = LEASE_S) -> None:
    """Run the real pipeline on one uploaded file and record progress, result or error."""
    with _heartbeat(store, job, lease_s):
        _run_job(store, job, config)


def _run_job(store: Store, job: jobs.JobView, config: RunConfig) -> None:
    last = {"t": 0.0, "stage": ""}

    def on_event(ev: Event) -> None:
        now = time.monotonic()
        final = ev.total and ev.done >= ev.total
        if ev.stage != last["stage"] or final or now - last["t"] >= PROGRESS_EVERY_S:
            last.update(t=now, stage=ev.stage)
            jobs.progress(store, job.id, ev.stage, ev.done, ev.total, ev.note, job.attempts)

    path = jobs.upload_path(store, job.id) or ""
    try:
        result = process.process(Path(path), store, config, on_event)
        video_id = result.transcript.id
        # the upload's name, not its content-hash file name
        store.set_title_source(
            video_id, _friendly_title(job.filename), job.filename, only_if_title=Path(path).stem
        )
        jobs.progress(store, job.id, "index", 0, 1, "search index", job.attempts)
        search.embed_video(store, video_id)
        jobs.progress(store, job.id, "index", 1, 1, "search index", job.attempts)
        jobs.finish(store, job.id, video_id, None, job.attempts)
    except BadInput as exc:
        jobs.finish(store, job.id, None, str(exc).replace(path, job.filename), job.attempts)
    except Exception as exc:  # noqa: BLE001 - any failure must reach the job page, not kill us
        error = f"internal error: {type(exc).__name__}: {exc}"
        jobs.finish(store, job.id, None, error, job.attempts)


def worker_main(settings: WebSettings, stop: mp.synchronize.Event) -> None:
    """Process entry point: loop until `stop` is set (or SIGTERM)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the server, which stops us
    store = Store.from_settings(settings.data_dir, settings.db_url)
    llm_url, llm_model = env_llm()
    # the same builder as `videobrief run`: a file the CLI processed is reused, not redone
    config = build_config(
        settings.data_dir,
        settings.resolved_cache_dir(),
        model=settings.model,
        llm_url=llm_url,
        llm_model=llm_model,
        threads=settings.cpu_threads,
        voices=store.known_voices("campp"),
    )
    try:
        while not stop.is_set():
            job = jobs.claim_next(store, LEASE_S)
            if job is not None:
                run_job(store, job, config)
                continue
            if search.refresh_embeddings(store, limit=EMBED_BATCH):
                continue
            stop.wait(IDLE_POLL_S)
    finally:
        store.close()


class Worker:
    """Start/stop handle the app's lifespan uses."""

    def __init__(self, settings: WebSettings) -> None:
        ctx = mp.get_context("spawn")
        self._stop = ctx.Event()
        self._proc = ctx.Process(
            target=worker_main, args=(settings, self._stop), name="videobrief-worker", daemon=True
        )

    def start(self) -> None:
        self._proc.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask politely; a job deep in Whisper is terminated and claimed again once its lease
        has passed."""
        self._stop.set()
        self._proc.join(timeout)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(timeout)
