"""The check stage's options."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckOptions:
    """How a text is checked. `llm_url` adds an LLM judge's vote (never decisive)."""

    llm_url: str | None = None
    llm_model: str = "default"
