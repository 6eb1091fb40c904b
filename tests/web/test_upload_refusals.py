"""Uploads of hostile or empty media: refused with 422 for what their header declares, before
a job is queued or a sample decoded; a silent one fails its job with "no speech found". Nothing
of either is kept. On SQLite and PostgreSQL (`data_dir`)."""

from __future__ import annotations

import numpy as np

from tests.media import declared_wav, flac_declaring, write_wav
from tests.web.conftest import open_store
from videobrief.pipeline.process import RunConfig
from videobrief.stages.english.options import EnglishOptions
from videobrief.web import jobs
from videobrief.web.worker import run_job


def _upload(client, token, path):
    files = {"file": (path.name, path.read_bytes(), "audio/wav")}
    return client.post("/api/v1/uploads", files=files, headers={"Authorization": f"Bearer {token}"})


def test_an_upload_declaring_18_hours_is_refused_with_422_and_not_queued(
    client, token, data_dir, tmp_path
):
    bomb = declared_wav(tmp_path / "b.wav", rate=1, samples=65_536)
    r = _upload(client, token, bomb)
    assert r.status_code == 422, r.text
    assert "1 Hz" in r.text and str(tmp_path) not in r.text
    liar = flac_declaring(tmp_path / "long.flac", np.zeros(16_000, np.float32), 18 * 3600)
    r = _upload(client, token, liar)
    assert r.status_code == 422 and "over the --max-duration limit of 6 h" in r.text
    uploads = data_dir / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    with open_store(data_dir) as store:
        assert jobs.recent(store) == []


def test_a_silent_upload_fails_its_job_with_no_speech_found_and_stores_no_video(
    client, token, data_dir, tmp_path, cache_dir, whisper
):
    silent = write_wav(tmp_path / "silent.wav", np.zeros(8000, np.float32))
    r = _upload(client, token, silent)
    assert r.status_code == 202, r.text  # decodable media: judged by the pipeline, not here
    with open_store(data_dir) as store:
        before = {v.id for v in store.list_videos()}
        job = jobs.claim_next(store)
        config = RunConfig(
            data_dir=data_dir, cache_dir=cache_dir, english=EnglishOptions(backend="none")
        )
        run_job(store, job, config)
        failed = jobs.get(store, job.id)
        assert failed.status == "failed"
        assert failed.error == "silent.wav: no speech found; nothing was stored"
        assert {v.id for v in store.list_videos()} == before
        assert store.stage_rows(r.json()["sha256"]) == []
