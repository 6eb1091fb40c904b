"""Transcript exports: SRT, WebVTT, JSON and plain text.

Every exporter is a pure `Transcript -> str` function so the page, the CLI and the tests share
one rendering; `write_exports` is the only part that touches the disk, and it replaces files
atomically so a reader never sees half an export.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import srt
import webvtt

from videobrief.files import write_atomic
from videobrief.publish.page import filename
from videobrief.records import Brief, CheckResult, Claim, Segment, Transcript
from videobrief.text.timefmt import clock, vtt_timestamp

HOUR = 3600.0


def _ms(seconds: float) -> int:
    """Whole milliseconds: both subtitle formats stop there, so round once, here."""
    return max(0, round(seconds * 1000))


def _span(seg: Segment) -> tuple[int, int]:
    """Start and end in ms, with the end never before the start (players reject that)."""
    start = _ms(seg.start)
    return start, max(start, _ms(seg.end))


def _one_line(text: str) -> str:
    """Cue text without blank lines, which would end an SRT/VTT block early."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


TRACKS = ("original", "english")


def cue_text(seg: Segment, track: str = "original") -> str:
    """A segment's text in `track`; English that failed validation says so in the cue."""
    if track == "original":
        return _one_line(seg.text)
    if track != "english":
        raise ValueError(f"unknown track {track!r}; one of {', '.join(TRACKS)}")
    if not seg.english:
        return _one_line(seg.text) if seg.lang == "en" else ""
    prefix = "[unverified] " if seg.english_source == "unverified" else ""
    return prefix + _one_line(seg.english)


def _cued(transcript: Transcript, track: str = "original") -> list[tuple[Segment, str]]:
    """Segments worth a cue: an empty cue cannot be written unambiguously in SRT or VTT."""
    cued = ((seg, cue_text(seg, track)) for seg in transcript.segments)
    return [(seg, text) for seg, text in cued if text]


def _prefixed(transcript: Transcript, track: str = "original") -> list[tuple[Segment, str]]:
    """Cued segments with their text, "[Name] " in front where the speaker changes.

    A transcript with one speaker has no turn changes: its cues stay unprefixed.
    """
    out, last = [], None
    several = len(transcript.speakers) > 1
    for seg, cue in _cued(transcript, track):
        text = cue
        if several and seg.speaker is not None and seg.speaker != last:
            text = f"[{transcript.speaker_name(seg.speaker)}] {text}"
        last = seg.speaker if seg.speaker is not None else last
        out.append((seg, text))
    return out


def to_srt(transcript: Transcript, track: str = "original") -> str:
    """SubRip, composed by the `srt` library. SRT has no escaping, so text goes in as is."""
    subs = []
    for index, (seg, text) in enumerate(_prefixed(transcript, track), start=1):
        start, end = _span(seg)
        subs.append(
            srt.Subtitle(
                index=index,
                start=timedelta(milliseconds=start),
                end=timedelta(milliseconds=end),
                content=text,
            )
        )
    return srt.compose(subs, reindex=False)


def _vtt_escape(text: str) -> str:
    """Escape per the WebVTT spec: `&` and `<` must be, `>` is so "-->" cannot appear."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(transcript: Transcript, track: str = "original") -> str:
    """WebVTT, composed by webvtt-py after escaping the text (it does not escape)."""
    captions = []
    for seg, plain in _prefixed(transcript, track):
        start, end = _span(seg)
        text = _vtt_escape(plain)
        captions.append(webvtt.Caption(vtt_timestamp(start), vtt_timestamp(end), text))
    return webvtt.WebVTT(captions=captions).content


def to_json(transcript: Transcript, description_check: CheckResult | None = None) -> str:
    """The public transcript.json form, human-readable (Cyrillic stays Cyrillic).

    `source` is the file's name only: an export is handed to readers, and where the file lay
    on the machine that made it is none of theirs. With a description check, it is added as
    `description_check` (an additive field).
    """
    doc = transcript.to_json_dict()
    doc["source"] = filename(doc["source"])
    if description_check is not None:
        doc["description_check"] = description_check.to_json_dict()
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def to_txt(transcript: Transcript) -> str:
    """One segment a line, "MM:SS text" ("H:MM:SS text" for ≥ 1 h), readable by the importer."""
    last_end = max((seg.end for seg in transcript.segments), default=0.0)
    with_hours = max(transcript.duration, last_end) >= HOUR
    lines = [
        f"{clock(seg.start, with_hours)} {' '.join(seg.text.split())}"
        for seg in transcript.segments
    ]
    return "".join(line + "\n" for line in lines)


def _stamps(claim: Claim) -> str:
    return " ".join(f"[{clock(t, t >= 3600)}]" for t in claim.times)


def brief_markdown(brief: Brief) -> str:
    """The brief as Markdown: every statement followed by the times it rests on."""
    lines: list[str] = []
    if brief.headline:
        lines += [f"# {brief.headline.text} {_stamps(brief.headline)}".rstrip(), ""]
    if brief.lede:
        lines += [" ".join(f"{c.text} {_stamps(c)}".rstrip() for c in brief.lede), ""]
    if brief.points:
        lines += ["## Key points", ""] + [f"- {c.text} {_stamps(c)}".rstrip() for c in brief.points]
        lines.append("")
    if brief.quotes:
        lines += ["## Quotes", ""]
        for q in brief.quotes:
            who = q.speaker or "speaker unknown"
            english = (
                [">", f"> *English:* {q.english}"] if q.english and q.english != q.text else []
            )
            lines += [
                f"> {q.text}",
                *english,
                f"> — {who}, {clock(q.start, q.end >= 3600)}–{clock(q.end, q.end >= 3600)}",
                "",
            ]
    lines += [f"_{note}_" for note in brief.notes]
    lines.append(f"_Brief in {brief.language or 'unknown language'}, written by: {brief.backend}._")
    return "\n".join(lines) + "\n"


EXPORTERS: dict[str, tuple[str, Callable[[Transcript], str]]] = {
    "json": ("json", to_json),
    "srt": ("srt", to_srt),
    "vtt": ("vtt", to_vtt),
    "txt": ("txt", to_txt),
}


def write_exports(transcript: Transcript, out_dir: Path) -> dict[str, Path]:
    """Write transcript.{json,srt,vtt,txt} into out_dir; return format name → path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, (ext, render) in EXPORTERS.items():
        path = out_dir / f"transcript.{ext}"
        write_atomic(path, render(transcript))
        paths[name] = path
    if any(seg.english for seg in transcript.segments):
        for name, render_track in (("srt", to_srt), ("vtt", to_vtt)):
            path = out_dir / f"transcript.en.{name}"
            write_atomic(path, render_track(transcript, "english"))
            paths[f"{name}.en"] = path
    return paths
