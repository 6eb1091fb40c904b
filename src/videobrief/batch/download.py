"""http(s) URLs → local media files through yt-dlp (the optional `url` extra).

A download is checkpointed twice: yt-dlp writes `<name>.part` and, when it is started again
after a crash, asks the server for the remaining bytes (HTTP Range) instead of starting over;
and a finished download is remembered by its URL in the data folder, so a rerun of the batch
does not even contact the server. Every socket read has a timeout, so a stalled host fails
that one input instead of hanging the batch.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from videobrief.errors import BadInput

DEFAULT_TIMEOUT = 30.0


def download_dir(data_dir: Path) -> Path:
    return data_dir / "downloads"


def _stem(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:20]


def _done_marker(folder: Path, url: str) -> Path:
    return folder / f"{_stem(url)}.done.json"


def fetch(url: str, data_dir: Path, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """The local file for `url`, downloading (or resuming) it into `data_dir/downloads`."""
    folder = download_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    marker = _done_marker(folder, url)
    if marker.exists():
        path = Path(json.loads(marker.read_text())["path"])
        if path.exists():
            return path
    path = _run_yt_dlp(url, folder, timeout)
    marker.write_text(json.dumps({"url": url, "path": str(path)}))
    return path


def _options(folder: Path, url: str, timeout: float) -> dict[str, Any]:
    return {
        "outtmpl": str(folder / f"{_stem(url)}.%(ext)s"),
        "continuedl": True,  # resume <name>.part with a Range request
        "nopart": False,
        "socket_timeout": timeout,
        "retries": 2,
        "fragment_retries": 2,
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "noplaylist": True,
        "overwrites": False,
        "cachedir": False,
        "format": "best",
    }


def _run_yt_dlp(url: str, folder: Path, timeout: float) -> Path:
    try:
        import yt_dlp
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise BadInput(f"{url}: URLs need the 'url' extra (pip install videobrief[url])") from exc
    try:
        with yt_dlp.YoutubeDL(_options(folder, url, timeout)) as ydl:
            info = ydl.extract_info(url, download=True)
            path = Path(ydl.prepare_filename(info))
    except yt_dlp.utils.DownloadError as exc:
        raise BadInput(f"{url}: download failed ({_first_line(exc)})") from exc
    if not path.exists():
        raise BadInput(f"{url}: download produced no file")
    return path


def _first_line(exc: Exception) -> str:
    text = str(exc).replace("ERROR: ", "").strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
