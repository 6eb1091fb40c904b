"""Test helpers that build real media files with PyAV (FFmpeg inside the wheel)."""

from __future__ import annotations

import struct
import wave
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

# container suffix → (audio codec, video codec or None)
FORMATS: dict[str, tuple[str, str | None]] = {
    ".wav": ("pcm_s16le", None),
    ".mp3": ("libmp3lame", None),
    ".m4a": ("aac", None),
    ".ogg": ("libopus", None),
    ".flac": ("flac", None),
    ".mp4": ("aac", "libx264"),
    ".mkv": ("libopus", "libx264"),
    ".webm": ("libopus", "libvpx"),
    ".mov": ("aac", "libx264"),
}


def write_wav(path: Path, samples: np.ndarray, rate: int = 16000) -> Path:
    """Write float samples in [-1, 1] as 16-bit mono PCM."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def encode(samples: np.ndarray, path: Path, rate: int = 16000) -> Path:
    """Encode mono float32 samples into `path`, picking codecs from its suffix."""
    audio_codec, video_codec = FORMATS[path.suffix]
    with av.open(str(path), "w") as out:
        astream = out.add_stream(audio_codec, rate=48000 if "opus" in audio_codec else rate)
        astream.layout = "mono"
        vstream = _video_stream(out, video_codec) if video_codec else None
        _write_audio(out, astream, samples, rate)
        if vstream is not None:
            _write_video(out, vstream, len(samples) / rate)
    return path


def _video_stream(out: av.container.OutputContainer, codec: str) -> av.VideoStream:
    stream = out.add_stream(codec, rate=2)
    stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
    return stream


def _write_audio(out, stream, samples: np.ndarray, rate: int) -> None:
    resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=stream.rate)
    block = rate // 10
    for i in range(0, len(samples), block):
        chunk = samples[i : i + block].astype(np.float32).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
        frame.sample_rate = rate
        frame.pts = None
        for resampled in resampler.resample(frame):
            out.mux(stream.encode(resampled))
    for resampled in resampler.resample(None):
        out.mux(stream.encode(resampled))
    out.mux(stream.encode(None))


def _write_video(out, stream, seconds: float) -> None:
    image = np.full((64, 64, 3), 40, dtype=np.uint8)
    for i in range(max(1, int(seconds * 2))):
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts = i
        frame.time_base = Fraction(1, 2)
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


def declared_wav(path: Path, rate: int, samples: int, channels: int = 1) -> Path:
    """An 8-bit PCM WAV of `samples` silent frames at `rate` Hz, header written by hand (the
    `wave` module and FFmpeg refuse to write the absurd rates hostile files declare)."""
    data = samples * channels
    fmt = struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * channels, channels, 8)
    header = b"RIFF" + struct.pack("<I", 36 + data) + b"WAVEfmt " + fmt
    path.write_bytes(header + b"data" + struct.pack("<I", data) + b"\x80" * data)
    return path


def flac_declaring(path: Path, samples: np.ndarray, declared_seconds: float) -> Path:
    """A real FLAC of `samples` (16 kHz) whose STREAMINFO declares `declared_seconds`: FFmpeg
    takes a FLAC's duration from that header field, so this is a file that lies about its
    length either way."""
    encode(samples, path)
    data = bytearray(path.read_bytes())
    assert data[:4] == b"fLaC" and data[4] & 0x7F == 0  # STREAMINFO comes first
    at = 18  # rate (20 bits), channels (3), bits (5), total samples (36): one big-endian u64
    fields = int.from_bytes(data[at : at + 8], "big")
    total = int(declared_seconds * 16000)
    fields = (fields & ~((1 << 36) - 1)) | total
    data[at : at + 8] = fields.to_bytes(8, "big")
    path.write_bytes(bytes(data))
    return path
