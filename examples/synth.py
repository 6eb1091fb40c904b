"""Shared helpers that turn real text into 16 kHz mono speech with Debian festival.

Used by ``examples/make_demo.py`` and ``tests/fixtures/make_codeswitch.py`` so that the demo video
and the code-switching test fixture are built the same way and can be regenerated from committed
text alone. Nothing here downloads anything: festival (``text2wave``) and its voices come from
Debian packages ``festival``, ``festvox-ru`` and ``festvox-us-slt-hts``.

Why the care around festival: ``text2wave`` exits 0 even when it fails (for example on an
abbreviation such as "т.е." or on a typographic dash it cannot pronounce it writes an empty,
invalid WAV), so every WAV is decoded and checked, and the text is screened beforehand for
characters the Russian letter-to-sound rules do not know.

Import from another directory by putting this file's directory on ``sys.path`` first (see
``tests/fixtures/make_codeswitch.py``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

SAMPLE_RATE = 16_000
GAP_SECONDS = 0.6
EDGE_SECONDS = 0.3
VOICES = {
    "en": "(voice_cmu_us_slt_arctic_hts)",
    "ru": "(voice_msu_ru_nsh_clunits)",
}
# Characters the voices are known to read; anything else (dashes, digits, "№", quotes) makes the
# Russian voice write an empty file or read something other than the reference text.
_ALLOWED = {
    "en": re.compile(r"[A-Za-z ,.?!'-]+"),
    "ru": re.compile(r"[А-Яа-яЁё ,.?!-]+"),
}
# Samples quieter than this (int16 scale) at the edges of an utterance count as silence.
_SILENCE_LEVEL = 300
_EDGE_PAD = int(0.03 * SAMPLE_RATE)


class SynthesisError(RuntimeError):
    """Raised when festival is missing or produced audio that cannot be trusted."""


@dataclass(frozen=True)
class Line:
    """One utterance to synthesise: the language picks the festival voice."""

    lang: str
    text: str


@dataclass(frozen=True)
class Piece:
    """Where one synthesised line sits in the assembled audio (seconds)."""

    lang: str
    start: float
    end: float
    text: str


def require_text2wave() -> str:
    """Return the text2wave path, or exit with a message saying which packages to install."""
    path = shutil.which("text2wave")
    if path is None:
        sys.exit(
            "error: text2wave not found. Install Debian packages: "
            "apt-get install festival festvox-ru festvox-us-slt-hts"
        )
    return path


def check_text(line: Line) -> None:
    """Reject text festival would silently mangle, so the reference text is what is heard."""
    if line.lang not in VOICES:
        raise SynthesisError(f"unknown language {line.lang!r} for: {line.text}")
    if not _ALLOWED[line.lang].fullmatch(line.text):
        bad = sorted(set(_ALLOWED[line.lang].sub("", line.text)))
        raise SynthesisError(f"unsupported characters {bad} in {line.lang} line: {line.text}")


def _run_text2wave(text2wave: str, line: Line, workdir: Path) -> Path:
    """Run festival on one line and return the WAV it wrote (not yet validated)."""
    txt, wav = workdir / "line.txt", workdir / "line.wav"
    txt.write_text(line.text + "\n", encoding="utf-8")
    wav.unlink(missing_ok=True)
    cmd = [text2wave, "-eval", VOICES[line.lang], str(txt), "-o", str(wav), "-F", str(SAMPLE_RATE)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or "no rule matches" in proc.stderr:
        raise SynthesisError(f"text2wave failed on {line.text!r}: {proc.stderr.strip()}")
    return wav


def read_wav_16k_mono(path: Path) -> np.ndarray:
    """Decode a WAV with PyAV as int16 16 kHz mono; fail if it is unreadable or empty."""
    try:
        with av.open(str(path)) as container:
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            chunks = [
                out.to_ndarray().reshape(-1)
                for frame in container.decode(audio=0)
                for out in resampler.resample(frame)
            ]
            chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    except (av.error.FFmpegError, OSError) as exc:
        raise SynthesisError(f"invalid WAV from festival: {path}: {exc}") from exc
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
    if samples.size == 0:
        raise SynthesisError(f"festival wrote a WAV with no audio: {path}")
    return samples.astype(np.int16)


def trim_silence(samples: np.ndarray) -> np.ndarray:
    """Cut festival's leading/trailing silence so reference times mark the speech itself."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > _SILENCE_LEVEL)
    if loud.size == 0:
        raise SynthesisError("festival produced only silence")
    start = max(int(loud[0]) - _EDGE_PAD, 0)
    end = min(int(loud[-1]) + _EDGE_PAD + 1, samples.size)
    return samples[start:end]


