"""What the query mixins use of `Store`: its transactions and its dialect.

`Store` (`store/store.py`) provides these attributes; the mixins only declare them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker


class Queries:
    """Base of every query mixin `Store` inherits (declarations only, no behaviour)."""

    dialect: str  # "sqlite" or "postgresql"
    # `read(fn)` / `write(fn)`: `fn(session)` in one transaction; `read` joins a `snapshot`.
    read: Callable[[Callable[[Session], Any]], Any]
    write: Callable[[Callable[[Session], Any]], Any]
    # `read_finished(video_id, fn)`: `read(fn)` behind the gate for unfinished videos (stages).
    read_finished: Callable[[str, Callable[[Session], Any]], Any]
    # The session factories behind them, for a method that opens its transaction itself.
    _read: sessionmaker[Session]
    _write: sessionmaker[Session]


def chunks(items: list[int], size: int = 500) -> list[list[int]]:
    """Split a list of keys so each IN list stays under SQLite's bound-parameter limit."""
    return [items[i : i + size] for i in range(0, len(items), size)]
