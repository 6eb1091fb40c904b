"""The `english` stage: an English track beside every non-English segment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from videobrief.english import EnglishOptions, english_track, make_backend
from videobrief.records import Transcript
from videobrief.stages.base import Context, Stage
from videobrief.stages.speech import whisper


def run(inputs: Mapping[str, Any], options: EnglishOptions, ctx: Context) -> dict[str, Any]:
    transcript: Transcript = inputs["transcript"]
    audio = inputs.get("audio")
    model = whisper(ctx, options.whisper_model) if options.backend != "none" else None
    backend, fallback = make_backend(options, model)
    todo = sum(1 for s in transcript.segments if s.lang != "en")
    ctx.progress(0, todo, "segment")
    segments = english_track(transcript.segments, backend, audio, fallback, options.glossary)
    ctx.progress(todo, todo, "segment")
    return {"transcript": transcript.model_copy(update={"segments": tuple(segments)})}


STAGE = Stage(
    name="english",
    label="English track",
    requires=("transcript",),
    optional=("audio",),
    produces=("transcript",),
    options=EnglishOptions,
    version="1",
    run=run,
    kinds=frozenset({"media"}),
    heavy=True,
    assigns=("segments.english", "segments.english_source", "segments.flags"),
)