def synthesize(line: Line, text2wave: str, workdir: Path) -> np.ndarray:
    """Speak one line and return trimmed int16 16 kHz mono samples."""
    check_text(line)
    wav = _run_text2wave(text2wave, line, workdir)
    return trim_silence(read_wav_16k_mono(wav))


def assemble(lines: Sequence[Line], text2wave: str) -> tuple[np.ndarray, list[Piece]]:
    """Synthesise lines in order, joined by GAP_SECONDS of silence, and record exact times.

    Times come from sample counts, so the reference is exact by construction.
    """
    gap = np.zeros(int(GAP_SECONDS * SAMPLE_RATE), dtype=np.int16)
    parts: list[np.ndarray] = [np.zeros(int(EDGE_SECONDS * SAMPLE_RATE), dtype=np.int16)]
    pieces: list[Piece] = []
    cursor = parts[0].size
    with tempfile.TemporaryDirectory(prefix="videobrief-synth-") as tmp:
        for index, line in enumerate(lines):
            if index:
                parts.append(gap)
                cursor += gap.size
            speech = synthesize(line, text2wave, Path(tmp))
            pieces.append(_piece(line, cursor, cursor + speech.size))
            parts.append(speech)
            cursor += speech.size
    parts.append(np.zeros(int(EDGE_SECONDS * SAMPLE_RATE), dtype=np.int16))
    return np.concatenate(parts), pieces


def _piece(line: Line, start_sample: int, end_sample: int) -> Piece:
    """Build a Piece with times rounded to the millisecond for a readable reference file."""
    return Piece(
        lang=line.lang,
        start=round(start_sample / SAMPLE_RATE, 3),
        end=round(end_sample / SAMPLE_RATE, 3),
        text=line.text,
    )


def write_reference(path: Path, pieces: Iterable[Piece]) -> None:
    """Write the {"pieces": [...]} reference that tests and benchmarks compare against."""
    payload = {
        "pieces": [{"lang": p.lang, "start": p.start, "end": p.end, "text": p.text} for p in pieces]
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def add_aac_stream(container: av.container.OutputContainer, bit_rate: int) -> av.AudioStream:
    """Add a mono 16 kHz AAC stream; low bitrate keeps committed media small."""
    stream = container.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
    stream.bit_rate = bit_rate
    return stream


def encode_audio(
    container: av.container.OutputContainer, stream: av.AudioStream, samples: np.ndarray
) -> None:
    """Encode int16 mono samples into an audio stream, frame by frame, and flush it."""
    frame_size = 1024
    for offset in range(0, samples.size, frame_size):
        chunk = samples[offset : offset + frame_size].reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(chunk, format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = offset
        frame.time_base = Fraction(1, SAMPLE_RATE)
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def write_m4a(path: Path, samples: np.ndarray, bit_rate: int = 32_000) -> None:
    """Write int16 mono 16 kHz samples to an AAC .m4a file."""
    with av.open(str(path), mode="w", format="ipod") as container:
        stream = add_aac_stream(container, bit_rate)
        encode_audio(container, stream, samples)


def media_duration(path: Path) -> float:
    """Return the longest stream duration of a media file in seconds, for sanity reports."""
    with av.open(str(path)) as container:
        return max(
            float(s.duration * s.time_base) for s in container.streams if s.duration is not None
        )
