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

Stages stay pure: they see their inputs, their options and a small `Context`. Where a stage's
`run` executes is the executor's business: `execute_stage` — the one function that runs a
stage — hands the call to a `Dispatch`, which runs it in this process (`HERE`) or, under Ray,
in a model actor or a plain task (`videobrief.batch.executors.ray`). Marks, keys, lineage and the
store writes stay here either way, so a rerun skips the same stages under both.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from videobrief.errors import BadInput
from videobrief.media import MAX_SECONDS, probe, sha256_file
from videobrief.pipeline.models import loaded_families, release_models, shared_model
from videobrief.pipeline.registry import REGISTRY, by_name
from videobrief.pipeline.stage import (
    ARTIFACTS,
    GIVEN,
    Outputs,
    Stage,
    options_json,
    plan,
    producers,
    stage_key,
)
from videobrief.records import Brief, CheckResult, MediaInfo, Transcript
from videobrief.stages.imports import formats
from videobrief.store import Store

T = TypeVar("T")
REUSED = "reused stored result"


class NoSpeech(BadInput):
    """The source's transcript came out with no segment (silence, music, noise). A video that
    says nothing is not worth an archive entry, so it is not stored unless the run keeps empty
    results (`RunSettings.keep_empty`)."""


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
    description_check: CheckResult | None = None


@dataclass
class StageContext:
    """The `Context` a stage runs with: progress goes to `on_event`, models to `shared_model`.

    `device` is where models run ("cpu" or "cuda") and `max_seconds` the longest audio the
    run accepts: like `threads` they are properties of the worker, not options, so they are
    not part of any cache key.
    """

    video_id: str
    cache_dir: Path
    threads: int
    source: str
    stage: Stage
    on_event: OnEvent
    device: str = "cpu"
    max_seconds: float = MAX_SECONDS
    # set by a run that releases models: the families later stages of the source's plan
    # name, which `done_with` keeps; None (a batch, a Ray actor) keeps everything
    keep: frozenset[str] | None = None

    def progress(self, done: float, total: float, unit: str = "s", note: str = "") -> None:
        self.on_event(
            Event(self.source, self.stage.name, done, total, unit, note, self.stage.title)
        )

    def model(self, key: tuple, loader: Callable[[], T]) -> T:
        return shared_model(key, loader)

    def done_with(self, key: tuple) -> None:
        if self.keep is not None and key and key[0] not in self.keep:
            release_models({key[0]})


# -- where a stage runs ----------------------------------------------------------------------


class Dispatch(Protocol):
    """Where work for one source runs: a stage's `run`, or a plain function (download, probe).

    `timings` holds the seconds each stage's `run` took, summed per stage name, measured
    where it ran (the per-stage costs `bench/batch.py` prints).
    """

    timings: dict[str, float]

    def stage(
        self, stage: Stage, inputs: dict[str, Any], options: Any, ctx: StageContext
    ) -> dict[str, Any]: ...

    def task(self, fn: Callable[..., T], *args: Any) -> T: ...


class Here:
    """Everything in this process (the local executor, `run`, the web worker)."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def stage(
        self, stage: Stage, inputs: dict[str, Any], options: Any, ctx: StageContext
    ) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            return stage.run(inputs, options, ctx)
        finally:
            seconds = time.perf_counter() - started
            self.timings[stage.name] = self.timings.get(stage.name, 0.0) + seconds

    def task(self, fn: Callable[..., T], *args: Any) -> T:
        return fn(*args)


HERE: Dispatch = Here()  # shared by callers that do not read the timings


def execute_stage(
    stage: Stage,
    inputs: dict[str, Any],
    options: Any,
    lineage: dict[str, str],
    store: Store,
    ctx: StageContext,
    dispatch: Dispatch = HERE,
    on_bad_input: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run one stage: mark it running, dispatch its `run`, store results and `done` together.

    `lineage` maps every stage run behind the outputs to its key, this stage's included.
    A failure marks the stage failed (error stored) and re-raises; `on_bad_input` replaces
    that mark for bad input, which must store nothing (see `_Job._forget_or_fail`).
    """
    key = lineage[stage.name]
    meta = {"options": options_json(options), "version": stage.version}
    if stage.persisted:
        store.mark_stage(ctx.video_id, stage.name, "running", key, **meta)
    try:
        values = Outputs(stage, dispatch.stage(stage, inputs, options, ctx)).check()
    except BaseException as exc:
        if isinstance(exc, BadInput) and on_bad_input is not None:
            on_bad_input(str(exc))
        elif stage.persisted:
            error = f"{type(exc).__name__}: {exc}"
            store.mark_stage(ctx.video_id, stage.name, "failed", key, error, **meta)
        raise
    if stage.persisted:
        store.save_outputs(ctx.video_id, stage.name, key, values, lineage=lineage, **meta)
    return values


