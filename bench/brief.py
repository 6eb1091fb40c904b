"""Time and peak memory of the brief stage on a 60-minute transcript.

The transcript is made from the seed page's real transcript lines: each segment joins two
random lines (so no sentence repeats verbatim and no cache helps), at the seed's own pace of
speech, with new times, until 60 minutes are filled. The whole stage runs cold in this
process: model loads, embedding, ranking, NER, grounding and the store write.

    python bench/brief.py [--minutes 60] [--seed 5]

Targets: ≤ 60 s on 2 cores, ≤ 1 GB peak resident memory.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from pathlib import Path

import videobrief.stages.brief.compose as brief_package
from videobrief.models import embeddings
from videobrief.pipeline.process import RunConfig, rerun_brief
from videobrief.records import Segment, Transcript
from videobrief.stages.brief import extractive, grounding
from videobrief.stages.imports.formats import import_transcript
from videobrief.store import Store

# ../shared beside the checkout, or VIDEOBRIEF_SHARED (a git worktree lives elsewhere).
SHARED = Path(os.environ.get("VIDEOBRIEF_SHARED") or Path(__file__).resolve().parents[2] / "shared")
SEED = SHARED / "seed" / "seed-page.txt"


def long_transcript(minutes: float, rng: random.Random) -> Transcript:
    seed = import_transcript(SEED, "0" * 64)
    lines = [s.text for s in seed.segments]
    words_per_second = sum(len(t.split()) for t in lines) / seed.duration
    segments: list[Segment] = []
    clock = 0.0
    while clock < minutes * 60:
        text = f"{rng.choice(lines)} {rng.choice(lines)}"
        length = len(text.split()) / words_per_second
        lang = "en" if text[:1].isascii() else "ru"
        segments.append(
            Segment(id=len(segments), start=clock, end=clock + length, text=text, lang=lang)
        )
        clock += length
    return Transcript(id="e" * 64, source="bench", duration=clock, segments=tuple(segments))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timer:
    """Wraps a module function and adds up the wall time spent in it."""

    def __init__(self, module: object, name: str) -> None:
        self.total = 0.0
        self.calls = 0
        inner = getattr(module, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.total += time.perf_counter() - start
                self.calls += 1

        setattr(module, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    transcript = long_transcript(args.minutes, random.Random(args.seed))
    words = sum(len(s.text.split()) for s in transcript.segments)
    embeddings.clear_cache()
    embed = Timer(embeddings, "embed")  # every embedding call, wherever it comes from
    build = Timer(brief_package, "build_index")
    ner = Timer(extractive, "names")
    checks = Timer(grounding, "check_claim")
    rss_before = rss_mb()
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp)) as store:
        store.save_transcript(transcript, "import", "bench")
        config = RunConfig(data_dir=Path(tmp), cache_dir=Path(tmp) / "cache")
        start = time.perf_counter()
        brief = rerun_brief(transcript.id, store, config, lambda _e: None)
        elapsed = time.perf_counter() - start
    peak = rss_mb()

    print(
        f"transcript: {transcript.duration / 60:.1f} min, {len(transcript.segments)} segments, "
        f"{words} words"
    )
    print(f"brief stage: {elapsed:.1f} s wall (target ≤ 60 s)")
    print(
        f"  split + embed all sentences: {build.total:.1f} s; NER of ranking candidates: "
        f"{ner.total:.1f} s ({ner.calls} sentences, includes loading natasha); grounding: "
        f"{checks.total:.1f} s ({checks.calls} claims); all embedding calls: {embed.total:.1f} s"
    )
    print(f"  per audio minute: {elapsed / (transcript.duration / 60):.2f} s")
    print(f"peak RSS: {peak:.0f} MB (target ≤ 1024 MB); before the stage: {rss_before:.0f} MB")
    headline = brief.headline.text if brief.headline else "-"
    print(
        f"brief: {len(brief.points)} points, {len(brief.quotes)} quotes, "
        f"{len(brief.rejected)} rejected; headline: {headline}"
    )


if __name__ == "__main__":
    main()
