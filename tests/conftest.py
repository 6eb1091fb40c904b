"""Shared fixtures: real speech clips, the real bundled model, a temporary data folder."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests import shared_data
from videobrief.media import decode_audio
from videobrief.store import Store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"
LIBRIVOX = FIXTURES / "librivox"


def _librivox_refs() -> dict[str, str]:
    refs = {}
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        match = re.match(r"<s> (.*) </s> \((.*)\)", line)
        if match:
            refs[match.group(2)] = match.group(1)
    return refs


@pytest.fixture(scope="session")
def librivox() -> list[tuple[Path, str]]:
    """(wav path, reference text) for each committed LibriVox sentence."""
    return [(LIBRIVOX / f"{name}.wav", text) for name, text in sorted(_librivox_refs().items())]


@pytest.fixture(scope="session")
def speech_samples(librivox) -> np.ndarray:
    """About 17 s of real read English speech as 16 kHz float32."""
    return np.concatenate([decode_audio(path) for path, _ in librivox])


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """Model cache shared by the whole session (the bundled model is joined once)."""
    return tmp_path_factory.mktemp("cache")


def stable_cache() -> Path:
    """A cache that outlives test sessions: the 1.1 GB translation model is joined once."""
    default = Path.home() / ".cache" / "videobrief-tests"
    return Path(os.environ.get("VIDEOBRIEF_TEST_CACHE", default))


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """Where the bundled translation model is assembled (shared across sessions)."""
    return stable_cache()


@pytest.fixture(scope="session")
def whisper(cache_dir):
    """The real bundled Whisper base model."""
    from videobrief.models.whisper import load_model

    return load_model("base", str(cache_dir), 2)


@pytest.fixture
def seed_page() -> Path:
    return shared_data.seed_page()


@pytest.fixture(scope="session")
def llm_url():
    """API base URL of a real local llama.cpp server running SmolLM2 (session-wide)."""
    from tests.llm_server import llama_server, server_available

    reason = server_available()
    if reason and os.environ.get("VIDEOBRIEF_REQUIRE_LLM"):
        pytest.fail(f"VIDEOBRIEF_REQUIRE_LLM is set but {reason}")
    if reason:
        pytest.skip(reason)
    with llama_server() as url:
        yield url


@pytest.fixture(scope="session")
def pg():
    """A real PostgreSQL server for the whole session (see tests/pg.py)."""
    from tests.pg import pg_server

    with pg_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    """Store tests run on both backends: SQLite, and a real PostgreSQL (see `pg`)."""
    return request.param


@pytest.fixture
def db_url(backend: str, request) -> Iterator[str | None]:
    """None for SQLite in the test's data folder, else a fresh database on the test server."""
    if backend == "sqlite":
        yield None
        return
    server = request.getfixturevalue("pg")
    url = server.new_database()
    yield url
    server.drop_database(url)


@pytest.fixture
def store(tmp_path: Path, db_url: str | None):
    s = Store.from_settings(tmp_path / "data", db_url)
    yield s
    s.close()
