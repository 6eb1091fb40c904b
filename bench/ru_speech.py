"""Real Russian read speech from a Debian package, with the package's own transcripts.

Source: Debian `asterisk-core-sounds-ru` (its `core-sounds-ru.txt` gives the text of every
prompt) and `asterisk-core-sounds-ru-g722` (the prompts as 16 kHz G.722). One professional
female voice, read telephone prompts; "ru-*: Copyright 2010, Maxim Topal (ivrvoice.ru),
CC-BY-3.0" per the package's copyright file. Nobody here listened to the clips: the
reference is the package's own transcript. Prompts whose transcript has digits (spoken
numbers vs written digits would score as errors), bracketed notes ("[beep]") or that are
shorter than MIN_WORDS words are left out.

    .venv/bin/python bench/ru_speech.py OUT_DIR [--seconds 150]

fetches the two packages with `apt-get download` (no root needed; nothing is installed),
and writes OUT_DIR/ru-read.wav (prompts laid end to end, 0.7 s apart) and
OUT_DIR/ru-read.json (the pieces, with times and text).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from videobrief.media import decode_audio

PACKAGES = ("asterisk-core-sounds-ru", "asterisk-core-sounds-ru-g722")
SOUNDS = "usr/share/asterisk/sounds/ru_RU_f_IvrvoiceRU"
TEXTS = "usr/share/doc/asterisk-core-sounds-ru/core-sounds-ru.txt.gz"
MIN_WORDS = 4
GAP_S = 0.7
RATE = 16000


def fetch(root: Path) -> Path:
    """Download and unpack the two packages under `root` (kept: later runs reuse them)."""
    unpacked = root / "unpacked"
    if (unpacked / TEXTS).is_file():
        return unpacked
    debs = root / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", *PACKAGES], cwd=debs, check=True)
    for deb in sorted(debs.glob("*.deb")):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(unpacked)], check=True)
    return unpacked


def prompts(unpacked: Path) -> list[tuple[str, str]]:
    """(name, text) of every usable prompt, in the transcript file's order."""
    out = []
    lines = gzip.decompress((unpacked / TEXTS).read_bytes()).decode("utf-8").splitlines()
    for line in lines:
        name, sep, text = line.partition(":")
        text = text.strip()
        if not sep or line.startswith(";") or not text:
            continue
        if re.search(r"[\d\[\]]", text) or len(text.split()) < MIN_WORDS:
            continue
        if (unpacked / SOUNDS / f"{name.strip()}.g722").is_file():
            out.append((name.strip(), text))
    return out


def build(unpacked: Path, seconds: float, skip: int = 0) -> tuple[np.ndarray, list[dict]]:
    """Lay prompts end to end (from the `skip`-th on) until `seconds` of audio."""
    gap = np.zeros(int(GAP_S * RATE), dtype=np.float32)
    parts: list[np.ndarray] = [gap]
    pieces: list[dict] = []
    at = len(gap)
    for name, text in prompts(unpacked)[skip:]:
        clip = decode_audio(unpacked / SOUNDS / f"{name}.g722")
        pieces.append(
            {"lang": "ru", "start": at / RATE, "end": (at + len(clip)) / RATE, "text": text}
        )
        parts += [clip, gap]
        at += len(clip) + len(gap)
        if at / RATE >= seconds:
            break
    return np.concatenate(parts), pieces


def write_wav(path: Path, audio: np.ndarray) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seconds", type=float, default=150.0)
    parser.add_argument("--skip", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "ru-speech")
    args = parser.parse_args()
    audio, pieces = build(fetch(args.cache), args.seconds, args.skip)
    args.out.mkdir(parents=True, exist_ok=True)
    write_wav(args.out / "ru-read.wav", audio)
    source = "Debian asterisk-core-sounds-ru(-g722) 1.6.1, ru-*: Maxim Topal, CC-BY-3.0"
    (args.out / "ru-read.json").write_text(
        json.dumps({"source": source, "pieces": pieces}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    print(f"{len(pieces)} prompts, {len(audio) / RATE:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
