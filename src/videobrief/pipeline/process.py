"""The pipeline as the CLI and the web worker see it: one config, one call per source.

    media file ─→ decode → speech ─┐
    transcript ─→ import ──────────┴→ speakers → entities → english → brief, check
                                                        (then publish writes the files)

The stages themselves are declared in `videobrief.pipeline.registry` (the registry) and run by
`videobrief.pipeline.runner`, which owns cache keys, stage marks, progress events and model loading.
This module only turns a `RunConfig` into the runner's per-stage options, and writes the
published files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from videobrief.media import MAX_SECONDS
from videobrief.models import embeddings
from videobrief.pipeline.runner import (
    HERE,
    Dispatch,
    Event,
    OnEvent,
    Opened,
    RunResult,
    RunSettings,
    rerun_stored,
    run_source,
)
from videobrief.publish import exports, page
from videobrief.records import Brief, CheckResult, Transcript
from videobrief.stages.brief.options import BriefOptions
from videobrief.stages.brief.speakers import name_quotes
from videobrief.stages.english.options import EnglishOptions
from videobrief.stages.speech.options import SpeechOptions
from videobrief.store import Store, search

__all__ = ["Event", "OnEvent", "RunConfig", "RunResult", "process", "publish", "rerun_brief"]


@dataclass(frozen=True)
class RunConfig:
    """Where things live and every stage's options; one per CLI invocation or worker.

    `speech`, `english` and `brief` are the options of those stages; `options` holds any other
    stage's options by stage name (a stage missing from it runs with its defaults).
    """

    data_dir: Path
    cache_dir: Path
    speech: SpeechOptions = SpeechOptions()
    english: EnglishOptions = EnglishOptions()
    cpu_threads: int = 2
    brief: BriefOptions = BriefOptions()
    options: dict[str, Any] = field(default_factory=dict)
    embed: bool = True  # fill the meaning-search index after the run
    release_models: bool = False  # free each model after its last stage (a one-source run)
    max_seconds: float = MAX_SECONDS  # the longest audio accepted (`--max-duration`)
    keep_empty: bool = False  # store a source in which no speech was found (`--keep-empty`)

    def run_settings(self) -> RunSettings:
        """The runner's view: options by stage name (the English stage uses speech's model)."""
        english = replace(self.english, whisper_model=self.speech.model)
        stage_options = {
            "speech": self.speech,
            "english": english,
            "brief": self.brief,
            **self.options,
        }
        return RunSettings(
            self.cache_dir,
            self.cpu_threads,
            stage_options,
            self.release_models,
            max_seconds=self.max_seconds,
            keep_empty=self.keep_empty,
        )


def process(
    source: Path,
    store: Store,
    config: RunConfig,
    on_event: OnEvent,
    *,
    opened: Opened | None = None,
    dispatch: Dispatch = HERE,
) -> RunResult:
    """Run every stage for one source, reusing whatever is already stored.

    The text index is written with the transcript; the meaning index (embeddings of segments
    that have none yet) right after, so a video made here is searchable both ways the moment
    `serve` starts. `dispatch` says where stages and the embedding run (see `runner`).
    """
    result = with_user_names(
        store,
        run_source(
            source, store, config.run_settings(), on_event, opened=opened, dispatch=dispatch
        ),
    )
    if config.embed:
        search.embed_video(
            store, result.transcript.id, lambda texts: dispatch.task(embeddings.passages, texts)
        )
    return result


def with_user_names(store: Store, result: RunResult) -> RunResult:
    """The result with the speakers' names as stored: user renames live in the store and are
    put on when the speakers stage's output is saved, so a transcript the stage just made
    (held in memory by the runner) lacks them; the brief's quotes are renamed to match."""
    t = result.transcript
    stored = store.video_speakers(t.id) if t.speakers else ()
    if [(s.id, s.name) for s in stored] == [(s.id, s.name) for s in t.speakers]:
        return result
    named = t.model_copy(update={"speakers": stored})
    brief = result.brief
    if brief is not None:
        brief = brief.model_copy(update={"quotes": tuple(name_quotes(brief.quotes, named))})
    return replace(result, transcript=named, brief=brief)


def rerun_brief(
    video_id: str, store: Store, config: RunConfig, on_event: OnEvent, *, force: bool = True
) -> Brief:
    """Remake the brief of a stored video from its stored transcript (`videobrief brief`)."""
    out = rerun_stored(video_id, ("brief",), store, config.run_settings(), on_event, force=force)
    return out["brief"]


def publish(
    transcript: Transcript,
    out_dir: Path,
    brief: Brief | None = None,
    check: CheckResult | None = None,
) -> Path:
    """Write the exports, brief.json and the static page into `out_dir/<video-id>/`.

    `check` (the description check) goes into transcript.json as `description_check` and onto
    the page's description box.
    """
    target = out_dir / transcript.id
    target.mkdir(parents=True, exist_ok=True)
    exports.write_exports(transcript, target)
    if check is not None:
        exports.write_atomic(target / "transcript.json", exports.to_json(transcript, check))
    if brief is not None:
        text = json.dumps(brief.to_json_dict(), ensure_ascii=False, indent=2) + "\n"
        exports.write_atomic(target / "brief.json", text)
    exports.write_atomic(target / "page.html", page.render_page(transcript, brief, check))
    return target
