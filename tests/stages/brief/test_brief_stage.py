"""The brief as a pipeline stage: stored with its stage row, cached, re-run by the CLI, shown
on the page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from videobrief.pipeline.process import Event, RunConfig, process, publish, rerun_brief
from videobrief.publish.page import render_page
from videobrief.records import Brief, Claim, Quote, Segment, Transcript
from videobrief.stages.brief.options import BriefOptions
from videobrief.stages.english.options import EnglishOptions
from videobrief.store import Store

VID = "d" * 64


def _transcript(texts: tuple[str, ...] = ("Минск принял 3 делегации.",)) -> Transcript:
    segs = tuple(
        Segment(id=i, start=5.0 * i, end=5.0 * i + 4, text=t, lang="ru")
        for i, t in enumerate(texts)
    )
    return Transcript(id=VID, source="s.txt", duration=5.0 * len(texts), segments=segs)


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


def test_brief_round_trips_through_the_store_with_its_stage(store):
    t = _transcript()
    store.save_transcript(t, "import", "import-v1")
    brief = Brief(
        headline=Claim(text="Минск принял 3 делегации", citations=(0,), times=(0.0,)),
        quotes=(Quote(text="Минск принял 3 делегации.", start=0, end=4, segment_ids=(0,)),),
        language="ru",
    )
    store.save_brief(VID, brief, "h1")
    assert store.load_brief(VID) == brief
    assert store.stage_done(VID, "brief", "h1")
    assert not store.stage_done(VID, "brief", "h2")
    assert store.delete_video(VID)
    assert store.load_brief(VID) is None


def test_brief_stage_is_cached_by_options_and_transcript(store, tmp_path):
    t = _transcript(("Минск принял 3 делегации.", "Встреча прошла в Москве 4 декабря."))
    store.save_transcript(t, "import", "import-v1")
    config = RunConfig(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")
    events: list[Event] = []
    first = rerun_brief(VID, store, config, events.append, force=False)
    again = rerun_brief(VID, store, config, events.append, force=False)
    assert again == first
    assert events[-1].note == "reused stored result"
    key = store.stage_row(VID, "brief")["settings_hash"]
    changed = t.model_copy(
        update={"segments": (*t.segments[:1], t.segments[1].model_copy(update={"text": "Да."}))}
    )
    store.save_transcript(changed, "import", "import-v2")  # a new transcript: a new content key
    rerun_brief(VID, store, config, events.append, force=False)
    assert events[-1].note != "reused stored result"
    assert store.stage_row(VID, "brief")["settings_hash"] != key
    fewer = RunConfig(config.data_dir, config.cache_dir, brief=BriefOptions(max_points=2))
    rerun_brief(VID, store, fewer, events.append, force=False)
    row = store.stage_row(VID, "brief")
    assert events[-1].note != "reused stored result"
    assert row["options"]["max_points"] == 2 and row["version"]


def test_page_shows_the_brief_with_links_to_timestamps(seed_page, tmp_path):
    with Store.open(tmp_path / "data") as store:
        config = RunConfig(
            data_dir=tmp_path / "data",
            cache_dir=tmp_path / "cache",
            english=EnglishOptions(backend="none"),
        )
        result = process(seed_page, store, config, lambda _e: None)
        assert store.segments_to_embed(result.transcript.id) == []  # meaning index filled
    assert result.brief is not None
    folder = publish(result.transcript, tmp_path / "out", result.brief)
    on_disk = Brief.model_validate(json.loads((folder / "brief.json").read_text()))
    assert on_disk == result.brief
    html = (folder / "page.html").read_text()
    assert html.index('id="brief"') < html.index('<h2 id="transcript">')
    anchors = set(re.findall(r'id="seg-(\d+)"', html))
    links = re.findall(r'class="time cite" href="#seg-(\d+)"[^>]*>\[?(\d\d:\d\d)', html)
    assert links and {sid for sid, _ in links} <= anchors
    assert "Максим Владимирович" in html  # quotes and turns carry the cue-named speaker
    assert "Brief · written in" in html


def test_page_escapes_brief_text():
    t = _transcript(("<script>alert(1)</script> Минск принял 3 делегации.",))
    brief = Brief(
        headline=Claim(text="<script>alert(1)</script>", citations=(0,)),
        language="ru",
    )
    html = render_page(t, brief)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def _cli(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("videobrief")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=600)


def test_cli_run_then_brief_reruns_only_the_brief(seed_page, tmp_path):
    data, out = str(tmp_path / "data"), str(tmp_path / "out")
    run = _cli(
        "run", str(seed_page), "--out", out, "--data-dir", data, "--json", "--translate", "none"
    )
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    first = json.loads(Path(record["brief"]).read_text())
    assert first["headline"]["citations"]
    with Store.open(Path(data)) as store:
        import_row = next(r for r in store.stage_rows(record["id"]) if r["stage"] == "import")
    again = _cli("brief", record["id"][:10], "--out", out, "--data-dir", data, "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == first
    with Store.open(Path(data)) as store:
        rows = {r["stage"]: r for r in store.stage_rows(record["id"])}
    assert rows["import"]["finished_at"] == import_row["finished_at"]  # not redone
    assert rows["brief"]["status"] == "done"
    missing = _cli("brief", "ffffff", "--data-dir", data)
    assert missing.returncode == 2 and "no video" in missing.stderr
