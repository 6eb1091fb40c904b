"""Exports: exact text formats, round trips through the parsing libraries and the importer."""

from __future__ import annotations

import io
import json
import os

import pytest
import srt
import webvtt

from videobrief.publish.exports import EXPORTERS, to_json, to_srt, to_txt, to_vtt, write_exports
from videobrief.records import Segment, Transcript, Word
from videobrief.stages.imports.formats import import_transcript

TRICKY = "a < b & c --> d <i>not a tag</i>"


def make(spans: list[tuple[float, float, str]], duration: float | None = None) -> Transcript:
    segments = tuple(
        Segment(id=i, start=s, end=e, text=t, lang="en") for i, (s, e, t) in enumerate(spans)
    )
    return Transcript(
        id="abc",
        source="clip.mp4",
        duration=duration if duration is not None else spans[-1][1],
        segments=segments,
    )


@pytest.fixture
def sample() -> Transcript:
    return make(
        [
            (14.0, 26.5, "Hello there."),
            (26.5, 37.123, "Сегодня мы подводим итоги"),
            (61.001, 64.999, "Third, with ms precision"),
        ]
    )


def ms(seconds: float) -> int:
    return round(seconds * 1000)


def spans_ms(t: Transcript) -> list[tuple[int, int, str]]:
    return [(ms(s.start), ms(s.end), s.text) for s in t.segments]


# --- txt --------------------------------------------------------------------------------------


def test_txt_format_exact(sample):
    assert to_txt(sample) == (
        "00:14 Hello there.\n00:26 Сегодня мы подводим итоги\n01:01 Third, with ms precision\n"
    )


def test_txt_uses_hours_for_long_transcripts():
    t = make([(5.0, 10.0, "start"), (3725.9, 3730.0, "over an hour")])
    assert to_txt(t) == "0:00:05 start\n1:02:05 over an hour\n"


def test_txt_hours_follow_duration_not_only_last_start():
    t = make([(5.0, 10.0, "only")], duration=3600.0)
    assert to_txt(t) == "0:00:05 only\n"


def test_txt_round_trip_through_importer(sample, tmp_path):
    path = tmp_path / "transcript.txt"
    path.write_text(to_txt(sample), encoding="utf-8")
    back = import_transcript(path, "abc")
    assert [(s.start, s.text) for s in back.segments] == [
        (14.0, "Hello there."),
        (26.0, "Сегодня мы подводим итоги"),
        (61.0, "Third, with ms precision"),
    ]
    assert back.description is None
    assert [s.lang for s in back.segments] == ["en", "ru", "en"]


def test_txt_long_round_trip_through_importer(tmp_path):
    t = make([(5.0, 10.0, "start"), (3725.0, 3730.0, "over an hour")])
    path = tmp_path / "long.txt"
    path.write_text(to_txt(t), encoding="utf-8")
    assert [s.start for s in import_transcript(path, "x").segments] == [5.0, 3725.0]


# --- SRT --------------------------------------------------------------------------------------


def test_srt_round_trip_with_library(sample):
    subs = list(srt.parse(to_srt(sample)))
    got = [(ms(s.start.total_seconds()), ms(s.end.total_seconds()), s.content) for s in subs]
    assert got == spans_ms(sample)
    assert [s.index for s in subs] == [1, 2, 3]


def test_srt_round_trip_through_importer(sample, tmp_path):
    path = tmp_path / "transcript.srt"
    path.write_text(to_srt(sample), encoding="utf-8")
    assert spans_ms(import_transcript(path, "abc")) == spans_ms(sample)


def test_srt_text_first_block_exact():
    t = make([(1.5, 3.0, "one"), (3.0, 4.0, "two\n\nlines")])
    assert to_srt(t) == (
        "1\n00:00:01,500 --> 00:00:03,000\none\n\n2\n00:00:03,000 --> 00:00:04,000\ntwo\nlines\n\n"
    )


def test_srt_tricky_text(tmp_path):
    t = make([(1.0, 2.0, TRICKY), (2.0, 3.0, "next")])
    subs = list(srt.parse(to_srt(t)))
    assert [s.content for s in subs] == [TRICKY, "next"]
    path = tmp_path / "t.srt"
    path.write_text(to_srt(t), encoding="utf-8")
    # SRT formatting tags (<i>) are markup on import; the rest survives as written
    assert [s.text for s in import_transcript(path, "v").segments] == [
        "a < b & c --> d not a tag",
        "next",
    ]


# --- VTT --------------------------------------------------------------------------------------


def test_vtt_header_and_times(sample):
    text = to_vtt(sample)
    assert text.startswith("WEBVTT\n\n00:00:14.000 --> 00:00:26.500\nHello there.\n")
    assert "00:01:01.001 --> 00:01:04.999" in text


