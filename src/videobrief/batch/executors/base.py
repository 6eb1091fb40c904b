"""What every executor is, and what it reports to: the protocols, apart from the factory.

`executors/__init__.py` imports the executors lazily (Ray only when asked for); keeping these
here lets each executor import them without importing its own package's factory.
"""

from __future__ import annotations

from typing import Protocol

from videobrief.batch.run import Outcome
from videobrief.pipeline.runner import Event


class Progress(Protocol):
    """What a batch reports, always on the thread that called `run`."""

    def started(self, source: str) -> None: ...
    def stage(self, source: str, event: Event) -> None: ...  # a stage's progress
    def finished(self, outcome: Outcome) -> None: ...


class Executor(Protocol):
    def __enter__(self) -> Executor: ...
    def __exit__(self, *exc: object) -> None: ...
    def run(self, sources: list[str], progress: Progress) -> list[Outcome]: ...
