"""Existing transcripts as input: SRT, WebVTT and plain "MM:SS text" lines.

A user often already has a transcript (a subtitle file, or a transcript page scraped from a
news site). Importing it skips speech recognition, so the importer must be honest
about what it does not know: imported segments carry no language probability and no words, and
page text that is not speech (the summary above the transcript, the comment prompt under it) is
kept out of the segment texts.
"""

from __future__ import annotations

import codecs
import html
import inspect
import io
import re
from dataclasses import dataclass
from pathlib import Path

import srt
import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from videobrief.errors import BadInput
from videobrief.records import Segment, Transcript
from videobrief.text.languages import script_of
from videobrief.text.timefmt import clock

SNIFF_BYTES = 8192
TEXT_SUFFIXES = frozenset({".srt", ".vtt", ".txt", ".md"})

# Starts may step back a little (overlapping subtitles, rounding); more means a broken file.
BACKWARDS_TOLERANCE_S = 5.0
# Length estimate for the last plain line, which has no next line to end it.
CHARS_PER_SECOND = 15.0
MIN_LAST_SEGMENT_S = 2.0
# Share of letters that must be in one script before we name a language from it.
SCRIPT_MAJORITY = 0.6

# "00:14Mr.Politan", "1:02:03 text", "[00:14] text": optional hours, glued or spaced text.
_TIMED_LINE = re.compile(
    r"^[ \t]*\[?(?:(?P<h>\d{1,2}):)?(?P<m>\d{1,3}):(?P<s>[0-5]\d)\]?[ \t]*(?P<text>.*)$"
)
# A line that starts like a timestamp, valid or not: "99:99 text", "1:75:00", "[12:61]".
_TIME_SHAPE = re.compile(r"^[ \t]*\[?(?:(?P<h>\d{1,2}):)?(?P<m>\d{1,3}):(?P<s>\d{2})\]?(?:[ \t]|$)")
_SRT_TIMING = re.compile(r"^[ \t]*\d+:\d{2}:\d{2}[,.]\d{1,3}[ \t]*-->", re.MULTILINE)
# A timing-shaped line inside SRT content means the srt library swallowed a broken block.
# A blank line then a bare block number inside a subtitle's text: the next block lost its timing.
_SWALLOWED_INDEX = re.compile(r"\n\s*\n\s*\d+\s*(\n|$)")
_SWALLOWED_TIMING = re.compile(r"^\s*\S*\d\S*:\S*\s*-->\s*\S*:\S*\s*$")
_SRT_FORMAT_TAG = re.compile(r"</?(?:i|b|u|s|font)(?:\s[^>]*)?>|\{\\[^}]*\}", re.IGNORECASE)
_VTT_TAG = re.compile(r"<[^>\n]*>")
_VTT_TIME = re.compile(r"^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$")
# A cue timing line of SRT or WebVTT, and one of its two times, valid or not.
_CUE_TIMING = re.compile(r"^[ \t]*(\S+)[ \t]*-->[ \t]*(\S+)")
_CUE_TIME = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d+):(?P<s>\d+)[,.]\d+$")

# Page furniture seen under scraped transcripts. Whole trailing lines matching any of these are
# dropped; the multi-word prompts are also cut when glued to the end of the last line.
_FURNITURE_PROMPTS = (
    "be the first to comment",
    "leave a comment",
    "add a comment",
    "write a comment",
    "sign in to comment",
)
_FURNITURE_LINES = frozenset({*_FURNITURE_PROMPTS, "comments", "share", "reply", "show more"})
_COMMENT_COUNT = re.compile(r"^\d+\s+comments?$", re.IGNORECASE)
_GLUED_PROMPT = re.compile(
    "(?:" + "|".join(re.escape(p) for p in _FURNITURE_PROMPTS) + r")[\s.!]*$", re.IGNORECASE
)


@dataclass(frozen=True)
class _Cue:
    """A timed text before it becomes a `Segment`; `end` is None when the format has none."""

    start: float
    end: float | None
    text: str


