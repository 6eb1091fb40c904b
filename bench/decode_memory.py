"""Peak memory of decoding against audio length: is it the audio array and nothing more?

    PYTHONPATH=src .venv/bin/python bench/decode_memory.py [--minutes 30 120] [--bomb]

For each length a synthetic file is written (the demo's speech tiled, as 16-bit PCM WAV at
48 kHz stereo, so decoding resamples and downmixes as it does for a broadcast file), then a
fresh child process probes it and decodes it the way the decode stage does; its peak RSS
(`resource.getrusage`) is printed next to the size of the 16 kHz float32 array it must hold
(3.84 MB a minute). `--bomb` also times the refusal of a 65,580-byte WAV whose header declares
1 Hz 8-bit mono, 18 h 12 min of audio.
"""

from __future__ import annotations

import argparse
import json
import struct
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RATE, CHANNELS = 48_000, 2

CHILD = """
import json, resource, sys, time
from pathlib import Path
from videobrief.media import SAMPLE_RATE, decode_audio, probe
path = Path(sys.argv[1])
start = time.perf_counter()
info = probe(path)
audio = decode_audio(path, info.duration)
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"audio_s": len(audio) / SAMPLE_RATE, "peak_mb": peak_mb, "wall_s": seconds}))
"""

BOMB_CHILD = """
import json, resource, sys, time
from pathlib import Path
from videobrief.errors import BadInput
from videobrief.media import probe
start = time.perf_counter()
try:
    probe(Path(sys.argv[1]))
    outcome = "accepted"
except BadInput as exc:
    outcome = f"refused: {exc}"
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"outcome": outcome, "peak_mb": peak_mb, "wall_s": seconds}))
"""


def synthetic_wav(minutes: float, target: Path) -> None:
    """The demo's speech tiled to `minutes`, 48 kHz stereo 16-bit, streamed to disk."""
    from videobrief.media import SAMPLE_RATE, decode_audio

    speech = decode_audio(ROOT / "examples" / "demo.mp4")
    up = np.interp(
        np.arange(len(speech) * RATE // SAMPLE_RATE) * SAMPLE_RATE / RATE,
        np.arange(len(speech)),
        speech,
    )
    pcm = (np.clip(up, -1, 1) * 32767).astype("<i2")
    frames = np.repeat(pcm, CHANNELS).tobytes()
    need = int(minutes * 60 * RATE) * CHANNELS * 2
    with wave.open(str(target), "wb") as out:
        out.setnchannels(CHANNELS)
        out.setsampwidth(2)
        out.setframerate(RATE)
        written = 0
        while written < need:
            part = frames[: need - written]
            out.writeframes(part)
            written += len(part)


def bomb_wav(target: Path) -> None:
    """44-byte header + 65,536 one-byte samples at 1 Hz: 65,536 s declared (and real)."""
    data = 65_536
    fmt = struct.pack("<IHHIIHH", 16, 1, 1, 1, 1, 1, 8)
    header = b"RIFF" + struct.pack("<I", 36 + data) + b"WAVEfmt " + fmt
    target.write_bytes(header + b"data" + struct.pack("<I", data) + b"\x80" * data)


def child(code: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[30, 120])
    parser.add_argument("--bomb", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.bomb:
            bomb = Path(tmp) / "bomb.wav"
            bomb_wav(bomb)
            started = time.perf_counter()
            r = child(BOMB_CHILD, bomb)
            print(
                f"bomb (65,580 bytes, declares 18:12:16 at 1 Hz): {r['outcome']}; "
                f"probe {r['wall_s']:.3f} s, child peak RSS {r['peak_mb']:.0f} MB, "
                f"child wall {time.perf_counter() - started:.2f} s"
            )
        for minutes in args.minutes:
            wav = Path(tmp) / f"long-{minutes:g}min.wav"
            synthetic_wav(minutes, wav)
            r = child(CHILD, wav)
            array_mb = r["audio_s"] * 16_000 * 4 / 1e6
            print(
                f"{minutes:g} min ({wav.stat().st_size / 1e6:.0f} MB WAV, 48 kHz stereo): "
                f"decode peak RSS {r['peak_mb']:.0f} MB, array {array_mb:.0f} MB, "
                f"overhead {r['peak_mb'] * 1.048576 - array_mb:.0f} MB, {r['wall_s']:.1f} s"
            )
            wav.unlink()


if __name__ == "__main__":
    main()
