"""User names for speakers that survive a rerun of the speakers stage.

A rename is stored apart from the stage's output (`speaker_renames`), with the voice centroid
the renamed speaker had, and applied over whatever speakers the stage produces next. Labels
follow order of first appearance, so a rerun with other settings (a forced count, another
threshold) can give the same voice another label: where both sides have a centroid from the
same encoder, the rename goes to the cluster its voice matches (the voice library's matching
and threshold); only when voices cannot be compared does it fall back to the label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from videobrief.records import Speaker
from videobrief.stages.speakers.library import Voice, match


@dataclass(frozen=True)
class Rename:
    """A user's name for a speaker: the label and voice it was given to."""

    label: str
    name: str
    encoder: str | None = None
    centroid: tuple[float, ...] | None = None


def targets(speakers: Sequence[Speaker], renames: Sequence[Rename]) -> dict[str, str]:
    """Label -> user name. `renames` newest first: a speaker takes the newest rename that fits,
    and each rename names at most one speaker."""
    out: dict[str, str] = {}
    for rename in renames:
        label = _target(speakers, rename)
        if label is not None and label not in out:
            out[label] = rename.name
    return out


def _target(speakers: Sequence[Speaker], rename: Rename) -> str | None:
    voiced = {
        sp.id: np.asarray(sp.centroid, np.float32)
        for sp in speakers
        if sp.centroid and sp.encoder == rename.encoder
    }
    if rename.centroid and rename.encoder and voiced:
        voice = Voice(rename.name, rename.encoder, rename.centroid, "user")
        found = match(voiced, [voice], rename.encoder)
        return next(iter(found), None)  # the voice is not in this run: the name waits
    return rename.label if any(sp.id == rename.label for sp in speakers) else None


def apply(speakers: Sequence[Speaker], renames: Sequence[Rename]) -> tuple[Speaker, ...]:
    """The speakers with user names put on (source "user", no score): a user's name wins."""
    names = targets(speakers, renames)
    return tuple(
        sp.model_copy(update={"name": names[sp.id], "name_source": "user", "score": None})
        if sp.id in names
        else sp
        for sp in speakers
    )
