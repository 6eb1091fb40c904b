"""The `entities` stage: people, places, organisations and dates, merged across forms and
scripts, each with every mention; cue-named speakers get the full name the video uses."""

from __future__ import annotations

from videobrief.entities.stage import VERSION, EntitiesOptions, run
from videobrief.stages.base import Stage

STAGE = Stage(
    name="entities",
    label="names",
    requires=("transcript",),
    produces=("transcript",),
    options=EntitiesOptions,
    version=VERSION,
    run=run,
    heavy=True,  # natasha and spaCy models, loaded once per process
    assigns=("entities", "speakers.name"),
)
