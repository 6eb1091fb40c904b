"""CLI refusals: each bad option or path exits 2 with one clear line, before any work is done
and without creating anything. Runs `python -m videobrief` as a user would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from videobrief.records import Brief, Claim, Segment, Transcript
from videobrief.store import Store
from videobrief.store.store import DB_FILENAME

VID = "c0ffee" + "0" * 58


def vb(args: list[str], data: Path, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "VIDEOBRIEF_CACHE_DIR": str(cache)}
    env.pop("VIDEOBRIEF_DATA_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "videobrief", *args, *(["--data-dir", str(data)] if data else [])],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    """A data folder with one imported transcript and its brief."""
    data = tmp_path / "data"
    segs = tuple(
        Segment(id=i, start=i * 4.0, end=i * 4.0 + 3.5, text=text, lang="en")
        for i, text in enumerate(("The council met on Monday.", "It approved the new bridge."))
    )
    t = Transcript(id=VID, source="/srv/secret/council.srt", duration=8.0, segments=segs)
    brief = Brief(
        headline=Claim(text="Council approves the new bridge", citations=(1,), times=(4.0,)),
        language="en",
    )
    with Store.open(data) as store:
        store.save_transcript(t, "import", "test")
        store.save_brief(VID, brief, "test")
    return data


def test_export_html_carries_the_brief_like_run_does(stored, tmp_path):
    r = vb(["export", VID[:8], "-f", "html"], stored, tmp_path / "c")
    assert r.returncode == 0, r.stderr
    assert "Council approves the new bridge" in r.stdout and 'id="brief"' in r.stdout
    assert "/srv/secret" not in r.stdout  # the page names the file, not its server path


def test_export_to_a_missing_folder_or_a_folder_exits_2(stored, tmp_path):
    for target in ("/nonexistent/dir/x.txt", str(tmp_path)):
        r = vb(["export", VID[:8], "-o", target], stored, tmp_path / "c")
        assert r.returncode == 2, r.stderr
        assert "internal error" not in r.stderr and "error:" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


def test_export_of_a_non_hex_id_says_so(stored, tmp_path):
    r = vb(["export", "zzzzzzzz"], stored, tmp_path / "c")
    assert r.returncode == 2
    assert "not a video id" in r.stderr and "at least 6" not in r.stderr


def test_list_refuses_a_missing_data_folder_unless_create(tmp_path):
    missing = tmp_path / "nonexistent"
    r = vb(["list"], missing, tmp_path / "c")
    assert r.returncode == 2 and "--create" in r.stderr
    assert not missing.exists()
    r = vb(["list", "--create"], missing, tmp_path / "c")
    assert r.returncode == 0, r.stderr
    assert (missing / DB_FILENAME).is_file()


def test_run_with_an_unknown_language_exits_2_before_any_work(tmp_path, librivox):
    data = tmp_path / "data"
    r = vb(["run", str(librivox[0][0]), "--language", "xx"], data, tmp_path / "c")
    assert r.returncode == 2, r.stderr
    assert "unknown language 'xx'" in r.stderr
    assert not data.exists()  # nothing ingested, no store made


def test_run_refuses_a_forced_language_on_a_transcript(tmp_path):
    srt = tmp_path / "t.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\nПривет\n", encoding="utf-8")
    data = tmp_path / "data"
    r = vb(["run", str(srt), "--language", "en"], data, tmp_path / "c")
    assert r.returncode == 2 and "is a transcript" in r.stderr
    assert not data.exists()


def test_brief_with_a_dead_llm_warns_on_stderr(stored, tmp_path, cache_dir):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = vb(
        ["brief", VID[:8], "--llm-url", f"http://127.0.0.1:{port}/v1", "--out", str(tmp_path)],
        stored,
        cache_dir,
    )
    assert r.returncode == 0, r.stderr
    assert "warning:" in r.stderr and f"127.0.0.1:{port}" in r.stderr


def test_top_level_help_lists_every_command():
    from videobrief.cli import app

    r = subprocess.run(
        [sys.executable, "-m", "videobrief", "--help"], capture_output=True, text=True, timeout=60
    )
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    names += [g.name for g in app.registered_groups]
    assert len(names) >= 6
    for name in names:
        assert f"  {name} " in r.stdout, name


def test_token_list_and_revoke(tmp_path):
    data = tmp_path / "data"
    made = vb(["token", "create", "--name", "desk"], data, tmp_path / "c")
    token = made.stdout.strip()
    listed = vb(["token", "list"], data, tmp_path / "c").stdout
    assert "desk" in listed and token not in listed
    assert vb(["token", "revoke", "nobody"], data, tmp_path / "c").returncode == 2
    r = vb(["token", "revoke", "desk"], data, tmp_path / "c")
    assert r.returncode == 0 and "desk" in r.stderr
    assert "desk" not in vb(["token", "list"], data, tmp_path / "c").stdout
