"""Where a batch runs: in this process (`local`, the default) or on a Ray cluster (`ray`).

Both take the same `BatchSettings` and call the same `batch.process_source`, and both are
context managers with `run(sources, progress) -> list[Outcome]`, so `watch` can feed one
executor many small batches without restarting Ray each time.
"""

from __future__ import annotations

from videobrief.batch import BatchSettings
from videobrief.executors.base import Executor, Progress

__all__ = ["Executor", "Progress", "make_executor"]


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
