"""`videobrief voices add|list|remove` (the voice library) and `videobrief speakers rename`.

Only `voices add` may start a new data folder; the others need an existing store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from videobrief.cli.options import DEFAULT_DATA_DIR, DataDir, DbUrl, open_existing, open_store
from videobrief.errors import BadInput
from videobrief.media import SAMPLE_RATE
from videobrief.stages.speakers.embed import ENCODERS, embed_clip, load_encoder

voices_app = typer.Typer(
    help="The voice library: enrolled voices name speakers.", no_args_is_help=True
)
speakers_app = typer.Typer(help="Speakers of stored videos.", no_args_is_help=True)


def _fail(exc: Exception) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(2) from exc


@voices_app.command("add")
def voices_add(
    name: Annotated[str, typer.Argument(help="The speaker's name.")],
    clips: Annotated[list[Path], typer.Argument(help="Audio/video clips of that voice alone.")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
) -> None:
    """Enrol a voice from clips, for every encoder (so either can match it)."""
    import numpy as np

    from videobrief.media import decode_audio
    from videobrief.stages.speakers.diarize import vad_regions

    try:
        audio = [decode_audio(c) for c in clips]
    except (BadInput, OSError) as exc:
        _fail(exc)
    speech = []
    for a in audio:
        speech += [a[int(s * SAMPLE_RATE) : int(e * SAMPLE_RATE)] for s, e in vad_regions(a)]
    joined = np.concatenate(speech) if speech else np.zeros(0, np.float32)
    if len(joined) < SAMPLE_RATE:
        _fail(BadInput("the clips hold less than 1 s of speech; give a longer clip"))
    if not name.strip():
        _fail(BadInput("a voice needs a non-empty name"))
    with open_store(data_dir, db) as store:  # before the encoders: a bad --db fails fast
        embeddings = {e: embed_clip(load_encoder(e), joined).tolist() for e in ENCODERS}
        for enc_name, emb in embeddings.items():
            store.add_voice(name, enc_name, emb, len(clips), len(joined) / SAMPLE_RATE)
    typer.echo(f"{name}: {len(joined) / SAMPLE_RATE:.1f} s of speech from {len(clips)} clip(s)")


@voices_app.command("list")
def voices_list(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
) -> None:
    """The enrolled voices."""
    with open_existing(data_dir, db) as store:
        for v in store.list_voices():
            typer.echo(f"{v['name']}\t{v['encoder']}\t{v['clips']} clip(s)\t{v['seconds']} s")


@voices_app.command("remove")
def voices_remove(
    name: str,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
) -> None:
    """Forget a voice."""
    with open_existing(data_dir, db) as store:
        if not store.remove_voice(name):
            _fail(BadInput(f"no enrolled voice named {name!r}"))
    typer.echo(f"removed {name}")


@speakers_app.command("rename")
def speakers_rename(
    video_id: str,
    label: Annotated[str, typer.Argument(help="S1, S2…")],
    name: str,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    db: DbUrl = None,
) -> None:
    """Name a speaker of a stored video (source "user": wins over every other name)."""
    with open_existing(data_dir, db) as store:
        try:
            store.rename_speaker(store.resolve_id(video_id), label.strip().upper(), name)
        except BadInput as exc:
            _fail(exc)
    typer.echo(f"{label} = {name}")
