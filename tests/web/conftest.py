"""Web fixtures: a real store with a real speech clip and its real transcript, and the app.

The English video is three LibriVox sentences joined into one WAV (real audio the player can
play), segmented at the joins with their reference texts; the Russian one is a text-only
briefing. Both are stored through the same `Store` the CLI uses.

Every test using `data_dir` runs twice: on SQLite (the data folder's file) and on a real
PostgreSQL database copied from a template (tests/pg.py). `open_store(data_dir)` and
`make_client(data_dir)` pick the backend that `data_dir` was made for.
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
from videobrief.media import decode_audio, probe
from videobrief.records import MediaInfo, Segment, Transcript, Word
from videobrief.store import Store, search
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


# A data folder made for PostgreSQL names its database in this file (absent: SQLite). A file,
# not a dict: pytest imports this conftest under a second module name, with its own globals.
DB_URL_FILE = "test-db-url"


def db_url_of(data_dir: Path) -> str | None:
    path = data_dir / DB_URL_FILE
    return path.read_text() if path.exists() else None


def fill(store: Store, data: Path) -> None:
    """The two videos, their text index (written on save) and their embeddings."""
    en, info = english_video(data)
    store.save_media(info, title=en.title, description=None, source="talk.wav")
    store.save_transcript(en, "import", "test")
    store.save_transcript(russian_video(), "import", "test")
    search.refresh_embeddings(store)


@pytest.fixture(scope="session")
def web_template(tmp_path_factory) -> Path:
    """A data folder built once per session (embeddings take a few seconds); copied per test."""
    data = tmp_path_factory.mktemp("web-template")
    with Store.open(data) as store:
        fill(store, data)
    return data


@pytest.fixture(scope="session")
def pg_web_template(pg, web_template: Path) -> str:
    """The same store in a PostgreSQL database, used as the template of each test's database."""
    url = pg.new_database()
    with Store(url) as store:
        fill(store, web_template)
    return url.rsplit("/", 1)[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def web_backend(request) -> str:
    return request.param


def open_store(data_dir: Path) -> Store:
    """The store behind `data_dir`, whichever backend the test runs on."""
    return Store.from_settings(data_dir, db_url_of(data_dir))


@pytest.fixture
def data_dir(web_template: Path, tmp_path: Path, web_backend: str, request) -> Iterator[Path]:
    """A private copy of the template store (database + media), so tests can write."""
    import shutil

    target = tmp_path / "data"
    shutil.copytree(web_template, target)
    url = None
    if web_backend == "postgresql":
        pg = request.getfixturevalue("pg")
        url = pg.new_database(template=request.getfixturevalue("pg_web_template"))
        (target / DB_URL_FILE).write_text(url)
    with open_store(target) as store:  # media path moved with it
        for v in store.list_videos():
            if store.media_path(v.id):
                store.set_media_path(v.id, str(target / "talk.wav"))
    yield target
    if url is not None:
        request.getfixturevalue("pg").drop_database(url)


@pytest.fixture
def en_id(data_dir: Path) -> str:
    with open_store(data_dir) as store:
        return next(v.id for v in store.list_videos() if v.id != RU_ID)


def make_client(data_dir: Path, **settings) -> TestClient:
    app = create_app(
        WebSettings(
            data_dir=data_dir,
            db_url=db_url_of(data_dir),
            worker=False,
            secret=b"k" * 32,
            **settings,
        )
    )
    return TestClient(app)


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient]:
    with make_client(data_dir) as c:
        yield c


@pytest.fixture
def token(data_dir: Path) -> str:
    with open_store(data_dir) as store:
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
