"""The entities stage: transcript in, the same transcript with `entities` (and speakers'
full names) out.

Registered as `videobrief.stages.entities`; `run(inputs, options, ctx)` knows
nothing of the store, web or executor. The natasha and spaCy models are loaded once per
process by `extract`'s own caches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from videobrief.entities import resolve_person
from videobrief.entities.extract import extract
from videobrief.entities.merge import merge
from videobrief.records import Entity, Transcript

VERSION = "2"
CHUNK = 25  # segments between progress reports


@dataclass(frozen=True)
class EntitiesOptions:
    """`resolve_speakers`: give a cue-named speaker ("Максим Владимирович") the full name the
    video uses elsewhere ("Максим Владимирович Рыженков")."""

    resolve_speakers: bool = True


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
