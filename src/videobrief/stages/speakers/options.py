"""The speakers stage's options."""

from __future__ import annotations

from dataclasses import dataclass, field

from videobrief.stages.speakers.library import Voice


@dataclass(frozen=True)
class SpeakersOptions:
    """Options of the `speakers` stage. `speakers` forces the count; `voices` are the known
    voices (library and archive) the CLI reads from the store, so a new voice changes the key."""

    encoder: str = "campp"
    speakers: int | None = None
    threshold: float | None = None
    match_threshold: float | None = None
    voices: tuple[Voice, ...] = field(default_factory=tuple)
    renames: tuple[tuple[str, str], ...] = ()  # (label, name) given by a user
