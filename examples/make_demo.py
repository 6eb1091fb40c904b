"""Regenerate the demo video ``examples/demo.mp4`` and its reference ``demo-reference.json``.

Run from the repository root:

    .venv/bin/python examples/make_demo.py

Needs Debian ``festival``, ``festvox-ru`` and ``festvox-us-slt-hts`` (``text2wave``). The demo
mirrors the seed page's failure case: a short English opening line, then the seed's Russian
transcript from 00:55 on (its ASR slips corrected, numbers spelled out), so a language guess made
from the first seconds alone is wrong for the rest of the video. The reference file records the
exact time and text of every spoken line.

The video is a still 320x180 card at 1 fps (h264) plus mono AAC, built in pure Python with PyAV,
and is kept under 2 MB so it can be committed.
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from synth import (
    SAMPLE_RATE,
    Line,
    add_aac_stream,
    assemble,
    encode_audio,
    media_duration,
    require_text2wave,
    write_reference,
)

HERE = Path(__file__).resolve().parent
VIDEO_PATH = HERE / "demo.mp4"
REFERENCE_PATH = HERE / "demo-reference.json"
MAX_BYTES = 2 * 1024 * 1024
WIDTH, HEIGHT, FPS = 320, 180, 1
TITLE = "videobrief demo"

LINES = [
    Line(
        "en",
        "Good afternoon. Foreign ministers of Russia and Belarus meet in Moscow "
        "for their annual talks.",
    ),
    Line(
        "ru",
        "Сегодня мы подводим итоги уходящего года, который прошёл под знаком восьмидесятой "
        "годовщины Победы в Великой Отечественной войне, святого праздника для белорусов "
        "и россиян.",
    ),
    Line(
        "ru",
        "И, прежде всего, хотел бы выразить признательность белорусским союзникам за неизменно "
        "тесное внимание и поддержку во всех наших общих начинаниях.",
    ),
    Line(
        "ru",
        "Руководствуясь программой согласованных действий в области внешней политики "
        "государств-участников договора о создании союзного государства,",
    ),
    Line(
        "ru",
        "эта программа сейчас охватывает три года, с две тысячи двадцать четвёртого по две "
        "тысячи двадцать шестой, мы интенсивно сотрудничали на площадках общих евразийских "
        "объединений,",
    ),
    Line(
        "ru",
        "таких как, помимо союзного государства, Организация Договора о коллективной "
        "безопасности, Евразийский экономический союз, Содружество независимых государств, "
        "Шанхайская организация сотрудничества,",
    ),
    Line(
        "ru",
        "а также в БРИКС, в Организации Объединённых Наций, в Организации по безопасности "
        "и сотрудничеству в Европе.",
    ),
]

# 5x7 bitmap glyphs for the title, so the card needs numpy only (no PIL, no font files).
GLYPHS = {
    "v": ["00000", "00000", "10001", "10001", "10001", "01010", "00100"],
    "i": ["00100", "00000", "01100", "00100", "00100", "00100", "01110"],
    "d": ["00001", "00001", "01101", "10011", "10001", "10011", "01101"],
    "e": ["00000", "00000", "01110", "10001", "11111", "10000", "01110"],
    "o": ["00000", "00000", "01110", "10001", "10001", "10001", "01110"],
    "b": ["10000", "10000", "10110", "11001", "10001", "11001", "10110"],
    "r": ["00000", "00000", "10110", "11001", "10000", "10000", "10000"],
    "f": ["00110", "01001", "01000", "11100", "01000", "01000", "01000"],
    "m": ["00000", "00000", "11010", "10101", "10101", "10101", "10101"],
    " ": ["00000"] * 7,
}


def render_text_mask(text: str, scale: int) -> np.ndarray:
    """Rasterise text with the bitmap font into a boolean mask, one blank column between glyphs."""
    columns = []
    for char in text:
        glyph = np.array([[c == "1" for c in row] for row in GLYPHS[char]], dtype=bool)
        columns += [glyph, np.zeros((7, 1), dtype=bool)]
    mask = np.hstack(columns[:-1])
    return np.kron(mask, np.ones((scale, scale), dtype=bool))


def title_card() -> np.ndarray:
    """Dark card with the centred title and an accent bar; flat colours compress to nothing."""
    image = np.full((HEIGHT, WIDTH, 3), (24, 28, 36), dtype=np.uint8)
    mask = render_text_mask(TITLE, scale=3)
    top, left = (HEIGHT - mask.shape[0]) // 2, (WIDTH - mask.shape[1]) // 2
    image[top : top + mask.shape[0], left : left + mask.shape[1]][mask] = (235, 235, 235)
    image[HEIGHT - 24 : HEIGHT - 18, 40 : WIDTH - 40] = (200, 60, 60)
    return image


def add_video_stream(container: av.container.OutputContainer) -> av.VideoStream:
    """Add a tiny h264 stream; a high CRF is fine because the picture never changes."""
    stream = container.add_stream("libx264", rate=FPS)
    stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    stream.options = {"crf": "40", "preset": "veryslow", "threads": "1"}
    return stream


def encode_video(
    container: av.container.OutputContainer, stream: av.VideoStream, seconds: float
) -> None:
    """Encode whole frames only, so the video stream never runs past the end of the audio."""
    image = title_card()
    for index in range(int(seconds * FPS)):
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts, frame.time_base = index, Fraction(1, FPS)
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def write_mp4(path: Path, samples: np.ndarray) -> None:
    """Mux the still-card video and the AAC speech into one small MP4."""
    with av.open(str(path), mode="w", format="mp4") as container:
        video = add_video_stream(container)
        audio = add_aac_stream(container, bit_rate=40_000)
        encode_video(container, video, samples.size / SAMPLE_RATE)
        encode_audio(container, audio, samples)


def main() -> int:
    """Synthesise the lines, write the MP4 and reference, and check size and duration."""
    text2wave = require_text2wave()
    samples, pieces = assemble(LINES, text2wave)
    write_mp4(VIDEO_PATH, samples)
    write_reference(REFERENCE_PATH, pieces)
    size, seconds = VIDEO_PATH.stat().st_size, media_duration(VIDEO_PATH)
    print(f"{VIDEO_PATH.name}: {seconds:.2f} s, {size / 1024:.0f} KiB, {len(pieces)} pieces")
    if size > MAX_BYTES or not 60 <= samples.size / SAMPLE_RATE <= 120:
        print("error: demo must be <= 2 MB and 60-120 s long; adjust LINES", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
