"""Fixtures shared by the speech tests."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import FIXTURES
from videobrief.media import decode_audio


@pytest.fixture(scope="module")
def codeswitch_audio() -> np.ndarray:
    """The code-switch fixture (Russian and English speech in turns) as 16 kHz float32."""
    return decode_audio(FIXTURES / "codeswitch.m4a")
