"""The `videobrief` command.

Commands:

{commands}

Every command takes `--db URL` (env `VIDEOBRIEF_DB`), e.g. `postgresql://user@host/videobrief`;
without it the store is the SQLite file in `--data-dir`.

Exit codes: 0 done, 2 bad input (a one-line reason on stderr), 1 internal error. With several
inputs, a bad one is reported and skipped; the others still run, and the worst code is returned.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from videobrief.cli import batch as batch_commands
from videobrief.cli.options import (
    DEFAULT_DATA_DIR,
    DataDir,
    DbUrl,
    LLMModel,
    LLMUrl,
    cache_dir,
    err,
    existing_store,
    fail,
)
from videobrief.cli.speakers import speakers_app, voices_app
from videobrief.errors import BadInput, VideobriefError
from videobrief.pipeline.config import build_config
from videobrief.pipeline.process import Event, RunConfig, process, publish, rerun_brief
from videobrief.publish import exports, page
from videobrief.stages.brief.options import BriefOptions
from videobrief.stages.english.options import BACKENDS
from videobrief.store import Store
from videobrief.text.glossary import load_glossary
from videobrief.text.timefmt import clock

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help=__doc__, pretty_exceptions_enable=False
)


def _open_store(data_dir: Path, db: str | None) -> Store:
    """The store the command was pointed at; a bad or unreachable URL exits 2 with one line."""
    try:
        return Store.from_settings(data_dir, db)
    except BadInput as exc:
        fail(exc)


# English-track backends, named once in `stages.english.options.BACKENDS`.
Translate = StrEnum("Translate", {name.replace("-", "_"): name for name in BACKENDS})  # type: ignore[misc]


class Track(StrEnum):
    original = "original"
    english = "english"


class Format(StrEnum):
    srt = "srt"
    vtt = "vtt"
    json = "json"
    txt = "txt"
    html = "html"


_existing_store = existing_store  # in cli_options, shared with cli_speakers.py


def _open_existing(data_dir: Path, db: str | None, create: bool = False) -> Store:
    """`_existing_store`, exiting 2 with a one-line reason."""
    try:
        return _existing_store(data_dir, db, create)
    except BadInput as exc:
        fail(exc)


Create = Annotated[
    bool, typer.Option("--create", help="Start an empty data folder if there is none.")
]


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


@app.command()
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
) -> None:
    """Transcribe (or import) each input, store it, and write exports, brief and a page."""
    candidates = tuple(c.strip() for c in languages.split(",") if c.strip()) if languages else None
    try:  # every option is checked before any input is touched
        terms = load_glossary(glossary) if glossary else ()
        config = build_config(
            data_dir,
            cache_dir(data_dir),
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
        )
        if language or candidates:
            _refuse_language_for_transcripts(inputs)
    except BadInput as exc:
        fail(exc)
    store = _open_store(data_dir, db)
    # the known voices are read from the store: a new voice changes the speakers stage's key
    speakers_options = replace(
        config.options["speakers"], voices=store.known_voices(speaker_encoder)
    )
    # One input: each model is freed after its last stage, so the 1.2 GB translation model
    # is gone before the brief and the index load theirs. Several inputs keep them for reuse.
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
        err.print(f"[red]error:[/red] {exc}", highlight=False)
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


@app.command("brief")
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
    store = _open_existing(data_dir, db)
    try:
        transcript = store.load_transcript(store.resolve_id(video_id))
        if transcript is None:
            raise BadInput(f"{video_id}: no transcript stored yet")
        config = RunConfig(
            data_dir=data_dir,
            cache_dir=cache_dir(data_dir),
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


@app.command("export")
def export_cmd(
    video_id: Annotated[str, typer.Argument(help="Video id or a unique prefix (≥ 6 chars).")],
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.srt,
    track: Annotated[
        Track, typer.Option(help="Subtitle track for srt/vtt: the original or the English.")
    ] = Track.original,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; default stdout.")
    ] = None,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
) -> None:
    """Print or write one stored transcript in a format (html: the same page `run` writes)."""
    try:
        if output is not None:
            _check_output(output)
        with _existing_store(data_dir, db) as store:
            transcript = store.load_transcript(store.resolve_id(video_id))
            if transcript is None:
                raise BadInput(f"{video_id}: no transcript stored yet")
            brief = store.load_brief(transcript.id) if fmt is Format.html else None
        text = _export_text(transcript, brief, fmt, track, video_id)
        if output:
            try:
                exports.write_atomic(output, text)
            except OSError as exc:
                raise BadInput(f"cannot write {output}: {exc.strerror or exc}") from exc
        else:
            sys.stdout.write(text)
    except BadInput as exc:
        fail(exc)


def _export_text(transcript, brief, fmt: Format, track: Track, video_id: str) -> str:
    """The transcript in `fmt`; srt/vtt on the chosen track (BadInput: no English stored)."""
    if fmt is Format.html:
        return page.render_page(transcript, brief)
    if fmt in (Format.srt, Format.vtt):
        if track is Track.english and not any(s.english for s in transcript.segments):
            raise BadInput(f"{video_id}: no English track stored")
        render = exports.to_srt if fmt is Format.srt else exports.to_vtt
        return render(transcript, track.value)
    return exports.EXPORTERS[fmt.value][1](transcript)


def _check_output(output: Path) -> None:
    """Refuse an output path that cannot be a file we write, before reading anything."""
    if output.is_dir():
        raise BadInput(f"{output} is a folder: give a file name, e.g. {output / 'transcript.srt'}")
    if not output.parent.is_dir():
        raise BadInput(f"cannot write {output}: the folder {output.parent} does not exist")


@app.command("list")
def list_cmd(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    create: Create = False,
) -> None:
    """List stored videos, newest first."""
    store = _open_existing(data_dir, db, create)
    rows = store.list_videos()
    store.close()
    for row in rows:
        if as_json:
            print(
                json.dumps(
                    {
                        "id": row.id,
                        "title": row.title,
                        "duration": row.duration,
                        "segments": row.segment_count,
                        "languages": row.languages,
                    }
                )
            )
        else:
            langs = ",".join(row.languages) or "-"
            length = clock(row.duration or 0)
            print(f"{row.id[:12]}  {length:>8}  {row.segment_count:>5} seg  {langs:<6} {row.title}")


# -- check: `videobrief check VIDEO_ID TEXT_FILE|-` (issue 11) ----------------------------------


def _read_text(source: str) -> str:
    """The text to check, from a file or stdin ("-"), refused when too large or not UTF-8."""
    from videobrief.stages.check.checker import MAX_TEXT_BYTES

    if source == "-":
        raw = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
    else:
        path = Path(source)
        if not path.is_file():
            raise BadInput(f"{source}: no such file")
        with path.open("rb") as fh:
            raw = fh.read(MAX_TEXT_BYTES + 1)
    if len(raw) > MAX_TEXT_BYTES:
        raise BadInput(f"{source}: text is over the limit of {MAX_TEXT_BYTES:,} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{source}: not UTF-8 text") from exc


@app.command("check")
def check_cmd(
    video_id: Annotated[str, typer.Argument(help="Video id or a unique prefix (≥ 6 chars).")],
    text_file: Annotated[str, typer.Argument(help="Text to check (a file, or - for stdin).")],
    out: Annotated[Path, typer.Option(help="Folder for check.json and check.md.")] = Path("out"),
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
    llm_url: LLMUrl = None,
    llm_model: LLMModel = "default",
    as_json: Annotated[bool, typer.Option("--json", help="Print check.json on stdout.")] = False,
) -> None:
    """Check a text against a stored video: a verdict per claim, with timestamps and evidence."""
    from videobrief.stages.check import report
    from videobrief.stages.check.checker import check_text
    from videobrief.stages.check.options import CheckOptions

    store = _open_existing(data_dir, db)
    try:
        text = _read_text(text_file)
        transcript = store.load_transcript(store.resolve_id(video_id))
        if transcript is None:
            raise BadInput(f"{video_id}: no transcript stored yet")
        result = check_text(transcript, text, CheckOptions(llm_url=llm_url, llm_model=llm_model))
        paths = report.write(result, out / transcript.id, transcript.title or transcript.source)
    except (BadInput, VideobriefError) as exc:
        fail(exc)
    finally:
        store.close()
    if as_json:
        print(report.to_json(result), end="")
    else:
        counts = ", ".join(f"{n} {v}" for v, n in result.counts().items() if n)
        err.print(f"{counts} → {paths['md']}", highlight=False)


# -- web: `videobrief serve`, `videobrief token create` ------------------------------------------

token_app = typer.Typer(help="Admin tokens for uploads and moderation.", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(voices_app, name="voices")
app.add_typer(speakers_app, name="speakers")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0 picks a free one).")] = 8000,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
    moderate: Annotated[
        bool, typer.Option(help="Hold new comments until an admin approves them.")
    ] = False,
    worker: Annotated[
        bool, typer.Option(help="Run the background pipeline worker for uploads.")
    ] = True,
    max_upload_mb: Annotated[int, typer.Option(help="Largest upload accepted, in MB.")] = 2048,
    threads: Annotated[int, typer.Option(help="CPU threads for Whisper in the worker.")] = min(
        os.cpu_count() or 2, 8
    ),
    workers: Annotated[
        int, typer.Option(min=1, help="HTTP server processes (one per core suits a busy site).")
    ] = 1,
    trust_proxy: Annotated[
        bool,
        typer.Option(
            help="Behind a reverse proxy on this host: take the client address from its "
            "X-Forwarded-For. Off by default, so a client cannot choose its own address."
        ),
    ] = False,
) -> None:
    """Serve the archive, video pages, comments, uploads and the API (FastAPI + uvicorn).

    With `--workers N` uvicorn runs N server processes; the pipeline worker then runs once, here,
    not once per server process. Rate limits and sign-ins live in the store, shared by all.
    """
    import uvicorn

    from videobrief.web import WebSettings, create_app
    from videobrief.web.processes import serve_processes
    from videobrief.web.settings import ENV_SETTINGS, to_env
    from videobrief.web.worker import Worker

    settings = WebSettings(
        data_dir=data_dir,
        db_url=db,
        moderate=moderate,
        worker=worker,
        max_upload_bytes=max_upload_mb * 1024 * 1024,
        cpu_threads=threads,
        cache_dir=cache_dir(data_dir),
    )
    err.print(f"videobrief: serving {data_dir} on http://{host}:{port}", highlight=False)
    options = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "timeout_graceful_shutdown": 3,
        "proxy_headers": trust_proxy,
        "forwarded_allow_ips": "127.0.0.1,::1" if trust_proxy else "",
    }
    _open_store(data_dir, db).close()  # a bad URL exits 2; migrate once, before N processes
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    pipeline_worker = Worker(settings) if worker else None
    os.environ[ENV_SETTINGS] = to_env(replace(settings, worker=False))
    if pipeline_worker:
        pipeline_worker.start()
    try:
        serve_processes(workers, options)
    finally:
        if pipeline_worker:
            pipeline_worker.stop()


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="A label for whoever holds the token.")] = "admin",
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
) -> None:
    """Create an admin token and print it once (only its hash is stored)."""
    from videobrief.web.tokens import create_token

    with _open_store(data_dir, db) as store:
        print(create_token(store, name))


@token_app.command("list")
def token_list(data_dir: DataDir = DEFAULT_DATA_DIR, db: DbUrl = None) -> None:
    """List admin tokens: id (a prefix of the stored hash), name, created, last used."""
    from videobrief.store.queries import security

    with _open_existing(data_dir, db) as store:
        for t in security.list_tokens(store):
            used = t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "never"
            print(f"{t.id}  {t.created_at:%Y-%m-%d %H:%M}  last used {used:<16}  {t.name}")


@token_app.command("revoke")
def token_revoke(
    which: Annotated[str, typer.Argument(help="Token name, id from `token list`, or the token.")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
) -> None:
    """Revoke tokens (and their browser sessions) at once, in every server process."""
    from videobrief.store.queries import security

    try:
        with _existing_store(data_dir, db) as store:
            names = security.revoke_tokens(store, which)
        if not names:
            raise BadInput(f"no token named or starting {which!r}: see `videobrief token list`")
    except BadInput as exc:
        fail(exc)
    err.print(f"revoked {len(names)} token(s): {', '.join(names)}", highlight=False)


def _command_list(typer_app: typer.Typer) -> str:
    """The commands as registered, so the top-level help can never fall behind the app."""
    lines = []
    for info in typer_app.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        doc = (info.callback.__doc__ or "").strip().split("\n")[0]
        lines.append(f"  {name:<8} {doc}")
    for group in typer_app.registered_groups:
        lines.append(f"  {group.name:<8} {group.typer_instance.info.help}")
    return "\n\n".join(lines)


def main() -> None:
    """Entry point: turn unexpected exceptions into exit code 1 with one line, not a traceback."""
    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # last-resort guard: the user gets a line, the code stays 1
        err.print(f"[red]internal error:[/red] {type(exc).__name__}: {exc}", highlight=False)
        sys.exit(1)


app.command()(batch_commands.batch)
app.command()(batch_commands.watch)

app.info.help = (__doc__ or "").replace("{commands}", _command_list(app))
