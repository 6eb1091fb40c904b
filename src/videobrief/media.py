"""Sources → identity, metadata and 16 kHz mono audio, through PyAV (FFmpeg inside the wheel).

The identity of a video is the sha256 of its bytes, so the same file under another name is
recognised and not processed twice. Decoding streams frame by frame into one preallocated
array: a 2-hour file never exists as a list of frames *and* a concatenated copy.

A file's size says little about the audio it holds: 65 KB of 8-bit samples declared at 1 Hz
are 18 hours, and 4 GB once resampled to 16 kHz. So `probe` reads what the header declares
(duration, sample rate, channels) and refuses what is over the limit before a sample is
decoded, and `decode_audio` stops at the same limit whatever the header said, so memory is
bounded by the limit and one frame, never by the file's claims.
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

# The longest audio accepted by default (`--max-duration`): a long broadcast or hearing, and
# 1.4 GB as 16 kHz float32.
MAX_SECONDS = 6 * 3600.0
# Below this a file holds no speech band (telephone audio is 8 kHz): it is a forged or broken
# header, and every sample of it becomes SAMPLE_RATE / rate samples when resampled.
MIN_RATE = 4000
# More than any broadcast layout (SDI carries 16); each is mixed down to mono frame by frame.
MAX_CHANNELS = 64


class MediaRefused(BadInput):
    """Media that opens but is refused for what it declares or holds: too long, too low a rate,
    too many channels. The web answers it with 422 (the file is media, just not acceptable)."""


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


def _span(seconds: float) -> str:
    """A length for a message: "5 s", "45 min", "18.2 h"."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h".replace(".0 h", " h")


def probe(path: Path, max_seconds: float | None = MAX_SECONDS) -> MediaInfo:
    """Read container facts without decoding; refuse files with no audio stream, and (before
    the file is hashed) audio whose declared rate, channels or duration is out of bounds.

    `max_seconds` None accepts any duration (callers that only want the facts).
    """
    with _open(path) as container:
        if not container.streams.audio:
            raise BadInput(f"{path}: has no audio stream")
        stream = container.streams.audio[0]
        duration = _duration(container, stream)
        _check_declared(path, stream, duration, max_seconds)
        return MediaInfo(
            path=str(path.resolve()),  # stored for the player: valid from any working folder
            sha256=sha256_file(path),
            size_bytes=path.stat().st_size,
            duration=duration,
            has_video=bool(container.streams.video),
            container=container.format.name,
        )


def _check_declared(
    path: Path, stream: av.AudioStream, duration: float, max_seconds: float | None
) -> None:
    rate, channels = stream.rate or 0, stream.channels or 0
    if rate < MIN_RATE:
        raise MediaRefused(
            f"{path}: declares audio at {rate} Hz, below the {MIN_RATE} Hz any speech recording "
            "has (a broken or forged header); refused before decoding"
        )
    if channels > MAX_CHANNELS:
        raise MediaRefused(
            f"{path}: declares {channels} audio channels, more than the {MAX_CHANNELS} "
            "any broadcast layout has; refused before decoding"
        )
    if max_seconds is not None and duration > max_seconds:
        raise MediaRefused(
            f"{path}: declares {_span(duration)} of audio, over the --max-duration limit "
            f"of {_span(max_seconds)}; refused before decoding"
        )


def _duration(container: av.container.InputContainer, stream: av.AudioStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def decode_audio(
    path: Path, expected_seconds: float = 0.0, max_seconds: float = MAX_SECONDS
) -> np.ndarray:
    """Decode the first audio stream to float32 mono at 16 kHz.

    Samples are written into a buffer sized from the container's duration (never past
    `max_seconds`) and grown by halves if the estimate was short, then trimmed in place: one
    copy of the audio at a time. A stream that holds more than `max_seconds`, whatever its
    header declared, is refused as soon as it passes the limit (`MediaRefused`).
    """
    expected = min(max(expected_seconds, 0.0), max_seconds)
    buffer = np.empty(int((expected + 1.0) * SAMPLE_RATE), dtype=np.float32)
    limit = int(max_seconds * SAMPLE_RATE)
    filled = 0
    with _open(path) as container:
        if not container.streams.audio:
            raise BadInput(f"{path}: has no audio stream")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    buffer, filled = _append(buffer, filled, _samples(out, filled, limit, path))
            for out in resampler.resample(None):
                buffer, filled = _append(buffer, filled, _samples(out, filled, limit, path))
        except av.FFmpegError as exc:
            at = filled / SAMPLE_RATE
            raise BadInput(f"{path}: corrupt or truncated media at {at:.1f} s ({exc})") from exc
    if filled == 0:
        raise BadInput(f"{path}: the audio stream holds no samples (zero-length audio)")
    buffer.resize(filled, refcheck=False)
    return buffer


def _samples(frame: av.AudioFrame, filled: int, limit: int, path: Path) -> np.ndarray:
    """One resampled frame's samples, refused if they take the audio past `limit`."""
    if filled + frame.samples > limit:
        raise MediaRefused(
            f"{path}: decodes to more than {_span(limit / SAMPLE_RATE)} of audio, over the "
            "--max-duration limit (whatever its header declared)"
        )
    return frame.to_ndarray().reshape(-1)


def _append(buffer: np.ndarray, filled: int, samples: np.ndarray) -> tuple[np.ndarray, int]:
    need = filled + samples.size
    if need > buffer.size:
        buffer.resize(max(need, buffer.size + buffer.size // 2 + SAMPLE_RATE), refcheck=False)
    buffer[filled:need] = samples
    return buffer, need
