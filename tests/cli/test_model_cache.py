"""The model cache: one per user (platformdirs' cache folder), shared by every data folder;
`VIDEOBRIEF_CACHE_DIR` overrides it. Checked with a real `videobrief run` in two data folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LIBRIVOX
from videobrief.pipeline.config import model_cache_dir
from videobrief.web import WebSettings

CLIP = LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0880.wav"


def test_the_cache_is_the_user_cache_folder_unless_videobrief_cache_dir_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("VIDEOBRIEF_CACHE_DIR", raising=False)
    assert model_cache_dir() == tmp_path / "xdg" / "videobrief"
    assert WebSettings(data_dir=tmp_path / "d").resolved_cache_dir() == model_cache_dir()
    monkeypatch.setenv("VIDEOBRIEF_CACHE_DIR", str(tmp_path / "mine"))
    assert model_cache_dir() == tmp_path / "mine"
    assert WebSettings(data_dir=tmp_path / "d").resolved_cache_dir() == tmp_path / "mine"


def test_two_data_folders_share_one_copy_of_the_model(tmp_path: Path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    for name in ("VIDEOBRIEF_CACHE_DIR", "VIDEOBRIEF_DATA_DIR", "VIDEOBRIEF_DB"):
        env.pop(name, None)
    for data in ("desk-a", "desk-b"):
        args = ["run", str(CLIP), "--translate", "none", "--data-dir", str(tmp_path / data)]
        result = subprocess.run(
            [sys.executable, "-m", "videobrief", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        assert not (tmp_path / data / "cache").exists()
    models = list((tmp_path / "xdg" / "videobrief").rglob("model.bin"))
    assert [p.relative_to(tmp_path) for p in models] == [
        Path("xdg/videobrief/whisper-base-ct2/model.bin")
    ]
