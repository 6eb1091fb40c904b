"""The speech stage's options: everything that changes its output, and so its cache key."""

from __future__ import annotations

from dataclasses import dataclass

from videobrief.text.glossary import Term


@dataclass(frozen=True)
class SpeechOptions:
    """Everything that changes the speech stage's output, and so its cache key."""

    model: str = "base"
    language: str | None = None
    languages: tuple[str, ...] | None = None
    beam_size: int = 5
    max_unit_s: float = 10.0
    max_window_s: float = 30.0
    max_gap_s: float = 3.0
    glossary: tuple[Term, ...] = ()
