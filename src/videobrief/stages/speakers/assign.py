"""Words and segments to speakers, and segments split where the speaker changes.

Every word takes the turn it overlaps most; a word no turn touches takes the nearest turn
(so a word inside a region too short to embed gets its neighbour's speaker, never a new one).
A segment whose words change speaker is split at that word boundary, so turns end on word
boundaries by construction. Segments without words (imported transcripts) go by overlap.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from videobrief.records import Segment, Word
from videobrief.stages.speakers.diarize import Turn


class TurnIndex:
    """Turns sorted by start, for the turn a word overlaps most in O(log n).

    Turns from diarization never overlap one another; for any that do (a hand-made list), the
    lookup scans them all.
    """

    def __init__(self, turns: Sequence[Turn]) -> None:
        self.turns = sorted(turns, key=lambda t: (t.start, t.end))
        self.starts = [t.start for t in self.turns]
        self.ends = [t.end for t in self.turns]
        self.disjoint = all(
            a.end <= b.start for a, b in zip(self.turns, self.turns[1:], strict=False)
        )

    def speaker_at(self, start: float, end: float) -> str | None:
        """The turn overlapping [start, end] most; the nearest turn when none overlaps."""
        if not self.turns:
            return None
        if not self.disjoint:
            return _scan(start, end, self.turns)
        lo = bisect.bisect_right(self.ends, start)
        hi = bisect.bisect_left(self.starts, end)
        best, best_overlap = None, 0.0
        for t in self.turns[lo:hi]:
            overlap = min(end, t.end) - max(start, t.start)
            if overlap > best_overlap:
                best, best_overlap = t.speaker, overlap
        if best is not None:
            return best
        mid = (start + end) / 2
        near = self.turns[max(0, lo - 1) : lo + 1]
        return min(near, key=lambda t: max(t.start - mid, mid - t.end, 0.0)).speaker


def _scan(start: float, end: float, turns: Sequence[Turn]) -> str | None:
    best, best_overlap = None, 0.0
    for t in turns:
        overlap = min(end, t.end) - max(start, t.start)
        if overlap > best_overlap:
            best, best_overlap = t.speaker, overlap
    if best is not None:
        return best
    mid = (start + end) / 2
    return min(turns, key=lambda t: max(t.start - mid, mid - t.end, 0.0)).speaker


def speaker_at(start: float, end: float, turns: Sequence[Turn] | TurnIndex) -> str | None:
    """The turn overlapping [start, end] most; the nearest turn when none overlaps."""
    index = turns if isinstance(turns, TurnIndex) else TurnIndex(turns)
    return index.speaker_at(start, end)


def split_segment(seg: Segment, turns: Sequence[Turn] | TurnIndex) -> list[Segment]:
    """The segment with speakers on it and its words, cut where the words' speaker changes."""
    index = turns if isinstance(turns, TurnIndex) else TurnIndex(turns)
    if not seg.words:
        return [seg.model_copy(update={"speaker": index.speaker_at(seg.start, seg.end)})]
    words = [w.model_copy(update={"speaker": index.speaker_at(w.start, w.end)}) for w in seg.words]
    runs: list[list[Word]] = []
    for w in words:
        if runs and runs[-1][-1].speaker == w.speaker:
            runs[-1].append(w)
        else:
            runs.append([w])
    if len(runs) == 1:
        return [seg.model_copy(update={"words": tuple(words), "speaker": words[0].speaker})]
    out = []
    for i, run in enumerate(runs):
        start = seg.start if i == 0 else run[0].start
        end = seg.end if i == len(runs) - 1 else run[-1].end
        text = " ".join(w.word for w in run)
        out.append(
            seg.model_copy(
                update={
                    "start": start,
                    "end": end,
                    "text": text,
                    "words": tuple(run),
                    "speaker": run[0].speaker,
                    "flags": (*seg.flags, "split:speaker"),
                }
            )
        )
    return out


def assign(segments: Sequence[Segment], turns: Sequence[Turn]) -> list[Segment]:
    """Segments with speakers, split at turn changes and renumbered 0..n-1 in order."""
    index = TurnIndex(turns)
    out: list[Segment] = []
    for seg in segments:
        out.extend(split_segment(seg, index))
    return [s.model_copy(update={"id": i}) for i, s in enumerate(out)]


def relabel_by_appearance(segments: Sequence[Segment]) -> tuple[list[Segment], dict[str, str]]:
    """Rename speaker ids to S1, S2… in order of first appearance in the segments."""
    mapping: dict[str, str] = {}
    for seg in segments:
        if seg.speaker is not None:
            mapping.setdefault(seg.speaker, f"S{len(mapping) + 1}")

    def fix(x: str | None) -> str | None:
        return mapping.get(x) if x is not None else None

    out = [
        s.model_copy(
            update={
                "speaker": fix(s.speaker),
                "words": tuple(w.model_copy(update={"speaker": fix(w.speaker)}) for w in s.words),
            }
        )
        for s in segments
    ]
    return out, mapping


def text_regions(segments: Sequence[Segment], gap: float = 0.15) -> list[tuple[float, float]]:
    """Speech regions from word times (segment times when a segment has no words)."""
    spans = sorted((w.start, w.end) for s in segments for w in (s.words or (s,)) if w.end > w.start)
    out: list[tuple[float, float]] = []
    for a, b in spans:
        if out and a - out[-1][1] <= gap:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
