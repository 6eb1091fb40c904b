"""Run a batch on Ray: videos fan out over a pool of actors that keep their models loaded.

Each actor builds its store and `RunConfig` once and keeps the Whisper model cached in its
process (`speech.model.load_model` is an lru_cache), so the second video an actor takes pays
no model load. Until the stage registry lands the unit of work is one video per actor call
(`batch.process_source`, the same function the local executor runs); splitting CPU stages
(decode, import, brief) into plain tasks is the follow-up once stages are declared.

Without `--address` a private local Ray instance is started (no dashboard, usage stats off,
bound to 127.0.0.1) and stopped afterwards. With several nodes the store must be one they all
reach (PostgreSQL); SQLite only works for a local instance.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from videobrief import logs
from videobrief.batch import BatchSettings, Outcome, process_source
from videobrief.executors.base import Progress
from videobrief.sources import is_url
from videobrief.store import Store, batch_state

log = logs.get("ray")
POLL_SECONDS = 0.5


def start_local_ray(num_cpus: int) -> None:
    """A private Ray instance on this machine: loopback only, no dashboard, no usage stats."""
    import ray

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(
        num_cpus=num_cpus,
        include_dashboard=False,
        log_to_driver=False,
        _node_ip_address="127.0.0.1",
    )


class SourceWorker:
    """The actor body: one store and one model cache for the actor's lifetime."""

    def __init__(self, settings: BatchSettings) -> None:
        self.settings = settings
        self.store = settings.open_store()

    def process(self, source: str) -> Outcome:
        return process_source(source, self.store, self.settings)

    def pid(self) -> int:
        return os.getpid()


@dataclass
class _Flight:
    actor: Any
    source: str
    started: float


class RayExecutor:
    def __init__(
        self, settings: BatchSettings, workers: int = 2, address: str | None = None
    ) -> None:
        self.settings = settings
        self.workers = max(1, workers)
        self.address = address
        self._started_ray = False
        self._actor_cls: Any = None
        self._idle: list[Any] = []
        self._store: Store | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> RayExecutor:
        import ray

        if not ray.is_initialized():
            if self.address:
                ray.init(address=self.address, log_to_driver=False)
            else:
                start_local_ray(self.workers)
                self._started_ray = True
        gpus = ray.cluster_resources().get("GPU", 0.0)
        per_actor = min(1.0, gpus / self.workers) if gpus else 0
        self._actor_cls = ray.remote(num_cpus=1, num_gpus=per_actor, max_restarts=0)(SourceWorker)
        self._idle = [self._new_actor() for _ in range(self.workers)]
        self._store = self.settings.open_store()
        return self

    def __exit__(self, *exc: object) -> None:
        import ray

        for actor in self._idle:
            ray.kill(actor)
        self._idle = []
        if self._store is not None:
            self._store.close()
        if self._started_ray:
            ray.shutdown()

    def _new_actor(self) -> Any:
        """A started actor: waiting for it keeps its start-up out of the next timeout."""
        import ray

        actor = self._actor_cls.remote(self.settings)
        ray.get(actor.pid.remote())
        return actor

    def actor_pids(self) -> list[int]:
        """The process ids of the idle actors (tests: models stay in long-lived processes)."""
        import ray

        return ray.get([a.pid.remote() for a in self._idle])

    # -- work -----------------------------------------------------------------------------

    def run(self, sources: list[str], progress: Progress) -> list[Outcome]:
        import ray

        queue = list(sources)
        flights: dict[Any, _Flight] = {}
        results: dict[str, Outcome] = {}
        while queue or flights:
            while queue and self._idle:
                actor, source = self._idle.pop(), queue.pop(0)
                progress.started(source)
                flights[actor.process.remote(source)] = _Flight(actor, source, time.monotonic())
            ready, _ = ray.wait(list(flights), num_returns=1, timeout=POLL_SECONDS)
            for ref in ready:
                flight = flights.pop(ref)
                outcome = self._collect(ref, flight)
                results[flight.source] = outcome
                progress.finished(outcome)
            for ref, flight in list(flights.items()):
                if self._expired(flight):
                    flights.pop(ref)
                    outcome = self._timed_out(flight)
                    results[flight.source] = outcome
                    progress.finished(outcome)
        return [results[s] for s in sources]

    def _collect(self, ref: Any, flight: _Flight) -> Outcome:
        import ray

        try:
            outcome = ray.get(ref)
        except ray.exceptions.RayError as exc:  # the worker died (segfault, OOM): replace it
            ray.kill(flight.actor)
            self._idle.append(self._new_actor())
            return self._fail(flight.source, f"worker died: {type(exc).__name__}")
        self._idle.append(flight.actor)
        return outcome

    def _expired(self, flight: _Flight) -> bool:
        limit = self.settings.limits.timeout
        return bool(limit) and time.monotonic() - flight.started > limit

    def _timed_out(self, flight: _Flight) -> Outcome:
        import ray

        ray.kill(flight.actor)  # the only way to stop native code mid-call
        self._idle.append(self._new_actor())
        limit = self.settings.limits.timeout
        return self._fail(flight.source, f"took longer than the --timeout of {limit:g} s")

    def _fail(self, source: str, error: str) -> Outcome:
        assert self._store is not None
        size = mtime = None
        if not is_url(source) and Path(source).exists():  # so `watch` does not retry it
            st = Path(source).stat()
            size, mtime = st.st_size, st.st_mtime_ns
        batch_state.mark(
            self._store, source, "failed", size_bytes=size, mtime_ns=mtime, error=error
        )
        log.warning("failed", extra={"job": self.settings.job, "source": source, "error": error})
        return Outcome(source, "failed", error=error)
