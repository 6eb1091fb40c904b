"""The check stage's options."""

from __future__ import annotations

from dataclasses import dataclass

# "llm-bundled": the slot rules and the bundled model's vote (the default); "rules": the slot
# rules alone, for speed. `llm_url` puts an OpenAI-compatible model in the bundled one's place.
JUDGES = ("llm-bundled", "rules")


@dataclass(frozen=True)
class CheckOptions:
    """How a text is checked: the judge (`JUDGES`), and an endpoint for its vote."""

    judge: str = "llm-bundled"
    llm_url: str | None = None
    llm_model: str = "default"
