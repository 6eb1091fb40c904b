"""Who speaks when, from audio: sliding-window embeddings over speech, clustered into turns.

Windows of `window` seconds step by `step` (< 1 s) through each speech region. Embeddings are
computed a batch at a time, so only one batch of window audio exists at once (a 2-hour file
keeps ~14 000 small vectors, never 14 000 slices of audio). Agglomerative clustering (average
linkage on cosine distance) cut at a calibrated distance finds the number of speakers; a forced
count cuts the tree at that many clusters instead. Each 0.1 s frame then takes the label most of
its covering windows voted for, and consecutive frames of one label become a turn.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from videobrief.media import SAMPLE_RATE
from videobrief.stages.speakers.embed import Encoder

# Calibrated by bench/speakers.py (--calibrate) on synthetic meetings built from the fixture.
DEFAULT_THRESHOLD = {"campp": 0.60, "ge2e": 0.40}
FRAME = 0.1
MAX_CLUSTERED = 2000  # windows clustered directly; the rest join the nearest centroid


@dataclass(frozen=True)
class Options:
    """Diarization settings. `speakers` forces the count; `threshold` None = calibrated."""

    encoder: str = "campp"
    window: float = 1.5
    step: float = 0.5
    min_region: float = 0.4
    speakers: int | None = None
    threshold: float | None = None
    batch: int = 32


@dataclass(frozen=True)
class Turn:
    """One stretch of one speaker, in seconds."""

    start: float
    end: float
    speaker: str


@dataclass(frozen=True)
class Diarization:
    """Turns plus each label's unit centroid (for the voice library and the archive)."""

    turns: tuple[Turn, ...]
    centroids: dict[str, np.ndarray]


def windows(
    regions: Sequence[tuple[float, float]], window: float, step: float, min_region: float
) -> Iterator[tuple[float, float]]:
    """(start, end) windows covering each region; regions under `min_region` get none."""
    for start, end in regions:
        length = end - start
        if length < min_region:
            continue
        if length <= window:
            yield start, end
            continue
        t = start
        while t + window < end:
            yield t, t + window
            t += step
        yield end - window, end


def embed_windows(
    audio: np.ndarray, spans: Sequence[tuple[float, float]], encoder: Encoder, batch: int
) -> np.ndarray:
    """(n, dim) embeddings, computed `batch` windows at a time."""
    out = np.zeros((len(spans), encoder.dim), np.float32)
    for i in range(0, len(spans), batch):
        chunk = spans[i : i + batch]
        clips = [audio[int(s * SAMPLE_RATE) : int(e * SAMPLE_RATE)] for s, e in chunk]
        out[i : i + len(chunk)] = encoder.embed_batch(clips)
    return out


def cluster(emb: np.ndarray, threshold: float, speakers: int | None = None) -> np.ndarray:
    """Cluster labels 0..k-1 for unit embeddings: cut at cosine distance or at `speakers`."""
    n = len(emb)
    if n == 0:
        return np.zeros(0, int)
    if n == 1 or speakers == 1:
        return np.zeros(n, int)
    idx = np.linspace(0, n - 1, min(n, MAX_CLUSTERED)).astype(int)
    tree = linkage(emb[idx], method="average", metric="cosine")
    if speakers:
        sub = fcluster(tree, t=speakers, criterion="maxclust")
    else:
        sub = fcluster(tree, t=threshold, criterion="distance")
    cents = _centroids(emb[idx], sub - 1)
    return np.argmax(emb @ cents.T, axis=1)


def _centroids(emb: np.ndarray, labels: np.ndarray) -> np.ndarray:
    k = int(labels.max()) + 1
    cents = np.stack([emb[labels == c].mean(axis=0) for c in range(k)])
    return cents / np.maximum(np.linalg.norm(cents, axis=1, keepdims=True), 1e-9)


def absorb_small(emb: np.ndarray, labels: np.ndarray, min_windows: int) -> np.ndarray:
    """Give clusters of fewer than `min_windows` windows to their nearest larger cluster.

    A handful of windows straddling two voices otherwise becomes a phantom speaker.
    """
    counts = np.bincount(labels)
    big = np.flatnonzero(counts >= min_windows)
    if len(big) == 0 or len(big) == len(counts):
        return labels
    cents = _centroids(emb, labels)[big]
    out = labels.copy()
    small = ~np.isin(labels, big)
    out[small] = big[np.argmax(emb[small] @ cents.T, axis=1)]
    return out


