"""`videobrief export` and `videobrief list`: read what the store holds."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from videobrief.cli.options import (
    DEFAULT_DATA_DIR,
    DataDir,
    DbUrl,
    existing_store,
    fail,
    open_existing,
)
from videobrief.errors import BadInput
from videobrief.publish import exports, page
from videobrief.text.timefmt import clock


class Track(StrEnum):
    original = "original"
    english = "english"


class Format(StrEnum):
    srt = "srt"
    vtt = "vtt"
    json = "json"
    txt = "txt"
    html = "html"


Create = Annotated[
    bool, typer.Option("--create", help="Start an empty data folder if there is none.")
]


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
        with existing_store(data_dir, db) as store:
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


def list_cmd(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    create: Create = False,
) -> None:
    """List stored videos, newest first."""
    store = open_existing(data_dir, db, create)
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
