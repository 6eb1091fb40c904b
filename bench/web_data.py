"""The web benches' data: generated transcripts (word timings and probabilities, like the speech
stage writes) in a store of N videos, and the full-text queries the clients send.

Shared by bench/web.py (locust against `serve`) and bench/web_cpu.py (in-process CPU per
request); no locust import here, so the in-process bench runs without gevent's patching.
"""

from __future__ import annotations

import hashlib
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from videobrief.records import Segment, Transcript, Word
from videobrief.store import Store


def _words(text: str) -> list[str]:
    return text.split()


RU = _words(
    "министр заявил что переговоры с коллегами продолжатся на следующей неделе в Минске "
    "стороны обсудили поставки зерна строительство железной дороги и энергетику "
    "правительство приняло решение о новых мерах поддержки экономики и промышленности "
    "делегация прибыла в Москву для консультаций по вопросам безопасности в регионе "
    "президент подписал указ о создании комиссии по международному сотрудничеству"
)
EN = _words(
    "the minister said talks with colleagues would continue next week in minsk "
    "both sides discussed grain supplies railway construction and energy cooperation "
    "the government adopted new measures to support the economy and industry "
    "the delegation arrived in moscow for consultations on regional security "
    "the president signed a decree creating a commission on international cooperation"
)
QUERIES = (
    "министр переговоры",
    "железной дороги",
    "экономики",
    "безопасности",
    "grain supplies",
    "railway",
    "economy industry",
    "commission",
    "Минске",
    "delegation moscow",
)


def make_transcript(n: int, rng: random.Random, segments: int) -> Transcript:
    """One synthetic video: `segments` segments of 8–16 words, Russian or English."""
    segs, t = [], 0.0
    for i in range(segments):
        lang = "ru" if rng.random() < 0.6 else "en"
        vocab = RU if lang == "ru" else EN
        tokens = [rng.choice(vocab) for _ in range(rng.randint(8, 16))]
        words = []
        for j, w in enumerate(tokens):
            start = t + j * 0.4
            words.append(Word(start=start, end=start + 0.35, word=w, prob=rng.uniform(0.3, 1.0)))
        end = t + len(tokens) * 0.4
        segs.append(
            Segment(
                id=i, start=t, end=end, text=" ".join(tokens), lang=lang, lang_prob=0.9, words=words
            )
        )
        t = end + 0.5
    return Transcript(
        id=video_id(n),
        source=f"bench-{n}.mp4",
        duration=t,
        title=f"Briefing {n}: {' '.join(segs[0].text.split()[:6])}",
        segments=tuple(segs),
    )


def build_store(data: Path, videos: int, segments: int) -> list[str]:
    rng = random.Random(6)
    ids = []
    started = time.perf_counter()
    with Store.open(data) as store:
        for n in range(videos):
            t = make_transcript(n, rng, segments)
            store.save_transcript(t, "import", "bench")
            ids.append(t.id)
    took = time.perf_counter() - started
    print(f"store: {videos} videos × {segments} segments, indexed, in {took:.0f} s", flush=True)
    return ids


def video_id(n: int) -> str:
    """The id of generated video `n` (the same in every run, so a kept store can be reused)."""
    return hashlib.sha256(f"bench-video-{n}".encode()).hexdigest()


def video_ids(videos: int) -> list[str]:
    return [video_id(n) for n in range(videos)]


def kept_store(data: Path, videos: int, segments: int) -> list[str]:
    """The bench store in `data`: built on the first run, reused by later ones (GETs write
    nothing, so a served store stays as built)."""
    marker = data / f"bench-{videos}x{segments}"
    if marker.exists():
        return video_ids(videos)
    ids = build_store(data, videos, segments)
    marker.touch()
    return ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, port: int, workers: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "videobrief", "serve", "--no-worker", "--workers", str(workers)]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/videos?limit=1").status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")
