"""The one place that runs stages: cache keys, running/done/failed marks, events, models.

For one source the runner plans the registry's stages for its kind, then computes every
stage's cache key up front: hash(stage name, version, options, the content keys of its
inputs), where an input's content key is the key of the stage that made it and the source's
is its sha256. A stage whose stored row is `done` with that key is skipped. Otherwise its
inputs are *resolved* on demand: taken from memory, loaded from the store if the stored
artifact carries the expected key, or remade by running their producer (how `audio`, never
stored, comes back when only the English track must be redone). Each stage's results and its
`done` mark are written in one store transaction, so a job killed at any point resumes at the
first stage not done, and nothing half-made is ever marked finished.

Stages stay pure: they see their inputs, their options and a small `Context`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from videobrief import importers, ingest
from videobrief.errors import BadInput
from videobrief.records import Brief, MediaInfo, Transcript
from videobrief.stages import REGISTRY, by_name
from videobrief.stages.base import (
    ARTIFACTS,
    GIVEN,
    Outputs,
    Stage,
    options_json,
    plan,
    producers,
    stage_key,
)
from videobrief.store import Store

T = TypeVar("T")
REUSED = "reused stored result"


@dataclass(frozen=True)
class Event:
    """A progress report: which stage, how far (in `unit`s), and an optional note."""

    source: str
    stage: str
    done: float = 0.0
    total: float = 0.0
    unit: str = "s"
    note: str = ""
    label: str = ""  # the stage's human name


OnEvent = Callable[[Event], None]


@dataclass(frozen=True)
class RunResult:
    transcript: Transcript
    reused: bool
    brief: Brief | None = None


# -- models, once per process ----------------------------------------------------------------

_models: dict[tuple, Any] = {}
_models_lock = threading.Lock()


def shared_model(key: tuple, loader: Callable[[], T]) -> T:
    """`loader()`'s result, made once per process and key (Whisper, the LLM, encoders)."""
    with _models_lock:
        if key not in _models:
            _models[key] = loader()
        return _models[key]


@dataclass
class _Context:
    """The `Context` a stage runs with: progress goes to the runner's event callback."""

    video_id: str
    cache_dir: Path
    threads: int
    source: str
    stage: Stage
    on_event: OnEvent

    def progress(self, done: float, total: float, unit: str = "s", note: str = "") -> None:
        self.on_event(
            Event(self.source, self.stage.name, done, total, unit, note, self.stage.title)
        )

    def model(self, key: tuple, loader: Callable[[], T]) -> T:
        return shared_model(key, loader)


# -- the runner ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSettings:
    """What the runner needs besides the store: stage options, model cache, threads."""

    cache_dir: Path
    threads: int = 2
    options: Mapping[str, Any] | None = None  # stage name -> options; missing = defaults

    def options_for(self, stage: Stage) -> Any:
        given = (self.options or {}).get(stage.name)
        return given if given is not None else stage.options()


