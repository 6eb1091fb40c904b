"""`--db URL` / `VIDEOBRIEF_DB` on every command, against a real PostgreSQL server.

A transcript imported with `videobrief run` is searchable through `videobrief serve` at once:
the text index is written with the transcript, no worker runs here (`--no-worker`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.ports import free_port

SRT = """1
00:00:01,000 --> 00:00:04,000
Министр иностранных дел провёл переговоры в Минске.

2
00:00:05,000 --> 00:00:08,000
Стороны обсудили строительство железной дороги.
"""


def vb(args: list[str], tmp: Path, **env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, "VIDEOBRIEF_DATA_DIR": str(tmp / "data"), **env}
    return subprocess.run(
        [sys.executable, "-m", "videobrief", *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=300,
    )


def test_every_command_takes_the_database_url(pg, tmp_path: Path) -> None:
    url = pg.new_database()
    plain = url.replace("postgresql+psycopg://", "postgresql://")  # as a user would write it
    src = tmp_path / "talk.srt"
    src.write_text(SRT, encoding="utf-8")
    args = ["run", str(src), "--out", str(tmp_path / "out"), "--db", plain, "--translate", "none"]
    run = vb(args, tmp_path)
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "data" / "videobrief.db").exists()  # nothing went to SQLite

    listed = vb(["list", "--json"], tmp_path, VIDEOBRIEF_DB=plain)
    assert listed.returncode == 0, listed.stderr
    assert '"segments": 2' in listed.stdout
    video_id = listed.stdout.split('"id": "')[1][:12]
    exported = vb(["export", video_id, "--format", "txt"], tmp_path, VIDEOBRIEF_DB=plain)
    assert exported.returncode == 0 and "Минске" in exported.stdout
    token = vb(["token", "create", "--db", plain], tmp_path)
    assert token.returncode == 0 and token.stdout.startswith("vb_")

    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "videobrief", "serve", "--no-worker", "--port", str(port)],
        env={**os.environ, "VIDEOBRIEF_DATA_DIR": str(tmp_path / "data"), "VIDEOBRIEF_DB": plain},
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(base + "/api/v1/videos", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        hits = httpx.get(base + "/api/v1/search", params={"q": "железная дорога"}).json()
        assert [(h["segment"], h["video_id"][:12]) for h in hits] == [(1, video_id)]
        assert "<mark>" in hits[0]["snippet_html"]
    finally:
        serve.terminate()
        serve.wait(15)


def test_a_bad_database_url_is_bad_input(tmp_path: Path) -> None:
    r = vb(["list", "--db", "nosuchdb://x"], tmp_path)
    assert r.returncode == 2 and "database" in r.stderr and "Traceback" not in r.stderr
    r = vb(["list", "--db", "postgresql://nobody@127.0.0.1:1/none"], tmp_path)
    assert r.returncode == 2 and "database" in r.stderr and "Traceback" not in r.stderr
