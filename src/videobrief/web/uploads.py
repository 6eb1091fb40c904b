"""Receiving an upload: size-limited, streamed to disk, checked by decoding, stored by hash.

Nothing from the client becomes a path: the file is written to a random temporary name in the
uploads folder, then renamed to its sha256. The original file name is kept only as a label.
Media whose header declares more audio than the worker accepts (`media.MAX_SECONDS`), or an
impossible rate or channel count, is refused with 422 before it is queued: a 65 KB file can
declare 18 hours.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import av
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from videobrief.errors import BadInput
from videobrief.media import MediaRefused, probe

_CHUNK = 1 << 20
_DECODE_FRAMES = 5


class UploadError(Exception):
    """An upload refused with an HTTP status and a reason for the person who sent it."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


async def _limited(request: Request, limit: int) -> AsyncIterator[bytes]:
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > limit:
            raise UploadError(413, f"upload too large (limit {limit} bytes)")
        yield chunk


def safe_label(filename: str | None) -> str:
    """The client's file name reduced to a display label (no folders, no control chars)."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    return base[:200] or "upload"


def check_media(path: Path) -> None:
    """Refuse anything that does not decode as audio (the extension is never consulted), and
    audio the worker would refuse for what it declares (`MediaRefused`)."""
    probe(path)  # container opens, has an audio stream, declares acceptable audio
    try:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            for n, _frame in enumerate(container.decode(stream)):
                if n + 1 >= _DECODE_FRAMES:
                    return
    except (av.FFmpegError, IndexError) as exc:
        raise BadInput(f"the audio does not decode ({type(exc).__name__})") from exc


def _store_by_hash(upload: UploadFile, folder: Path) -> tuple[Path, str]:
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".part-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            upload.file.seek(0)
            while block := upload.file.read(_CHUNK):
                digest.update(block)
                out.write(block)
        if tmp.stat().st_size == 0:
            raise UploadError(422, "the file is empty")
        try:
            check_media(tmp)
        except MediaRefused as exc:
            raise UploadError(422, str(exc).replace(str(tmp), "upload")) from exc
        except BadInput as exc:
            reason = str(exc).replace(str(tmp), "upload")
            raise UploadError(415, f"not a media file we can decode: {reason}") from exc
        final = folder / digest.hexdigest()
        os.replace(tmp, final)
        return final, digest.hexdigest()
    finally:
        tmp.unlink(missing_ok=True)


async def receive(request: Request, folder: Path, limit: int) -> tuple[Path, str, str]:
    """Parse a multipart body with one `file` part; returns (stored path, sha256, label)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise UploadError(413, f"upload too large (limit {limit} bytes)")
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UploadError(415, "send the file as multipart/form-data in a field named 'file'")
    parser = MultiPartParser(request.headers, _limited(request, limit), max_files=1, max_fields=8)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise UploadError(400, f"bad multipart body: {exc.message}") from exc
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise UploadError(422, "no file in the 'file' field")
        path, sha = await run_in_threadpool(_store_by_hash, upload, folder)
        return path, sha, safe_label(upload.filename)
    finally:
        await form.close()
