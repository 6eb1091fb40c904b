"""The `import` stage: an existing transcript file (SRT, VTT, "MM:SS text", a scraped page)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from videobrief import importers
from videobrief.stages.base import Context, Stage


@dataclass(frozen=True)
class ImportOptions:
    """Nothing to choose yet; the type exists so the stage row records it like any other."""


def run(inputs: Mapping[str, Any], options: ImportOptions, ctx: Context) -> dict[str, Any]:
    source: Path = inputs["source"]
    ctx.progress(0, 1, "file")
    imported = importers.import_transcript(source, ctx.video_id)
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
