"""`videobrief run` and `videobrief brief`: process inputs into a stored video, exports, a brief
and a page; rerun the brief of a stored video. `run` shows a progress bar on stderr."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from videobrief.cli.options import (
    DEFAULT_DATA_DIR,
    DEFAULT_MAX_DURATION,
    DataDir,
    DbUrl,
    JudgeOption,
    LLMModel,
    LLMUrl,
    MaxDuration,
    cache_dir,
    err,
    fail,
    max_seconds,
    open_existing,
    open_store,
)
from videobrief.errors import BadInput, VideobriefError
from videobrief.pipeline.config import build_config
from videobrief.pipeline.process import Event, RunConfig, process, publish, rerun_brief
from videobrief.pipeline.runner import NoSpeech
from videobrief.stages.brief.options import BriefOptions
from videobrief.stages.english.options import BACKENDS
from videobrief.store import Store
from videobrief.text.glossary import load_glossary
from videobrief.text.timefmt import clock

# English-track backends, named once in `stages.english.options.BACKENDS`.
Translate = StrEnum("Translate", {name.replace("-", "_"): name for name in BACKENDS})  # type: ignore[misc]


class _Bar:
    """Rich progress bar, one task per (source, stage), on stderr so stdout stays parseable."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[amount]}"),
            TimeElapsedColumn(),
            console=err,
            transient=False,
        )
        self.tasks: dict[tuple[str, str], TaskID] = {}

    def __call__(self, event: Event) -> None:
        key = (event.source, event.stage)
        name = f"{Path(event.source).name[:28]} · {event.label or event.stage}"
        if key not in self.tasks:
            self.tasks[key] = self.progress.add_task(name, total=None, amount="")
        amount = (
            f"{event.done:.1f}/{event.total:.1f} {event.unit} audio" if event.unit == "s" else ""
        )
        if event.note:
            amount = event.note
        total = event.total or None
        self.progress.update(self.tasks[key], completed=event.done, total=total, amount=amount)


def run(
    inputs: Annotated[
        list[str],
        typer.Argument(help="Media files, transcripts (SRT, VTT, MM:SS text) or http(s) URLs."),
    ],
    out: Annotated[Path, typer.Option(help="Folder for exports and page.html.")] = Path("out"),
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
    model: Annotated[
        str, typer.Option(help="'base' (bundled) or a faster-whisper model name/folder.")
    ] = "base",
    language: Annotated[str | None, typer.Option(help="Force one language, e.g. ru.")] = None,
    languages: Annotated[str | None, typer.Option(help="Candidate languages: ru,en.")] = None,
    threads: Annotated[int, typer.Option(help="CPU threads for Whisper.")] = min(
        os.cpu_count() or 2, 8
    ),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON line per result on stdout.")
    ] = False,
    glossary: Annotated[
        Path | None, typer.Option(help="Names file: one term a line, optional '= English form'.")
    ] = None,
    translate: Annotated[
        Translate, typer.Option(help="English track backend for non-English segments.")
    ] = Translate.llm_bundled,
    mt_model: Annotated[
        str | None, typer.Option(help="CTranslate2 translation model folder (--translate mt).")
    ] = None,
    llm_url: LLMUrl = None,
    llm_model: LLMModel = "default",
    speakers: Annotated[
        int | None, typer.Option(help="Force the number of speakers (default: found).")
    ] = None,
    speaker_encoder: Annotated[
        str, typer.Option(help="Speaker embeddings: campp (CAM++) or ge2e.")
    ] = "campp",
    max_duration: MaxDuration = DEFAULT_MAX_DURATION,
    keep_empty: Annotated[
        bool,
        typer.Option(
            "--keep-empty", help="Store a file in which no speech is found (default: exit 2)."
        ),
    ] = False,
    judge: JudgeOption = "llm-bundled",
) -> None:
    """Transcribe (or import) each input, store it, and write exports, brief and a page."""
    candidates = tuple(c.strip() for c in languages.split(",") if c.strip()) if languages else None
    try:  # every option is checked before any input is touched
        terms = load_glossary(glossary) if glossary else ()
        config = build_config(
            data_dir,
            cache_dir(),
            model=model,
            language=language,
            languages=candidates,
            glossary=terms,
            translate=translate.value,
            mt_model=mt_model,
            llm_url=llm_url,
            llm_model=llm_model,
            threads=threads,
            speakers=speakers,
            speaker_encoder=speaker_encoder,
            max_seconds=max_seconds(max_duration),
            keep_empty=keep_empty,
            judge=judge,
        )
        if language or candidates:
            _refuse_language_for_transcripts(inputs)
    except BadInput as exc:
        fail(exc)
    store = open_store(data_dir, db)
    # the known voices are read from the store: a new voice changes the speakers stage's key
    speakers_options = replace(
        config.options["speakers"], voices=store.known_voices(speaker_encoder)
    )
    # One input: each model is freed after its last stage, so the translation model is gone
    # before the brief and the index load theirs. Several inputs keep them for reuse.
    config = replace(
        config,
        options={**config.options, "speakers": speakers_options},
        release_models=len(inputs) == 1,
    )
    worst = 0
    bar = _Bar()
    with bar.progress:
        for source in inputs:
            worst = max(worst, _run_one(source, store, config, out, bar, as_json))
    store.close()
    raise typer.Exit(worst)


