"""The `decode` stage: media → 16 kHz mono float32 (PyAV). Never stored: cheap to redo."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from videobrief import ingest
from videobrief.records import MediaInfo
from videobrief.stages.base import Context, Stage


@dataclass(frozen=True)
class DecodeOptions:
    """Decoding has no choices (rate and channels are what Whisper needs)."""


def run(inputs: Mapping[str, Any], options: DecodeOptions, ctx: Context) -> dict[str, Any]:
    info: MediaInfo = inputs["media"]
    ctx.progress(0.0, info.duration)
    audio = ingest.decode_audio(inputs["source"], info.duration)
    seconds = len(audio) / ingest.SAMPLE_RATE
    ctx.progress(seconds, seconds)
    return {"audio": audio}


STAGE = Stage(
    name="decode",
    label="ingest",
    requires=("source", "media"),
    produces=("audio",),
    options=DecodeOptions,
    version="1",
    run=run,
    kinds=frozenset({"media"}),
)
