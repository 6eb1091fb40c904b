"""The decode stage's options."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DecodeOptions:
    """Decoding has no choices (rate and channels are what Whisper needs)."""
