"""Hostile and empty inputs to `videobrief run`, as a user would run it, on SQLite and on a real
PostgreSQL (`--db`): each is refused with one line and exit 2, and nothing of it is stored."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.media import declared_wav, flac_declaring, write_wav
from videobrief.media import sha256_file
from videobrief.store import Store


@pytest.fixture
def cli(tmp_path, cache_dir, db_url, whisper):
    """Run `videobrief` against this test's store (SQLite in the data folder, or `--db`)."""
    data = tmp_path / "data"
    env = {**os.environ, "VIDEOBRIEF_CACHE_DIR": str(cache_dir)}
    env.pop("VIDEOBRIEF_DATA_DIR", None)
    env.pop("VIDEOBRIEF_DB", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        store = ["--db", db_url] if db_url else []
        return subprocess.run(
            [sys.executable, "-m", "videobrief", *args, "--data-dir", str(data), *store],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,  # `--out` defaults to ./out
            timeout=300,
        )

    run.store = lambda: Store.from_settings(data, db_url)  # type: ignore[attr-defined]
    return run


def _errors(result: subprocess.CompletedProcess) -> list[str]:
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def _nothing_stored(cli, *paths: Path) -> None:
    with cli.store() as store:
        assert store.list_videos() == []
        for path in paths:
            assert store.stage_rows(sha256_file(path)) == [], path


def test_a_65_kb_file_declaring_18_hours_is_refused_in_seconds(cli, tmp_path):
    bomb = declared_wav(tmp_path / "b.wav", rate=1, samples=65_536)
    started = time.perf_counter()
    result = cli("run", str(bomb), "--translate", "none", "--out", str(tmp_path / "out"))
    assert time.perf_counter() - started < 30  # interpreter start-up; decoding took minutes
    assert result.returncode == 2, result.stderr
    assert _errors(result) == [
        "error: " + f"{bomb}: declares audio at 1 Hz, below the 4000 Hz any speech recording "
        "has (a broken or forged header); refused before decoding"
    ]
    _nothing_stored(cli, bomb)
    assert not (tmp_path / "out").exists()


def test_max_duration_is_checked_on_the_header_and_is_the_users_to_raise(cli, tmp_path):
    liar = flac_declaring(tmp_path / "long.flac", np.zeros(16_000, np.float32), 18 * 3600)
    refused = cli("run", str(liar), "--translate", "none")
    assert refused.returncode == 2
    assert "over the --max-duration limit of 6 h" in _errors(refused)[0]
    raised = cli("run", str(liar), "--translate", "none", "--max-duration", "24h")
    assert raised.returncode == 2  # past the probe; its one real second is silence
    assert "no speech found" in _errors(raised)[0]
    for bad in ("0", "lots"):
        assert cli("run", str(liar), "--max-duration", bad).returncode == 2
    _nothing_stored(cli, liar)


def test_silence_is_no_speech_found_and_stored_only_with_keep_empty(cli, tmp_path):
    silent = write_wav(tmp_path / "silent.wav", np.zeros(8000, np.float32))  # 0.5 s
    refused = cli("run", str(silent), "--translate", "none", "--out", str(tmp_path / "out"))
    assert refused.returncode == 2
    assert _errors(refused) == [
        f"error: {silent}: no speech found; nothing was stored (--keep-empty stores it anyway)"
    ]
    _nothing_stored(cli, silent)
    kept = cli("run", str(silent), "--translate", "none", "--keep-empty")
    assert kept.returncode == 0, kept.stderr
    assert "0 segments" in kept.stderr
    with cli.store() as store:
        assert [v.id for v in store.list_videos()] == [sha256_file(silent)]
    again = cli("run", str(silent), "--translate", "none")  # kept once: a rerun never deletes it
    assert again.returncode == 0 and "reused stored result" in again.stderr


def test_impossible_srt_times_exit_2_naming_the_line_and_store_nothing(cli, tmp_path):
    srt = tmp_path / "times.srt"
    srt.write_text(
        "1\n00:00:01,000 --> 00:00:99,000\nFirst.\n\n2\n00:00:61,000 --> 00:01:70,000\nSecond.\n"
    )
    result = cli("run", str(srt), "--translate", "none")
    assert result.returncode == 2
    assert _errors(result) == [
        "error: times.srt: line 2: impossible time '00:00:99,000' (seconds must be < 60)"
    ]
    _nothing_stored(cli, srt)
