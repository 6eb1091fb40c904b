"""From a decoded clip back to the file: times, words and segments in source seconds.

A window is decoded as one clip: its parts laid end to end, `gap` samples of silence between
them. `Timeline` maps a time in that clip back to the file; `file_segments` turns one
faster-whisper segment into our segments in file time, one per part it spans.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from faster_whisper.transcribe import Segment as WhisperSegment

from videobrief.media import SAMPLE_RATE
from videobrief.records import Segment, Word

# Segments as decoded, each with Whisper's no_speech_prob (the guards read it).
Decoded = list[tuple[Segment, float]]


@dataclass(frozen=True)
class MappedWord:
    """A decoded word with its times in source seconds."""

    start: float
    end: float
    word: str  # as Whisper wrote it, leading space included, so text can be rebuilt exactly
    prob: float

    def to_word(self) -> Word:
        return Word(
            start=round(self.start, 3),
            end=round(self.end, 3),
            word=self.word.strip(),
            prob=min(max(self.prob, 0.0), 1.0),
        )


class Timeline:
    """Maps times in a decoded clip (its parts laid end to end, `gap` samples of silence
    between them) back to source seconds; a time inside a gap maps to its part's end."""

    def __init__(self, spans: tuple[tuple[int, int], ...], gap: int = 0) -> None:
        self.spans = spans
        self.offsets = np.cumsum([0] + [end - start + gap for start, end in spans])

    def part_of(self, t: float) -> int:
        """The index of the part clip time `t` (seconds) falls in."""
        index = int(np.searchsorted(self.offsets, t * SAMPLE_RATE, side="right")) - 1
        return min(max(index, 0), len(self.spans) - 1)

    def to_source(self, t: float, part: int) -> float:
        """Clip time `t` as source seconds, clamped to `part`."""
        start, end = self.spans[part]
        sample = start + (t * SAMPLE_RATE - self.offsets[part])
        return float(min(max(sample, start), end)) / SAMPLE_RATE

    def split(self, seg: WhisperSegment) -> list[tuple[int, list[MappedWord]]]:
        """The segment's words grouped by the part they fall in, mapped to source times.

        A segment Whisper ran across a join becomes one group per part, so no segment spans
        the other language's speech that lies between two packed runs.
        """
        if not seg.words:
            return [(self.part_of(seg.start), [])]
        groups: list[tuple[int, list[MappedWord]]] = []
        for w in seg.words:
            part = self.part_of(w.start)
            mapped = MappedWord(
                self.to_source(w.start, part),
                self.to_source(w.end, part),
                w.word,
                float(w.probability),
            )
            if groups and groups[-1][0] == part:
                groups[-1][1].append(mapped)
            else:
                groups.append((part, [mapped]))
        return groups


def file_segments(
    seg: WhisperSegment, timeline: Timeline, lang: str, lang_prob: float | None
) -> Decoded:
    """One faster-whisper segment as our segments in file time (one per part it spans), each
    with its no_speech_prob; ids are provisional (`transcribe` numbers the final list)."""
    out: Decoded = []
    for part, words in timeline.split(seg):
        text = "".join(w.word for w in words).strip() if words else seg.text.strip()
        if not text:
            continue
        segment = Segment(
            id=0,
            start=round(timeline.to_source(seg.start, part) if not words else words[0].start, 3),
            end=round(timeline.to_source(seg.end, part) if not words else words[-1].end, 3),
            text=text,
            lang=lang,
            lang_prob=None if lang_prob is None else round(lang_prob, 4),
            avg_logprob=round(float(seg.avg_logprob), 4),
            words=tuple(w.to_word() for w in words if w.word.strip()),
        )
        out.append((segment, float(seg.no_speech_prob)))
    return out
