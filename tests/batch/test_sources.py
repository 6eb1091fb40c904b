"""Batch input expansion and URL downloads (against a loopback server only)."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.http_media import MediaServer
from videobrief.batch import download, sources
from videobrief.errors import BadInput

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo.mp4"
SRT = "1\n00:00:01,000 --> 00:00:02,000\nHello there.\n"


def test_folder_recursive_media_and_transcripts(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(DEMO, tmp_path / "a" / "clip.mp4")
    (tmp_path / "a" / "b" / "talk.srt").write_text(SRT)
    (tmp_path / "a" / "b" / "renamed.dat").write_text(SRT)  # a transcript by content
    (tmp_path / "notes.md").write_text("just notes, no timestamps")
    (tmp_path / "a" / "README.md").write_text("# Clips\nRecorded 2024, read by volunteers.\n")
    (tmp_path / "a" / "timed.txt").write_text("00:01 Good evening.\n00:04 The news.\n")
    (tmp_path / "thumb.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    (tmp_path / ".hidden").mkdir()
    shutil.copy(DEMO, tmp_path / ".hidden" / "x.mp4")
    found = [Path(p).name for p in sources.expand([str(tmp_path)]).sources]
    assert sorted(found) == ["clip.mp4", "renamed.dat", "talk.srt", "timed.txt"]
    assert "thumb.jpg" not in found and "x.mp4" not in found


def test_list_file_and_stdin(tmp_path: Path) -> None:
    shutil.copy(DEMO, tmp_path / "one.mp4")
    (tmp_path / "two.srt").write_text(SRT)
    listing = tmp_path / "batch.txt"
    listing.write_text("# tonight\none.mp4\n\nhttps://example.invalid/v.mp4\ntwo.srt\n")
    got = sources.expand([str(listing)]).sources
    assert got == [
        str((tmp_path / "one.mp4").resolve()),
        "https://example.invalid/v.mp4",
        str(tmp_path / "two.srt"),
    ]
    piped = sources.expand(["-"], stdin=io.StringIO(f"{tmp_path / 'one.mp4'}\n")).sources
    assert piped == [str((tmp_path / "one.mp4").resolve())]
    # the same source named twice is processed once
    assert len(sources.expand([str(tmp_path / "one.mp4")] * 2).sources) == 1


def test_an_input_naming_nothing_is_refused_alone_and_the_rest_expand(tmp_path: Path) -> None:
    shutil.copy(DEMO, tmp_path / "one.mp4")
    listing = tmp_path / "tonight.list"
    listing.write_text("one.mp4\ngone.mp4\n~nosuchuser-vb/x.mp4\n")
    missing = str(tmp_path / "nope.mp4")
    got = sources.expand([missing, str(listing), "x" * 5000])
    assert got.sources == [str((tmp_path / "one.mp4").resolve())]
    assert [r.reason for r in got.refused] == [
        f"{missing}: no such file or folder",
        f"{tmp_path / 'gone.mp4'}: no such file or folder",
        f"{tmp_path / '~nosuchuser-vb/x.mp4'}: no such file or folder",
        f"{'x' * 199}…: no such file or folder",
    ]


def test_a_transcript_page_with_lines_longer_than_a_file_name_is_a_source(tmp_path: Path) -> None:
    """A paragraph cannot be a path (too long a name), so the page is not a list of paths."""
    page = tmp_path / "page.txt"
    summary = "The minister said the talks went well and would continue next month. " * 10
    page.write_text(f"{summary}\n00:01 Good evening.\n00:04 The news.\n")
    (tmp_path / "tonight.txt").write_text("page.txt\n")  # a real list, naming that page
    for named in (page, tmp_path, tmp_path / "tonight.txt"):
        got = sources.expand([str(named)])
        assert (got.sources, got.refused) == ([str(page.resolve())], []), named


def test_the_seed_page_is_a_source(seed_page: Path) -> None:
    got = sources.expand([str(seed_page)])
    assert (got.sources, got.refused) == ([str(seed_page.resolve())], [])


def test_url_direct_and_html_page(tmp_path: Path) -> None:
    with MediaServer(DEMO) as server:
        direct = download.fetch(f"{server.base}/media/demo.mp4", tmp_path)
        assert direct.read_bytes() == DEMO.read_bytes()
        page = download.fetch(f"{server.base}/page.html", tmp_path / "p")
        assert page.read_bytes() == DEMO.read_bytes()
        sent = server.sent
        # a finished download is remembered: the rerun asks the server nothing
        assert download.fetch(f"{server.base}/media/demo.mp4", tmp_path) == direct
        assert server.sent == sent


def test_url_failure_is_bad_input(tmp_path: Path) -> None:
    with MediaServer(DEMO) as server, pytest.raises(BadInput, match="download failed"):
        download.fetch(f"{server.base}/media/missing.mp4", tmp_path, timeout=5)


def test_killed_download_resumes_with_range(tmp_path: Path) -> None:
    """Kill a download mid-way; the second run sends only the missing bytes (HTTP Range)."""
    size = DEMO.stat().st_size
    with MediaServer(DEMO, delay_per_chunk=0.05, chunk=8192) as server:
        url = f"{server.base}/media/demo.mp4"
        code = (
            "import sys; from pathlib import Path; from videobrief.batch.download import fetch; "
            "fetch(sys.argv[1], Path(sys.argv[2]))"
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        proc = subprocess.Popen([sys.executable, "-c", code, url, str(tmp_path)], env=env)
        folder = download.download_dir(tmp_path)
        deadline = time.monotonic() + 60
        part: list[Path] = []
        while time.monotonic() < deadline:
            part = [p for p in folder.glob("*.part") if p.stat().st_size > size // 3]
            if part:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert part, "the download never got a third of the way"
        kept = part[0].stat().st_size
        assert kept < size
        # keep a small throttle: yt-dlp's generic extractor first opens the URL without Range
        # to sniff its type and hangs up; unthrottled, the server would push the whole file
        # into the loopback socket buffer before noticing
        server.delay = 0.005
        before = server.sent
        path = download.fetch(url, tmp_path)
        resent = server.sent - before
    assert path.read_bytes() == DEMO.read_bytes()
    # the resumed request starts exactly where the .part file ended
    assert f"bytes={kept}-" in server.ranges
    # only the rest came over the wire, plus slack for the killed connection's socket buffer and
    # the generic extractor's first probe; a restart would have re-sent the whole file
    assert resent <= size - kept + 65536 < size