def frames_to_turns(
    spans: Sequence[tuple[float, float]], labels: np.ndarray, regions: Sequence[tuple[float, float]]
) -> list[tuple[float, float, int]]:
    """Turns (start, end, cluster) by majority vote of covering windows per 0.1 s frame.

    Frames in a region with no window (too short to embed) take the nearest window's label.
    Windows are looked up by their sorted midpoints, so a 2-hour file costs time in proportion
    to its windows, not windows × regions.
    """
    if len(spans) == 0:
        return []
    k = int(labels.max()) + 1
    mids_all = np.array([(s + e) / 2 for s, e in spans])
    order = np.argsort(mids_all, kind="stable")
    mids = mids_all[order]
    spans = [spans[i] for i in order]
    labels = np.asarray(labels)[order]
    half = max(e - s for s, e in spans) / 2
    turns: list[tuple[float, float, int]] = []
    for r0, r1 in regions:
        n = max(1, int(round((r1 - r0) / FRAME)))
        votes = np.zeros((n, k))
        lo = int(np.searchsorted(mids, r0 - half, "left"))
        hi = int(np.searchsorted(mids, r1 + half, "right"))
        for (s, e), lab in zip(spans[lo:hi], labels[lo:hi], strict=True):
            if e <= r0 or s >= r1:
                continue
            a = max(0, int((s - r0) / FRAME))
            b = min(n, int(np.ceil((e - r0) / FRAME)))
            votes[a:b, lab] += 1
        for f in range(n):
            if not votes[f].any():
                t = r0 + (f + 0.5) * FRAME
                votes[f, labels[_nearest(mids, t)]] = 1
        frame_labels = votes.argmax(axis=1)
        for f, lab in enumerate(frame_labels):
            t0, t1 = r0 + f * FRAME, min(r1, r0 + (f + 1) * FRAME)
            if turns and turns[-1][2] == lab and t0 - turns[-1][1] < 1e-6:
                turns[-1] = (turns[-1][0], t1, int(lab))
            else:
                turns.append((t0, t1, int(lab)))
    return _merge_adjacent(turns)


def _nearest(sorted_mids: np.ndarray, t: float) -> int:
    """Index of the midpoint nearest `t` in a sorted array (the earlier one on a tie)."""
    i = int(np.searchsorted(sorted_mids, t))
    if i == 0:
        return 0
    if i == len(sorted_mids):
        return i - 1
    return i - 1 if t - sorted_mids[i - 1] <= sorted_mids[i] - t else i


def _merge_adjacent(turns: list[tuple[float, float, int]]) -> list[tuple[float, float, int]]:
    out: list[tuple[float, float, int]] = []
    for t in turns:
        if out and out[-1][2] == t[2]:
            out[-1] = (out[-1][0], t[1], t[2])
        else:
            out.append(t)
    return out


def relabel(turns: list[tuple[float, float, int]]) -> dict[int, str]:
    """Cluster index -> "S1", "S2"… in order of first appearance."""
    names: dict[int, str] = {}
    for _, _, c in sorted(turns):
        names.setdefault(c, f"S{len(names) + 1}")
    return names


def diarize(
    audio: np.ndarray,
    regions: Sequence[tuple[float, float]],
    encoder: Encoder,
    options: Options = Options(),
) -> Diarization:
    """Turns and centroids for speech `regions` (seconds) of 16 kHz mono `audio`."""
    spans = list(windows(regions, options.window, options.step, options.min_region))
    if not spans:
        return Diarization((), {})
    emb = embed_windows(audio, spans, encoder, options.batch)
    threshold = options.threshold
    if threshold is None:
        threshold = DEFAULT_THRESHOLD.get(encoder.name, 0.5)
    labels = cluster(emb, threshold, options.speakers)
    if not options.speakers:
        labels = absorb_small(emb, labels, min_windows=max(2, int(1.0 / options.step)))
    labels = np.unique(labels, return_inverse=True)[1]
    raw = frames_to_turns(spans, labels, regions)
    names = relabel(raw)
    cents = _centroids(emb, labels)
    turns = tuple(Turn(round(s, 3), round(e, 3), names[c]) for s, e, c in raw)
    return Diarization(turns, {names[c]: cents[c] for c in names})


def vad_regions(audio: np.ndarray) -> list[tuple[float, float]]:
    """Speech regions (seconds) by silero VAD, split at pauses of 150 ms or more.

    For audio without a transcript (benchmarks, enrolment); the stage uses the words' times.
    """
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if audio.size == 0 or float(np.max(np.abs(audio))) < 2e-4:
        return []
    opts = VadOptions(min_silence_duration_ms=150, speech_pad_ms=30, min_speech_duration_ms=200)
    stamps = get_speech_timestamps(audio, opts)
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]
