"""The `entities` stage: transcript in, the same transcript with `entities` (and speakers'
full names) out. People, places, organisations and dates are merged across forms and scripts,
each with every mention; the natasha and spaCy models load once per process (`models.ner`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from videobrief.pipeline.stage import Stage
from videobrief.records import Entity, Transcript
from videobrief.stages.entities.extract import extract
from videobrief.stages.entities.merge import merge
from videobrief.stages.entities.options import EntitiesOptions
from videobrief.stages.entities.resolve import resolve_person

CHUNK = 25  # segments between progress reports


def resolve_speakers(speakers: Sequence[Any], entities: Sequence[Entity]) -> tuple[Any, ...]:
    """Speakers with cue names replaced by the one person entity they name, when there is one.

    Only `cue` names are touched: a user's or the voice library's name is already what it
    should be. Works on any record with `name` and `name_source` (the speakers stage's
    `Speaker`).
    """
    out = []
    for sp in speakers:
        entity = resolve_person(sp.name, entities) if sp.name and sp.name_source == "cue" else None
        if entity is not None and entity.name != sp.name:
            sp = sp.model_copy(update={"name": entity.name})
        out.append(sp)
    return tuple(out)


def run(inputs: Mapping[str, Any], options: EntitiesOptions, ctx: Any) -> dict[str, Any]:
    """Find the transcript's entities; resolve cue-named speakers when the transcript has any."""
    transcript: Transcript = inputs["transcript"]
    segments = transcript.segments
    candidates = []
    for i in range(0, len(segments), CHUNK):
        candidates += extract(segments[i : i + CHUNK])
        ctx.progress(min(i + CHUNK, len(segments)), len(segments), unit="segments")
    if not segments:
        ctx.progress(0, 0, unit="segments")
    entities = merge(candidates)
    update: dict[str, Any] = {"entities": entities}
    speakers = getattr(transcript, "speakers", None)  # the speakers stage's field, if present
    if options.resolve_speakers and speakers:
        update["speakers"] = resolve_speakers(speakers, entities)
    return {"transcript": transcript.model_copy(update=update)}


def find_entities(transcript: Transcript) -> tuple[Entity, ...]:
    """The transcript's entities, computed from its segments (the description is not read:
    mentions must point at a segment)."""
    return merge(extract(transcript.segments))


def with_entities(transcript: Transcript) -> Transcript:
    """The transcript with its `entities` field filled (the entities stage's work)."""
    return transcript.model_copy(update={"entities": find_entities(transcript)})


STAGE = Stage(
    name="entities",
    label="entities",
    requires=("transcript",),
    produces=("transcript",),
    options=EntitiesOptions,
    version="2",
    run=run,
    heavy=True,  # natasha and spaCy models, loaded once per process
    assigns=("entities", "speakers.name"),
)
