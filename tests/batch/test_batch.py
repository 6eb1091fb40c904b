"""`videobrief batch` on the local executor and on a real local Ray instance; URLs; limits.

The Ray instance is real (started once for the module, ~10 s here); the inputs are three short
LibriVox sentences, one SRT and one corrupt file, so the real Whisper model stays cheap.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.http_media import MediaServer
from videobrief.batch import sources
from videobrief.batch.executors.local import LocalExecutor
from videobrief.batch.run import BatchSettings, Limits, Outcome, exit_code, process_source
from videobrief.pipeline.process import RunConfig
from videobrief.pipeline.registry import REGISTRY
from videobrief.pipeline.runner import Event
from videobrief.store import Store
from videobrief.store.queries import batches

LIBRIVOX = FIXTURES / "librivox"
SRT = (
    "1\n00:00:01,000 --> 00:00:03,000\nThe minister spoke about the budget today.\n\n"
    "2\n00:00:03,500 --> 00:00:06,000\nParliament will vote on the plan on Friday.\n"
)


class Recorder:
    def __init__(self) -> None:
        self.running: list[str] = []
        self.outcomes: list[Outcome] = []
        self.events: list[tuple[str, Event]] = []

    def started(self, source: str) -> None:
        self.running.append(source)

    def stage(self, source: str, event: Event) -> None:
        assert source in self.running  # events come for sources the display knows
        self.events.append((source, event))

    def finished(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("inbox")
    for wav in sorted(LIBRIVOX.glob("*.wav"))[:3]:  # four short inputs: 3 clips + 1 SRT
        shutil.copy(wav, folder / wav.name)
    (folder / "talk.srt").write_text(SRT)
    (folder / "corrupt.mp4").write_bytes(os.urandom(4000))
    return folder


def settings_for(data: Path, cache: Path, **limits) -> BatchSettings:
    config = RunConfig(data_dir=data, cache_dir=cache, cpu_threads=1)
    return BatchSettings(config, Limits(**limits), job="test")


@pytest.fixture(scope="module")
def ray_instance():
    ray = pytest.importorskip("ray")
    from videobrief.batch.executors.ray import start_local_ray

    start_local_ray(2)
    yield ray
    ray.shutdown()


def _results(data: Path) -> dict[str, tuple]:
    """Per source file name: (segments, brief) as stored."""
    out = {}
    with Store.open(data) as store:
        for state in batches.all_states(store):
            if state.status != "done":
                continue
            t = store.load_transcript(state.video_id)
            b = store.load_brief(state.video_id)
            segs = [(s.start, s.end, s.text, s.lang) for s in t.segments]
            out[Path(state.source).name] = (segs, b.to_json_dict() if b else None)
    return out


@pytest.mark.slow
def test_ray_matches_local_and_poison_fails_alone(
    inputs, tmp_path, cache_dir, whisper, ray_instance
) -> None:
    from videobrief.batch.executors.ray import RayExecutor

    items = sources.expand([str(inputs)]).sources
    assert len(items) == 5
    local_data, ray_data = tmp_path / "local", tmp_path / "ray"
    with LocalExecutor(settings_for(local_data, cache_dir)) as ex:
        local = ex.run(items, Recorder())
    ray_progress = Recorder()
    with RayExecutor(settings_for(ray_data, cache_dir), workers=2) as ex:
        pids = ex.actor_pids()
        assert len(set(pids)) == 2 and os.getpid() not in pids  # really other processes
        remote = ex.run(items, ray_progress)
        stats = ex.actor_stats()
        placements = list(ex.placements)
        # a rerun on the same actors skips every finished source
        again = ex.run(items, Recorder())
    _assert_heavy_on_reused_actors(stats, placements, pids)
    # stage progress from the workers reached the driver, for every video
    media = {str(p) for p in items if p.endswith(".wav")}
    speech_events = {s for s, e in ray_progress.events if e.stage == "speech"}
    assert speech_events == media
    for outcomes in (local, remote):
        by_name = {Path(o.source).name: o for o in outcomes}
        assert by_name["corrupt.mp4"].status == "failed"
        assert "not a media file" in by_name["corrupt.mp4"].error
        assert [o.status for n, o in by_name.items() if n != "corrupt.mp4"] == ["done"] * 4
        assert exit_code(outcomes) == 2
    assert sorted(ray_progress.running) == sorted(items)
    assert _results(local_data) == _results(ray_data)
    assert len(_results(ray_data)) == 4
    assert all(v[1] is not None for v in _results(ray_data).values())  # every one has a brief
    with Store.open(ray_data) as store:
        bad = batches.get(store, str(inputs / "corrupt.mp4"))
        assert bad.status == "failed" and "not a media file" in bad.error
    statuses = {Path(o.source).name: o.status for o in again}
    assert statuses.pop("corrupt.mp4") == "failed"
    assert set(statuses.values()) == {"skipped"}


def _assert_heavy_on_reused_actors(stats: list[dict], placements: list[dict], pids) -> None:
    """Heavy stages ran on the model actors, each loading its models once for all its videos;
    every other stage ran as a plain task (no actor), in a process other than the driver."""
    heavy = {s.name for s in REGISTRY if s.heavy}
    assert heavy == {"speech", "speakers", "entities", "english"}
    for p in placements:
        if p["stage"] in heavy:
            assert p["actor"] is not None and p["pid"] in pids, p
        else:
            assert p["actor"] is None and p["pid"] != os.getpid(), p
    ran = {(Path(p["source"]).name, p["stage"]) for p in placements}
    wavs = [n for n, _ in ran if n.endswith(".wav")]
    for stage in ("decode", "speech", "speakers", "entities", "english", "brief", "check"):
        assert {n for n, s in ran if s == stage and n.endswith(".wav")} == set(wavs), stage
    assert {s for n, s in ran if n == "talk.srt"} >= {"import", "speakers", "brief"}
    speech_calls = [st["calls"].get("speech", 0) for st in stats]
    assert sum(speech_calls) == 3 and max(speech_calls) >= 2  # an actor served several videos
    for st in stats:  # ... and loaded each of its models once, Whisper included
        assert st["loads"] and all(n == 1 for n in st["loads"].values()), st
        if st["calls"].get("speech"):
            assert [k for k in st["loads"] if k[0] == "whisper"], st


def test_ray_placement_rules() -> None:
    """Which stages go to actors, what an actor asks for, and where its models run (no Ray)."""
    from videobrief.batch.executors.ray import device_for, local_cpus, plan_resources, runs_on_actor
    from videobrief.errors import BadInput

    on_actors = {s.name for s in REGISTRY if runs_on_actor(s)}
    assert on_actors == {"speech", "speakers", "entities", "english"}
    assert {s.name for s in REGISTRY} - on_actors == {"import", "decode", "brief", "check"}
    cpu_only = plan_resources({"CPU": 4.0}, workers=2)
    assert cpu_only.actor_gpus == 0 and cpu_only.actor_cpus == 1 and cpu_only.task_cpus == 1
    assert plan_resources({"CPU": 8.0, "GPU": 1.0}, workers=2).actor_gpus == 0.5
    assert plan_resources({"CPU": 8.0, "GPU": 4.0}, workers=2).actor_gpus == 1.0
    with pytest.raises(BadInput, match="2 CPUs"):
        plan_resources({"CPU": 2.0}, workers=2)  # no CPU left for a task: refused, not hung
    assert plan_resources({"CPU": float(local_cpus(3))}, workers=3)
    assert device_for([]) == "cpu" and device_for([0]) == "cuda"


@pytest.mark.slow
def test_ray_timeout_kills_only_that_source(tmp_path, cache_dir, ray_instance) -> None:
    """A hung source (a host that sends headers, then nothing) is stopped at --timeout by
    killing its actor; a fresh actor takes the next source."""
    from videobrief.batch.executors.ray import RayExecutor

    first, last = tmp_path / "first.srt", tmp_path / "last.srt"
    first.write_text(SRT)
    last.write_text(SRT.replace("Friday", "Monday"))
    # The timeout covers a fresh actor's model loads (speakers, names) too: keep it well above them.
    settings = settings_for(tmp_path / "data", cache_dir, timeout=90, download_timeout=600)
    with MediaServer(LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0880.wav") as server:
        hung = f"{server.base}/stall/clip.mp4"
        with RayExecutor(settings, workers=1) as ex:
            outcomes = ex.run([str(first), hung, str(last)], Recorder())
    assert [o.status for o in outcomes] == ["done", "failed", "done"]
    assert "--timeout of 90 s" in outcomes[1].error
    assert exit_code(outcomes) == 1


def test_url_source_is_downloaded_and_recorded(tmp_path, cache_dir, whisper) -> None:
    wav = LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0880.wav"
    with MediaServer(wav) as server, Store.open(tmp_path / "data") as store:
        url = f"{server.base}/page.html"
        outcome = process_source(url, store, settings_for(tmp_path / "data", cache_dir))
        assert outcome.status == "done", outcome.error
        assert batches.source_url(store, outcome.video_id) == url
        stored = store.load_transcript(outcome.video_id)
        assert Path(stored.source).read_bytes() == wav.read_bytes()
        sent = server.sent
        assert process_source(url, store, settings_for(tmp_path / "data", cache_dir)).status == (
            "skipped"
        )
        assert server.sent == sent


def _cli(args: list[str], data: Path, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "VIDEOBRIEF_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "videobrief", *args, "--data-dir", str(data)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_limits_refuse_clearly(tmp_path, cache_dir) -> None:
    wav = str(LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0870.wav")
    big = _cli(["batch", wav, "--max-size", "10K"], tmp_path / "d1", cache_dir)
    assert big.returncode == 2
    assert "over the --max-size limit" in big.stderr
    long = _cli(["batch", wav, "--max-duration", "5s", "--log-json"], tmp_path / "d2", cache_dir)
    assert long.returncode == 2
    assert "over the --max-duration limit of 5 s" in long.stderr
    # --log-json: one JSON object per line, carrying the job id and the source
    import json

    lines = [json.loads(x) for x in long.stderr.splitlines() if x.startswith("{")]
    failed = [x for x in lines if x["msg"] == "failed"]
    assert failed and failed[0]["source"] == wav and failed[0]["job"]
    assert _cli(["batch", wav, "--max-size", "lots"], tmp_path / "d3", cache_dir).returncode == 2


def test_run_accepts_a_url(tmp_path, cache_dir, whisper) -> None:
    """`videobrief run URL` downloads through yt-dlp and records where the video came from."""
    wav = LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0880.wav"
    with MediaServer(wav) as server:
        url = f"{server.base}/media/{wav.name}"
        done = _cli(
            ["run", url, "--out", str(tmp_path / "out"), "--json"], tmp_path / "d", cache_dir
        )
    assert done.returncode == 0, done.stderr
    with Store.open(tmp_path / "d") as store:
        (row,) = store.list_videos()
        assert batches.source_url(store, row.id) == url
