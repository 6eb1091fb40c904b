"""`videobrief export --track original|english` for SRT and VTT."""

from __future__ import annotations

import webvtt
from typer.testing import CliRunner

from videobrief.cli import app
from videobrief.records import Segment, Transcript
from videobrief.store import Store

VID = "ab" * 32


def _store(tmp_path, english: bool) -> None:
    segs = (
        Segment(id=0, start=0, end=2, text="Good afternoon.", lang="en"),
        Segment(id=1, start=2, end=5, text="Лавров прибыл в Минск.", lang="ru"),
        Segment(id=2, start=5, end=8, text="Министры говорили.", lang="ru"),
    )
    if english:
        segs = (
            segs[0].model_copy(update={"english": segs[0].text, "english_source": "original"}),
            segs[1].model_copy(
                update={"english": "Lavrov arrived in Minsk.", "english_source": "llm-bundled"}
            ),
            segs[2].model_copy(
                update={"english": "Ministers talked.", "english_source": "unverified"}
            ),
        )
    store = Store.open(tmp_path / "data")
    store.save_transcript(
        Transcript(id=VID, source="x.txt", duration=8, segments=segs), "import", "k"
    )
    store.close()


def test_export_either_track(tmp_path):
    _store(tmp_path, english=True)
    runner = CliRunner()
    args = ["export", VID[:8], "--data-dir", str(tmp_path / "data"), "--format", "vtt"]
    original = runner.invoke(app, args)
    english = runner.invoke(app, [*args, "--track", "english"])
    assert original.exit_code == 0 and english.exit_code == 0, english.output
    assert [c.text for c in webvtt.from_string(original.stdout)][1] == "Лавров прибыл в Минск."
    cues = [c.text for c in webvtt.from_string(english.stdout)]
    assert cues == ["Good afternoon.", "Lavrov arrived in Minsk.", "[unverified] Ministers talked."]
    srt = runner.invoke(app, [*args[:-1], "srt", "--track", "english"])
    assert "Lavrov arrived in Minsk." in srt.stdout


def test_english_track_of_a_transcript_without_one_is_bad_input(tmp_path):
    _store(tmp_path, english=False)
    args = ["export", VID[:8], "--data-dir", str(tmp_path / "data"), "--track", "english"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
