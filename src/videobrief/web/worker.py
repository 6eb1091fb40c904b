"""The background worker: a separate process that drains the job queue and keeps search fresh.

A separate process (not a thread) so Whisper's CPU-bound decoding never stalls the web server's
event loop, and so a crash in native code takes down one job, not the site. Between jobs it
embeds any segment that has no embedding yet (including ones `videobrief run` stored); the text
index needs no worker, it is written with the transcript.

A claimed job is held under a lease that a heartbeat thread renews. The server supervises its
worker (`Worker`): when the process dies (SIGKILL, a crash in native code, the kernel's OOM
killer) a thread in the server sees it at once, hands the job it held back to the queue with a
crash counted (`Store.release_job`; a job that has killed its worker `MAX_CRASHES` times is
failed with the reason), and starts a new worker after a backoff that doubles while the deaths
come quickly. A worker that died unseen (its server went too) stops renewing its lease, and
once the lease passes any worker claims the job again, counting the crash the same way.
"""

from __future__ import annotations

import logging
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
RESTART_MIN_S = 1.0  # first wait before a dead worker is replaced; doubles up to the max
RESTART_MAX_S = 60.0
STABLE_S = 60.0  # a worker that lived this long before dying is replaced after the shortest wait
CLAIM_BYTES = 64  # "<job id>:<attempt>" of the job the live worker holds (32 + 1 + digits)
log = logging.getLogger(__name__)


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


def worker_main(settings: WebSettings, stop: mp.synchronize.Event, claim=None) -> None:
    """Process entry point: loop until `stop` is set (or SIGTERM).

    `claim` (shared memory) holds "<job id>:<attempt>" while a job runs, so the supervisor
    knows which job a dead worker held.
    """
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
                if claim is not None:
                    claim.value = f"{job.id}:{job.attempts}".encode()
                run_job(store, job, config)
                if claim is not None:
                    claim.value = b""
                continue
            if search.refresh_embeddings(store, limit=EMBED_BATCH):
                continue
            stop.wait(IDLE_POLL_S)
    finally:
        store.close()


def _death(exitcode: int | None) -> str:
    """How a worker process ended, for the log and a failed job's reason."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"it was killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"it was killed by signal {-exitcode}"
    return f"it exited with code {exitcode}"


class Worker:
    """The server's handle on its worker process: start, stop, and in between a supervisor
    thread that replaces the process whenever it dies.

    The app's lifespan uses it (`serve`), and so does `serve --workers N`, where the worker
    runs once, in the parent of the server processes.
    """

    def __init__(
        self,
        settings: WebSettings,
        restart_min_s: float = RESTART_MIN_S,
        restart_max_s: float = RESTART_MAX_S,
    ) -> None:
        self._settings = settings
        self._ctx = mp.get_context("spawn")
        self._stop = self._ctx.Event()
        self._claim = self._ctx.Array("c", CLAIM_BYTES)
        self._min, self._max = restart_min_s, restart_max_s
        self._lock = threading.Lock()  # between a restart and `stop`
        self._proc: mp.process.BaseProcess | None = None
        self._supervisor = threading.Thread(
            target=self._supervise, name="videobrief-worker-supervisor", daemon=True
        )
        self.restarts = 0

    def _spawn(self) -> mp.process.BaseProcess:
        proc = self._ctx.Process(
            target=worker_main,
            args=(self._settings, self._stop, self._claim),
            name="videobrief-worker",
            daemon=True,
        )
        proc.start()
        return proc

    def start(self) -> None:
        with self._lock:
            self._proc = self._spawn()
        self._supervisor.start()

    def _supervise(self) -> None:
        """Wait for the worker to die; unless stopping, release its job and start another."""
        delay = self._min
        while True:
            proc = self._proc
            assert proc is not None
            born = time.monotonic()
            proc.join()
            if self._stop.is_set():
                return
            why = _death(proc.exitcode)
            log.warning("videobrief worker (pid %s) died: %s; restarting", proc.pid, why)
            self._release(why, crashed=True)
            if time.monotonic() - born >= STABLE_S:
                delay = self._min
            if self._stop.wait(delay):
                return
            delay = min(delay * 2, self._max)
            with self._lock:
                if self._stop.is_set():
                    return
                self._proc = self._spawn()
                self.restarts += 1

    def _release(self, why: str, crashed: bool) -> None:
        """Hand the job the dead worker held back to the queue (`crashed`: count it)."""
        held = self._claim.value.decode()
        self._claim.value = b""
        if not held:
            return
        job_id, _, attempt = held.partition(":")
        try:
            with Store.from_settings(self._settings.data_dir, self._settings.db_url) as store:
                status = store.release_job(job_id, int(attempt), why, crashed=crashed)
        except Exception:  # noqa: BLE001 - the lease still brings the job back
            log.exception(
                "could not release job %s; it is claimed again when its lease ends", job_id
            )
            return
        if status == "failed":
            log.warning("job %s failed: its worker died too often running it", job_id)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask politely; a job deep in Whisper is terminated, and queued again at once (not
        counted as a crash: the server chose to stop)."""
        self._stop.set()
        with self._lock:
            proc = self._proc
        if proc is not None:
            proc.join(timeout)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout)
                self._release("the server stopped", crashed=False)
        if self._supervisor.is_alive():
            self._supervisor.join(timeout)
