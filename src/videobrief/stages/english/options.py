"""The English stage's options and the names of its backends (their one home: the CLI, the
config builder and `backends.make_backend` all read `BACKENDS`)."""

from __future__ import annotations

from dataclasses import dataclass

from videobrief.text.glossary import Term

# "llm-bundled": the bundled LLM (default); "speech": Whisper speech-translate; "mt": a
# CTranslate2 model folder; "llm": an OpenAI-compatible endpoint; "none": no English track.
BACKENDS = ("llm-bundled", "speech", "mt", "llm", "none")


@dataclass(frozen=True)
class EnglishOptions:
    """What changes the English track, and so its cache key (the speech stage's is separate)."""

    backend: str = "llm-bundled"  # one of BACKENDS
    mt_model: str | None = None
    llm_url: str | None = None
    llm_model: str | None = None
    beam_size: int = 5
    glossary: tuple[Term, ...] = ()
    llm_batch: int = 8
    llm_timeout: float = 120.0  # seconds per request
    names: tuple[tuple[str, str], ...] = ()  # this video's names, Russian -> English
    validate_meaning: bool = True
    whisper_model: str = "base"  # the model speech-translate runs (the speech stage's)