class _Job:
    """One source's run: its plan, keys, and the artifacts made or loaded so far."""

    def __init__(
        self,
        store: Store,
        settings: RunSettings,
        registry: tuple[Stage, ...],
        given: dict[str, Any],
        kind: str,
        video_id: str,
        on_event: OnEvent,
    ) -> None:
        self.store, self.settings, self.on_event = store, settings, on_event
        self.video_id = video_id
        self.name = str(given["source"])
        self.stages = plan(registry, kind)
        self.source_of = producers(self.stages)
        self.given = given
        # artifact -> (lineage: stage name -> key of the run that shaped it, value)
        self.memory: dict[str, tuple[dict[str, str], Any]] = {}
        self.keys = self._keys()
        self.ran: list[str] = []
        self.registered = False

    def _keys(self) -> dict[str, str]:
        content = {a: self.video_id for a in GIVEN}
        keys: dict[str, str] = {}
        for stage in self.stages:
            inputs = {a: content[a] for a in (*stage.requires, *stage.optional) if a in content}
            keys[stage.name] = stage_key(stage, self.settings.options_for(stage), inputs)
            for artifact in stage.produces:
                content[artifact] = keys[stage.name]
        return keys

    def final(self, artifact: str) -> Any:
        """The artifact as the last stage that makes it left it (None if no stage makes it)."""
        makers = [s for s in self.stages if artifact in s.produces]
        if not makers:
            return None
        return self._obtain(artifact, makers[-1].name)

    def run_all(self) -> None:
        todo = [s for s in self.stages if s.persisted and not self._done(s)]
        for stage in self.stages:
            if stage.persisted and stage not in todo:
                self.on_event(Event(self.name, stage.name, 1, 1, "stage", REUSED, stage.title))
        if todo:
            self._register()
            self.store.queue_stages(self.video_id, {s.name: self.keys[s.name] for s in todo})
        for stage in todo:
            if not self._done(stage):  # a later stage may have remade it as an input
                self.execute(stage)

    def _done(self, stage: Stage) -> bool:
        row = self.store.stage_row(self.video_id, stage.name)
        return bool(
            row and row["status"] == "done" and row["settings_hash"] == self.keys[stage.name]
        )

    def _resolve(self, artifact: str, consumer: Stage) -> Any:
        producer = self.source_of[(consumer.name, artifact)]
        if producer == "given":
            return self.given[artifact]
        return self._obtain(artifact, producer)

    def _obtain(self, artifact: str, producer: str) -> Any:
        """The artifact as `producer` (with this run's key) made it, or as later stages left it.

        A stored or held artifact is good when its lineage has `producer` at this run's key:
        stages after it only overwrite what they assign (the enrichment contract in
        `stages.base`), so a transcript an older English run touched still serves as the
        speech result the new English run needs.
        """
        want = self.keys[producer]
        held = self.memory.get(artifact)
        if held is not None and held[0].get(producer) == want:
            return held[1]
        if ARTIFACTS[artifact]:
            lineage = self.store.artifact_lineage(self.video_id, artifact)
            if lineage.get(producer) == want:
                value = self.store.load_artifact(self.video_id, artifact)
                if value is not None:
                    self.memory[artifact] = (lineage, value)
                    return value
        self.execute(by_name_in(self.stages, producer))
        return self.memory[artifact][1]

    def _lineage_of(self, stage: Stage, inputs: Mapping[str, Any]) -> dict[str, str]:
        """Stage runs behind this stage's outputs: its inputs' lineages, then itself."""
        lineage: dict[str, str] = {}
        for artifact in inputs:
            held = self.memory.get(artifact)
            if held is not None:
                lineage.update({k: v for k, v in held[0].items() if k != stage.name})
        lineage[stage.name] = self.keys[stage.name]
        return lineage

    def execute(self, stage: Stage) -> None:
        """Run one stage: resolve inputs, mark, run, store results and `done` together."""
        inputs = {a: self._resolve(a, stage) for a in stage.requires}
        for artifact in stage.optional:
            if (stage.name, artifact) in self.source_of:
                inputs[artifact] = self._resolve(artifact, stage)
        options = self.settings.options_for(stage)
        key = self.keys[stage.name]
        if stage.persisted:
            self._register()
            self.store.mark_stage(
                self.video_id,
                stage.name,
                "running",
                key,
                options=options_json(options),
                version=stage.version,
            )
        ctx = _Context(
            self.video_id,
            self.settings.cache_dir,
            self.settings.threads,
            self.name,
            stage,
            self.on_event,
        )
        try:
            values = Outputs(stage, stage.run(inputs, options, ctx)).check()
        except BadInput as exc:
            self._forget_or_fail(stage, key, str(exc))
            raise
        except BaseException as exc:
            if stage.persisted:
                self.store.mark_stage(
                    self.video_id,
                    stage.name,
                    "failed",
                    key,
                    f"{type(exc).__name__}: {exc}",
                    options=options_json(options),
                    version=stage.version,
                )
            raise
        lineage = self._lineage_of(stage, inputs)
        if stage.persisted:
            self.store.save_outputs(
                self.video_id,
                stage.name,
                key,
                values,
                lineage=lineage,
                options=options_json(options),
                version=stage.version,
            )
        for artifact, value in values.items():
            self.memory[artifact] = (lineage, value)
        self.ran.append(stage.name)

    def _register(self) -> None:
        """Make sure the video row exists before its first stage row (hidden until done)."""
        if self.registered:
            return
        source: Path = self.given["source"]
        info: MediaInfo | None = self.given.get("media")
        self.store.register_video(self.video_id, str(source), source.stem, info)
        self.registered = True

    def _forget_or_fail(self, stage: Stage, key: str, reason: str) -> None:
        """Bad input stores nothing: a video with no finished stage is removed again."""
        if not stage.persisted:
            if self.registered and not self.store.any_stage_done(self.video_id):
                self.store.delete_video(self.video_id)
            return
        if self.store.any_stage_done(self.video_id):
            self.store.mark_stage(self.video_id, stage.name, "failed", key, reason)
        else:
            self.store.delete_video(self.video_id)


