"""The english stage has its own cache key: changing the translation re-runs only it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES
from tests.media import write_wav
from videobrief.media import decode_audio
from videobrief.pipeline.process import Event, RunConfig, process
from videobrief.stages.english.options import EnglishOptions
from videobrief.stages.speech.vad import SAMPLE_RATE
from videobrief.store import Store


def test_changing_the_translation_reruns_only_the_english_stage(tmp_path: Path, cache_dir):
    audio = decode_audio(FIXTURES / "codeswitch.m4a")
    clip = write_wav(tmp_path / "clip.wav", audio[int(49.5 * SAMPLE_RATE) : int(69 * SAMPLE_RATE)])
    store = Store.open(tmp_path / "data")

    def run(backend: str) -> tuple[object, list[Event]]:
        events: list[Event] = []
        config = RunConfig(
            data_dir=tmp_path / "data",
            cache_dir=cache_dir,
            english=EnglishOptions(backend=backend),
        )
        return process(clip, store, config, events.append), events

    first, _ = run("none")
    assert not first.reused
    langs = [s.lang for s in first.transcript.segments]
    assert "en" in langs and "ru" in langs
    for seg in first.transcript.segments:
        assert (seg.english_source == "original") == (seg.lang == "en")

    second, events = run("speech")
    notes = {e.stage: e.note for e in events}
    assert notes["speech"] == "reused stored result"
    assert notes.get("english") != "reused stored result"
    assert not second.reused
    assert [s.text for s in second.transcript.segments] == [
        s.text for s in first.transcript.segments
    ]
    sources = {s.english_source for s in second.transcript.segments}
    assert "speech-translate" in sources  # the new backend wrote the track...
    assert sources <= {"original", "speech-translate", "unverified"}  # ...and only it (a loop
    # it answers is kept but marked unverified by validation)
    assert all(s.english for s in second.transcript.segments)
    assert store.load_transcript(second.transcript.id) == second.transcript

    third, _ = run("speech")
    assert third.reused and third.transcript == second.transcript
    store.close()
