"""Entities in a real SQLite store: round-trip with the transcript, and across the archive."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from videobrief.records import Entity, Mention, Segment, Transcript
from videobrief.store import Store
from videobrief.store.tables.search import include_name
from videobrief.store.tables.videos import Base

VID_A = "aa" * 32
VID_B = "bb" * 32


def _entity(eid: str, typ: str, name: str, name_en: str, *segs: int) -> Entity:
    mentions = tuple(Mention(segment=s, start=float(s), text=name) for s in segs)
    return Entity(id=eid, type=typ, name=name, name_en=name_en, aliases=("x",), mentions=mentions)


def _transcript(video_id: str, entities: tuple[Entity, ...], title: str) -> Transcript:
    segments = tuple(
        Segment(id=i, start=float(i), end=i + 0.9, text=f"текст {i}", lang="ru") for i in range(3)
    )
    return Transcript(
        id=video_id, source=f"{title}.srt", duration=3.0, title=title, segments=segments,
        entities=entities,
    )  # fmt: skip


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


def test_entities_round_trip_with_the_transcript(store: Store) -> None:
    t = _transcript(
        VID_A,
        (
            _entity("E1", "PER", "Александр Григорьевич Лукашенко", "Aleksandr Lukashenko", 0, 2),
            _entity("E2", "ORG", "ОДКБ", "CSTO", 1),
        ),
        "Коллегия",
    )
    store.save_transcript(t, "entities", "h")
    assert store.load_transcript(VID_A) == t


def test_resaving_without_entities_drops_them(store: Store) -> None:
    store.save_transcript(
        _transcript(VID_A, (_entity("E1", "ORG", "ООН", "UN", 0),), "a"), "s", "h"
    )
    store.save_transcript(_transcript(VID_A, (), "a"), "speech", "h2")
    assert store.load_transcript(VID_A).entities == ()
    assert store.list_entities() == []


def test_archive_matches_one_person_across_videos(store: Store) -> None:
    a = (_entity("E1", "PER", "Александр Григорьевич Лукашенко", "Aleksandr Lukashenko", 0, 1),)
    b = (
        _entity("E1", "PER", "Лукашенко", "Lukashenko", 2),
        _entity("E2", "ORG", "ООН", "UN", 0),
    )
    store.save_transcript(_transcript(VID_A, a, "first"), "entities", "h")
    store.save_transcript(_transcript(VID_B, b, "second"), "entities", "h")
    archive = store.list_entities()
    top = archive[0]
    assert (top.key, top.videos, top.mentions) == ("PER:lukashenko", 2, 3)
    assert [x.key for x in store.list_entities("ORG")] == ["ORG:un"]
    hits = store.entity_videos("PER:lukashenko")
    assert {h.video_id for h in hits} == {VID_A, VID_B}
    assert {h.entity.name for h in hits} == {"Лукашенко", "Александр Григорьевич Лукашенко"}
    assert store.videos_with_entity("ORG:un") == {VID_B}
    assert store.videos_with_entity("ORG:nobody") == set()


def test_deleting_a_video_deletes_its_entities(store: Store) -> None:
    store.save_transcript(
        _transcript(VID_A, (_entity("E1", "ORG", "ООН", "UN", 0),), "a"), "s", "h"
    )
    store.delete_video(VID_A)
    assert store.list_entities() == []


def test_entity_tables_match_their_migration(store: Store) -> None:
    with store.engine.connect() as conn:
        opts = {"compare_type": True, "include_name": include_name}
        ctx = MigrationContext.configure(conn, opts=opts)
        assert compare_metadata(ctx, Base.metadata) == []


def test_archive_key_bridges_english_spellings(store: Store) -> None:
    a = (_entity("E1", "PER", "Сергей Глазьев", "Sergey Glazyev", 0),)
    b = (_entity("E1", "PER", "Sergei Glaziev", "Sergei Glaziev", 1),)
    store.save_transcript(_transcript(VID_A, a, "first"), "entities", "h")
    store.save_transcript(_transcript(VID_B, b, "second"), "entities", "h")
    [only] = store.list_entities("PER")
    assert (only.videos, only.mentions) == (2, 2)