def by_name_in(stages: tuple[Stage, ...], name: str) -> Stage:
    for stage in stages:
        if stage.name == name:
            return stage
    return by_name(name)


def open_source(source: Path) -> tuple[str, str, MediaInfo | None]:
    """(kind, video id, media info) of a source; bad media fails here, before anything is stored."""
    if importers.sniff_transcript(source):
        return "transcript", ingest.sha256_file(source), None
    info = ingest.probe(source)
    return "media", info.sha256, info


def run_source(
    source: Path,
    store: Store,
    settings: RunSettings,
    on_event: OnEvent,
    registry: tuple[Stage, ...] = REGISTRY,
) -> RunResult:
    """Every stage that applies to `source`, reusing whatever is stored with the same keys."""
    kind, video_id, info = open_source(source)
    job = _Job(
        store, settings, registry, {"source": source, "media": info}, kind, video_id, on_event
    )
    job.run_all()
    transcript = job.final("transcript")
    brief = job.final("brief")
    return RunResult(transcript, reused=not job.ran, brief=brief)


def rerun_stored(
    video_id: str,
    names: tuple[str, ...],
    store: Store,
    settings: RunSettings,
    on_event: OnEvent,
    *,
    force: bool = False,
) -> dict[str, Any]:
    """Run stages that need only stored artifacts (the brief, say) over a stored video.

    Their inputs are taken as stored, with the stored content keys, so the video's source
    file need not exist any more. `force` reruns even when the stage is done with that key.
    """
    out: dict[str, Any] = {}
    for name in names:
        stage = by_name(name)
        needed = (*stage.requires, *(a for a in stage.optional if ARTIFACTS[a]))
        if any(not ARTIFACTS[a] for a in stage.requires):
            raise BadInput(f"stage {name!r} needs the source media; run the file again instead")
        inputs: dict[str, Any] = {}
        keys: dict[str, str] = {}
        behind: dict[str, str] = {}
        for artifact in needed:
            value = store.load_artifact(video_id, artifact)
            if value is None and artifact in stage.requires:
                raise BadInput(f"{video_id[:12]}: no {artifact} stored yet")
            if value is not None:
                inputs[artifact] = value
                lineage = store.artifact_lineage(video_id, artifact)
                keys[artifact] = list(lineage.values())[-1] if lineage else ""
                behind.update({k: v for k, v in lineage.items() if k != name})
        options = settings.options_for(stage)
        key = stage_key(stage, options, keys)
        row = store.stage_row(video_id, name)
        if not force and row and row["status"] == "done" and row["settings_hash"] == key:
            on_event(Event(video_id, name, 1, 1, "stage", REUSED, stage.title))
            for artifact in stage.produces:
                out[artifact] = store.load_artifact(video_id, artifact)
            continue
        lineage = {**behind, name: key}
        values = _run_one(stage, inputs, options, lineage, video_id, store, settings, on_event)
        out.update(values)
    return out


def _run_one(
    stage: Stage,
    inputs: dict[str, Any],
    options: Any,
    lineage: dict[str, str],
    video_id: str,
    store: Store,
    settings: RunSettings,
    on_event: OnEvent,
) -> dict[str, Any]:
    key = lineage[stage.name]
    meta = {"options": options_json(options), "version": stage.version}
    store.mark_stage(video_id, stage.name, "running", key, **meta)
    ctx = _Context(video_id, settings.cache_dir, settings.threads, video_id, stage, on_event)
    try:
        values = Outputs(stage, stage.run(inputs, options, ctx)).check()
    except BaseException as exc:
        store.mark_stage(
            video_id, stage.name, "failed", key, f"{type(exc).__name__}: {exc}", **meta
        )
        raise
    store.save_outputs(video_id, stage.name, key, values, lineage=lineage, **meta)
    return values
