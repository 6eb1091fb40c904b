"""Sources → identity, metadata and 16 kHz mono audio, through PyAV (FFmpeg inside the wheel).

The identity of a video is the sha256 of its bytes, so the same file under another name is
recognised and not processed twice. Decoding streams frame by frame into one preallocated
array: a 2-hour file never exists as a list of frames *and* a concatenated copy.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import av
import numpy as np

from videobrief.errors import BadInput
from videobrief.records import MediaInfo

# Every audio array in videobrief is mono float32 at this rate: Whisper, silero VAD and the
# speaker encoders all take 16 kHz. The one definition; import it from here.
SAMPLE_RATE = 16000
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """Hash the file in 1 MiB reads (never the whole file in memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise BadInput(f"{path}: no such file")
    if path.is_dir():
        raise BadInput(f"{path}: is a folder, not a media file")
    if path.stat().st_size == 0:
        raise BadInput(f"{path}: empty file (0 bytes)")
    try:
        return av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: not a media file FFmpeg can read ({_reason(exc)})") from exc


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or type(exc).__name__


def probe(path: Path) -> MediaInfo:
    """Read container facts without decoding; reject files with no audio stream."""
    with _open(path) as container:
        if not container.streams.audio:
            raise BadInput(f"{path}: has no audio stream")
        stream = container.streams.audio[0]
        duration = _duration(container, stream)
        return MediaInfo(
            path=str(path),
            sha256=sha256_file(path),
            size_bytes=path.stat().st_size,
            duration=duration,
            has_video=bool(container.streams.video),
            container=container.format.name,
        )


def _duration(container: av.container.InputContainer, stream: av.AudioStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def decode_audio(path: Path, expected_seconds: float = 0.0) -> np.ndarray:
    """Decode the first audio stream to float32 mono at 16 kHz.

    Samples are written into a buffer sized from the container's duration and grown by
    halves if the estimate was short, then trimmed in place: one copy of the audio at a time.
    """
    buffer = np.empty(int((expected_seconds + 1.0) * SAMPLE_RATE), dtype=np.float32)
    filled = 0
    with _open(path) as container:
        if not container.streams.audio:
            raise BadInput(f"{path}: has no audio stream")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    buffer, filled = _append(buffer, filled, out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                buffer, filled = _append(buffer, filled, out.to_ndarray().reshape(-1))
        except av.FFmpegError as exc:
            at = filled / SAMPLE_RATE
            raise BadInput(f"{path}: corrupt or truncated media at {at:.1f} s ({exc})") from exc
    if filled == 0:
        raise BadInput(f"{path}: the audio stream holds no samples (zero-length audio)")
    buffer.resize(filled, refcheck=False)
    return buffer


def _append(buffer: np.ndarray, filled: int, samples: np.ndarray) -> tuple[np.ndarray, int]:
    need = filled + samples.size
    if need > buffer.size:
        buffer.resize(max(need, buffer.size + buffer.size // 2 + SAMPLE_RATE), refcheck=False)
    buffer[filled:need] = samples
    return buffer, need
