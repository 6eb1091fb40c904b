"""Peak memory of the speakers stage against audio length: does it stay flat?

    PYTHONPATH=src .venv/bin/python bench/speakers_memory.py [--minutes 20 120] [--encoder campp]

Long audio is built cheaply: the multi-speaker fixture (83 s, 5 voices, 16 turns) tiled to the
length asked for, written into one preallocated array (no temporary copies), with a transcript
whose segments and words follow the tiled reference turns (a word every 0.4 s). Each length runs
in a fresh subprocess, which loads the encoder, runs the stage once on the fixture itself (warm
up), builds the long audio, then reads its
peak RSS (`resource.getrusage`) before and after `annotate` (the stage's logic). The growth is
what the stage itself added on top of its input: windows are embedded a batch at a time, so it
should not depend on the duration; holding every 1.5 s window as audio would add ~96 kB per
window (0.5 s step: ~1.1 GB for 2 h of speech).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

FIX = Path(__file__).resolve().parents[1] / "tests" / "fixtures"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def long_input(minutes: float):
    """(audio, transcript) of the fixture tiled to `minutes`."""
    from videobrief.media import decode_audio
    from videobrief.records import Segment, Transcript, Word

    clip = decode_audio(FIX / "speakers.m4a")
    turns = []
    for line in (FIX / "speakers.rttm").read_text().splitlines():
        f = line.split()
        turns.append((float(f[3]), float(f[3]) + float(f[4])))
    sr, n = 16_000, len(clip)
    tiles = max(1, int(round(minutes * 60 * sr / n)))
    audio = np.empty(tiles * n, np.float32)
    segs = []
    for k in range(tiles):
        audio[k * n : (k + 1) * n] = clip
        off = k * n / sr
        for a, b in turns:
            starts = np.arange(off + a, off + b - 0.3, 0.4)
            words = tuple(
                Word(start=float(s), end=float(min(s + 0.35, off + b)), word="w", prob=0.9)
                for s in starts
            )
            segs.append(
                Segment(
                    id=len(segs), start=off + a, end=off + b, text="w " * len(words), words=words
                )
            )
    t = Transcript(id="long", source="long.wav", duration=len(audio) / sr, segments=tuple(segs))
    return audio, t


def child(minutes: float, encoder_name: str, traced: bool = False) -> dict:
    """Run in a fresh process: the stage's peak RSS growth on `minutes` of audio.

    `traced`: also the peak of what Python and numpy allocate during the stage (tracemalloc;
    numpy reports its buffers to it), free of the allocator's noise that RSS carries (~50 MB
    between two identical runs here). Torch's own buffers are not traced; they are per batch.
    """
    from videobrief.stages.speakers.annotate import annotate
    from videobrief.stages.speakers.embed import load_encoder
    from videobrief.stages.speakers.options import SpeakersOptions

    enc = load_encoder(encoder_name)
    opts = SpeakersOptions(encoder=encoder_name)
    # Warm up on the fixture itself (one tile): the model's buffers and the allocator's arenas
    # reach their steady size before measuring, so the growth below is what scales with length.
    warm_audio, warm_t = long_input(0)
    annotate(warm_t, warm_audio, lambda: enc, opts)
    del warm_audio, warm_t
    audio, t = long_input(minutes)
    before = _rss_mb()
    if traced:
        tracemalloc.start()
    t0 = time.perf_counter()
    out = annotate(t, audio, lambda: enc, opts)
    seconds = time.perf_counter() - t0
    after = _rss_mb()
    peak_traced = tracemalloc.get_traced_memory()[1] / 2**20 if traced else None
    tracemalloc.stop()
    return {
        "minutes": round(len(audio) / 16_000 / 60, 1),
        "audio_mb": round(audio.nbytes / 2**20),
        "peak_before_mb": round(before),
        "peak_after_mb": round(after),
        "growth_mb": round(after - before),
        "traced_peak_mb": None if peak_traced is None else round(peak_traced, 1),
        "speakers": len(out.transcript.speakers),
        "segments": len(out.transcript.segments),
        "seconds": round(seconds, 1),
    }


def measure(minutes: float, encoder_name: str = "campp", traced: bool = False) -> dict:
    """`child` in a subprocess (its peak RSS is its own)."""
    code = (
        "import json, sys; from bench.speakers_memory import child; "
        f"print(json.dumps(child({minutes!r}, {encoder_name!r}, {traced!r})))"
    )
    root = Path(__file__).resolve().parents[1]
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, nargs="+", default=[20, 120])
    ap.add_argument("--encoder", default="campp")
    ap.add_argument("--traced", action="store_true", help="also the tracemalloc peak (slower)")
    args = ap.parse_args()
    print(
        "minutes  audio MB  peak before  peak after  growth MB  traced peak MB  speakers  "
        "segments  stage s"
    )
    for m in args.minutes:
        r = measure(m, args.encoder, args.traced)
        traced = "-" if r["traced_peak_mb"] is None else f"{r['traced_peak_mb']:.1f}"
        print(
            f"{r['minutes']:7.1f}  {r['audio_mb']:8d}  {r['peak_before_mb']:11d}  "
            f"{r['peak_after_mb']:10d}  {r['growth_mb']:9d}  {traced:>14}  {r['speakers']:8d}  "
            f"{r['segments']:8d}  {r['seconds']:7.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
