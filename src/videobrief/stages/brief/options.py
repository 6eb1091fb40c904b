"""The brief stage's options."""

from __future__ import annotations

from dataclasses import dataclass

from videobrief.text.glossary import Term


@dataclass(frozen=True)
class BriefOptions:
    """How the brief is made. With no `llm_url` the extractive backend writes it."""

    llm_url: str | None = None
    llm_model: str = "default"
    llm_max_chars: int = 3000  # transcript characters sent to the model
    max_points: int = 5
    max_quotes: int = 2
    llm_timeout: float = 120.0  # seconds per request
    # The user's glossary (`term = English form`): an English brief's names are checked
    # against the original through it.
    glossary: tuple[Term, ...] = ()
