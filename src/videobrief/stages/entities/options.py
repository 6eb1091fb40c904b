"""The entities stage's options."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntitiesOptions:
    """`resolve_speakers`: give a cue-named speaker ("Максим Владимирович") the full name the
    video uses elsewhere ("Максим Владимирович Рыженков")."""

    resolve_speakers: bool = True
