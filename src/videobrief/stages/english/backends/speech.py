"""Whisper speech-translate: English from each segment's own audio ("speech-translate"), a rough
gist, and the fallback for media when the text backend's answer fails validation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from faster_whisper import WhisperModel

from videobrief.media import SAMPLE_RATE
from videobrief.records import Segment


@dataclass
class SpeechTranslate:
    """Whisper speech→English on each segment's own audio, in the segment's language.

    `log_prob_threshold=None`: faster-whisper re-decodes a window at temperatures 0.2 … 1.0
    when its mean log-probability is below -1.0, which speech-translate of Russian often is;
    when none does better it keeps the best-scored answer, in practice the temperature-0 one.
    The sweep costs several times the plain decode (≈ 9 s against 1.4 s for a 13 s segment on
    2 cores) and changes no answer. The validator, not the log-probability, judges this
    English. The compression-ratio retry stays: it is what escapes a repetition loop ("of the
    year of the year …").
    """

    model: WhisperModel | None
    beam_size: int = 5
    source: str = "speech-translate"
    # Or loaded at the first segment that needs it: as the LLM's fallback, Whisper is asked
    # only after every LLM attempt, so a one-source run loads it once the LLM is freed.
    load: Callable[[], WhisperModel] | None = None

    def translate(
        self,
        segments: Sequence[Segment],
        audio: np.ndarray | None,
        context: Sequence[Segment] = (),
    ) -> dict[int, str]:
        if audio is None:
            return {}
        if self.model is None and self.load is not None:
            self.model = self.load()
        if self.model is None:
            return {}
        out: dict[int, str] = {}
        for seg in segments:
            clip = audio[int(seg.start * SAMPLE_RATE) : int(seg.end * SAMPLE_RATE)]
            if clip.size == 0:
                continue
            raw, _ = self.model.transcribe(
                clip,
                language=seg.lang,
                task="translate",
                beam_size=self.beam_size,
                vad_filter=False,
                condition_on_previous_text=False,
                without_timestamps=True,
                log_prob_threshold=None,
            )
            text = " ".join(s.text.strip() for s in raw).strip()
            if text:
                out[seg.id] = text
        return out
