"""videobrief's speech stage against plain faster-whisper, same model, beam and VAD.

Prints `ratio=<videobrief/plain>` for wall time on the demo (target ≤ 1.10), and with
`--rss-minutes N` the peak RSS of the whole `videobrief run` pipeline on an N-minute file
(target for 30 min: ≤ 1.5 GB), next to plain faster-whisper's on the same file.

    .venv/bin/python bench/asr_vs_plain.py [--audio FILE] [--repeat 2] [--rss-minutes 30]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

from videobrief.media import decode_audio
from videobrief.models.whisper import load_model
from videobrief.stages.speech.asr import transcribe
from videobrief.stages.speech.options import SpeechOptions

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("VIDEOBRIEF_CACHE_DIR", ROOT / "data" / "cache"))

PLAIN_CHILD = """
import sys
from faster_whisper import WhisperModel
from videobrief.media import decode_audio
from videobrief.models.whisper import bundled_model_dir
from pathlib import Path
model = WhisperModel(str(bundled_model_dir(Path(sys.argv[2]))), device="cpu",
                     compute_type="int8", cpu_threads=2)
segments, _ = model.transcribe(decode_audio(Path(sys.argv[1])), beam_size=5, vad_filter=True,
                               word_timestamps=True)
print(sum(1 for _ in segments))
"""


def plain(model, audio: np.ndarray) -> int:
    segments, _ = model.transcribe(audio, beam_size=5, vad_filter=True, word_timestamps=True)
    return sum(1 for _ in segments)


def ours(model, audio: np.ndarray) -> int:
    return len(transcribe(audio, model, SpeechOptions()))


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def speed(audio_path: Path, repeat: int) -> None:
    model = load_model("base", str(CACHE), 2)
    audio = decode_audio(audio_path)
    plain(model, audio[: 16000 * 5])  # warm-up: first call pays one-off initialisation
    plain_times, our_times = [], []
    for _ in range(repeat):  # alternate so both see the same machine state
        plain_times.append(timed(plain, model, audio))
        our_times.append(timed(ours, model, audio))
    p, o = min(plain_times), min(our_times)
    seconds = len(audio) / 16000
    print(f"audio={audio_path.name} seconds={seconds:.1f} repeat={repeat}")
    print(f"plain faster-whisper: {p:.2f} s (RTF {p / seconds:.3f})")
    print(f"videobrief speech:    {o:.2f} s (RTF {o / seconds:.3f})")
    print(f"ratio={o / p:.3f}")


def long_wav(minutes: int, source: Path, target: Path) -> None:
    """Tile real speech to `minutes`, written as 16-bit PCM WAV (streamed, not held)."""
    clip = (np.clip(decode_audio(source), -1, 1) * 32767).astype("<i2").tobytes()
    need = minutes * 60 * 16000 * 2
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        written = 0
        while written < need:
            part = clip[: need - written]
            out.writeframes(part)
            written += len(part)


def peak_rss_mb(cmd: list[str]) -> tuple[float, float]:
    """Run `cmd` as a child; return (its peak RSS in MB, wall seconds)."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(after, before) / 1024, time.perf_counter() - start


def memory(minutes: int, source: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / f"long-{minutes}min.wav"
        long_wav(minutes, source, wav)
        ours_cmd = [
            sys.executable,
            "-m",
            "videobrief",
            "run",
            str(wav),
            "--out",
            f"{tmp}/out",
            "--data-dir",
            f"{tmp}/data",
            "--threads",
            "2",
        ]
        env_cache = {"VIDEOBRIEF_CACHE_DIR": str(CACHE)}
        os.environ.update(env_cache)
        our_rss, our_s = peak_rss_mb(ours_cmd)
        plain_rss, plain_s = peak_rss_mb([sys.executable, "-c", PLAIN_CHILD, str(wav), str(CACHE)])
    print(
        f"{minutes}-minute file: videobrief run peak RSS {our_rss:.0f} MB in {our_s:.0f} s; "
        f"plain faster-whisper peak RSS {plain_rss:.0f} MB in {plain_s:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, default=ROOT / "examples" / "demo.mp4")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--rss-minutes", type=int, default=0)
    args = parser.parse_args()
    speed(args.audio, args.repeat)
    if args.rss_minutes:
        memory(args.rss_minutes, args.audio)


if __name__ == "__main__":
    main()
