"""The pipeline's stages, in order. Adding a stage = one module here + one entry in `REGISTRY`.

| stage    | sources    | requires (optional)          | produces   | heavy |
|----------|------------|------------------------------|------------|-------|
| import   | transcript | source                       | transcript |       |
| decode   | media      | source, media                | audio      |       |
| speech   | media      | source, media, audio         | transcript | yes   |
| speakers | both       | transcript (audio)           | transcript | yes   |
| entities | both       | transcript                   | transcript | yes   |
| english  | both       | transcript (audio)           | transcript | yes   |
| brief    | both       | transcript                   | brief      |       |
| check    | both       | transcript                   | description_check |  |

`python -m videobrief.stages` prints this table from the registry itself (`analyze`).
"""

from __future__ import annotations

from videobrief.stages import brief, check, decode, english, entities, imports, speakers, speech
from videobrief.stages.base import Stage, analyze, plan

REGISTRY: tuple[Stage, ...] = (
    imports.STAGE,
    decode.STAGE,
    speech.STAGE,
    speakers.STAGE,
    entities.STAGE,
    english.STAGE,
    brief.STAGE,
    check.STAGE,
)


def by_name(name: str) -> Stage:
    """The registered stage called `name`."""
    for stage in REGISTRY:
        if stage.name == name:
            return stage
    raise KeyError(f"no stage named {name!r}; stages: {[s.name for s in REGISTRY]}")


__all__ = ["REGISTRY", "Stage", "analyze", "by_name", "plan"]