def _refuse_language_for_transcripts(inputs: list[str]) -> None:
    """--language / --languages steer speech recognition only: say so for a transcript file
    instead of ignoring it (its languages come from its own text)."""
    from videobrief.stages.imports.formats import sniff_transcript

    for name in inputs:
        source = Path(name)
        if source.is_file() and sniff_transcript(source):
            raise BadInput(
                f"{source}: is a transcript, so --language/--languages cannot apply to it "
                "(its segments' languages come from their text); run it without them"
            )


def _run_one(
    name: str, store: Store, config: RunConfig, out: Path, bar: _Bar, as_json: bool
) -> int:
    """Process one input and publish it; the exit code for it (an error is one line)."""
    from videobrief.batch import download, sources
    from videobrief.store.queries import batches

    source = Path(name)
    try:
        if sources.is_url(name):
            source = download.fetch(name, config.data_dir)
        result = process(source, store, config, bar)
        if sources.is_url(name):
            batches.set_source_url(store, result.transcript.id, name)
        folder = publish(result.transcript, out, result.brief, result.description_check)
        if result.brief is not None:
            _warn_llm_fallback(config.brief.llm_url, result.brief.backend)
    except BadInput as exc:
        hint = " (--keep-empty stores it anyway)" if isinstance(exc, NoSpeech) else ""
        err.print(f"[red]error:[/red] {exc}{hint}", highlight=False)
        return 2
    except VideobriefError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        return 1
    t = result.transcript
    if as_json:
        record = {
            "id": t.id,
            "source": str(source),
            "json": str(folder / "transcript.json"),
            "page": str(folder / "page.html"),
            "brief": str(folder / "brief.json"),
            "reused": result.reused,
        }
        print(json.dumps(record), flush=True)
    else:
        note = " (reused stored result)" if result.reused else ""
        summary = f"{len(t.segments)} segments, {clock(t.duration)}{note}"
        err.print(f"{source}: {summary} → page {folder / 'page.html'}", highlight=False)
    return 0


def brief_cmd(
    video_id: Annotated[str, typer.Argument(help="Video id or a unique prefix (≥ 6 chars).")],
    out: Annotated[Path, typer.Option(help="Folder for brief.json and page.html.")] = Path("out"),
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
    llm_url: LLMUrl = None,
    llm_model: LLMModel = "default",
    as_json: Annotated[bool, typer.Option("--json", help="Print brief.json on stdout.")] = False,
) -> None:
    """Re-run only the brief stage for a stored video, then rewrite its exports and page."""
    store = open_existing(data_dir, db)
    try:
        transcript = store.load_transcript(store.resolve_id(video_id))
        if transcript is None:
            raise BadInput(f"{video_id}: no transcript stored yet")
        config = RunConfig(
            data_dir=data_dir,
            cache_dir=cache_dir(),
            brief=BriefOptions(llm_url=llm_url, llm_model=llm_model),
        )
        brief = rerun_brief(transcript.id, store, config, lambda _e: None)
        folder = publish(transcript, out, brief, store.load_check(transcript.id))
    except (BadInput, VideobriefError) as exc:
        fail(exc)
    finally:
        store.close()
    _warn_llm_fallback(llm_url, brief.backend)
    if as_json:
        print(json.dumps(brief.to_json_dict(), ensure_ascii=False))
    else:
        head = brief.headline.text if brief.headline else "(no headline)"
        err.print(
            f"{head}\n{len(brief.points)} points, {len(brief.quotes)} quotes, "
            f"{len(brief.rejected)} rejected ({brief.backend}) → {folder / 'brief.json'}",
            highlight=False,
        )


def _warn_llm_fallback(llm_url: str | None, backend: str) -> None:
    """An LLM was asked for but wrote nothing: say so, the brief is the offline one."""
    if llm_url and backend == "extractive":
        err.print(
            f"[yellow]warning:[/yellow] the LLM at {llm_url} gave no usable answer (not running, "
            "or every statement was unsupported); the brief is the offline extractive one",
            highlight=False,
        )
