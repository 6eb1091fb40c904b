"""The `speakers` stage: who speaks each segment and word (see `videobrief.stages.speakers`).

With audio: windowed voice embeddings over the words' speech, clustered into turns, segments
split at turn changes. Without audio (imported transcripts): turns from hand-over and thanks
cues alone. Names come from cues, the voice library and the archive (`SpeakersOptions.voices`,
read from the store by the caller) and user renames.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from videobrief.pipeline.stage import Context, Stage
from videobrief.records import Transcript
from videobrief.stages.speakers.annotate import annotate
from videobrief.stages.speakers.embed import load_encoder
from videobrief.stages.speakers.options import SpeakersOptions


def run(inputs: Mapping[str, Any], options: SpeakersOptions, ctx: Context) -> dict[str, Any]:
    transcript: Transcript = inputs["transcript"]
    audio = inputs.get("audio")
    ctx.progress(0, transcript.duration)

    def encoder():
        key = ("speaker-encoder", options.encoder, ctx.threads)
        return ctx.model(key, lambda: load_encoder(options.encoder, ctx.threads))

    result = annotate(transcript, audio, encoder, options)
    speakers = tuple(
        sp.model_copy(
            update={
                "encoder": options.encoder,
                "centroid": tuple(map(float, result.centroids[sp.id])),
            }
        )
        if sp.id in result.centroids
        else sp
        for sp in result.transcript.speakers
    )
    ctx.progress(transcript.duration, transcript.duration)
    return {"transcript": result.transcript.model_copy(update={"speakers": speakers})}


STAGE = Stage(
    name="speakers",
    models=("speaker-encoder",),
    label="speakers",
    requires=("transcript",),
    optional=("audio",),
    produces=("transcript",),
    options=SpeakersOptions,
    version="1",
    run=run,
    heavy=True,
    assigns=("speakers", "segments.speaker", "segments.words.speaker", "segments"),
)