def sniff_transcript(path: Path) -> bool:
    """Tell a transcript from a media file by content, so a renamed file is routed correctly.

    Text files with a transcript extension count even without timestamps: importing them then
    fails with a clear "no timestamped lines" message instead of a confusing decoder error.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError:
        return False
    text = _decode_head(head)
    if text is None or not text.strip():
        return False
    if path.suffix.lower() in TEXT_SUFFIXES:
        return True
    return _detect_format(text, "") != "lines" or _has_timed_line(text)


def import_transcript(path: Path, video_id: str) -> Transcript:
    """Read a transcript file into a `Transcript`, refusing malformed input with `BadInput`."""
    name = path.name
    text = _read_text(path)
    fmt = _detect_format(text, path.suffix.lower())
    description: str | None = None
    if fmt == "vtt":
        cues = _parse_vtt(text, name)
    elif fmt == "srt":
        cues = _parse_srt(text, name)
    else:
        description, cues = _parse_lines(text, name)
    segments = _to_segments(cues, name)
    return Transcript(
        id=video_id,
        source=str(path),
        duration=max((seg.end for seg in segments), default=0.0),
        description=description,
        segments=tuple(segments),
    )


# --- reading and format detection -------------------------------------------------------------


def _decode_head(head: bytes) -> str | None:
    """Decode the first bytes of a file, or None if they cannot be text (NUL, bad UTF-8)."""
    encoding = _bom_encoding(head)
    if encoding == "utf-8-sig" and b"\x00" in head:
        return None
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        # final=False: a multi-byte character cut at the read boundary is not an error.
        return decoder.decode(head, final=False)
    except UnicodeDecodeError:
        return None


def _bom_encoding(data: bytes) -> str:
    """UTF-16 only with a BOM (Windows tools write it); everything else must be UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def _read_text(path: Path) -> str:
    """Read and decode the whole file, with newlines normalised to LF."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{name}: cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise BadInput(f"{name}: empty file")
    encoding = _bom_encoding(data)
    if encoding == "utf-8-sig" and b"\x00" in data:
        raise BadInput(f"{name}: binary data (NUL bytes), not a text transcript")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        raise BadInput(
            f"{name}: not UTF-8 text (invalid byte 0x{bad:02x} at offset {exc.start})"
        ) from exc
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise BadInput(f"{name}: empty file")
    return text


def _detect_format(text: str, suffix: str) -> str:
    """Pick "vtt", "srt" or "lines"; content wins, the extension only breaks ties."""
    if text.lstrip("\ufeff \t\n").startswith("WEBVTT") or suffix == ".vtt":
        return "vtt"
    if suffix == ".srt" or _SRT_TIMING.search(text):
        return "srt"
    return "lines"


def has_timed_line(text: str) -> bool:
    """True if some line starts with a [H:]MM:SS timestamp."""
    return _has_timed_line(text)


def _has_timed_line(text: str) -> bool:
    return any(_TIMED_LINE.match(line) for line in text.splitlines())


def _excerpt(text: str, limit: int = 60) -> str:
    """A short one-line quote of offending input for an error message."""
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")


# --- SRT --------------------------------------------------------------------------------------


def _check_cue_times(text: str, name: str, fmt: str) -> None:
    """Refuse a cue time with seconds or minutes of 60 or more, naming its line.

    The `srt` library adds the fields up, so "00:00:99,000" would pass as 1:39 and shift
    every later cue. WebVTT minutes are two digits below 60 even without hours; an SRT time
    always has hours. A time of another shape is left to the parser's own error.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        timing = _CUE_TIMING.match(line)
        if timing is None:
            continue
        for stamp in timing.groups():
            fields = _CUE_TIME.match(stamp)
            if fields is None:
                continue
            bad_seconds = int(fields["s"]) >= 60
            bad_minutes = (fmt == "vtt" or fields["h"] is not None) and int(fields["m"]) >= 60
            if bad_seconds or bad_minutes:
                unit = "seconds" if bad_seconds else "minutes"
                raise BadInput(
                    f"{name}: line {number}: impossible time {stamp!r} ({unit} must be < 60)"
                )


