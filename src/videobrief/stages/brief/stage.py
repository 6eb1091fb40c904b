"""The `brief` stage: headline, lede, key points and quotes, each grounded in its segments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from videobrief.pipeline.stage import Context, Stage
from videobrief.stages.brief.compose import BRIEF_VERSION, make_brief
from videobrief.stages.brief.options import BriefOptions


def run(inputs: Mapping[str, Any], options: BriefOptions, ctx: Context) -> dict[str, Any]:
    ctx.progress(0, 1, "brief")
    brief = make_brief(inputs["transcript"], options)
    ctx.progress(1, 1, "brief")
    return {"brief": brief}


STAGE = Stage(
    name="brief",
    label="brief",
    requires=("transcript",),
    produces=("brief",),
    options=BriefOptions,
    version=BRIEF_VERSION,
    run=run,
)
