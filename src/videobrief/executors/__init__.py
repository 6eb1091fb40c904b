"""Where a batch runs: in this process (`local`, the default) or on a Ray cluster (`ray`).

Both take the same `BatchSettings` and call the same `batch.process_source` (the Ray one with a
dispatch that sends each stage's `run` to an actor or a task), and both are
context managers with `run(sources, progress) -> list[Outcome]`, so `watch` can feed one
executor many small batches without restarting Ray each time.
"""

from __future__ import annotations

from typing import Protocol

from videobrief.batch import BatchSettings, Outcome
from videobrief.runner import Event


class Progress(Protocol):
    """What a batch reports, always on the thread that called `run`."""

    def started(self, source: str) -> None: ...
    def stage(self, source: str, event: Event) -> None: ...  # a stage's progress
    def finished(self, outcome: Outcome) -> None: ...


class Executor(Protocol):
    def __enter__(self) -> Executor: ...
    def __exit__(self, *exc: object) -> None: ...
    def run(self, sources: list[str], progress: Progress) -> list[Outcome]: ...


def make_executor(
    kind: str, settings: BatchSettings, workers: int = 1, address: str | None = None
) -> Executor:
    if kind == "local":
        from videobrief.executors.local import LocalExecutor

        return LocalExecutor(settings)
    if kind == "ray":
        from videobrief.executors.ray_executor import RayExecutor

        return RayExecutor(settings, workers=workers, address=address)
    raise ValueError(f"unknown executor {kind!r}")
