"""Run a batch on Ray: model stages in long-lived actors, the rest as plain tasks.

The shape is Ray's batch-inference one (decode as a CPU `map`, a `map_batches` class that keeps
its model loaded): every stage of the registry marked `heavy` (speech, speakers, entities,
english) runs on one of `--workers` *model actors*, which keep their models loaded for their
lifetime, so four videos cost one Whisper load per actor, not four. The other stages (import,
decode, brief, check), the download/probe of a source and the search embeddings run as plain
Ray tasks. The driver runs the same runner as the local executor (`runner.run_source` through
`batch.process_source`): cache keys, marks, lineage and every store write stay in the driver,
only each stage's pure `run` travels (`_SourceDispatch`, a `runner.Dispatch`). So a rerun skips
the same stages under Ray as locally, and the workers never open the store.

The decoded audio is the one large intermediate: a decode task's result stays in Ray's object
store (`_Held`, a reference), and the speech and speakers actors read it from there, so the
driver never holds it and nothing is decoded twice. Several videos are in flight at once
(twice the actors), so one video's decode or brief runs while another's speech does.

Progress: a stage's `ctx.progress` in a worker goes to a Ray queue (throttled); a driver thread
moves the events to the main thread, which hands them to the progress display.

`--timeout` is a budget per source for the time its own calls run (waiting for a free actor
is not charged); when it runs out the call is stopped by killing its process: a task is
cancelled with force, an actor is killed and replaced.

Without `--address` a private local Ray instance is started (no dashboard, usage stats off,
bound to 127.0.0.1) and stopped afterwards. On a cluster the sources must be readable at the
same path on every node; only the driver writes to the store.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from videobrief.batch import logs
from videobrief.batch.executors.base import Progress
from videobrief.batch.run import BatchSettings, Outcome, SourceTimeout, process_source
from videobrief.errors import BadInput
from videobrief.pipeline.models import model_loads
from videobrief.pipeline.runner import Event, StageContext
from videobrief.pipeline.stage import ARTIFACTS, Stage
from videobrief.store import Store

log = logs.get("ray")
T = TypeVar("T")
POLL_SECONDS = 0.5
EVENT_INTERVAL = 0.25  # at most this often per stage call, besides its first and last event


# -- what runs where (pure, tested without Ray) ------------------------------------------------


@dataclass(frozen=True)
class Resources:
    """What one model actor and one CPU task ask Ray for."""

    actor_cpus: float
    actor_gpus: float
    task_cpus: float


def plan_resources(cluster: Mapping[str, float], workers: int) -> Resources:
    """Each model actor gets an equal share of the cluster's GPUs (at most one), none without.

    A CPU is reserved per actor for its lifetime, and each task takes one while it runs, so a
    cluster needs more CPUs than actors or no task could ever start.
    """
    cpus = float(cluster.get("CPU", 0.0))
    if cpus < workers + 1:
        raise BadInput(
            f"the Ray cluster has {cpus:g} CPUs: --workers {workers} model actors need "
            f"{workers} and the CPU tasks at least one more"
        )
    gpus = float(cluster.get("GPU", 0.0))
    share = min(1.0, gpus / workers) if gpus > 0 else 0.0
    return Resources(actor_cpus=1.0, actor_gpus=share, task_cpus=1.0)


def device_for(gpu_ids: Sequence[Any]) -> str:
    """Where a worker runs its models: "cuda" when Ray gave it a GPU, else "cpu"."""
    return "cuda" if len(gpu_ids) else "cpu"


def runs_on_actor(stage: Stage) -> bool:
    """Model-heavy stages go to the model actors; everything else is a plain task."""
    return stage.heavy


def local_cpus(workers: int) -> int:
    """Logical CPUs of a private local instance: one per model actor, as many for tasks."""
    return 2 * max(1, workers)


def start_local_ray(workers: int) -> None:
    """A private Ray instance on this machine: loopback only, no dashboard, no usage stats."""
    import ray

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(
        num_cpus=local_cpus(workers),
        include_dashboard=False,
        log_to_driver=False,
        _node_ip_address="127.0.0.1",
    )


# -- the worker side ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Call:
    """What a worker needs to rebuild the stage's context, and the tag its events carry."""

    video_id: str
    cache_dir: Path
    threads: int
    source: str  # the runner's name for the source (Event.source)
    tag: str  # the batch source the driver files this call's events under
    max_seconds: float  # the run's --max-duration, which bounds the audio decoded


