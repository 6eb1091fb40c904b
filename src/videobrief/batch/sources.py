"""Batch inputs → an ordered list of sources (local paths or http(s) URLs).

An input may be a file, a folder (walked recursively for media and transcripts), a text file
listing paths or URLs one a line, or `-` for such a list on stdin. A folder is filtered by
what the files *are*: a media suffix, or content that `formats.sniff_transcript` accepts,
so notes and thumbnails in a newsroom share are skipped rather than failed.

A `.txt` is a list only if every line names an existing path or a URL; a line that cannot
be a path at all (a paragraph of a transcript page, longer than a file name may be) makes it
not a list, so a scraped transcript page is a source. An input that names nothing (a missing
path, an unreadable list) is refused on its own and never stops the rest of the batch.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from videobrief.stages.imports import formats

_MEDIA = "wav mp3 m4a aac ogg oga opus flac mp4 m4v mkv webm mov avi ts mts mpg mpeg wmv 3gp"
MEDIA_SUFFIXES = frozenset(f".{s}" for s in _MEDIA.split())
LIST_SUFFIXES = frozenset({".list", ".lst", ".urls", ".paths"})


def is_url(text: str) -> bool:
    """Only http(s): file:// and other schemes are not downloads we mean to make."""
    return text.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Refused:
    """An input that names no source, and why (one line for the user)."""

    input: str
    reason: str


@dataclass
class Expansion:
    """What the inputs named: sources in order, each once, and the inputs refused."""

    sources: list[str] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def expand(inputs: Iterable[str], stdin: TextIO | None = None) -> Expansion:
    """Every source named by `inputs`, in order, each once (paths resolved, URLs kept); an
    input that names none is refused alone, and the others are still expanded."""
    out = Expansion()
    seen: set[str] = set()
    for item in inputs:
        for source in _expand_one(item, stdin or sys.stdin, 0, out):
            if source not in seen:
                seen.add(source)
                out.sources.append(source)
    return out


def _expand_one(item: str, stdin: TextIO, depth: int, out: Expansion) -> Iterator[str]:
    item = item.strip()
    if is_url(item):
        yield item
        return
    if item == "-":
        yield from _from_lines(stdin.read().splitlines(), Path.cwd(), stdin, depth, out)
        return
    path = _user_path(item)
    if not _exists(path):
        out.refused.append(Refused(item, f"{_short(item)}: no such file or folder"))
    elif path.is_dir():
        yield from (str(p) for p in scan_folder(path))
    elif _is_list_file(path):
        if depth > 2:
            out.refused.append(Refused(item, f"{item}: list files nest too deeply"))
            return
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            out.refused.append(Refused(item, f"{item}: cannot read ({exc.strerror or exc})"))
            return
        yield from _from_lines(lines, path.parent, stdin, depth + 1, out)
    else:
        yield str(path.resolve())


def _from_lines(
    lines: list[str], base: Path, stdin: TextIO, depth: int, out: Expansion
) -> Iterator[str]:
    """Lines of a list: blank lines and `#` comments skipped, relative paths from the list."""
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line) and not _user_path(line).is_absolute():
            line = str(base / line)
        yield from _expand_one(line, stdin, depth, out)


def _user_path(text: str) -> Path:
    """`text` as a path with `~` expanded; as written when `~name` names no user."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        return Path(text)


def _exists(path: Path) -> bool:
    """Whether `path` exists; False for text that cannot be a path at all (a name longer than
    the file system allows, a NUL byte), which `Path.exists` raises for."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_list_file(path: Path) -> bool:
    """A `.txt` whose every non-comment line is a URL or an existing path is a list, not a
    transcript; other suffixes in LIST_SUFFIXES always are. A line that cannot be a path
    means "not a list"."""
    if path.suffix.lower() in LIST_SUFFIXES:
        return True
    try:
        if path.suffix.lower() != ".txt" or path.stat().st_size > 1 << 20:
            return False
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False  # unreadable: processing it as a source says why
    lines = [
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")
    ]
    return bool(lines) and all(is_url(ln) or _exists(path.parent / _user_path(ln)) for ln in lines)


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
