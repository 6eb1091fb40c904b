"""Names from known voices: enrolled voices (`library`) and speakers named in other videos
(`archive`). A cluster takes the name of the best-matching voice when the cosine similarity of
its centroid and the voice's embedding reaches the encoder's calibrated threshold; the score is
kept so a reader can judge the match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# bench/speakers.py: with CAM++ a voice enrolled in Russian scored 0.80 against itself speaking
# English and at most 0.40 against the other voices; GE2E 0.86 against 0.67. Thresholds sit
# between the two.
MATCH_THRESHOLD = {"campp": 0.60, "ge2e": 0.78}


@dataclass(frozen=True)
class Voice:
    """A named voice: a unit embedding from one encoder. `source` is "library" or "archive"."""

    name: str
    encoder: str
    embedding: tuple[float, ...]
    source: str = "library"


def match(
    centroids: dict[str, np.ndarray],
    voices: Sequence[Voice],
    encoder: str,
    threshold: float | None = None,
) -> dict[str, tuple[str, str, float]]:
    """Label -> (name, source, score) for clusters matching a voice; each voice names at most
    one cluster (its best), library voices before archive ones."""
    usable = [v for v in voices if v.encoder == encoder]
    if not centroids or not usable:
        return {}
    th = MATCH_THRESHOLD.get(encoder, 0.6) if threshold is None else threshold
    labels = list(centroids)
    cents = np.stack([centroids[k] for k in labels])
    mat = np.stack([np.asarray(v.embedding, np.float32) for v in usable])
    scores = cents @ mat.T  # (labels, voices)
    out: dict[str, tuple[str, str, float]] = {}
    taken: set[str] = set()
    order = sorted(
        ((scores[i, j], i, j) for i in range(len(labels)) for j in range(len(usable))),
        key=lambda x: (usable[x[2]].source != "library", -x[0]),
    )
    for score, i, j in order:
        v = usable[j]
        if score < th or labels[i] in out or v.name in taken:
            continue
        out[labels[i]] = (v.name, v.source, round(float(score), 3))
        taken.add(v.name)
    return out