def test_vtt_round_trip_with_library(sample):
    captions = webvtt.from_buffer(io.StringIO(to_vtt(sample))).captions
    got = [(c.start_time.in_milliseconds(), c.end_time.in_milliseconds(), c.text) for c in captions]
    assert got == spans_ms(sample)


def test_vtt_round_trip_through_importer(sample, tmp_path):
    path = tmp_path / "transcript.vtt"
    path.write_text(to_vtt(sample), encoding="utf-8")
    assert spans_ms(import_transcript(path, "abc")) == spans_ms(sample)


def test_vtt_escapes_tricky_text(tmp_path):
    t = make([(1.0, 2.0, TRICKY), (2.0, 3.0, "next")])
    text = to_vtt(t)
    body = text.split("\n\n", 2)[1]
    assert "a &lt; b &amp; c --&gt; d &lt;i&gt;not a tag&lt;/i&gt;" in body
    assert body.count("-->") == 1  # only the timing arrow
    captions = webvtt.from_buffer(io.StringIO(text), strict=True).captions
    assert len(captions) == 2
    path = tmp_path / "t.vtt"
    path.write_text(text, encoding="utf-8")
    assert [s.text for s in import_transcript(path, "v").segments] == [TRICKY, "next"]


def test_empty_segments_are_not_cued():
    t = make([(1.0, 2.0, "  "), (2.0, 3.0, "said")])
    assert len(list(srt.parse(to_srt(t)))) == 1
    assert to_vtt(t).count("-->") == 1
    assert to_txt(t).splitlines() == ["00:01 ", "00:02 said"]


def test_end_before_start_is_clamped():
    seg = Segment.model_construct(id=0, start=5.0, end=4.0, text="x", words=())
    t = Transcript(id="a", source="s", duration=5.0, segments=(seg,))
    assert "00:00:05,000 --> 00:00:05,000" in to_srt(t)


# --- JSON and files ---------------------------------------------------------------------------


def test_json_is_public_form_and_readable():
    word = Word(start=0.0, end=0.5, word="Привет", prob=0.9)
    seg = Segment(id=0, start=0.0, end=0.5, text="Привет", lang="ru", words=(word,))
    t = Transcript(id="a", source="s", duration=0.5, description="d", segments=(seg,))
    text = to_json(t)
    assert "Привет" in text
    assert text.startswith('{\n  "id": "a"')
    assert json.loads(text) == t.to_json_dict()
    assert Transcript.model_validate_json(text) == t


def test_exporters_table():
    assert {name: ext for name, (ext, _) in EXPORTERS.items()} == {
        "json": "json",
        "srt": "srt",
        "vtt": "vtt",
        "txt": "txt",
    }
    assert EXPORTERS["srt"][1] is to_srt


def test_write_exports(sample, tmp_path):
    out = tmp_path / "out" / "nested"
    paths = write_exports(sample, out)
    assert set(paths) == {"json", "srt", "vtt", "txt"}
    for name, path in paths.items():
        assert path == out / f"transcript.{name}"
        assert path.read_text(encoding="utf-8") == EXPORTERS[name][1](sample)
        assert os.stat(path).st_mode & 0o777 == 0o644
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths.values())


def test_write_exports_replaces_and_leaves_no_temp_on_failure(sample, tmp_path, monkeypatch):
    write_exports(sample, tmp_path)
    before = (tmp_path / "transcript.srt").read_text(encoding="utf-8")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_exports(make([(0.0, 1.0, "new")]), tmp_path)
    assert (tmp_path / "transcript.srt").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "transcript.json",
        "transcript.srt",
        "transcript.txt",
        "transcript.vtt",
    ]


def test_brief_markdown_cites_times_for_every_statement():
    from videobrief.publish.exports import brief_markdown
    from videobrief.records import Brief, Claim, Quote

    brief = Brief(
        headline=Claim(text="Ministers meet", citations=(0,), times=(14.0,)),
        lede=(Claim(text="They met in Moscow.", citations=(0, 1), times=(14.0, 3725.0)),),
        points=(Claim(text="Trade grew.", citations=(2,), times=(75.5,)),),
        quotes=(Quote(text="Мы сотрудничаем.", start=75.5, end=80.0, segment_ids=(2,)),),
        language="en",
    )
    md = brief_markdown(brief)
    assert md.startswith("# Ministers meet [00:14]\n")
    assert "They met in Moscow. [00:14] [1:02:05]" in md
    assert "- Trade grew. [01:15]" in md
    assert "> Мы сотрудничаем.\n> — speaker unknown, 01:15–01:20" in md
