"""`videobrief batch` over a mix a newsroom share really holds: a clip, a scraped transcript
page, a path that is gone, a forged header and a silent file. Each bad one fails alone with one
clear reason; nothing is an internal error and the good ones are stored. On SQLite and on a
real PostgreSQL (`--db`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np

from tests.conftest import LIBRIVOX
from tests.media import declared_wav, write_wav
from videobrief.media import sha256_file
from videobrief.store import Store

CLIP = LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0880.wav"
SUMMARY = (
    "The council met on Monday to decide on the new bridge across the river, a project that has "
    "divided the town for a decade; supporters say it will cut the commute in half, opponents "
    "that it will bring traffic into the old centre. The vote followed three hours of debate."
)


def test_a_batch_of_a_clip_a_page_and_hostile_inputs_runs_the_good_and_fails_each_bad_alone(
    tmp_path, cache_dir, whisper, db_url
):
    share = tmp_path / "share"
    share.mkdir()
    clip = shutil.copy(CLIP, share / "clip.wav")
    page = share / "council-page.txt"  # its first line is longer than any file name may be
    page.write_text(f"{SUMMARY}\n00:01 Good evening.\n00:04 The council approved the bridge.\n")
    bomb = declared_wav(share / "b.wav", rate=1, samples=65_536)
    silent = write_wav(share / "silent.wav", np.zeros(8000, np.float32))
    gone = share / "gone.mp4"
    inputs = [clip, page, gone, bomb, silent]
    env = {**os.environ, "VIDEOBRIEF_CACHE_DIR": str(cache_dir)}
    env.pop("VIDEOBRIEF_DB", None)
    data = tmp_path / "data"
    args = ["batch", *map(str, inputs), "--json", "--data-dir", str(data)]
    result = subprocess.run(
        [sys.executable, "-m", "videobrief", *args, *(["--db", db_url] if db_url else [])],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert result.returncode == 2, result.stderr
    outcomes = {o["source"]: o for o in map(json.loads, result.stdout.splitlines())}
    assert {s: o["status"] for s, o in outcomes.items()} == {
        str(clip): "done",
        str(page): "done",
        str(gone): "failed",
        str(bomb): "failed",
        str(silent): "failed",
    }
    assert outcomes[str(gone)]["error"] == f"{gone}: no such file or folder"
    assert "declares audio at 1 Hz" in outcomes[str(bomb)]["error"]
    assert outcomes[str(silent)]["error"] == f"{silent}: no speech found; nothing was stored"
    assert all(o["bad_input"] for o in outcomes.values() if o["status"] == "failed")
    with Store.from_settings(data, db_url) as store:
        stored = {v.id for v in store.list_videos()}
        assert stored == {sha256_file(clip), sha256_file(page)}
        assert len(store.load_transcript(sha256_file(page)).segments) == 2
