"""Accuracy of the checker per kind of claim: rules only, rules + the bundled judge, and the
checker before the judge (check-v1), in one run.

    PYTHONPATH=src .venv/bin/python bench/check.py [--part held_out_2|held_out|calibration|all]

The claims (bench/data/check_bench.json) are about three transcripts: the seed page imported
(its Russian lines with no English track, so an English claim meets Russian words only), the
demo's stored run (tests/fixtures/demo-transcript.json, with its speech-translate English),
and the read Russian prompts of tests/fixtures/ru-read-reference.json. Each claim has a
category (true paraphrase, true in other words, altered date / place / person or organisation
/ number / ordinal / direction, negated, never said) and the verdict it should get: true
claims `supported`, altered and negated ones `contradicted`, the never said `not found`. A
verdict is right only when it is that one.

Parts: `calibration` (what rules and thresholds were tuned on), `held_out` (written before
any run on it; its first run is the honest figure, and its errors then informed fixes) and
`held_out_2` (written after that, before any run on it: the figure for the fixed judge).
Every claim is checked alone (one `check_text` call), so the splitter never merges two.
Wrong verdicts are listed with their reasons and the model's vote.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.check_v1 import check_v1  # noqa: E402
from videobrief.errors import BadInput  # noqa: E402
from videobrief.models.llama import load_bundled  # noqa: E402
from videobrief.records import Segment, Transcript  # noqa: E402
from videobrief.stages.check.checker import check_text  # noqa: E402
from videobrief.stages.check.options import CheckOptions  # noqa: E402
from videobrief.stages.imports.formats import import_transcript  # noqa: E402

DATA = ROOT / "bench" / "data" / "check_bench.json"
DEMO = ROOT / "tests" / "fixtures" / "demo-transcript.json"
RU_READ = ROOT / "tests" / "fixtures" / "ru-read-reference.json"
SHARED = Path(os.environ.get("VIDEOBRIEF_SHARED") or ROOT.parent / "shared")
SEED = SHARED / "seed" / "seed-page.txt"
CACHE = Path.home() / ".cache" / "videobrief-tests"
SYSTEMS = ("rules", "rules + judge", "check-v1")


# An English track for the read prompts, written by hand (the fixture has none).
RU_READ_ENGLISH = (
    "Call forwarding if “unavailable”",
    "Call forwarding if “busy”",
    "Call waiting and hold.",
    "The dialled number cannot be called.",
    "Please check the number and dial again.",
    "You are entering the conference",
    "This conference is completely full.",
    "Enter the channel number and then the hash key.",
)


def ru_read() -> Transcript:
    pieces = json.loads(RU_READ.read_text(encoding="utf-8"))["pieces"]
    segments = tuple(
        Segment(
            id=i, start=p["start"], end=p["end"], text=p["text"], lang=p["lang"],
            english=english, english_source="reference",
        )
        for i, (p, english) in enumerate(zip(pieces, RU_READ_ENGLISH, strict=True))
    )  # fmt: skip
    return Transcript(id="c" * 64, source="ru-read", duration=segments[-1].end, segments=segments)


def transcripts(seed: Path) -> dict[str, Transcript]:
    return {
        "seed": import_transcript(seed, "b" * 64),
        "demo": Transcript.model_validate(json.loads(DEMO.read_text(encoding="utf-8"))),
        "ru-read": ru_read(),
    }


def system(name: str) -> Callable[[Transcript, str], tuple[str, tuple[str, ...]]]:
    """One system: (transcript, claim) -> (verdict, reasons)."""
    if name == "check-v1":
        return _refusals(lambda t, claim: _first(check_v1(t, claim)))
    options = CheckOptions(judge="rules" if name == "rules" else "llm-bundled")
    vote = None
    if name == "rules + judge":
        from videobrief.judge import bundled_vote

        vote = bundled_vote(load_bundled(str(CACHE), 2))
    return _refusals(lambda t, claim: _first(check_text(t, claim, options, vote)))


def _refusals(run: Callable[[Transcript, str], tuple]) -> Callable[[Transcript, str], tuple]:
    """A claim the checker refuses (BadInput) counts as wrong, with the reason shown."""

    def guarded(t: Transcript, claim: str) -> tuple[str, tuple[str, ...]]:
        try:
            return run(t, claim)
        except BadInput as exc:
            return "refused", (str(exc),)

    return guarded


def _first(result) -> tuple[str, tuple[str, ...]]:  # noqa: ANN001 - a CheckResult
    claim = result.claims[0]
    reasons = claim.reasons if not claim.parts else tuple(r for p in claim.parts for r in p.reasons)
    return claim.verdict, (*reasons, f"vote: {claim.judge}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--part", choices=("held_out", "held_out_2", "calibration", "all"), default="held_out"
    )
    parser.add_argument("--seed", type=Path, default=SEED)
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated")
    args = parser.parse_args()
    data = json.loads(DATA.read_text(encoding="utf-8"))
    parts = ("calibration", "held_out", "held_out_2") if args.part == "all" else (args.part,)
    claims = [c for p in parts for c in data[p]]
    videos = transcripts(args.seed)
    names = [s.strip() for s in args.systems.split(",") if s.strip()]
    verdicts: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    seconds: dict[str, float] = {}
    for name in names:
        run = system(name)
        run(videos["demo"], "Warm-up: the models load before the clock starts.")
        started = time.perf_counter()
        verdicts[name] = [run(videos[c["video"]], c["text"]) for c in claims]
        seconds[name] = time.perf_counter() - started
    report(claims, names, verdicts, seconds, args.part)


def report(claims, names, verdicts, seconds, part) -> None:  # noqa: ANN001
    by_cat: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        by_cat[c["category"]].append(i)
    print(f"{len(claims)} claims ({part}); accuracy: the verdict is exactly the expected one\n")
    head = "".join(f"{n:>16}" for n in names)
    print(f"{'category':<32}{'n':>4}{head}")
    for cat, idx in by_cat.items():
        cells = "".join(f"{_acc(verdicts[n], claims, idx):>16.2f}" for n in names)
        print(f"{cat:<32}{len(idx):>4}{cells}")
    every = list(range(len(claims)))
    cells = "".join(f"{_acc(verdicts[n], claims, every):>16.2f}" for n in names)
    print(f"{'overall':<32}{len(claims):>4}{cells}")
    cells = "".join(f"{seconds[n] / len(claims):>16.2f}" for n in names)
    print(f"{'seconds per claim':<36}{cells}")
    for name in names:
        wrong = [i for i in every if verdicts[name][i][0] != claims[i]["expected"]]
        print(f"\n{name}: {len(wrong)} wrong")
        for i in wrong:
            c = claims[i]
            verdict, reasons = verdicts[name][i]
            print(f"  [{c['category']}] {c['video']}: {c['text'][:100]}")
            print(f"      expected {c['expected']}, got {verdict}: {'; '.join(reasons)[:240]}")


def _acc(verdicts, claims, idx) -> float:  # noqa: ANN001
    return sum(verdicts[i][0] == claims[i]["expected"] for i in idx) / len(idx)


if __name__ == "__main__":
    main()