class _Sink:
    """A worker's progress callback: events to the driver's Ray queue, a few per second."""

    def __init__(self, events: Any, tag: str) -> None:
        self.events, self.tag = events, tag
        self.last = 0.0

    def __call__(self, event: Event) -> None:
        now = time.monotonic()
        final = event.total > 0 and event.done >= event.total
        if not final and self.last and now - self.last < EVENT_INTERVAL:
            return
        self.last = now
        with contextlib.suppress(Exception):  # progress must never fail a stage
            self.events.put_nowait((self.tag, event))


def _writable(value: Any) -> Any:
    """Arrays from the object store are read-only views; stages may assume their own copy."""
    if isinstance(value, np.ndarray) and not value.flags.writeable:
        return value.copy()
    return value


def run_stage_here(
    stage: Stage,
    inputs: dict[str, Any],
    held_names: list[str],
    options: Any,
    call: _Call,
    events: Any,
    *held: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """One stage's `run` in a Ray worker: (stored outputs, passed-on outputs, report).

    `held` are the resolved object-store values of the inputs named in `held_names` (Ray
    resolves top-level references). Outputs that are never stored (the audio) come back as
    their own return value, so the driver keeps only a reference to them.
    """
    import ray

    for name, values in zip(held_names, held, strict=True):
        inputs[name] = _writable(values[name])
    device = device_for(ray.get_gpu_ids())
    sink = _Sink(events, call.tag)
    ctx = StageContext(
        call.video_id,
        call.cache_dir,
        call.threads,
        call.source,
        stage,
        sink,
        device,
        max_seconds=call.max_seconds,
    )
    started = time.perf_counter()
    values = stage.run(inputs, options, ctx)
    seconds = time.perf_counter() - started
    stored = {a: v for a, v in values.items() if ARTIFACTS.get(a, True)}
    passed = {a: v for a, v in values.items() if a not in stored}
    report = {
        "stage": stage.name,
        "seconds": seconds,
        "pid": os.getpid(),
        "actor": ray.get_runtime_context().get_actor_id(),
        "device": device,
        "passed": sorted(passed),
    }
    return stored, passed, report


def call_here(fn: Callable[..., T], *args: Any) -> T:
    """A plain function as a Ray task (download and probe, embeddings)."""
    return fn(*args)


class ModelWorker:
    """A model actor: runs heavy stages, keeping their models loaded as long as it lives."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def run(self, *args: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        self.calls[args[0].name] += 1
        return run_stage_here(*args)

    def pid(self) -> int:
        return os.getpid()

    def stats(self) -> dict[str, Any]:
        """Stage calls served and model loads made by this actor's process (tests, bench)."""
        return {"pid": os.getpid(), "calls": dict(self.calls), "loads": model_loads()}


# -- the driver side ---------------------------------------------------------------------------


class WorkerDied(RuntimeError):
    """The process running a call died (segfault, out of memory)."""


@dataclass(frozen=True)
class _Held:
    """An artifact left in Ray's object store: the reference to its call's passed-on outputs."""

    ref: Any
    name: str


class _Actors:
    """The model actors, lent to one stage call at a time; a killed or dead one is replaced."""

    def __init__(self, make: Callable[[], Any], count: int) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._idle: queue.Queue[Any] = queue.Queue()
        self.all: list[Any] = []
        for _ in range(count):
            self._add()

    def _add(self) -> None:
        actor = self._make()
        with self._lock:
            self.all.append(actor)
        self._idle.put(actor)

    def acquire(self) -> Any:
        return self._idle.get()

    def release(self, actor: Any) -> None:
        self._idle.put(actor)

    def replace(self, actor: Any) -> None:
        import ray

        ray.kill(actor)
        with self._lock:
            self.all.remove(actor)
        self._add()

    def close(self) -> None:
        import ray

        with self._lock:
            for actor in self.all:
                ray.kill(actor)
            self.all = []


class _SourceDispatch:
    """`runner.Dispatch` for one source: heavy stages on model actors, the rest as tasks.

    Every call is charged to the source's `--timeout` budget; the seconds each stage ran in its
    worker are kept for the outcome (`timings`).
    """

    def __init__(self, ex: RayExecutor, source: str) -> None:
        self.ex, self.source = ex, source
        self.limit = ex.settings.limits.timeout
        self.left = self.limit
        self.timings: dict[str, float] = {}

    def task(self, fn: Callable[..., T], *args: Any) -> T:
        import ray

        ref = self.ex.remote_call.remote(fn, *args)
        (value,) = self._wait([ref], stop=lambda: ray.cancel(ref, force=True))
        return value

    def stage(
        self, stage: Stage, inputs: dict[str, Any], options: Any, ctx: StageContext
    ) -> dict[str, Any]:
        import ray

        plain = {a: v for a, v in inputs.items() if not isinstance(v, _Held)}
        held = [v for v in inputs.values() if isinstance(v, _Held)]
        call = _Call(
            ctx.video_id, ctx.cache_dir, ctx.threads, ctx.source, self.source, ctx.max_seconds
        )
        args = (stage, plain, [h.name for h in held], options, call, self.ex.events)
        refs = [h.ref for h in held]
        if runs_on_actor(stage):
            passed, stored, report = self._on_actor(args, refs)
        else:
            out = self.ex.remote_stage.options(num_returns=3).remote(*args, *refs)
            stop = lambda: ray.cancel(out[0], force=True)  # noqa: E731
            stored, report = self._wait([out[0], out[2]], stop, also=[out[1]])
            passed = out[1]
        self.timings[stage.name] = self.timings.get(stage.name, 0.0) + report["seconds"]
        self.ex.placed(self.source, report)
        return {**stored, **{name: _Held(passed, name) for name in report["passed"]}}

    def _on_actor(self, args: tuple, refs: list[Any]) -> tuple[Any, dict, dict]:
        """(reference to passed-on outputs, stored outputs, report) of a call on a model actor."""
        assert self.ex.actors is not None
        actors = self.ex.actors
        actor = actors.acquire()  # waiting for a free actor is not charged to the budget
        healthy = True
        try:
            out = actor.run.options(num_returns=3).remote(*args, *refs)
            stored, report = self._wait([out[0], out[2]], lambda: None, also=[out[1]])
            return out[1], stored, report
        except (SourceTimeout, WorkerDied):
            healthy = False  # killing the actor is the only way to stop native code mid-call
            raise
        finally:
            if healthy:
                actors.release(actor)
            else:
                actors.replace(actor)

    def _wait(
        self, refs: list[Any], stop: Callable[[], None], also: Sequence[Any] = ()
    ) -> list[Any]:
        """The values of `refs` (and `also` finished, not fetched), within the budget left."""
        import ray

        every = [*refs, *also]
        started = time.monotonic()
        timeout = None if self.left is None else max(0.0, self.left)
        ready, _ = ray.wait(every, num_returns=len(every), timeout=timeout, fetch_local=False)
        if self.left is not None:
            self.left -= time.monotonic() - started
        if len(ready) < len(every):
            stop()
            raise SourceTimeout(f"took longer than the --timeout of {self.limit:g} s")
        try:
            return ray.get(refs)
        except ray.exceptions.RayTaskError as exc:  # the stage itself raised: its own error
            raise exc.cause from None
        except ray.exceptions.RayError as exc:
            raise WorkerDied(f"worker died: {type(exc).__name__}") from exc


class RayExecutor:
    def __init__(
        self, settings: BatchSettings, workers: int = 2, address: str | None = None
    ) -> None:
        self.settings = settings
        self.workers = max(1, workers)
        self.in_flight = 2 * self.workers
        self.address = address
        self._started_ray = False
        self._store: Store | None = None
        self._relay: queue.Queue[tuple[str, Event]] = queue.Queue()
        self._stopping = threading.Event()
        self._pump: threading.Thread | None = None
        self._lock = threading.Lock()
        self.placements: list[dict[str, Any]] = []  # one per stage call: where it ran
        self.actors: _Actors | None = None
        self.events: Any = None  # the Ray queue workers put progress events on
        self.remote_stage: Any = None
        self.remote_call: Any = None

    # -- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> RayExecutor:
        import ray
        from ray.util.queue import Queue

        if not ray.is_initialized():
            if self.address:
                ray.init(address=self.address, log_to_driver=False)
            else:
                start_local_ray(self.workers)
                self._started_ray = True
        res = plan_resources(ray.cluster_resources(), self.workers)
        log.info("ray resources", extra={"job": self.settings.job, "status": str(res)})
        self.remote_stage = ray.remote(num_cpus=res.task_cpus, max_retries=0)(run_stage_here)
        self.remote_call = ray.remote(num_cpus=res.task_cpus, max_retries=0)(call_here)
        self.events = Queue(actor_options={"num_cpus": 0})
        actor_cls = ray.remote(num_cpus=res.actor_cpus, num_gpus=res.actor_gpus, max_restarts=0)(
            ModelWorker
        )

        def make() -> Any:  # waiting for it keeps its start-up out of any timeout
            actor = actor_cls.remote()
            ray.get(actor.pid.remote())
            return actor

        self.actors = _Actors(make, self.workers)
        self._store = self.settings.open_store()
        self._stopping.clear()
        self._pump = threading.Thread(target=self._pump_events, name="vb-events", daemon=True)
        self._pump.start()
        return self

    def __exit__(self, *exc: object) -> None:
        import ray

        self._stopping.set()
        if self._pump is not None:
            self._pump.join(timeout=5)
        if self.actors is not None:
            self.actors.close()
        if self.events is not None:
            ray.kill(self.events.actor)
        if self._store is not None:
            self._store.close()
        if self._started_ray:
            ray.shutdown()

    def actor_pids(self) -> list[int]:
        """The model actors' process ids (tests: models live in long-lived other processes)."""
        import ray

        assert self.actors is not None
        return ray.get([a.pid.remote() for a in self.actors.all])

    def actor_stats(self) -> list[dict[str, Any]]:
        """Per model actor: the stage calls it served and the models it loaded."""
        import ray

        assert self.actors is not None
        return ray.get([a.stats.remote() for a in self.actors.all])

    def placed(self, source: str, report: dict[str, Any]) -> None:
        with self._lock:
            self.placements.append({"source": source, **report})

    def _pump_events(self) -> None:
        """Move workers' progress events from the Ray queue to the main thread's queue."""
        from ray.util.queue import Empty

        while not self._stopping.is_set():
            try:
                self._relay.put(self.events.get(block=True, timeout=POLL_SECONDS))
            except Empty:
                continue
            except Exception:  # noqa: BLE001 - the queue actor is gone: shutting down
                return

    # -- work -----------------------------------------------------------------------------

    def run(self, sources: list[str], progress: Progress) -> list[Outcome]:
        """Every source through the pipeline, `in_flight` at a time; progress on this thread."""
        outcomes: dict[int, Outcome] = {}
        waiting = list(enumerate(sources))
        running: dict[Future[Outcome], int] = {}
        with ThreadPoolExecutor(self.in_flight, thread_name_prefix="vb-source") as pool:
            while waiting or running:
                while waiting and len(running) < self.in_flight:
                    index, source = waiting.pop(0)
                    progress.started(source)
                    running[pool.submit(self._one, source)] = index
                done, _ = wait_futures(running, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                self._forward(progress)
                for future in done:
                    outcome = future.result()
                    outcomes[running.pop(future)] = outcome
                    progress.finished(outcome)
        self._forward(progress)
        return [outcomes[i] for i in range(len(sources))]

    def _one(self, source: str) -> Outcome:
        """One source, on a driver thread: the runner here, its stages on Ray."""
        assert self._store is not None
        return process_source(
            source,
            self._store,
            self.settings,
            lambda event: self._relay.put((source, event)),
            _SourceDispatch(self, source),
        )

    def _forward(self, progress: Progress) -> None:
        while True:
            try:
                source, event = self._relay.get_nowait()
            except queue.Empty:
                return
            progress.stage(source, event)