def _parse_srt(text: str, name: str) -> list[_Cue]:
    """Parse SRT with the `srt` library, turning its leniency into explicit errors."""
    _check_cue_times(text, name, "srt")
    cues: list[_Cue] = []
    try:
        for sub in srt.parse(text):
            block = len(cues) + 1
            cues.append(_srt_cue(sub, name, block))
    except srt.SRTParseError as exc:
        bad = text[exc.expected_start : exc.actual_start]
        raise BadInput(
            f"{name}: malformed SRT at block {len(cues) + 1}: unexpected text {_excerpt(bad)}"
        ) from exc
    if not cues:
        raise BadInput(f"{name}: no subtitles found in SRT")
    return cues


def _srt_cue(sub: srt.Subtitle, name: str, block: int) -> _Cue:
    """One subtitle as a cue. The srt parser silently folds a block with a broken timing line
    into the previous block's text, so such a line is reported here."""
    lines = [line.strip() for line in sub.content.split("\n")]
    for line in lines:
        if _SWALLOWED_TIMING.match(line):
            raise BadInput(f"{name}: malformed SRT at block {block + 1}: bad timing {line!r}")
    if _SWALLOWED_INDEX.search(sub.content):
        raise BadInput(f"{name}: malformed SRT at block {block + 1}: no timing line")
    text = _SRT_FORMAT_TAG.sub("", " ".join(line for line in lines if line))
    return _Cue(sub.start.total_seconds(), sub.end.total_seconds(), " ".join(text.split()))


# --- WebVTT -----------------------------------------------------------------------------------


def _parse_vtt(text: str, name: str) -> list[_Cue]:
    """Parse WebVTT with webvtt-py (strict where the installed version supports it)."""
    _check_cue_times(text, name, "vtt")
    buffer = io.StringIO(text)
    strict_ok = "strict" in inspect.signature(webvtt.from_buffer).parameters  # 0.6+
    kwargs = {"strict": True} if strict_ok else {}
    try:
        captions = webvtt.from_buffer(buffer, **kwargs).captions
    except MalformedFileError as exc:
        raise BadInput(f"{name}: not WebVTT (missing WEBVTT header)") from exc
    except MalformedCaptionError as exc:
        raise BadInput(f"{name}: malformed WebVTT: {_excerpt(str(exc), 100)}") from exc
    cues = [_vtt_cue(cap, name, i + 1) for i, cap in enumerate(captions)]
    if not cues:
        raise BadInput(f"{name}: no cues found in WebVTT")
    return cues


def _vtt_cue(caption: webvtt.Caption, name: str, block: int) -> _Cue:
    """One caption as a cue: tags dropped, then entities (&amp; &lt; ...) decoded."""
    raw = " ".join(line.strip() for line in caption.lines if line.strip())
    text = html.unescape(_VTT_TAG.sub("", raw))
    start = _vtt_seconds(caption.start, name, block)
    end = _vtt_seconds(caption.end, name, block)
    return _Cue(start, end, " ".join(text.split()))


def _vtt_seconds(stamp: str, name: str, block: int) -> float:
    """Seconds from webvtt-py's normalised "HH:MM:SS.mmm" (the same in 0.5 and 0.6)."""
    match = _VTT_TIME.match(stamp)
    if not match:
        raise BadInput(f"{name}: malformed WebVTT at cue {block}: bad timestamp {stamp!r}")
    hours, minutes, seconds, millis = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds + millis / 1000


# --- plain "MM:SS text" lines -----------------------------------------------------------------


def _parse_lines(text: str, name: str) -> tuple[str | None, list[_Cue]]:
    """Parse timestamped lines; text before the first timestamp is the page's description.

    Untimed lines after a timestamp continue that line's text, which also covers the
    "timestamp on its own line, text below" form of copied YouTube transcripts.
    """
    lines = _strip_trailing_furniture(text.split("\n"))
    preamble: list[str] = []
    cues: list[_Cue] = []
    for number, line in enumerate(lines, start=1):
        match = _TIMED_LINE.match(line)
        _check_time_shape(line, match, name, number)
        if match:
            start = _match_seconds(match)
            if cues and start < cues[-1].start - BACKWARDS_TOLERANCE_S:
                raise BadInput(
                    f"{name}: line {number}: timestamps go backwards: {clock(start)} after "
                    f"{clock(cues[-1].start)} (more than {BACKWARDS_TOLERANCE_S:g} s)"
                )
            cues.append(_Cue(start, None, match["text"].strip()))
        elif cues:
            if line.strip():
                last = cues[-1]
                cues[-1] = _Cue(last.start, None, f"{last.text} {line.strip()}".strip())
        else:
            preamble.append(line)
    if not cues:
        raise BadInput(f"{name}: no timestamped lines found (expected 'MM:SS text')")
    cues[-1] = _Cue(cues[-1].start, None, _strip_glued_prompt(cues[-1].text))
    description = "\n".join(preamble).strip() or None
    return description, [cue for cue in cues if cue.text]