# -- the runner ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSettings:
    """What the runner needs besides the store: stage options, model cache, threads."""

    cache_dir: Path
    threads: int = 2
    options: Mapping[str, Any] | None = None  # stage name -> options; missing = defaults
    # Free each model family after the last stage of this source's plan that uses it: for a
    # one-source run (the CLI's `run FILE`). A batch or the web worker keeps its models for
    # the next source.
    release_models: bool = False
    max_seconds: float = MAX_SECONDS  # the longest audio accepted (`--max-duration`)
    keep_empty: bool = False  # store a transcript with no segment instead of refusing it

    def context(
        self,
        video_id: str,
        source: str,
        stage: Stage,
        on_event: OnEvent,
        keep: frozenset[str] | None = None,
    ) -> StageContext:
        return StageContext(
            video_id,
            self.cache_dir,
            self.threads,
            source,
            stage,
            on_event,
            max_seconds=self.max_seconds,
            keep=keep,
        )

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
        dispatch: Dispatch = HERE,
    ) -> None:
        self.store, self.settings, self.on_event = store, settings, on_event
        self.dispatch = dispatch
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
        # a video with a finished stage was stored before this run: never removed by it
        self.known = store.any_stage_done(video_id)

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
                self._refuse_if_empty(stage)

    def _refuse_if_empty(self, stage: Stage) -> None:
        """After the stage that makes the transcript (speech, import): nothing said means
        nothing stored, and no later stage runs, unless empty results are kept."""
        if "transcript" not in stage.produces or "transcript" in stage.requires:
            return
        transcript = self.memory["transcript"][1]
        if transcript.segments or self.settings.keep_empty or self.known:
            return
        self.store.delete_video(self.video_id)
        raise NoSpeech(f"{self.name}: no speech found; nothing was stored")

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
        `videobrief.pipeline.stage`), so a transcript an older English run touched still serves
        as the speech result the new English run needs.
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
        """Resolve the stage's inputs, run it (`execute_stage`), keep what it made."""
        inputs = {a: self._resolve(a, stage) for a in stage.requires}
        for artifact in stage.optional:
            if (stage.name, artifact) in self.source_of:
                inputs[artifact] = self._resolve(artifact, stage)
        if stage.persisted:
            self._register()
        lineage = self._lineage_of(stage, inputs)
        needed = self._needed_after(stage)
        keep = needed if self.settings.release_models else None  # for `done_with`
        values = execute_stage(
            stage,
            inputs,
            self.settings.options_for(stage),
            lineage,
            self.store,
            self.settings.context(self.video_id, self.name, stage, self.on_event, keep),
            self.dispatch,
            on_bad_input=lambda reason: self._forget_or_fail(stage, lineage[stage.name], reason),
        )
        for artifact, value in values.items():
            self.memory[artifact] = (lineage, value)
        self.ran.append(stage.name)
        if self.settings.release_models:
            release_models(loaded_families() - needed)

    def _needed_after(self, stage: Stage) -> frozenset[str]:
        """The model families the stages after `stage` in this source's plan name."""
        later = self.stages[self.stages.index(stage) + 1 :] if stage in self.stages else ()
        return frozenset(family for s in later for family in s.models)

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


Opened = tuple[str, str, MediaInfo | None]


def open_source(source: Path, max_seconds: float = MAX_SECONDS) -> Opened:
    """(kind, video id, media info) of a source; bad media, or media declaring more than
    `max_seconds` of audio, fails here, before anything is stored or decoded."""
    if formats.sniff_transcript(source):
        return "transcript", sha256_file(source), None
    info = probe(source, max_seconds)
    return "media", info.sha256, info


def run_source(
    source: Path,
    store: Store,
    settings: RunSettings,
    on_event: OnEvent,
    registry: tuple[Stage, ...] = REGISTRY,
    *,
    opened: Opened | None = None,
    dispatch: Dispatch = HERE,
) -> RunResult:
    """Every stage that applies to `source`, reusing whatever is stored with the same keys.

    `opened` is `open_source(source)` when the caller already has it (probed elsewhere);
    `dispatch` says where the stages' `run` executes.
    """
    if opened is None:
        opened = open_source(source, settings.max_seconds)
    kind, video_id, info = opened
    given = {"source": source, "media": info}
    job = _Job(store, settings, registry, given, kind, video_id, on_event, dispatch)
    job.run_all()
    if info is not None:
        keep_media_path(store, video_id, info)
    transcript = job.final("transcript")
    brief = job.final("brief")
    checked = job.final("description_check")
    return RunResult(transcript, reused=not job.ran, brief=brief, description_check=checked)


def keep_media_path(store: Store, video_id: str, info: MediaInfo) -> None:
    """Point a stored video at the file just processed when its stored media path no longer
    holds that file (moved, deleted, replaced, or stored relative to some working folder), so
    running a moved file again repairs its player. A path that still holds it is left alone:
    an upload's copy in the data folder outlives a file in someone's Downloads."""
    stored = store.media_path(video_id)
    if stored == info.path:
        return
    if stored and Path(stored).is_absolute():
        try:
            if Path(stored).stat().st_size == info.size_bytes:
                return
        except OSError:
            pass
    store.set_media_path(video_id, info.path)


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
        ctx = settings.context(video_id, video_id, stage, on_event)
        out.update(execute_stage(stage, inputs, options, lineage, store, ctx))
    return out
