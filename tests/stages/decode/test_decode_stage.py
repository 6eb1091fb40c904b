"""The decode stage holds to the run's `--max-duration` whatever the file's header declared,
and a refusal there leaves nothing in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.media import flac_declaring
from videobrief.media import SAMPLE_RATE, MediaRefused, sha256_file
from videobrief.pipeline.runner import RunSettings, run_source


def test_audio_longer_than_its_header_and_the_limit_is_refused_and_nothing_stored(
    store, tmp_path, speech_samples
):
    liar = flac_declaring(tmp_path / "liar.flac", speech_samples[: 3 * SAMPLE_RATE], 1.0)
    settings = RunSettings(tmp_path / "cache", max_seconds=2.0)
    with pytest.raises(MediaRefused, match="liar.flac: decodes to more than 2 s of audio"):
        run_source(liar, store, settings, lambda _event: None)
    assert store.stage_rows(sha256_file(liar)) == []
    assert store.list_videos() == []
