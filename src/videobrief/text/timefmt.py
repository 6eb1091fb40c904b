"""Seconds as people and subtitle files write them: "11:35", "1:02:05", "00:00:14.250".

One place, so the page, the exports, the brief prompt, the check report, the CLI and the
importer's error messages all show the same moment the same way.
"""

from __future__ import annotations

HOUR = 3600


def clock(seconds: float, with_hours: bool | None = None) -> str:
    """MM:SS, or H:MM:SS from one hour on (as the importer reads it); `with_hours` forces either.

    Truncates like video players do (14.9 s is still 00:14); negative times show as 00:00.
    """
    whole = int(max(0.0, seconds))
    hours, rest = divmod(whole, HOUR)
    minutes, secs = divmod(rest, 60)
    if with_hours or (with_hours is None and hours):
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def vtt_timestamp(ms: int) -> str:
    """A WebVTT cue time, HH:MM:SS.mmm, from whole milliseconds."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"
