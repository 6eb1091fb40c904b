"""`videobrief watch FOLDER`: process files as they appear, once they have stopped growing.

A file is ready when its size and mtime have not changed for `settle` seconds (a camera card
or an rsync still writing it is left alone). What was processed is known from the store's
`batch_sources` rows, not from memory, so a watcher killed mid-way and started again picks up
exactly what is left: done files (same size and mtime) are skipped, a file that failed is not
retried until it changes, and the one that was running when it died runs again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from videobrief.batch import sources
from videobrief.batch.executors import Executor, Progress
from videobrief.store import Store
from videobrief.store.queries import batches


class Settler:
    """Remembers each file's (size, mtime) and since when it has been unchanged."""

    def __init__(self, settle: float) -> None:
        self.settle = settle
        self.seen: dict[str, tuple[tuple[int, int], float]] = {}

    def ready(self, path: Path, now: float) -> bool:
        try:
            st = path.stat()
        except FileNotFoundError:
            self.seen.pop(str(path), None)
            return False
        identity = (st.st_size, st.st_mtime_ns)
        previous = self.seen.get(str(path))
        if previous is None or previous[0] != identity:
            self.seen[str(path)] = (identity, now)
            return False
        return st.st_size > 0 and now - previous[1] >= self.settle


def pending(folder: Path, store: Store, settler: Settler, now: float) -> list[str]:
    """Files under `folder` that are settled and not already handled in their current form."""
    out = []
    for path in sources.scan_folder(folder):
        if not settler.ready(path, now):
            continue
        state = batches.get(store, str(path))
        st = path.stat()
        if (
            state is not None
            and state.status in ("done", "failed")
            and (state.size_bytes, state.mtime_ns) == (st.st_size, st.st_mtime_ns)
        ):
            continue
        out.append(str(path))
    return out


def watch(
    folder: Path,
    executor: Executor,
    store: Store,
    progress: Progress,
    *,
    interval: float = 1.0,
    settle: float = 2.0,
    stop: Callable[[], bool] = lambda: False,
    on_batch: Callable[[int], None] | None = None,
) -> None:
    """Poll `folder` every `interval` seconds until `stop()`; each round is one small batch."""
    if not folder.is_dir():
        from videobrief.errors import BadInput

        raise BadInput(f"{folder}: not a folder")
    settler = Settler(settle)
    while not stop():
        ready = pending(folder, store, settler, time.monotonic())
        if ready:
            if on_batch is not None:
                on_batch(len(ready))
            executor.run(ready, progress)
        else:
            time.sleep(interval)
