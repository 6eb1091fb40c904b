"""The `decode` stage: media → 16 kHz mono float32 (PyAV). Never stored: cheap to redo.

The run's `--max-duration` (`ctx.max_seconds`) bounds the audio held, whatever the file's
header declared (`videobrief.media.decode_audio`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from videobrief.media import SAMPLE_RATE, decode_audio
from videobrief.pipeline.stage import Context, Stage
from videobrief.records import MediaInfo
from videobrief.stages.decode.options import DecodeOptions


def run(inputs: Mapping[str, Any], options: DecodeOptions, ctx: Context) -> dict[str, Any]:
    info: MediaInfo = inputs["media"]
    ctx.progress(0.0, info.duration)
    audio = decode_audio(inputs["source"], info.duration, ctx.max_seconds)
    seconds = len(audio) / SAMPLE_RATE
    ctx.progress(seconds, seconds)
    return {"audio": audio}


STAGE = Stage(
    name="decode",
    label="decode",
    requires=("source", "media"),
    produces=("audio",),
    options=DecodeOptions,
    version="1",
    run=run,
    kinds=frozenset({"media"}),
)
