"""Media files for the player: content type by what the file is, byte ranges by Starlette.

Starlette's FileResponse answers `Range: bytes=…` with 206 and Content-Range, which is what lets
a browser seek in a long video without downloading it first.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import av

_TYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "matroska,webm": "video/webm",
}


@lru_cache(maxsize=1024)
def _probe_type(path: str, mtime: float) -> tuple[str, bool] | None:
    # Open the container only (`videobrief.media.probe` would also hash every byte of the file).
    try:
        with av.open(path, metadata_errors="ignore") as container:
            if not container.streams.audio:
                return None
            fmt, has_video = container.format.name, bool(container.streams.video)
    except (av.FFmpegError, OSError, UnicodeDecodeError):
        return None
    if fmt.startswith("mov,mp4"):
        return ("video/mp4" if has_video else "audio/mp4"), has_video
    return _TYPES.get(fmt, "application/octet-stream"), has_video


def media_type(path: Path) -> tuple[str, bool] | None:
    """(MIME type, has video) of a playable file, or None if missing or not media."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _probe_type(str(path), mtime)
