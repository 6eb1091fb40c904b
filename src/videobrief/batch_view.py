"""The batch progress display: videos done/failed/skipped/running and audio hours per wall hour.

A rich Live panel on stderr (stdout stays for `--json` lines); with `quiet` it only counts,
which is what tests and `--log-json` runs want.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console
from rich.live import Live
from rich.table import Table

from videobrief.batch import Outcome


class BatchView:
    def __init__(self, total: int, console: Console, quiet: bool = False) -> None:
        self.total = total
        self.console = console
        self.quiet = quiet
        self.running: dict[str, float] = {}
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

    def finished(self, outcome: Outcome) -> None:
        self.running.pop(outcome.source, None)
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
            table.add_row(f"  ▸ {Path(source).name[:60]}", "", "", "", "", "")
        return table
