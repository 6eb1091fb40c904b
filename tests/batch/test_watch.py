"""`videobrief watch`: files are taken once they stop growing, and a killed watcher resumes
without processing anything twice (its memory is the store, not the process)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import FIXTURES
from videobrief.batch.watch import Settler
from videobrief.store import Store
from videobrief.store.queries import batches

LIBRIVOX = FIXTURES / "librivox"
SRT = "1\n00:00:01,000 --> 00:00:03,000\nThe council met on {day}.\n"


def test_settler_waits_for_a_file_to_stop_growing(tmp_path: Path) -> None:
    path = tmp_path / "growing.wav"
    path.write_bytes(b"x" * 100)
    settler = Settler(settle=2.0)
    assert not settler.ready(path, now=0.0)  # first sight
    assert not settler.ready(path, now=1.0)  # unchanged, not long enough
    with open(path, "ab") as fh:
        fh.write(b"y" * 100)
    assert not settler.ready(path, now=2.5)  # grew: the clock restarts
    assert not settler.ready(path, now=4.0)
    assert settler.ready(path, now=4.6)


def _start(folder: Path, data: Path, cache: Path) -> subprocess.Popen:
    env = {**os.environ, "VIDEOBRIEF_CACHE_DIR": str(cache)}
    args = ["watch", str(folder), "--data-dir", str(data), "--settle", "0.5", "--interval", "0.2"]
    return subprocess.Popen(
        [sys.executable, "-m", "videobrief", *args, "--log-json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _states(data: Path) -> dict[str, batches.SourceState]:
    if not (data / "videobrief.db").exists():
        return {}
    with Store.open(data) as store:
        return {Path(s.source).name: s for s in batches.all_states(store)}


def _wait(data: Path, names: set[str], timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = _states(data)
        if all(n in states and states[n].status == "done" for n in names):
            return states
        time.sleep(0.3)
    raise AssertionError(f"not done in time: {_states(data)}")


def test_killed_watch_resumes_without_repeating(tmp_path, cache_dir, whisper) -> None:
    folder, data = tmp_path / "inbox", tmp_path / "data"
    folder.mkdir()
    (folder / "monday.srt").write_text(SRT.format(day="Monday"))
    (folder / "tuesday.srt").write_text(SRT.format(day="Tuesday"))
    first = _start(folder, data, cache_dir)
    try:
        before = _wait(data, {"monday.srt", "tuesday.srt"})
    finally:
        first.send_signal(signal.SIGKILL)  # no clean shutdown: the worst case
        first.wait()
    # while it is down, a new file arrives (and one is still being written when it restarts)
    shutil.copy(LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0880.wav", folder / "clip.wav")
    second = _start(folder, data, cache_dir)
    try:
        after = _wait(data, {"monday.srt", "tuesday.srt", "clip.wav"})
    finally:
        second.send_signal(signal.SIGTERM)
        _, stderr = second.communicate(timeout=60)
    for name in ("monday.srt", "tuesday.srt"):
        assert after[name].attempts == before[name].attempts == 1  # not processed again
    assert after["clip.wav"].attempts == 1
    assert second.returncode == 0
    assert '"msg": "started"' in stderr and "monday.srt" not in stderr
