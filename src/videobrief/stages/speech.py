"""The `speech` stage: language-safe Whisper transcription (see `videobrief.speech.asr`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from videobrief import ingest
from videobrief.records import MediaInfo, Transcript
from videobrief.speech.asr import SpeechOptions, transcribe
from videobrief.speech.model import load_model
from videobrief.stages.base import Context, Stage


def whisper(ctx: Context, name: str) -> Any:
    """The Whisper model `name`, loaded once per process (shared with the English stage), on
    the worker's device (a Ray actor holding a GPU runs it on "cuda")."""
    key = ("whisper", name, str(ctx.cache_dir), ctx.threads, ctx.device)
    # `__wrapped__`: past load_model's own lru_cache, so the runner's cache is the only owner
    # and a run that releases the model frees it.
    load = load_model.__wrapped__
    return ctx.model(key, lambda: load(name, str(ctx.cache_dir), ctx.threads, ctx.device))


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
        duration=round(len(audio) / ingest.SAMPLE_RATE, 3),
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
    # 3: one-language files decoded like plain; siblings checked in context
    # 4: one-language Cyrillic without the compression-ratio temperature fallback
    version="4",
    run=run,
    kinds=frozenset({"media"}),
    heavy=True,
    assigns=("segments", "segments.words", "segments.lang"),
)
