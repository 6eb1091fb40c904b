"""Importing existing transcripts: the seed page, SRT, WebVTT, plain lines, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import shared_data
from videobrief.errors import BadInput
from videobrief.stages.imports.formats import guess_script_lang, import_transcript, sniff_transcript


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


# --- the seed page ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed():
    return import_transcript(shared_data.seed_page(), "seed")


def test_seed_segment_count_and_span(seed):
    assert len(seed.segments) == 95
    assert seed.segments[0].start == 14.0
    assert seed.segments[-1].start == 695.0
    assert [s.id for s in seed.segments] == list(range(95))
    assert seed.duration == seed.segments[-1].end > 695.0


def test_seed_description_is_the_summary_not_transcript(seed):
    assert seed.description is not None
    assert seed.description.startswith("Belarus")
    assert "root causes" in seed.description
    summary_start = seed.description[:40]
    assert all(summary_start not in s.text for s in seed.segments)
    assert all("root causes" not in s.text for s in seed.segments)
    assert seed.segments[0].text.startswith("Mr.Politan")


def test_seed_furniture_is_stripped(seed):
    assert all("Be the first to comment" not in s.text for s in seed.segments)
    assert seed.segments[-1].text.endswith("видению")


def test_seed_languages_by_script(seed):
    early = [s for s in seed.segments if s.start < 55]
    late = [s for s in seed.segments if s.start >= 55]
    assert len(early) == 4
    assert {s.lang for s in early} == {"en"}
    assert {s.lang for s in late} == {"ru"}
    assert seed.languages == ["en", "ru"]
    assert all(s.lang_prob is None and s.words == () for s in seed.segments)


def test_seed_ends_are_next_starts(seed):
    segs = seed.segments
    assert all(a.end == b.start for a, b in zip(segs, segs[1:], strict=False))
    assert segs[-1].end >= segs[-1].start + 2.0


def test_seed_is_sniffed_as_transcript():
    assert sniff_transcript(shared_data.seed_page())


# --- plain lines ------------------------------------------------------------------------------


def test_plain_lines_glued_spaced_and_hours(tmp_path):
    path = write(tmp_path, "t.txt", "Intro para.\n\n00:05Glued\n0:10 spaced\n1:00:00 long one\n")
    t = import_transcript(path, "vid")
    assert [(s.start, s.text) for s in t.segments] == [
        (5.0, "Glued"),
        (10.0, "spaced"),
        (3600.0, "long one"),
    ]
    assert t.description == "Intro para."
    assert t.id == "vid"
    assert t.source == str(path)
    # last segment: text-length estimate, at least 2 s
    assert t.segments[-1].end == 3602.0
    assert t.duration == 3602.0


def test_plain_last_segment_length_estimate(tmp_path):
    text = "x" * 150
    t = import_transcript(write(tmp_path, "t.txt", f"00:00 {text}\n"), "v")
    assert t.segments[0].end == pytest.approx(10.0)


def test_bom_crlf_and_continuation_lines(tmp_path):
    data = "\ufeff00:01\r\nFirst line\r\ncontinued\r\n00:04 Second\r\nComments\r\nShare\r\n"
    t = import_transcript(write(tmp_path, "t.txt", data), "v")
    assert [s.text for s in t.segments] == ["First line continued", "Second"]
    assert t.description is None


def test_glued_comment_prompt_is_cut(tmp_path):
    t = import_transcript(
        write(tmp_path, "t.txt", "00:01 Сказал\n00:03 видениюBe the first to comment"), "v"
    )
    assert t.segments[-1].text == "видению"


def test_furniture_mid_transcript_is_kept(tmp_path):
    t = import_transcript(write(tmp_path, "t.txt", "00:01 Share\n00:03 the end\n"), "v")
    assert [s.text for s in t.segments] == ["Share", "the end"]


def test_small_backwards_step_is_clamped(tmp_path):
    t = import_transcript(write(tmp_path, "t.txt", "00:10 a\n00:08 b\n00:20 c\n"), "v")
    assert [s.start for s in t.segments] == [10.0, 10.0, 20.0]


# --- SRT and WebVTT ---------------------------------------------------------------------------

SRT = """1
00:00:01,500 --> 00:00:03,250
<i>Hello</i> there,
world

