"""Time of the entities stage on the seed transcript, cold and warm, and what it found.

python bench/entities.py [--seed-page PATH]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections import Counter
from pathlib import Path

from videobrief.stages.entities.stage import find_entities
from videobrief.stages.imports.formats import import_transcript

SHARED = Path(os.environ.get("VIDEOBRIEF_SHARED") or Path(__file__).resolve().parents[2] / "shared")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed-page", type=Path, default=SHARED / "seed" / "seed-page.txt")
    args = parser.parse_args()
    transcript = import_transcript(args.seed_page, "0" * 64)
    chars = sum(len(s.text) for s in transcript.segments)
    t0 = time.perf_counter()
    entities = find_entities(transcript)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    find_entities(transcript)
    warm = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"segments {len(transcript.segments)}  chars {chars}  audio {transcript.duration:.0f} s")
    print(f"cold (model loads + run) {cold:.2f} s   warm {warm:.2f} s   peak RSS {rss:.0f} MB")
    counts = Counter(e.type for e in entities)
    print("entities", len(entities), dict(sorted(counts.items())))
    print("mentions", sum(len(e.mentions) for e in entities))


if __name__ == "__main__":
    main()
