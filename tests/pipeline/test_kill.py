"""kill -9 safety: `videobrief run` SIGKILLed at seeded random points inside each stage, then
rerun, ends with exactly the store rows and files of a run that was never interrupted."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from videobrief.store import Store
from videobrief.store.store import DB_FILENAME

SEED = 20261201
STAGES = ("speech", "english", "brief")
TIMESTAMPS = {"created_at", "updated_at", "started_at", "finished_at"}


def _command(clip: Path, data: Path, out: Path) -> list[str]:
    exe = Path(sys.executable).with_name("videobrief")
    return [str(exe), "run", str(clip), "--out", str(out), "--data-dir", str(data)] + [
        "--translate",
        "speech",
    ]


def _env(cache_dir: Path) -> dict[str, str]:
    return {**os.environ, "VIDEOBRIEF_CACHE_DIR": str(cache_dir)}


def _rows(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(sql).fetchall()


def _stage_status(db: Path, stage: str) -> str | None:
    try:
        rows = _rows(db, f"SELECT status FROM stages WHERE stage = '{stage}'")
    except sqlite3.OperationalError:  # schema not there yet
        return None
    return rows[0][0] if rows else None


def _dump(db: Path) -> dict[str, list]:
    """Every table's rows without timestamps or surrogate keys, in a stable order."""
    out: dict[str, list] = {}
    with sqlite3.connect(db) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE 'segments_fts%' AND name != 'alembic_version'"
            )
        ]
        for table in sorted(tables):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            keep = [
                c for c in cols if c not in TIMESTAMPS and not (c == "id" and table != "videos")
            ]
            keep = [c for c in keep if c != "segment_id"]
            rows = conn.execute(f"SELECT {', '.join(keep)} FROM {table}").fetchall()
            out[table] = sorted(rows, key=repr)
    return out


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _kill_inside(cmd: list[str], env: dict, db: Path, stage: str, fraction: float, span: float):
    """Start the run, wait until `stage` is running, let `fraction` of its span pass, SIGKILL."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if _stage_status(db, stage) == "running":
            time.sleep(fraction * span)
            break
        time.sleep(0.01)
    hit = proc.poll() is None
    if hit:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return hit


def _ids(db: Path) -> list[str]:
    return [r[0] for r in _rows(db, "SELECT id FROM videos")]


def _spans(db: Path) -> dict[str, float]:
    rows = _rows(db, "SELECT stage, started_at, finished_at FROM stages")
    from datetime import datetime

    def parse(v: str) -> datetime:
        return datetime.fromisoformat(v)

    return {s: (parse(b) - parse(a)).total_seconds() for s, a, b in rows if a and b}


@pytest.mark.slow
def test_sigkill_inside_every_stage_then_rerun_matches_an_uninterrupted_run(
    tmp_path, cache_dir, whisper, librivox
):
    clip = librivox[0][0]
    env = _env(cache_dir)
    ref_data, ref_out = tmp_path / "ref-data", tmp_path / "ref-out"
    done = subprocess.run(
        _command(clip, ref_data, ref_out), env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    spans = _spans(ref_data / DB_FILENAME)
    assert set(STAGES) <= spans.keys()

    rng = random.Random(SEED)
    data, out = tmp_path / "data", tmp_path / "out"
    db = data / DB_FILENAME
    cmd = _command(clip, data, out)
    hits = []
    for stage in STAGES:
        fraction = rng.uniform(0.1, 0.9)
        hit = _kill_inside(cmd, env, db, stage, fraction, spans[stage])
        hits.append((stage, round(fraction, 2), hit))
        if hit:  # the archive never lists a video a killed run left unfinished
            with Store.open(data) as store:
                unfinished = [
                    r["stage"]
                    for v in _ids(db)
                    for r in store.stage_rows(v)
                    if r["status"] != "done"
                ]
                assert unfinished and store.list_videos() == [], hits
    print("kill points (stage, fraction of its span, killed while running):", hits)
    assert any(hit for _, _, hit in hits), "no kill landed inside a stage"

    final = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    assert _dump(db) == _dump(ref_data / DB_FILENAME)
    assert _files(out) == _files(ref_out)
