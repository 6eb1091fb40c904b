"""Web fixtures: a real store with a real speech clip and its real transcript, and the app.

The English video is three LibriVox sentences joined into one WAV (real audio the player can
play), segmented at the joins with their reference texts; the Russian one is a text-only
briefing. Both are stored through the same `Store` the CLI uses.
"""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.conftest import LIBRIVOX, _librivox_refs
from tests.media import write_wav
from videobrief import search
from videobrief.ingest import decode_audio, probe
from videobrief.records import MediaInfo, Segment, Transcript, Word
from videobrief.store import Store
from videobrief.web import WebSettings, create_app
from videobrief.web.tokens import create_token

RU_ID = "b" * 64
RUSSIAN = (
    "Министр иностранных дел провёл переговоры с белорусскими коллегами в Минске.",
    "Стороны обсудили торговлю зерном и строительство новой железной дороги.",
    "Погода в Москве на выходных будет тёплой и солнечной.",
)


def english_video(data_dir: Path) -> tuple[Transcript, MediaInfo]:
    """Three real read sentences in one WAV, one segment each (words split evenly)."""
    refs = _librivox_refs()
    names = sorted(refs)
    clips = [decode_audio(LIBRIVOX / f"{n}.wav") for n in names]
    media = write_wav(data_dir / "talk.wav", np.concatenate(clips))
    info = probe(media)
    segments, t = [], 0.0
    for i, (name, clip) in enumerate(zip(names, clips, strict=True)):
        dur = len(clip) / 16000
        tokens = refs[name].split()
        step = dur / len(tokens)
        words = tuple(
            Word(start=t + j * step, end=t + (j + 1) * step, word=w, prob=0.3 if j == 1 else 0.9)
            for j, w in enumerate(tokens)
        )
        segments.append(
            Segment(
                id=i, start=t, end=t + dur, text=refs[name], lang="en", lang_prob=0.98, words=words
            )
        )
        t += dur
    return Transcript(
        id=info.sha256,
        source="talk.wav",
        duration=info.duration,
        title="Sense and Sensibility, chapter one",
        segments=tuple(segments),
    ), info


def russian_video() -> Transcript:
    segs = tuple(
        Segment(id=i, start=i * 5.0, end=i * 5.0 + 4.5, text=text, lang="ru", lang_prob=0.6)
        for i, text in enumerate(RUSSIAN)
    )
    return Transcript(
        id=RU_ID, source="briefing.mp4", duration=15.0, title="Брифинг МИД", segments=segs
    )


@pytest.fixture(scope="session")
def web_template(tmp_path_factory) -> Path:
    """A data folder built once per session (embeddings take a few seconds); copied per test."""
    data = tmp_path_factory.mktemp("web-template")
    with Store.open(data) as store:
        en, info = english_video(data)
        store.save_media(info, title=en.title, description=None, source="talk.wav")
        store.save_transcript(en, "import", "test")
        store.save_transcript(russian_video(), "import", "test")
        search.refresh_text(store)
        search.refresh_embeddings(store)
    return data


@pytest.fixture
def data_dir(web_template: Path, tmp_path: Path) -> Path:
    """A private copy of the template store (SQLite file + media), so tests can write."""
    import shutil

    target = tmp_path / "data"
    shutil.copytree(web_template, target)
    with Store.open(target) as store, store.writing() as session:  # media path moved with it
        from sqlalchemy import update

        from videobrief.store.models import Video

        session.execute(
            update(Video)
            .where(Video.media_path.is_not(None))
            .values(media_path=str(target / "talk.wav"))
        )
    return target


@pytest.fixture
def en_id(data_dir: Path) -> str:
    with Store.open(data_dir) as store:
        return next(v.id for v in store.list_videos() if v.id != RU_ID)


def make_client(data_dir: Path, **settings) -> TestClient:
    app = create_app(WebSettings(data_dir=data_dir, worker=False, secret=b"k" * 32, **settings))
    return TestClient(app)


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient]:
    with make_client(data_dir) as c:
        yield c


@pytest.fixture
def token(data_dir: Path) -> str:
    with Store.open(data_dir) as store:
        return create_token(store, "test admin")


def wav_bytes(seconds: float = 1.0) -> bytes:
    """A small real WAV (a LibriVox clip's first second) for upload tests."""
    path = LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0880.wav"
    with wave.open(str(path)) as src:
        frames = src.readframes(int(src.getframerate() * seconds))
        params = src.getparams()
    import io

    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setparams(params)
        out.writeframes(frames)
    return buf.getvalue()
