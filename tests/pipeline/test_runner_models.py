"""A one-source run frees each model after the last stage that names it; a batch keeps them.

The stages here are small real stages over an imported transcript, run by the real runner
and store; their "models" are objects that count how often they were closed, so the test
sees what the runner freed and when.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from videobrief.pipeline import models
from videobrief.pipeline.runner import RunSettings, run_source
from videobrief.pipeline.stage import Stage
from videobrief.stages.imports import stage as imports
from videobrief.store import Store


class Model:
    def __init__(self) -> None:
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


@dataclass(frozen=True)
class NoOptions:
    pass


def _registry(fa: str, fb: str, seen: dict) -> tuple[Stage, ...]:
    """import → first (loads fa and fb) → second (loads fb, then says it is done with it)."""

    def first(inputs, options, ctx):
        seen["first"] = (ctx.model((fa,), Model), ctx.model((fb,), Model))
        return {"transcript": inputs["transcript"]}

    def second(inputs, options, ctx):
        model = ctx.model((fb,), Model)
        seen["second"] = model
        seen["fa loaded in second"] = (fa,) in models._models
        ctx.done_with((fb,))
        seen["fb closed mid-stage"] = model.closed
        return {"transcript": inputs["transcript"]}

    def stage(name, run, models):
        return Stage(
            name=name,
            requires=("transcript",),
            produces=("transcript",),
            options=NoOptions,
            version="1",
            run=run,
            models=models,
        )

    return (imports.STAGE, stage("first", first, (fa, fb)), stage("second", second, (fb,)))


@pytest.mark.parametrize("release", [True, False])
def test_models_are_freed_after_their_last_stage_only_in_a_run_that_asks(tmp_path: Path, release):
    fa, fb = f"fa-{uuid.uuid4()}", f"fb-{uuid.uuid4()}"
    source = tmp_path / "talk.txt"
    source.write_text("00:00 Министры встретились в Минске.\n", encoding="utf-8")
    seen: dict = {}
    settings = RunSettings(tmp_path / "cache", release_models=release)
    store = Store.open(tmp_path / "data")
    try:
        run_source(source, store, settings, lambda e: None, _registry(fa, fb, seen))
        a, b = seen["first"]
        assert seen["second"] is b  # the later stage reused the model it names
        if release:
            assert seen["fa loaded in second"] is False  # freed once `first` finished
            assert (a.closed, seen["fb closed mid-stage"]) == (1, 1)
            assert (fa,) not in models._models and (fb,) not in models._models
        else:
            assert seen["fa loaded in second"] is True
            assert (a.closed, b.closed) == (0, 0)
            assert (fa,) in models._models and (fb,) in models._models
    finally:
        store.close()
        models.release_models({fa, fb})
