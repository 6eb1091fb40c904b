"""The batch progress display: videos done/failed/skipped/running, audio hours per wall hour,
and for each running video the stage it is in and how far that stage is.

A rich Live panel on stderr (stdout stays for `--json` lines); with `quiet` it only counts,
which is what tests and `--log-json` runs want.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console
from rich.live import Live
from rich.table import Table

from videobrief.batch.run import Outcome
from videobrief.pipeline.runner import Event


class BatchView:
    def __init__(self, total: int, console: Console, quiet: bool = False) -> None:
        self.total = total
        self.console = console
        self.quiet = quiet
        self.running: dict[str, float] = {}
        self.stages: dict[str, Event] = {}  # running source -> its latest stage event
        self.outcomes: list[Outcome] = []
        self.t0 = time.perf_counter()
        self.live: Live | None = None

    def __enter__(self) -> BatchView:
        if not self.quiet:
            self.live = Live(self._render(), console=self.console, refresh_per_second=4)
            self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.update(self._render())
            self.live.__exit__(None, None, None)

    def add(self, n: int) -> None:
        self.total += n

    def started(self, source: str) -> None:
        self.running[source] = time.perf_counter()
        self._refresh()

    def stage(self, source: str, event: Event) -> None:
        if source in self.running:
            self.stages[source] = event
            self._refresh()

    def finished(self, outcome: Outcome) -> None:
        self.running.pop(outcome.source, None)
        self.stages.pop(outcome.source, None)
        self.outcomes.append(outcome)
        if outcome.status == "failed" and not self.quiet:
            self.console.print(f"[red]failed:[/red] {outcome.error}", highlight=False)
        self._refresh()

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def audio_hours_per_hour(self) -> float:
        wall = time.perf_counter() - self.t0
        audio = sum(o.audio_seconds for o in self.outcomes if o.status == "done")
        return audio / wall if wall > 0 else 0.0

    def _refresh(self) -> None:
        if self.live is not None:
            self.live.update(self._render())

    def _render(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_row(
            f"[green]done {self.count('done')}[/green]",
            f"[red]failed {self.count('failed')}[/red]",
            f"skipped {self.count('skipped')}",
            f"[yellow]running {len(self.running)}[/yellow]",
            f"of {self.total}",
            f"{self.audio_hours_per_hour():.1f} audio h / wall h",
        )
        for source in list(self.running)[:8]:
            table.add_row(f"  ▸ {Path(source).name[:60]}", self._stage_text(source), "", "", "", "")
        return table

    def _stage_text(self, source: str) -> str:
        event = self.stages.get(source)
        if event is None:
            return ""
        name = event.label or event.stage
        if event.note or not event.total:
            return f"{name} {event.note}".strip()
        return f"{name} {event.done:.0f}/{event.total:.0f} {event.unit}"
