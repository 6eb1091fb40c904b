"""How the speech stage reports on itself: speech seconds done, and seconds spent per step."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Called with (speech seconds done, speech seconds in total).
Progress = Callable[[float, float], None]

# Seconds spent per step of the speech stage: vad, language, decode, redecode.
Timings = dict[str, float]


@contextmanager
def timed(timings: Timings | None, step: str) -> Iterator[None]:
    """Add the seconds the block takes to `timings[step]` (nothing when `timings` is None)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[step] = timings.get(step, 0.0) + time.perf_counter() - start