2
00:00:04,000 --> 00:00:06,000
Привет, мир
"""


def test_srt_import(tmp_path):
    t = import_transcript(write(tmp_path, "a.srt", SRT.replace("\n", "\r\n")), "v")
    assert [(s.start, s.end, s.text, s.lang) for s in t.segments] == [
        (1.5, 3.25, "Hello there, world", "en"),
        (4.0, 6.0, "Привет, мир", "ru"),
    ]
    assert t.duration == 6.0
    assert t.description is None


def test_srt_detected_by_content_without_extension(tmp_path):
    t = import_transcript(write(tmp_path, "subs.txt", SRT), "v")
    assert len(t.segments) == 2
    assert sniff_transcript(write(tmp_path, "noext", SRT))


VTT = """WEBVTT

NOTE a comment

intro
00:00:01.000 --> 00:00:02.500 align:start
<v Speaker>a &lt; b &amp; c</v>

00:01:02.000 --> 00:01:04.000
second
"""


def test_vtt_import(tmp_path):
    t = import_transcript(write(tmp_path, "a.vtt", VTT), "v")
    assert [(s.start, s.end, s.text) for s in t.segments] == [
        (1.0, 2.5, "a < b & c"),
        (62.0, 64.0, "second"),
    ]


# --- bad input --------------------------------------------------------------------------------


def bad(tmp_path: Path, name: str, content: str | bytes) -> str:
    with pytest.raises(BadInput) as info:
        import_transcript(write(tmp_path, name, content), "v")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(name)
    return message


def test_malformed_srt_timestamp(tmp_path):
    content = (
        SRT + "\n3\n00:00:07,000 --> 00:00:08,000\nok\n\n4\nxx:00:09,000 --> 00:00:10,000\nno\n"
    )
    message = bad(tmp_path, "bad.srt", content)
    assert "malformed SRT at block 4" in message
    assert "xx:00:09,000" in message


def test_malformed_srt_first_block(tmp_path):
    message = bad(tmp_path, "bad.srt", "1\n00:00:aa,000 --> 00:00:02,000\nhi\n")
    assert "malformed SRT at block 1" in message


def test_malformed_vtt(tmp_path):
    assert "missing WEBVTT header" in bad(tmp_path, "x.vtt", "00:01.000 --> 00:02.000\nhi\n")
    message = bad(tmp_path, "y.vtt", "WEBVTT\n\nxx:00:01.000 --> 00:00:02.000\nyo\n")
    assert "malformed WebVTT" in message


def test_empty_file(tmp_path):
    assert "empty file" in bad(tmp_path, "e.txt", "")
    assert "empty file" in bad(tmp_path, "w.srt", "\ufeff \r\n\n")


def test_binary_junk(tmp_path):
    junk = bytes(range(256)) * 8
    assert "binary data" in bad(tmp_path, "junk.txt", junk)
    assert not sniff_transcript(write(tmp_path, "junk.srt", junk))


def test_invalid_utf8(tmp_path):
    message = bad(tmp_path, "latin1.txt", "00:01 caf\xe9\n".encode("latin-1"))
    assert "not UTF-8" in message
    assert "0xe9" in message


def test_txt_without_timestamps(tmp_path):
    assert "no timestamped lines found" in bad(tmp_path, "notes.txt", "just some notes\nmore\n")


def test_timestamps_going_backwards(tmp_path):
    message = bad(tmp_path, "t.txt", "00:10 a\n05:00 b\n01:00 c\n")
    assert "timestamps go backwards" in message
    assert "01:00 after 05:00" in message


def test_missing_file(tmp_path):
    with pytest.raises(BadInput, match="cannot read"):
        import_transcript(tmp_path / "nope.srt", "v")


# --- sniffing ---------------------------------------------------------------------------------


def test_sniff(tmp_path):
    assert sniff_transcript(write(tmp_path, "a.vtt", VTT))
    assert sniff_transcript(write(tmp_path, "lines", "Summary\n00:14Text\n"))
    assert sniff_transcript(write(tmp_path, "notes.md", "# no timestamps yet\n"))
    assert not sniff_transcript(write(tmp_path, "clip.mp4", b"\x00\x00\x00\x18ftypmp42" * 10))
    assert not sniff_transcript(write(tmp_path, "data.csv", "a,b\n1,2\n"))
    assert not sniff_transcript(write(tmp_path, "empty.txt", ""))
    assert not sniff_transcript(tmp_path / "missing.txt")


def test_sniff_tolerates_utf8_cut_at_read_boundary(tmp_path):
    # 8191 ASCII bytes then a 2-byte letter straddling the 8192-byte sniff window
    assert sniff_transcript(write(tmp_path, "long.txt", "00:01 " + "a" * 8185 + "ж" * 10))


def test_guess_script_lang():
    assert guess_script_lang("Привет, мир") == "ru"
    assert guess_script_lang("Hello, world") == "en"
    assert guess_script_lang("12:30 — 45") is None
    assert guess_script_lang("你好世界") is None


def test_srt_block_without_timing_line_is_rejected(tmp_path):
    path = tmp_path / "lost-timing.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nhello\n\n2\nno timing here\nworld\n")
    with pytest.raises(BadInput, match="block 2: no timing line"):
        import_transcript(path, "x" * 64)


def test_impossible_time_is_refused_with_its_line_number(tmp_path):
    """'99:99 bad' is refused, not glued onto the line before it."""
    message = bad(tmp_path, "t.txt", "00:01 Привет\n99:99 bad\n")
    assert "line 2" in message and "99:99" in message and "seconds" in message
    message = bad(tmp_path, "h.txt", "0:00:01 a\n1:75:00 b\n")
    assert "line 2" in message and "minutes" in message


def test_backwards_time_names_its_line(tmp_path):
    assert "line 3" in bad(tmp_path, "t.txt", "00:10 a\n05:00 b\n01:00 c\n")


@pytest.mark.parametrize(
    ("timings", "line", "stamp", "unit"),
    [
        (("00:00:01,000 --> 00:00:99,000",), 2, "00:00:99,000", "seconds"),
        (
            ("00:00:01,000 --> 00:00:02,000", "00:00:61,000 --> 00:01:70,000"),
            6,
            "00:00:61,000",
            "seconds",
        ),
        (
            ("00:00:01,000 --> 00:00:02,000", "00:59:00,000 --> 00:60:00,000"),
            6,
            "00:60:00,000",
            "minutes",
        ),
    ],
)
def test_impossible_srt_times_are_refused_with_their_line_number(
    tmp_path, timings, line, stamp, unit
):
    blocks = [f"{i}\n{timing}\nText {i}.\n" for i, timing in enumerate(timings, start=1)]
    message = bad(tmp_path, "times.srt", "\n".join(blocks))
    assert message == f"times.srt: line {line}: impossible time {stamp!r} ({unit} must be < 60)"


@pytest.mark.parametrize(
    ("timing", "stamp", "unit"),
    [
        ("00:00:01.000 --> 00:00:99.000", "00:00:99.000", "seconds"),
        ("00:61.000 --> 01:70.000", "00:61.000", "seconds"),
        ("59:00.000 --> 70:00.000 align:start", "70:00.000", "minutes"),  # no hours: still < 60
    ],
)
def test_impossible_vtt_times_are_refused_with_their_line_number(tmp_path, timing, stamp, unit):
    content = f"WEBVTT\n\n00:00.000 --> 00:01.000\nFirst.\n\n{timing}\nSecond.\n"
    message = bad(tmp_path, "times.vtt", content)
    assert message == f"times.vtt: line 6: impossible time {stamp!r} ({unit} must be < 60)"


def test_long_but_possible_cue_times_still_import(tmp_path):
    srt = write(tmp_path, "long.srt", "1\n01:59:58,000 --> 01:59:59,999\nLate.\n")
    assert import_transcript(srt, "x" * 64).segments[0].end == pytest.approx(7199.999)
    vtt = write(tmp_path, "long.vtt", "WEBVTT\n\n59:58.000 --> 59:59.500\nLate.\n")
    assert import_transcript(vtt, "x" * 64).segments[0].start == 3598.0
