"""Speech to segments: VAD units → language per unit → same-language windows → Whisper.

Every window is decoded with its own language fixed and `task="transcribe"`, never a silent
translate, so a Russian passage stays Russian text whatever the file started with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from faster_whisper import WhisperModel
from pydantic import BaseModel, ConfigDict

from videobrief.records import Segment, Word
from videobrief.speech.language import LangGuess, detect_units, smooth
from videobrief.speech.vad import SAMPLE_RATE, Region, speech_regions

# Called with (speech seconds done, speech seconds in total).
Progress = Callable[[float, float], None]


class SpeechOptions(BaseModel):
    """Everything that changes the speech stage's output, and so its cache key."""

    model_config = ConfigDict(frozen=True)

    model: str = "base"
    language: str | None = None
    languages: tuple[str, ...] | None = None
    beam_size: int = 5
    max_unit_s: float = 10.0
    max_window_s: float = 30.0
    max_gap_s: float = 3.0

    def settings_hash(self) -> str:
        """A stable hash of the options: same options + same audio = reuse the stored result."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Window:
    """A stretch of speech decoded in one call, in one language.

    `lang_prob` is the duration-weighted mean of its units' probabilities (None if forced).
    """

    start: int
    end: int
    lang: str
    lang_prob: float | None
    weight: float = 0.0


def plan_windows(
    units: list[Region], guesses: list[LangGuess | None], opts: SpeechOptions
) -> list[Window]:
    """Join consecutive units of one language into windows no longer than Whisper's 30 s."""
    windows: list[Window] = []
    for unit, guess in zip(units, guesses, strict=True):
        lang = guess.lang if guess else opts.language or "en"
        prob = guess.prob if guess else None
        if windows and _joins(windows[-1], unit, lang, opts):
            windows[-1] = _extend(windows[-1], unit, prob)
        else:
            windows.append(Window(unit.start, unit.end, lang, prob, unit.seconds))
    return windows


def _joins(last: Window, unit: Region, lang: str, opts: SpeechOptions) -> bool:
    fits = (unit.end - last.start) / SAMPLE_RATE <= opts.max_window_s
    near = (unit.start - last.end) / SAMPLE_RATE <= opts.max_gap_s
    return last.lang == lang and fits and near


def _extend(last: Window, unit: Region, prob: float | None) -> Window:
    weight = last.weight + unit.seconds
    merged = None
    if last.lang_prob is not None and prob is not None:
        merged = (last.lang_prob * last.weight + prob * unit.seconds) / weight
    return Window(last.start, unit.end, last.lang, merged, weight)


def transcribe(
    audio: np.ndarray,
    model: WhisperModel,
    opts: SpeechOptions,
    progress: Progress | None = None,
) -> list[Segment]:
    """Transcribe 16 kHz mono float32 audio into segments with languages and word times."""
    units = speech_regions(audio, opts.max_unit_s)
    if opts.language:
        guesses: list[LangGuess | None] = [None] * len(units)
    else:
        guesses = list(smooth(detect_units(model, audio, units, opts.languages)))
    windows = plan_windows(units, guesses, opts)
    total = sum((w.end - w.start) / SAMPLE_RATE for w in windows)
    done = 0.0
    segments: list[Segment] = []
    for window in windows:
        segments.extend(_decode_window(audio, model, window, opts, first_id=len(segments)))
        done += (window.end - window.start) / SAMPLE_RATE
        if progress:
            progress(done, total)
    return segments


def _decode_window(
    audio: np.ndarray, model: WhisperModel, window: Window, opts: SpeechOptions, first_id: int
) -> list[Segment]:
    offset = window.start / SAMPLE_RATE
    limit = window.end / SAMPLE_RATE
    raw, _info = model.transcribe(
        audio[window.start : window.end],
        language=window.lang,
        task="transcribe",
        beam_size=opts.beam_size,
        word_timestamps=True,
        vad_filter=False,
        condition_on_previous_text=False,
    )
    out: list[Segment] = []
    for seg in raw:
        text = seg.text.strip()
        if not text:
            continue
        words = tuple(
            Word(
                start=round(offset + w.start, 3),
                end=round(min(offset + w.end, limit), 3),
                word=w.word.strip(),
                prob=min(max(float(w.probability), 0.0), 1.0),
            )
            for w in (seg.words or [])
            if w.word.strip()
        )
        out.append(
            Segment(
                id=first_id + len(out),
                start=round(offset + seg.start, 3),
                end=round(min(offset + seg.end, limit), 3),
                text=text,
                lang=window.lang,
                lang_prob=None if window.lang_prob is None else round(window.lang_prob, 4),
                avg_logprob=round(float(seg.avg_logprob), 4),
                words=words,
            )
        )
    return out
