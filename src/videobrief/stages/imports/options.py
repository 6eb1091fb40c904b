"""The import stage's options."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportOptions:
    """Nothing to choose yet; the type exists so the stage row records it like any other."""
