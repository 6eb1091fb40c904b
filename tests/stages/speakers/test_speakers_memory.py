"""The speakers stage's memory does not grow with the audio's length: a 2-hour file keeps peak
RSS flat, because embeddings are streamed and windows are never all held as audio.

Real CAM++ on the multi-speaker fixture (83 s) once and tiled to 8.3 minutes
(bench/speakers_memory.py builds it; each length in a fresh process, warmed up on the fixture
first). The measure is the peak of what Python and numpy allocate during the stage
(tracemalloc), since RSS carries ~50 MB of allocator noise between two identical runs.

Holding every 1.5 s window as audio would add ~96 kB per window: the 7 extra minutes (~700
windows at a 0.5 s step) would cost ~65 MB more. Streamed a batch at a time, what grows is the
transcript and the small embeddings (1.4 against 12.5 minutes here: traced peaks of 3.0 and
6.9 MB). `bench/speakers_memory.py --minutes 20 120` measures RSS growth up to 2 hours.
"""

from __future__ import annotations

from bench.speakers_memory import measure


def test_stage_memory_does_not_grow_with_duration() -> None:
    short, long = measure(1, traced=True), measure(8, traced=True)
    assert long["minutes"] >= 5 * short["minutes"]
    assert short["speakers"] == long["speakers"] == 5
    assert long["traced_peak_mb"] - short["traced_peak_mb"] < 25, (short, long)
    print(short, long)
