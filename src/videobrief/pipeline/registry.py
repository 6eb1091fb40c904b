"""The run order: every stage, in the order the runner considers them.

Adding a stage: a package under `videobrief/stages/` with `options.py` and `stage.py`
(`STAGE`), and one entry in `REGISTRY` below. `python -m videobrief.pipeline` prints the
resulting table (what each stage needs, from which stage, and what it makes), checked by
`analyze`.
"""

from __future__ import annotations

from videobrief.pipeline.stage import Stage, analyze, plan
from videobrief.stages.brief import stage as brief
from videobrief.stages.check import stage as check
from videobrief.stages.decode import stage as decode
from videobrief.stages.english import stage as english
from videobrief.stages.entities import stage as entities
from videobrief.stages.imports import stage as imports
from videobrief.stages.speakers import stage as speakers
from videobrief.stages.speech import stage as speech

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
