"""The `import` stage: an existing transcript file (SRT, VTT, "MM:SS text", a scraped page)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from videobrief.pipeline.stage import Context, Stage
from videobrief.stages.imports import formats
from videobrief.stages.imports.options import ImportOptions


def run(inputs: Mapping[str, Any], options: ImportOptions, ctx: Context) -> dict[str, Any]:
    source: Path = inputs["source"]
    ctx.progress(0, 1, "file")
    imported = formats.import_transcript(source, ctx.video_id)
    transcript = imported.model_copy(update={"title": imported.title or source.stem})
    ctx.progress(1, 1, "file")
    return {"transcript": transcript}


STAGE = Stage(
    name="import",
    label="import",
    requires=("source",),
    produces=("transcript",),
    options=ImportOptions,
    version="1",
    run=run,
    kinds=frozenset({"transcript"}),
    assigns=("segments", "description", "title"),
)
