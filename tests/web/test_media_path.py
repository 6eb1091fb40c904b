"""The player's media for a video made by `videobrief run`: stored as an absolute path, so it
plays whatever folder the server starts in; a moved file gives a clear "not available", never a
broken player; running the file again from its new place repairs it. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LIBRIVOX
from tests.web.conftest import db_url_of, make_client, open_store
from videobrief.media import sha256_file

CLIP = LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0880.wav"
NOT_AVAILABLE = "The media file is not available on this server"


def _run(relative: str, cwd: Path, data_dir: Path, cache_dir: Path) -> None:
    """`videobrief run <relative path>` as a user would, from `cwd`."""
    db = db_url_of(data_dir)
    args = ["run", relative, "--translate", "none", "--data-dir", str(data_dir)]
    env = {**os.environ, "VIDEOBRIEF_CACHE_DIR": str(cache_dir)}
    env.pop("VIDEOBRIEF_DB", None)
    result = subprocess.run(
        [sys.executable, "-m", "videobrief", *args, *(["--db", db] if db else [])],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def _page_and_media(data_dir: Path, video_id: str) -> tuple[str, int, bytes]:
    with make_client(data_dir) as client:
        page = client.get(f"/v/{video_id}").text
        media = client.get(f"/media/{video_id}")
    return page, media.status_code, media.content


def test_a_cli_made_video_plays_from_any_folder_and_a_moved_file_says_not_available(
    data_dir, tmp_path, cache_dir, whisper, monkeypatch: pytest.MonkeyPatch
):
    desk = tmp_path / "desk"
    (desk / "clips").mkdir(parents=True)
    shutil.copy(CLIP, desk / "clips" / "talk.wav")
    video_id = sha256_file(CLIP)
    _run("clips/talk.wav", desk, data_dir, cache_dir)
    with open_store(data_dir) as store:
        assert store.media_path(video_id) == str(desk / "clips" / "talk.wav")

    elsewhere = tmp_path / "server"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the server starts in another folder
    page, status, body = _page_and_media(data_dir, video_id)
    assert status == 200 and body == CLIP.read_bytes()
    assert f'<audio id="player" controls preload="metadata" src="/media/{video_id}">' in page

    moved = tmp_path / "archive" / "talk.wav"
    moved.parent.mkdir()
    (desk / "clips" / "talk.wav").rename(moved)
    page, status, _ = _page_and_media(data_dir, video_id)
    assert NOT_AVAILABLE in page and "<audio" not in page and "<video" not in page
    assert "young man" in page.lower()  # the transcript is still there
    assert status == 404

    _run(str(moved), tmp_path, data_dir, cache_dir)  # reused, and re-pointed
    with open_store(data_dir) as store:
        assert store.media_path(video_id) == str(moved)
    page, status, _ = _page_and_media(data_dir, video_id)
    assert status == 200 and NOT_AVAILABLE not in page
