"""Where the speech is: VAD units on real speech."""

from __future__ import annotations

from videobrief.stages.speech.vad import speech_regions


def test_vad_regions_are_bounded(speech_samples):
    regions = speech_regions(speech_samples, max_region_s=10.0)
    assert len(regions) >= 2  # three sentences; VAD joins two across a short pause
    assert all(0 < r.seconds <= 10.5 for r in regions)
