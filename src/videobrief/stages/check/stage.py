"""The `check` stage: the source description (a scraped page's summary) checked against the
transcript, sentence by sentence. Runs after the brief; a source without a description gets
an empty result, so nothing is embedded for it. The judge's vote is the bundled model the
English stage loaded (`models.llama.bundled_chat`: one load per process, kept for this stage
by `models=("llm-bundled",)`), an endpoint's with `llm_url`, or none with `judge="rules"`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from videobrief.errors import BadInput, VideobriefError
from videobrief.judge import Vote
from videobrief.models.llama import bundled_chat
from videobrief.pipeline.stage import Context, Stage
from videobrief.records import CheckResult, Transcript
from videobrief.stages.check.checker import CHECK_VERSION, check_text, make_vote
from videobrief.stages.check.options import CheckOptions


def check_description(
    transcript: Transcript, options: CheckOptions, vote: Vote | None = None
) -> CheckResult:
    """Verdicts on the description; a description that cannot be checked says why in notes."""
    try:
        return check_text(transcript, transcript.description or "", options, vote)
    except BadInput as exc:
        return CheckResult(video_id=transcript.id, notes=(f"Description not checked: {exc}",))


def run(inputs: Mapping[str, Any], options: CheckOptions, ctx: Context) -> dict[str, Any]:
    transcript: Transcript = inputs["transcript"]
    if not (transcript.description or "").strip():
        notes = ("No source description to check.",)
        return {"description_check": CheckResult(video_id=transcript.id, notes=notes)}
    ctx.progress(0, 1, "check")
    try:
        vote = make_vote(options, lambda: bundled_chat(ctx))
    except VideobriefError as exc:  # the bundled model not installed: the rules still judge
        result = check_description(transcript, options)
        note = f"Judged by the slot rules alone: {exc}"
        result = result.model_copy(update={"notes": (*result.notes, note)})
    else:
        result = check_description(transcript, options, vote)
    ctx.progress(1, 1, "check")
    return {"description_check": result}


STAGE = Stage(
    name="check",
    models=("llm-bundled",),
    label="description check",
    requires=("transcript",),
    produces=("description_check",),
    options=CheckOptions,
    version=CHECK_VERSION,
    run=run,
)
