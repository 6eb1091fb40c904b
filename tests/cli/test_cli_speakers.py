"""`videobrief voices …` and `speakers rename` as a user runs them: `--db`/`VIDEOBRIEF_DB` like
every other command, and a user's name that survives a rerun of the speakers stage.

The PostgreSQL test runs the real pipeline on an imported transcript whose hand-over cues name
both speakers, renames one, then reruns with another `--speakers` (a new key for the speakers
stage, so it runs again and writes its cue names afresh).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli_db import vb
from tests.conftest import FIXTURES

FIX = FIXTURES
SRT = """1
00:00:01,000 --> 00:00:04,000
Добрый день. Передаю слово Максиму Владимировичу.

2
00:00:05,000 --> 00:00:08,000
Спасибо, Сергей Викторович. Стороны обсудили торговлю зерном.
"""


def _speakers(tmp: Path, video: str, db: str) -> list[tuple[str, str, str]]:
    out = vb(["export", video, "--format", "json", "--db", db], tmp)
    assert out.returncode == 0, out.stderr
    return [(s["id"], s["name"], s["name_source"]) for s in json.loads(out.stdout)["speakers"]]


def test_rename_on_postgres_survives_a_rerun(pg, tmp_path: Path) -> None:
    url = pg.new_database().replace("postgresql+psycopg://", "postgresql://")
    src = tmp_path / "meeting.srt"
    src.write_text(SRT, encoding="utf-8")
    run = ["run", str(src), "--out", str(tmp_path / "out"), "--db", url, "--translate", "none"]
    first = vb([*run, "--json"], tmp_path)
    assert first.returncode == 0, first.stderr
    video = json.loads(first.stdout)["id"]
    assert _speakers(tmp_path, video[:12], url) == [
        ("S1", "Сергей Викторович", "cue"),
        ("S2", "Максим Владимирович", "cue"),
    ]
    renamed = vb(
        ["speakers", "rename", video[:12], "s2", "Анна Петрова"], tmp_path, VIDEOBRIEF_DB=url
    )
    assert renamed.returncode == 0, renamed.stderr
    bad = vb(["speakers", "rename", video[:12], "S7", "X", "--db", url], tmp_path)
    assert bad.returncode == 2 and "no speaker 'S7'" in bad.stderr

    again = vb([*run, "--json", "--speakers", "2"], tmp_path)  # new key: the stage reruns
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["reused"] is False
    want = [("S1", "Сергей Викторович", "cue"), ("S2", "Анна Петрова", "user")]
    assert _speakers(tmp_path, video[:12], url) == want
    written = json.loads((tmp_path / "out" / video / "transcript.json").read_text())
    assert [(s["id"], s["name"], s["name_source"]) for s in written["speakers"]] == want
    assert not (tmp_path / "data" / "videobrief.db").exists()  # nothing went to SQLite

    listed = vb(["voices", "list", "--db", url], tmp_path)
    assert listed.returncode == 0 and listed.stdout == ""
    gone = vb(["voices", "remove", "Nobody"], tmp_path, VIDEOBRIEF_DB=url)
    assert gone.returncode == 2 and "no enrolled voice" in gone.stderr


def test_voices_need_an_existing_store_except_to_add(tmp_path: Path) -> None:
    missing = vb(["voices", "list"], tmp_path)
    assert missing.returncode == 2 and "no videobrief data" in missing.stderr
    bad_db = vb(["speakers", "rename", "abcdef", "S1", "X", "--db", "nosuchdb://x"], tmp_path)
    assert bad_db.returncode == 2 and "Traceback" not in bad_db.stderr
    clip = FIX / "speakers-holdout" / "espeak-ru.m4a"
    added = vb(["voices", "add", "Espeak Voice", str(clip)], tmp_path)
    assert added.returncode == 0, added.stderr
    listed = vb(["voices", "list"], tmp_path)
    assert sorted(line.split("\t")[1] for line in listed.stdout.splitlines()) == ["campp", "ge2e"]
