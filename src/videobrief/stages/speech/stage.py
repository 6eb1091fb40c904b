"""The `speech` stage: language-safe Whisper transcription (see `videobrief.stages.speech.asr`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from videobrief.media import SAMPLE_RATE
from videobrief.models.whisper import whisper
from videobrief.pipeline.stage import Context, Stage
from videobrief.records import MediaInfo, Transcript
from videobrief.stages.speech.asr import transcribe
from videobrief.stages.speech.options import SpeechOptions


def run(inputs: Mapping[str, Any], options: SpeechOptions, ctx: Context) -> dict[str, Any]:
    source: Path = inputs["source"]
    info: MediaInfo = inputs["media"]
    audio = inputs["audio"]
    model = whisper(ctx, options.model)
    ctx.progress(0.0, 0.0)
    segments = transcribe(audio, model, options, progress=lambda d, t: ctx.progress(d, t))
    transcript = Transcript(
        id=info.sha256,
        source=str(source),
        duration=round(len(audio) / SAMPLE_RATE, 3),
        title=source.stem,
        segments=tuple(segments),
    )
    return {"transcript": transcript}


STAGE = Stage(
    name="speech",
    models=("whisper",),
    label="speech",
    requires=("source", "media", "audio"),
    produces=("transcript",),
    options=SpeechOptions,
    version="4",
    run=run,
    kinds=frozenset({"media"}),
    heavy=True,
    assigns=("segments", "segments.words", "segments.lang"),
)
