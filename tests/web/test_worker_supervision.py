"""A real `videobrief serve` whose worker process is killed with a real SIGKILL mid-job.

Before: the dead worker stayed defunct, the job stayed `running` past its lease until the
server was restarted, and meanwhile the API, the exports and the media served the half-made
transcript. Now the server replaces its worker (with backoff), the job is handed back and
finished without a restart, nothing of the video is served until every stage is done, and a
job that kills its worker three times is failed with the reason.

On SQLite and PostgreSQL (`data_dir`), through the HTTP API as a newsroom would watch it.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.conftest import db_url_of, open_store, wav_bytes
from tests.web.server import server_process

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the worker in /proc (Linux)"),
]


def _worker_pid(server_pid: int) -> int | None:
    """The server's pipeline worker: its child started by multiprocessing's spawn."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == server_pid and b"spawn_main" in cmdline and fields[0] != "Z":
            return int(entry.name)
    return None


def _until(what: str, probe: Callable[[], Any], timeout: float = 240.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def site(data_dir: Path, cache_dir: Path, whisper, token: str) -> Iterator[dict]:
    """`videobrief serve` (one process, its worker on) over the test's store."""
    env = {**os.environ, "VIDEOBRIEF_CACHE_DIR": str(cache_dir)}
    env.pop("VIDEOBRIEF_DB", None)
    db = db_url_of(data_dir)
    with (
        server_process(data_dir, env, *(["--db", db] if db else []), "--threads", "2") as (
            base,
            proc,
        ),
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http,
    ):
        yield {"http": http, "server": proc, "data": data_dir}


def _upload(http: httpx.Client, seconds: float) -> dict:
    files = {"file": ("clip.wav", wav_bytes(seconds), "audio/wav")}
    r = http.post("/api/v1/uploads", files=files)
    assert r.status_code == 202, r.text
    return r.json()


def _job(http: httpx.Client, job_id: str) -> dict:
    return http.get(f"/api/v1/jobs/{job_id}").json()


def _new_worker(server_pid: int, old: list[int]) -> int | None:
    """The worker's pid once it is none of `old` (a replacement has started)."""
    pid = _worker_pid(server_pid)
    return pid if pid is not None and pid not in old else None


def _kill_worker(server_pid: int) -> int:
    pid = _until("the worker process", lambda: _worker_pid(server_pid))
    os.kill(pid, signal.SIGKILL)
    return pid


def test_worker_killed_mid_job_is_replaced_the_job_finishes_and_nothing_half_made_is_served(
    site,
):
    http, server = site["http"], site["server"]
    job = _upload(http, 6.0)
    video = job["sha256"]  # a video's id is its source's sha256
    with open_store(site["data"]) as store:

        def half_made() -> bool:
            rows = {r["stage"]: r["status"] for r in store.stage_rows(video)}
            return rows.get("speech") == "done" and any(s != "done" for s in rows.values())

        _until("a stored transcript with stages still to run", half_made)
        killed = _kill_worker(server.pid)
        reads = [
            f"/api/v1/videos/{video}",
            f"/api/v1/videos/{video}/transcript",
            f"/v/{video}/export/srt",
            f"/v/{video}/export/json",
            f"/v/{video}/export/html",
            f"/media/{video}",
            f"/v/{video}",
        ]
        assert half_made()  # killed while the video was half made
        for path in reads:
            r = http.get(path)
            assert r.status_code == 409 and r.headers["retry-after"], (path, r.status_code)
        page = http.get(f"/v/{video}", headers={"accept": "text/html"})
        assert "still processing" in page.text and 'id="transcript"' not in page.text
        assert video[:12] not in http.get("/").text

        replaced = _until("a new worker", lambda: _new_worker(server.pid, [killed]))
        done = _until("the job to finish", lambda: _job(http, job["id"])["status"] == "done")
    assert server.poll() is None  # the same server, never restarted
    finished = _job(http, job["id"])
    assert (finished["attempts"], finished["crashes"], finished["video_id"]) == (2, 1, video)
    assert done and _worker_pid(server.pid) == replaced
    for path in reads:
        assert http.get(path).status_code == 200, path


def test_a_job_that_kills_its_worker_three_times_is_failed_with_the_reason(site):
    http, server = site["http"], site["server"]
    job = _upload(http, 4.0)
    killed: list[int] = []
    for attempt in (1, 2, 3):

        def working(n: int = attempt) -> bool:
            now = _job(http, job["id"])
            return now["status"] == "running" and now["attempts"] == n and bool(now["stage"])

        _until(f"attempt {attempt} under way", working)
        killed.append(_kill_worker(server.pid))
    failed = _until(
        "the job to fail",
        lambda: (j := _job(http, job["id"]))["status"] == "failed" and j,
    )
    assert failed["crashes"] == 3 and failed["attempts"] == 3
    assert "died 3 times" in failed["error"] and "SIGKILL" in failed["error"]
    # the server lives on with a fresh worker, and the failed job is not claimed again
    fresh = _until("a fourth worker", lambda: _new_worker(server.pid, killed))
    time.sleep(2.0)
    assert server.poll() is None and _worker_pid(server.pid) == fresh
    assert _job(http, job["id"])["status"] == "failed"
