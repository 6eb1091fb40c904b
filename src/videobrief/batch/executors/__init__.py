"""Where a batch runs: in this process (`local`, the default) or on a Ray cluster (`ray`).

Both take the same `BatchSettings` and call the same `batch.process_source` (the Ray one with a
dispatch that sends each stage's `run` to an actor or a task), and both are
context managers with `run(sources, progress) -> list[Outcome]`, so `watch` can feed one
executor many small batches without restarting Ray each time.
"""

from __future__ import annotations

from videobrief.batch.executors.base import Executor, Progress
from videobrief.batch.run import BatchSettings

__all__ = ["Executor", "Progress", "make_executor"]


def make_executor(
    kind: str, settings: BatchSettings, workers: int = 1, address: str | None = None
) -> Executor:
    if kind == "local":
        from videobrief.batch.executors.local import LocalExecutor

        return LocalExecutor(settings)
    if kind == "ray":
        from videobrief.batch.executors.ray import RayExecutor

        return RayExecutor(settings, workers=workers, address=address)
    raise ValueError(f"unknown executor {kind!r}")
