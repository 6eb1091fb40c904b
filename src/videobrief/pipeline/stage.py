"""What a stage is: a declared, pure step over typed records (modelled on spaCy components).

A stage names the artifacts it needs and the ones it makes, the type of its options and a code
version. Its `run` is a plain function `(inputs, options, ctx) -> outputs` that knows nothing
of the store, the web or the executor: the runner (`videobrief.pipeline.runner`) does everything
around it — cache keys, running/done/failed marks, progress events, loading models once per process.

Artifacts a stage may require (see `ARTIFACTS`): `source` (the input `Path`), `media`
(`MediaInfo`, media sources only), `audio` (16 kHz mono float32, recomputed when needed, never
stored), `transcript` (the `Transcript` document every later stage enriches, as spaCy's
components enrich one `Doc`) and `brief`.

The enrichment contract: a stage that returns the transcript overwrites (never appends to)
the fields it assigns. The runner relies on it: a stored transcript that later stages already
touched still serves as an earlier stage's result when its lineage says so (the English
stage clears any previous English track before writing its own, for example).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import TypeAdapter

T = TypeVar("T")

# Artifacts the runner knows how to obtain. `persist`: stored by the store and reloaded on a
# rerun; otherwise recomputed by its producing stage whenever a stage that needs it runs.
ARTIFACTS: dict[str, bool] = {
    "source": False,
    "media": False,
    "audio": False,
    "transcript": True,
    "brief": True,
    "description_check": True,  # the check stage's verdicts on the source description
}
# What the runner hands every stage before any stage ran.
GIVEN = ("source", "media")
SOURCE_KINDS = frozenset({"media", "transcript"})


class Context(Protocol):
    """What a running stage may ask of its surroundings, and nothing else."""

    video_id: str
    cache_dir: Path
    threads: int
    device: str  # "cpu" or "cuda": where this worker runs models (not part of any key)
    # the longest audio this run accepts (`--max-duration`): a bound on what a stage may hold,
    # not a choice that shapes its output, so not part of any key either
    max_seconds: float

    def progress(self, done: float, total: float, unit: str = "s", note: str = "") -> None:
        """Report how far the stage is (`unit`s done of `total`)."""

    def model(self, key: tuple, loader: Callable[[], T]) -> T:
        """The object `loader()` returns, loaded once per process for this `key`."""

    def done_with(self, key: tuple) -> None:
        """This stage will not use the model under `key` again for this source: a run that
        frees models (`RunSettings.release_models`) frees it now if no later stage needs it."""


RunFn = Callable[[Mapping[str, Any], Any, Context], dict[str, Any]]


@dataclass(frozen=True)
class Stage:
    """One declared step of the pipeline; see the module docstring."""

    name: str
    requires: tuple[str, ...]
    produces: tuple[str, ...]
    options: type
    version: str
    run: RunFn
    optional: tuple[str, ...] = ()
    kinds: frozenset[str] = SOURCE_KINDS
    heavy: bool = False
    assigns: tuple[str, ...] = ()
    label: str = ""  # human name for progress displays ("English track")
    # Model families it loads through `Context.model` (the first item of their keys). A run
    # that asks (`RunSettings.release_models`) frees every loaded model no later stage names.
    models: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = {*self.requires, *self.optional, *self.produces} - ARTIFACTS.keys()
        if unknown:
            raise ValueError(f"stage {self.name!r}: unknown artifacts {sorted(unknown)}")
        if not self.kinds <= SOURCE_KINDS:
            raise ValueError(f"stage {self.name!r}: kinds must be within {sorted(SOURCE_KINDS)}")

    @property
    def persisted(self) -> bool:
        """True if the stage's results are stored (and so it has a stage row)."""
        return any(ARTIFACTS[a] for a in self.produces)

    @property
    def title(self) -> str:
        return self.label or self.name


def options_json(options: Any) -> Any:
    """Options as plain JSON values (dataclasses and pydantic models alike), for rows and keys."""
    return TypeAdapter(type(options)).dump_python(options, mode="json")


def stage_key(stage: Stage, options: Any, input_keys: Mapping[str, str]) -> str:
    """The cache key: hash of the stage's name, version, options and its inputs' content keys."""
    payload = json.dumps(
        {
            "stage": stage.name,
            "version": stage.version,
            "options": options_json(options),
            "inputs": dict(sorted(input_keys.items())),
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class PipeInfo:
    """One row of `analyze`: what a stage needs, where each input comes from, what it makes."""

    name: str
    requires: dict[str, str]  # artifact -> producing stage (or "given")
    produces: tuple[str, ...]
    assigns: tuple[str, ...]
    version: str
    heavy: bool


def plan(registry: tuple[Stage, ...], kind: str) -> tuple[Stage, ...]:
    """The stages that apply to a source of `kind`, in registry order."""
    return tuple(s for s in registry if kind in s.kinds)


def producers(stages: tuple[Stage, ...]) -> dict[tuple[str, str], str]:
    """For each (stage, input artifact): the stage whose output it reads, or "given".

    The producer of an input is the last earlier stage that produces it, as in spaCy's
    `analyze_pipes`; a required input nothing earlier produces is a registry error.
    """
    out: dict[tuple[str, str], str] = {}
    made: dict[str, str] = {a: "given" for a in GIVEN}
    for stage in stages:
        for artifact in (*stage.requires, *stage.optional):
            if artifact in made:
                out[(stage.name, artifact)] = made[artifact]
            elif artifact in stage.requires:
                raise ValueError(f"stage {stage.name!r} requires {artifact!r}; nothing makes it")
        for artifact in stage.produces:
            made[artifact] = stage.name
    return out


def analyze(registry: tuple[Stage, ...], kind: str) -> list[PipeInfo]:
    """The pipeline for one source kind, checked: every required input has a producer."""
    stages = plan(registry, kind)
    source_of = producers(stages)
    return [
        PipeInfo(
            name=s.name,
            requires={
                a: source_of[(s.name, a)]
                for a in (*s.requires, *s.optional)
                if (s.name, a) in source_of
            },
            produces=s.produces,
            assigns=s.assigns,
            version=s.version,
            heavy=s.heavy,
        )
        for s in stages
    ]


@dataclass
class Outputs:
    """What one stage returned, checked against what it declared."""

    stage: Stage
    values: dict[str, Any] = field(default_factory=dict)

    def check(self) -> dict[str, Any]:
        missing = set(self.stage.produces) - self.values.keys()
        extra = self.values.keys() - set(self.stage.produces)
        if missing or extra:
            raise TypeError(
                f"stage {self.stage.name!r} returned {sorted(self.values)}, "
                f"declared {list(self.stage.produces)}"
            )
        return self.values
