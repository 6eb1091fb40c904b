"""The `check` stage: the source description (a scraped page's summary) checked against the
transcript, sentence by sentence. Runs after the brief; a source without a description gets
an empty result, so nothing is embedded for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from videobrief.errors import BadInput
from videobrief.pipeline.stage import Context, Stage
from videobrief.records import CheckResult, Transcript
from videobrief.stages.check.checker import CHECK_VERSION, check_text
from videobrief.stages.check.options import CheckOptions


def check_description(transcript: Transcript, options: CheckOptions) -> CheckResult:
    """Verdicts on the description; a description that cannot be checked says why in notes."""
    if not (transcript.description or "").strip():
        return CheckResult(video_id=transcript.id, notes=("No source description to check.",))
    try:
        return check_text(transcript, transcript.description or "", options)
    except BadInput as exc:
        return CheckResult(video_id=transcript.id, notes=(f"Description not checked: {exc}",))


def run(inputs: Mapping[str, Any], options: CheckOptions, ctx: Context) -> dict[str, Any]:
    ctx.progress(0, 1, "check")
    result = check_description(inputs["transcript"], options)
    ctx.progress(1, 1, "check")
    return {"description_check": result}


STAGE = Stage(
    name="check",
    label="description check",
    requires=("transcript",),
    produces=("description_check",),
    options=CheckOptions,
    version=CHECK_VERSION,
    run=run,
)
