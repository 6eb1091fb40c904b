"""Where the speech is: silero VAD regions, merged into short language-detection units.

We never send audio VAD called silence to the decoder: Whisper invents text over silence
("Thank you for watching"), and a 3-hour silent file must finish in seconds, not hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

from videobrief.media import SAMPLE_RATE

# Below this peak amplitude (about -74 dBFS) there is nothing to hear; skip the VAD model.
DIGITAL_SILENCE_PEAK = 2e-4


@dataclass(frozen=True)
class Region:
    """A span of audio in samples, half-open [start, end)."""

    start: int
    end: int

    @property
    def seconds(self) -> float:
        return (self.end - self.start) / SAMPLE_RATE


def is_silent(audio: np.ndarray) -> bool:
    """True when the whole signal is below hearing: pure digital silence or near it."""
    return audio.size == 0 or float(np.max(np.abs(audio))) < DIGITAL_SILENCE_PEAK


def speech_regions(audio: np.ndarray, max_region_s: float = 10.0) -> list[Region]:
    """Silero VAD speech regions of at most `max_region_s`, split at pauses where possible."""
    if is_silent(audio):
        return []
    options = VadOptions(
        max_speech_duration_s=max_region_s,
        min_silence_duration_ms=500,
        speech_pad_ms=200,
        min_speech_duration_ms=250,
    )
    stamps = get_speech_timestamps(audio, options)
    return [Region(int(s["start"]), int(s["end"])) for s in stamps]
