"""Stage order, caching and progress events for one source.

    source ─┬─ media file ──→ ingest (probe, sha256) → decode → speech ─┐
            └─ transcript ──→ import ───────────────────────────────────┴→ store → brief → publish
    speech → english (its own settings hash: a new translation backend re-runs only it)

A stage's result is stored in one transaction together with the hash of the settings that
made it; a rerun with the same bytes and settings loads it instead of recomputing, and a job
that crashed mid-way resumes at the first stage not marked done. The pipeline knows stages
and the store's small API, nothing about the CLI or the web.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from videobrief import exports, importers, ingest, page
from videobrief.brief import BriefOptions, make_brief
from videobrief.english import EnglishOptions, english_track, make_backend, make_validator
from videobrief.records import Brief, MediaInfo, Transcript
from videobrief.speech.asr import SpeechOptions, transcribe
from videobrief.speech.model import load_model
from videobrief.store import Store

IMPORT_SETTINGS = "import-v1"


@dataclass(frozen=True)
class Event:
    """A progress report: which stage, how far (in `unit`s), and an optional note."""

    source: str
    stage: str
    done: float = 0.0
    total: float = 0.0
    unit: str = "s"
    note: str = ""


OnEvent = Callable[[Event], None]


@dataclass(frozen=True)
class RunConfig:
    """Where things live and how speech is decoded; one per CLI invocation."""

    data_dir: Path
    cache_dir: Path
    speech: SpeechOptions = SpeechOptions()
    english: EnglishOptions = EnglishOptions()
    cpu_threads: int = 2
    brief: BriefOptions = BriefOptions()


@dataclass(frozen=True)
class RunResult:
    transcript: Transcript
    reused: bool
    brief: Brief | None = None


def process(source: Path, store: Store, config: RunConfig, on_event: OnEvent) -> RunResult:
    """Run every stage for one source, reusing whatever is already stored."""
    if importers.sniff_transcript(source):
        result = _import(source, store, on_event)
        transcript, english_reused = _english(
            source, result.transcript, None, result.reused, store, config, on_event, media=False
        )
        result = RunResult(transcript, result.reused and english_reused)
    else:
        result = _transcribe(source, store, config, on_event)
    brief = brief_stage(result.transcript, store, config.brief, on_event, str(source))
    return RunResult(result.transcript, result.reused, brief)


def brief_stage(
    transcript: Transcript,
    store: Store,
    options: BriefOptions,
    on_event: OnEvent,
    source: str | None = None,
    *,
    force: bool = False,
) -> Brief:
    """Make (or reuse) the grounded brief of a stored transcript; stored with its stage row.

    The settings hash covers the options and the transcript's content, so a changed
    transcript (a new speech run, an English track added) makes a new brief.
    """
    name = source or transcript.source
    settings = options.settings_hash(transcript)
    if not force and store.stage_done(transcript.id, "brief", settings):
        cached = store.load_brief(transcript.id)
        if cached is not None:
            on_event(Event(name, "brief", 1, 1, "brief", "reused stored result"))
            return cached
    on_event(Event(name, "brief", 0, 1, "brief"))
    store.mark_stage(transcript.id, "brief", "running", settings)
    try:
        brief = make_brief(transcript, options)
    except Exception as exc:
        store.mark_stage(transcript.id, "brief", "failed", settings, f"{type(exc).__name__}: {exc}")
        raise
    store.save_brief(transcript.id, brief, settings)
    on_event(Event(name, "brief", 1, 1, "brief"))
    return brief


def _import(source: Path, store: Store, on_event: OnEvent) -> RunResult:
    video_id = ingest.sha256_file(source)
    if store.stage_done(video_id, "import", IMPORT_SETTINGS):
        cached = store.load_transcript(video_id)
        if cached is not None:
            on_event(Event(str(source), "import", 1, 1, "file", "reused stored result"))
            return RunResult(cached, reused=True)
    on_event(Event(str(source), "import", 0, 1, "file"))
    imported = importers.import_transcript(source, video_id)
    transcript = imported.model_copy(update={"title": imported.title or source.stem})
    store.save_transcript(transcript, stage="import", settings_hash=IMPORT_SETTINGS)
    on_event(Event(str(source), "import", 1, 1, "file"))
    return RunResult(transcript, reused=False)


def _transcribe(source: Path, store: Store, config: RunConfig, on_event: OnEvent) -> RunResult:
    info = ingest.probe(source)
    on_event(Event(str(source), "ingest", 0.0, info.duration))
    settings = config.speech.settings_hash()
    transcript: Transcript | None = None
    audio: np.ndarray | None = None
    if store.stage_done(info.sha256, "speech", settings):
        transcript = store.load_transcript(info.sha256)
        if transcript is not None:
            on_event(Event(str(source), "speech", 1, 1, "file", "reused stored result"))
    speech_reused = transcript is not None
    if transcript is None:
        audio = ingest.decode_audio(source, info.duration)
        transcript = _speech(source, info, audio, store, config, on_event)
    transcript, english_reused = _english(
        source, transcript, audio, speech_reused, store, config, on_event
    )
    return RunResult(transcript, reused=speech_reused and english_reused)


def _speech(
    source: Path,
    info: MediaInfo,
    audio: np.ndarray,
    store: Store,
    config: RunConfig,
    on_event: OnEvent,
) -> Transcript:
    settings = config.speech.settings_hash()
    duration = len(audio) / ingest.SAMPLE_RATE
    on_event(Event(str(source), "ingest", duration, duration))
    # Only a file that decoded completely gets a row: bad input leaves nothing behind.
    store.save_media(info, title=source.stem, description=None, source=str(source))
    store.mark_stage(info.sha256, "speech", "running", settings)
    model = load_model(config.speech.model, str(config.cache_dir), config.cpu_threads)

    def report(done: float, total: float) -> None:
        on_event(Event(str(source), "speech", done, total))

    on_event(Event(str(source), "speech", 0.0, 0.0))
    segments = transcribe(audio, model, config.speech, progress=report)
    transcript = Transcript(
        id=info.sha256,
        source=str(source),
        duration=round(duration, 3),
        title=source.stem,
        segments=tuple(segments),
    )
    store.save_transcript(transcript, stage="speech", settings_hash=settings)
    return transcript


def _english(
    source: Path,
    transcript: Transcript,
    audio: np.ndarray | None,
    speech_reused: bool,
    store: Store,
    config: RunConfig,
    on_event: OnEvent,
    *,
    media: bool = True,
) -> tuple[Transcript, bool]:
    """The English track over the speech (or import) result; reused only if that was too.

    Imports have no audio: text translation only, no speech-translate fallback.
    """
    upstream = config.speech.settings_hash() if media else IMPORT_SETTINGS
    settings = config.english.settings_hash(upstream)
    if speech_reused and store.stage_done(transcript.id, "english", settings):
        on_event(Event(str(source), "english", 1, 1, "segment", "reused stored result"))
        return transcript, True
    store.mark_stage(transcript.id, "english", "running", settings)
    needs_model = media and config.english.backend != "none"
    model = (
        load_model(config.speech.model, str(config.cache_dir), config.cpu_threads)
        if needs_model
        else None
    )
    backend, fallback = make_backend(config.english, model, config.cache_dir, config.cpu_threads)
    if audio is None and model is not None:
        audio = ingest.decode_audio(source, transcript.duration)
    todo = sum(1 for s in transcript.segments if s.lang != "en")
    on_event(Event(str(source), "english", 0, todo, "segment"))
    segments = english_track(
        transcript.segments,
        backend,
        audio,
        fallback,
        config.english.glossary,
        make_validator(config.english),
    )
    transcript = transcript.model_copy(update={"segments": tuple(segments)})
    store.save_transcript(transcript, stage="english", settings_hash=settings)
    on_event(Event(str(source), "english", todo, todo, "segment"))
    return transcript, False


def publish(transcript: Transcript, out_dir: Path, brief: Brief | None = None) -> Path:
    """Write the exports, brief.json and the static page into `out_dir/<video-id>/`."""
    target = out_dir / transcript.id
    target.mkdir(parents=True, exist_ok=True)
    exports.write_exports(transcript, target)
    if brief is not None:
        text = json.dumps(brief.to_json_dict(), ensure_ascii=False, indent=2) + "\n"
        exports.write_atomic(target / "brief.json", text)
    exports.write_atomic(target / "page.html", page.render_page(transcript, brief))
    return target
