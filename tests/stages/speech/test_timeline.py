"""Times in a decoded (packed) clip mapped back to the file."""

from __future__ import annotations

from videobrief.media import SAMPLE_RATE
from videobrief.stages.speech.timeline import Timeline


def test_timeline_maps_packed_times_back_to_each_part():
    s = SAMPLE_RATE
    timeline = Timeline(((2 * s, 5 * s), (20 * s, 24 * s)))
    assert timeline.part_of(1.0) == 0 and timeline.part_of(3.5) == 1
    assert timeline.to_source(1.0, 0) == 3.0
    assert timeline.to_source(3.5, 1) == 20.5
    assert timeline.to_source(9.0, 1) == 24.0  # clamped to the end of its part


def test_timeline_skips_the_silence_laid_between_packed_parts():
    s = SAMPLE_RATE
    timeline = Timeline(((2 * s, 5 * s), (20 * s, 24 * s)), gap=s // 2)
    assert timeline.part_of(3.2) == 0 and timeline.to_source(3.2, 0) == 5.0  # in the gap
    assert timeline.part_of(3.5) == 1 and timeline.to_source(3.5, 1) == 20.0
    assert timeline.to_source(4.5, 1) == 21.0