def _check_time_shape(line: str, match: re.Match[str] | None, name: str, number: int) -> None:
    """Refuse a line that starts with an impossible time instead of gluing it to the last one.

    Seconds must be below 60, and minutes too once hours are given; "MMM:SS" without hours
    (a long recording counted in minutes) stays allowed.
    """
    shape = _TIME_SHAPE.match(line)
    if shape is None:
        return
    bad_seconds = int(shape["s"]) >= 60
    bad_minutes = shape["h"] is not None and int(shape["m"]) >= 60
    if bad_seconds or bad_minutes or match is None:
        stamp = line.strip().split()[0]
        unit = "seconds" if bad_seconds else "minutes"
        raise BadInput(f"{name}: line {number}: impossible time {stamp!r} ({unit} must be < 60)")


def _match_seconds(match: re.Match[str]) -> float:
    return float(int(match["h"] or 0) * 3600 + int(match["m"]) * 60 + int(match["s"]))


def _is_furniture(line: str) -> bool:
    """Is this line page chrome (comment prompts, share buttons) rather than speech?"""
    key = " ".join(line.split()).strip(" .:!").lower()
    return key in _FURNITURE_LINES or bool(_COMMENT_COUNT.match(key))


def _strip_trailing_furniture(lines: list[str]) -> list[str]:
    """Drop blank and furniture lines from the end only: mid-transcript text is speech."""
    end = len(lines)
    while end and (not lines[end - 1].strip() or _is_furniture(lines[end - 1])):
        end -= 1
    return lines[:end]


def _strip_glued_prompt(text: str) -> str:
    """Cut a comment prompt glued to the last line ("...видениюBe the first to comment")."""
    return _GLUED_PROMPT.sub("", text).rstrip()


# --- cues to segments -------------------------------------------------------------------------


def _to_segments(cues: list[_Cue], name: str) -> list[Segment]:
    """Check time order, fill in missing ends and label each segment's script."""
    starts = _checked_starts(cues, name)
    segments = []
    for i, (cue, start) in enumerate(zip(cues, starts, strict=True)):
        end = _cue_end(cue, start, starts[i + 1] if i + 1 < len(starts) else None)
        if end < start:
            raise BadInput(f"{name}: cue {i + 1} ends before it starts ({end:.3f} < {start:.3f} s)")
        segments.append(
            Segment(id=i, start=start, end=end, text=cue.text, lang=guess_script_lang(cue.text))
        )
    return segments


def _checked_starts(cues: list[_Cue], name: str) -> list[float]:
    """Starts in order; small steps back are clamped, large ones mean a broken file."""
    starts: list[float] = []
    for i, cue in enumerate(cues):
        prev = starts[-1] if starts else 0.0
        if cue.start < prev - BACKWARDS_TOLERANCE_S:
            raise BadInput(
                f"{name}: timestamps go backwards at entry {i + 1}: "
                f"{clock(cue.start)} after {clock(prev)}"
            )
        starts.append(max(cue.start, prev))
    return starts


def _cue_end(cue: _Cue, start: float, next_start: float | None) -> float:
    """The cue's own end, else the next start, else an estimate from the text length."""
    if cue.end is not None:
        return cue.end
    if next_start is not None:
        return next_start
    return round(start + max(MIN_LAST_SEGMENT_S, len(cue.text) / CHARS_PER_SECOND), 3)


def guess_script_lang(text: str) -> str | None:
    """Name the language from the letters' script: Cyrillic → "ru", Latin → "en", else None.

    This is evidence about the writing, not the speech, which is why imports leave
    `lang_prob` empty.
    """
    script = script_of(text, share=SCRIPT_MAJORITY, min_letters=1)
    return {"cyrl": "ru", "latn": "en"}.get(script) if script else None
