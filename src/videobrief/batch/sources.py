"""Batch inputs → an ordered list of sources (local paths or http(s) URLs).

An input may be a file, a folder (walked recursively for media and transcripts), a text file
listing paths or URLs one a line, or `-` for such a list on stdin. A folder is filtered by
what the files *are*: a media suffix, or content that `formats.sniff_transcript` accepts,
so notes and thumbnails in a newsroom share are skipped rather than failed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from videobrief.errors import BadInput
from videobrief.stages.imports import formats

_MEDIA = "wav mp3 m4a aac ogg oga opus flac mp4 m4v mkv webm mov avi ts mts mpg mpeg wmv 3gp"
MEDIA_SUFFIXES = frozenset(f".{s}" for s in _MEDIA.split())
LIST_SUFFIXES = frozenset({".list", ".lst", ".urls", ".paths"})


def is_url(text: str) -> bool:
    """Only http(s): file:// and other schemes are not downloads we mean to make."""
    return text.startswith(("http://", "https://"))


def expand(inputs: Iterable[str], stdin: TextIO | None = None) -> list[str]:
    """Every source named by `inputs`, in order, each once (paths resolved, URLs kept)."""
    seen: set[str] = set()
    out: list[str] = []
    for item in inputs:
        for source in _expand_one(item, stdin or sys.stdin, depth=0):
            if source not in seen:
                seen.add(source)
                out.append(source)
    return out


def _expand_one(item: str, stdin: TextIO, depth: int) -> Iterator[str]:
    item = item.strip()
    if is_url(item):
        yield item
        return
    if item == "-":
        yield from _from_lines(stdin.read().splitlines(), Path.cwd(), stdin, depth)
        return
    path = Path(item).expanduser()
    if not path.exists():
        raise BadInput(f"{item}: no such file or folder")
    if path.is_dir():
        yield from (str(p) for p in scan_folder(path))
    elif _is_list_file(path):
        if depth > 2:
            raise BadInput(f"{item}: list files nest too deeply")
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        yield from _from_lines(lines, path.parent, stdin, depth + 1)
    else:
        yield str(path.resolve())


def _from_lines(lines: list[str], base: Path, stdin: TextIO, depth: int) -> Iterator[str]:
    """Lines of a list: blank lines and `#` comments skipped, relative paths from the list."""
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line) and not Path(line).expanduser().is_absolute():
            line = str(base / line)
        yield from _expand_one(line, stdin, depth)


def _is_list_file(path: Path) -> bool:
    """A `.txt` whose every non-comment line is a URL or an existing path is a list, not a
    transcript; other suffixes in LIST_SUFFIXES always are."""
    if path.suffix.lower() in LIST_SUFFIXES:
        return True
    if path.suffix.lower() != ".txt" or path.stat().st_size > 1 << 20:
        return False
    lines = [
        ln.strip()
        for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()
        if ln.strip() and not ln.strip().startswith("#")
    ]
    return bool(lines) and all(is_url(ln) or (path.parent / ln).exists() for ln in lines)


def is_source_file(path: Path) -> bool:
    """Media by suffix, or a transcript by content (a renamed SRT is still found)."""
    if path.name.startswith(".") or path.suffix in (".part", ".ytdl"):
        return False
    if path.suffix.lower() in MEDIA_SUFFIXES:
        return True
    if not formats.sniff_transcript(path) or _is_list_file(path):
        return False
    if path.suffix.lower() in (".txt", ".md"):  # a README next to the clips is not a transcript
        return _has_timestamps(path)
    return True


def _has_timestamps(path: Path) -> bool:
    head = path.read_bytes()[: formats.SNIFF_BYTES]
    text = head.decode("utf-8", errors="replace")
    return formats.has_timed_line(text)


def scan_folder(folder: Path) -> list[Path]:
    """Media and transcript files under `folder`, sorted, hidden entries skipped."""
    found = []
    for path in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if path.is_file() and is_source_file(path):
            found.append(path.resolve())
    return found
