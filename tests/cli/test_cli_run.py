"""The `videobrief` command end to end: real model, real files, real SQLite store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest
import webvtt

from tests.media import encode, write_wav
from videobrief import cli
from videobrief.media import sha256_file
from videobrief.store import Store
from videobrief.store.queries.stages import Unfinished


def videobrief(args: list[str], data: Path, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "VIDEOBRIEF_DATA_DIR": str(data), "VIDEOBRIEF_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "videobrief", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.fixture
def dirs(tmp_path, cache_dir, whisper):  # `whisper` joins the bundled model into the cache once
    return tmp_path / "data", tmp_path / "out", cache_dir


def stored_ids(data: Path) -> list[str]:
    store = Store.open(data)
    try:
        return [row.id for row in store.list_videos()]
    finally:
        store.close()


def test_run_writes_every_output_and_reuses_on_second_run(dirs, librivox):
    data, out, cache = dirs
    clip = librivox[1][0]
    first = videobrief(["run", str(clip), "--out", str(out), "--json"], data, cache)
    assert first.returncode == 0, first.stderr
    record = json.loads(first.stdout.strip().splitlines()[-1])
    assert record["reused"] is False
    folder = Path(record["json"]).parent
    names = {p.name for p in folder.iterdir()}
    assert {"transcript.json", "transcript.srt", "transcript.vtt", "transcript.txt"} <= names
    assert "page.html" in names
    doc = json.loads((folder / "transcript.json").read_text())
    assert {"id", "source", "duration", "description", "segments"} <= doc.keys()
    seg = doc["segments"][0]
    assert {"id", "start", "end", "lang", "lang_prob", "text", "words"} <= seg.keys()
    assert {"start", "end", "word", "prob"} <= seg["words"][0].keys()
    assert "young man" in " ".join(s["text"] for s in doc["segments"]).lower()

    again = videobrief(["run", str(clip), "--out", str(out), "--json"], data, cache)
    assert again.returncode == 0 and json.loads(again.stdout.splitlines()[-1])["reused"] is True

    vtt = videobrief(["export", record["id"][:8], "--format", "vtt"], data, cache)
    assert vtt.returncode == 0
    captions = webvtt.from_string(vtt.stdout)
    assert [c.text for c in captions] == [s["text"] for s in doc["segments"]]

    listed = videobrief(["list", "--json"], data, cache)
    assert [json.loads(line)["id"] for line in listed.stdout.splitlines()] == [record["id"]]


def _bad_inputs(tmp: Path, samples) -> dict[str, Path]:
    empty = tmp / "empty.mp4"
    empty.touch()
    text = tmp / "notes.mp4"
    text.write_text("not a video\n" * 50)
    whole = encode(samples, tmp / "whole.mp4")
    cut = tmp / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    zero = tmp / "zero.wav"
    with wave.open(str(zero), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
    srt = tmp / "broken.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\nhello\n\n2\nthis is no timing line\nworld\n")
    return {"empty": empty, "text": text, "cut": cut, "zero": zero, "srt": srt}


def test_each_bad_input_exits_2_with_one_line_and_stores_nothing(dirs, tmp_path, speech_samples):
    data, out, cache = dirs
    for name, path in _bad_inputs(tmp_path, speech_samples).items():
        result = videobrief(["run", str(path), "--out", str(out)], data, cache)
        assert result.returncode == 2, (name, result.stderr)
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and path.name in errors[0], (name, result.stderr)
        assert "Traceback" not in result.stderr
    assert stored_ids(data) == []
    assert not out.exists() or not any(out.iterdir())


def test_a_bad_input_does_not_stop_the_good_ones(dirs, tmp_path, librivox):
    data, out, cache = dirs
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"\x00garbage" * 100)
    result = videobrief(["run", str(bad), str(librivox[1][0]), "--out", str(out)], data, cache)
    assert result.returncode == 2
    assert len(stored_ids(data)) == 1


def test_three_hours_of_silence_are_no_speech_and_stored_only_with_keep_empty(dirs, tmp_path):
    data, out, cache = dirs
    path = tmp_path / "silence-3h.wav"
    write_wav(path, __import__("numpy").zeros(16000, dtype="float32"))
    frames = 16000 * 3 * 3600
    with wave.open(str(path), "wb") as wav:  # header for 3 h, then a sparse run of zero bytes
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.setnframes(frames)
    with open(path, "r+b") as fh:
        fh.truncate(44 + frames * 2)
    refused = videobrief(["run", str(path), "--out", str(out), "--json"], data, cache)
    assert refused.returncode == 2, refused.stderr
    assert "silence-3h.wav: no speech found; nothing was stored" in refused.stderr
    assert refused.stdout == "" and stored_ids(data) == []
    args = ["run", str(path), "--out", str(out), "--json", "--keep-empty"]
    result = videobrief(args, data, cache)
    assert result.returncode == 0, result.stderr
    doc = json.loads(Path(json.loads(result.stdout.splitlines()[-1])["json"]).read_text())
    assert doc["segments"] == [] and doc["duration"] == pytest.approx(10800, abs=1)
    assert stored_ids(data) == [doc["id"]]


def test_imported_seed_page_keeps_description_apart(dirs, seed_page):
    data, out, cache = dirs
    # --translate none: this test is about the import, not the English track
    args = ["run", str(seed_page), "--out", str(out), "--json", "--translate", "none"]
    result = videobrief(args, data, cache)
    assert result.returncode == 0, result.stderr
    doc = json.loads(Path(json.loads(result.stdout.splitlines()[-1])["json"]).read_text())
    assert len(doc["segments"]) == 95
    assert "root causes" in doc["description"]
    assert not any("root causes" in s["text"] for s in doc["segments"])
    assert doc["segments"][4]["lang"] == "ru"


def test_a_crash_mid_job_leaves_no_half_result_and_the_rerun_resumes(
    tmp_path, cache_dir, whisper, librivox, monkeypatch, capsys
):
    data, out = tmp_path / "data", tmp_path / "out"
    clip = str(librivox[0][0])
    args = ["videobrief", "run", clip, "--out", str(out), "--data-dir", str(data)]
    monkeypatch.setenv("VIDEOBRIEF_CACHE_DIR", str(cache_dir))

    def boom(*_args, **_kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr("videobrief.stages.speech.stage.transcribe", boom)
    monkeypatch.setattr(sys, "argv", args)
    with pytest.raises(SystemExit) as crashed:
        cli.main()
    assert crashed.value.code == 1
    assert "internal error" in capsys.readouterr().err
    store = Store.open(data)
    video_id = sha256_file(Path(clip))
    assert store.list_videos() == []  # an unfinished video is not in the archive
    with pytest.raises(Unfinished):  # a half-made video is never read as if it were done
        store.load_transcript(video_id)
    rows = {r["stage"]: r for r in store.stage_rows(video_id)}
    assert rows["speech"]["status"] == "failed" and "power cut" in rows["speech"]["error"]
    assert {r["status"] for name, r in rows.items() if name != "speech"} == {"queued"}
    store.close()

    monkeypatch.undo()
    monkeypatch.setenv("VIDEOBRIEF_CACHE_DIR", str(cache_dir))
    monkeypatch.setattr(sys, "argv", args)
    with pytest.raises(SystemExit) as finished:
        cli.main()
    assert finished.value.code == 0
    store = Store.open(data)
    assert store.load_transcript(video_id).segments
    rows = {r["stage"]: r for r in store.stage_rows(video_id)}
    assert {r["status"] for r in rows.values()} == {"done"}
    assert rows["speech"]["options"]["beam_size"] == 5 and rows["speech"]["version"]
    assert [v.id for v in store.list_videos()] == [video_id]
    store.close()
