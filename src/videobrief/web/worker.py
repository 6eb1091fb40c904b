"""The background worker: a separate process that drains the job queue and keeps search fresh.

A separate process (not a thread) so Whisper's CPU-bound decoding never stalls the web server's
event loop, and so a crash in native code takes down one job, not the site. Between jobs it
indexes any video whose text or embeddings are stale (including ones added by `videobrief run`).
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import time
from pathlib import Path

from sqlalchemy import update

from videobrief import pipeline, search
from videobrief.configs import build_config, env_llm
from videobrief.errors import BadInput
from videobrief.store import Store
from videobrief.store.models import Video
from videobrief.web import jobs
from videobrief.web.settings import WebSettings

IDLE_POLL_S = 1.0
PROGRESS_EVERY_S = 0.5


def _friendly_title(filename: str) -> str:
    stem = Path(filename).stem.strip()
    return stem or "upload"


def run_job(store: Store, job: jobs.JobView, config: pipeline.RunConfig) -> None:
    """Run the real pipeline on one uploaded file and record progress, result or error."""
    last = {"t": 0.0, "stage": ""}

    def on_event(ev: pipeline.Event) -> None:
        now = time.monotonic()
        final = ev.total and ev.done >= ev.total
        if ev.stage != last["stage"] or final or now - last["t"] >= PROGRESS_EVERY_S:
            last.update(t=now, stage=ev.stage)
            jobs.progress(store, job.id, ev.stage, ev.done, ev.total, ev.note)

    path = jobs.upload_path(store, job.id) or ""
    try:
        result = pipeline.process(Path(path), store, config, on_event)
        video_id = result.transcript.id
        with store.writing() as session:  # the upload's name, not its content-hash file name
            session.execute(
                update(Video)
                .where(Video.id == video_id, Video.title == Path(path).stem)
                .values(title=_friendly_title(job.filename), source=job.filename)
            )
        jobs.progress(store, job.id, "index", 0, 1, "")
        search.refresh_text(store)
        search.refresh_embeddings(store)
        jobs.progress(store, job.id, "index", 1, 1, "")
        jobs.finish(store, job.id, video_id, None)
    except BadInput as exc:
        jobs.finish(store, job.id, None, str(exc).replace(path, job.filename))
    except Exception as exc:  # noqa: BLE001 - any failure must reach the job page, not kill us
        jobs.finish(store, job.id, None, f"internal error: {type(exc).__name__}: {exc}")


def worker_main(settings: WebSettings, stop: mp.synchronize.Event) -> None:
    """Process entry point: loop until `stop` is set (or SIGTERM)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the server, which stops us
    store = Store.open(settings.data_dir)
    llm_url, llm_model = env_llm()
    # the same builder as `videobrief run`: a file the CLI processed is reused, not redone
    config = build_config(
        settings.data_dir,
        settings.resolved_cache_dir(),
        model=settings.model,
        llm_url=llm_url,
        llm_model=llm_model,
        threads=settings.cpu_threads,
    )
    jobs.requeue_running(store)
    try:
        while not stop.is_set():
            job = jobs.claim_next(store)
            if job is not None:
                run_job(store, job, config)
                continue
            search.refresh_text(store)
            if search.refresh_embeddings(store, limit=1):
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
        """Ask politely; a job deep in Whisper is terminated and requeued at the next start."""
        self._stop.set()
        self._proc.join(timeout)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(timeout)
