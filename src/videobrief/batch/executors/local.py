"""Run a batch in this process, one source after another (the default executor)."""

from __future__ import annotations

from videobrief.batch.executors.base import Progress
from videobrief.batch.run import BatchSettings, Outcome, process_source
from videobrief.store import Store


class LocalExecutor:
    """Keeps one store open across `run` calls; models stay cached in this process."""

    def __init__(self, settings: BatchSettings) -> None:
        self.settings = settings
        self.store: Store | None = None

    def __enter__(self) -> LocalExecutor:
        self.store = self.settings.open_store()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.store is not None:
            self.store.close()

    def run(self, sources: list[str], progress: Progress) -> list[Outcome]:
        assert self.store is not None, "use LocalExecutor as a context manager"
        outcomes = []
        for source in sources:
            progress.started(source)
            outcome = process_source(
                source, self.store, self.settings, lambda ev, s=source: progress.stage(s, ev)
            )
            progress.finished(outcome)
            outcomes.append(outcome)
        return outcomes
