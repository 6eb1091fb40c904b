"""Batch throughput: the same inputs through `--executor local` and `--executor ray --workers 2`.

    .venv/bin/python bench/batch.py [--workers 2] [--threads-local 2] [INPUT ...]

Default inputs: examples/demo.mp4 and the first three LibriVox sentences in tests/fixtures.
Each executor gets a fresh data folder (nothing reused) and the same model cache. The English
track is speech-translate (`--translate speech`), so the bench measures the executors rather
than the bundled LLM. Prints, for each, the wall time (Ray's start-up shown apart), audio hours per
wall hour, and their ratio; then the per-stage costs (wall seconds per stage, summed over
videos, and per hour of audio: local from the stages' progress events, Ray as measured around
`run` in the worker), and what each Ray model actor served and loaded. The local executor uses
`--threads-local` Whisper threads (all cores); each Ray actor uses one.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from videobrief.batch import sources
from videobrief.batch.executors import make_executor
from videobrief.batch.run import BatchSettings, Outcome
from videobrief.pipeline.process import RunConfig
from videobrief.pipeline.runner import Event
from videobrief.stages.english.options import EnglishOptions

ROOT = Path(__file__).resolve().parents[1]
LIBRIVOX = sorted((ROOT / "tests" / "fixtures" / "librivox").glob("*.wav"))[:3]
DEFAULT_INPUTS = [ROOT / "examples" / "demo.mp4", *LIBRIVOX]


class Quiet:
    def started(self, source: str) -> None:
        pass

    def stage(self, source: str, event: Event) -> None:
        pass

    def finished(self, outcome: Outcome) -> None:
        if outcome.status == "failed":
            print(f"  failed: {outcome.error}")


def run(
    kind: str, items: list[str], cache: Path, workers: int, threads: int, translate: str
) -> dict:
    data = Path(tempfile.mkdtemp(prefix=f"vb-bench-{kind}-"))
    english = EnglishOptions(backend=translate)
    config = RunConfig(data_dir=data, cache_dir=cache, cpu_threads=threads, english=english)
    settings = BatchSettings(config, job=f"bench-{kind}")
    t0 = time.perf_counter()
    actors: list[dict] = []
    placed: list[dict] = []
    with make_executor(kind, settings, workers) as ex:
        t1 = time.perf_counter()
        outcomes = ex.run(items, Quiet())
        t2 = time.perf_counter()
        if kind == "ray":
            actors = ex.actor_stats()  # type: ignore[attr-defined]
            placed = ex.placements  # type: ignore[attr-defined]
    audio = sum(o.audio_seconds for o in outcomes if o.status == "done")
    stages: dict[str, float] = {}
    for o in outcomes:
        for name, seconds in o.stages.items():
            stages[name] = stages.get(name, 0.0) + seconds
    return {
        "kind": kind,
        "startup": t1 - t0,
        "work": t2 - t1,
        "wall": time.perf_counter() - t0,
        "audio": audio,
        "done": sum(o.status == "done" for o in outcomes),
        "stages": stages,
        "actors": actors,
        "tasks": sum(p["actor"] is None for p in placed),
    }


def report(r: dict) -> None:
    rate = r["audio"] / r["wall"]
    print(
        f"{r['kind']:>5}: {r['done']} videos, {r['audio']:.1f} s audio, wall {r['wall']:.1f} s "
        f"(start-up {r['startup']:.1f} s, work {r['work']:.1f} s) → "
        f"{rate:.2f} audio h / wall h ({r['audio'] / r['work']:.2f} without start-up)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", default=[str(p) for p in DEFAULT_INPUTS])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads-local", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--cache", type=Path, default=ROOT / "data" / "cache")
    parser.add_argument("--translate", default="speech", help="English backend (default speech)")
    args = parser.parse_args()
    items = sources.expand(args.inputs).sources
    print(
        f"{len(items)} inputs, {os.cpu_count()} CPU cores, Whisper 'base' int8 on CPU, "
        f"English track: {args.translate}; load average {os.getloadavg()[0]:.1f}"
    )
    local = run("local", items, args.cache, 1, args.threads_local, args.translate)
    report(local)
    ray = run("ray", items, args.cache, args.workers, 1, args.translate)
    report(ray)
    for i, actor in enumerate(ray["actors"]):
        calls = ", ".join(f"{k} {v}" for k, v in sorted(actor["calls"].items()))
        loads = ", ".join(f"{key[0]} x{n}" for key, n in actor["loads"].items())
        print(f"  model actor {i + 1}: calls {calls}; model loads {loads}")
    print(f"  plain tasks: {ray['tasks']} stage calls (decode, brief, check)")
    print(
        f"ratio ray/local: {(ray['audio'] / ray['wall']) / (local['audio'] / local['wall']):.2f} "
        f"(work only: {(ray['audio'] / ray['work']) / (local['audio'] / local['work']):.2f})"
    )
    print("per-stage cost (wall s summed over videos; s per audio hour):")
    for r in (local, ray):
        for name, seconds in sorted(r["stages"].items(), key=lambda kv: -kv[1]):
            per_hour = seconds / r["audio"] * 3600 if r["audio"] else 0.0
            print(f"  {r['kind']:>5} {name:<10} {seconds:7.2f} s  {per_hour:9.0f} s/audio-h")


if __name__ == "__main__":
    main()
