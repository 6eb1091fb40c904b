"""Store tests against a real SQLite file and a real PostgreSQL server (parametrised).

Round-trips, atomicity, bookkeeping, stable segment keys, paging, job leases, migrations.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, UniqueConstraint, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from videobrief.errors import BadInput
from videobrief.records import MediaInfo, Segment, Transcript, Word
from videobrief.store import Store, VideoSummary
from videobrief.store import store as store_db
from videobrief.store.queries import transcripts
from videobrief.store.tables.search import include_name
from videobrief.store.tables.videos import Base, SegmentRow, StageRow, WordRow

VID = "a1b2c3" + "0" * 58
VID2 = "a1b2c3" + "1" * 58
VID3 = "ffeedd" + "2" * 58


def make_transcript(video_id: str = VID, n_segments: int = 3, n_words: int = 2) -> Transcript:
    segs = []
    for i in range(n_segments):
        words = tuple(
            Word(start=i + j * 0.1, end=i + j * 0.1 + 0.05, word=f"слово{j}", prob=0.5 + j / 100)
            for j in range(n_words)
        )
        segs.append(
            Segment(
                id=i,
                start=float(i),
                end=i + 0.9,
                text=f"Передаю слово Максиму Владимировичу {i}",
                lang="ru" if i % 2 == 0 else "en",
                lang_prob=None if i == 1 else 0.97,
                avg_logprob=None if i == 1 else -0.25,
                words=words,
            )
        )
    return Transcript(
        id=video_id,
        source="/videos/новости.mp4",
        duration=float(n_segments),
        title="Новости дня",
        description="Брифинг — описание",
        segments=tuple(segs),
    )


def count(store: Store, model: type) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_round_trip_unicode_words_and_none_probabilities(store: Store) -> None:
    t = make_transcript()
    store.save_transcript(t, "speech", "h1")
    loaded = store.load_transcript(VID)
    assert loaded == t
    assert loaded.segments[1].lang_prob is None and loaded.segments[1].avg_logprob is None
    assert loaded.segments[0].text.startswith("Передаю")
    assert loaded.languages == ["ru", "en"]


def test_load_unknown_video_is_none(store: Store) -> None:
    assert store.load_transcript(VID) is None


def test_segments_and_words_come_back_ordered(store: Store) -> None:
    segs = tuple(
        Segment(
            id=i,
            start=float(i),
            end=i + 0.5,
            text=str(i),
            words=tuple(Word(start=i, end=i, word=f"w{k}", prob=1.0) for k in range(3)),
        )
        for i in (5, 2, 9)
    )
    t = Transcript(id=VID, source="s", duration=10.0, segments=segs)
    store.save_transcript(t, "speech", "h")
    loaded = store.load_transcript(VID)
    assert [s.id for s in loaded.segments] == [2, 5, 9]
    assert [w.word for w in loaded.segments[0].words] == ["w0", "w1", "w2"]
    assert loaded.title is None and loaded.description is None


def test_resave_replaces_without_duplicates(store: Store) -> None:
    store.save_transcript(make_transcript(n_segments=5, n_words=4), "speech", "h1")
    t2 = make_transcript(n_segments=2, n_words=1)
    store.save_transcript(t2, "speech", "h2")
    assert store.load_transcript(VID) == t2
    assert count(store, SegmentRow) == 2
    assert count(store, WordRow) == 2
    assert store.stage_done(VID, "speech", "h2")
    assert not store.stage_done(VID, "speech", "h1")


def test_failed_save_keeps_old_transcript(store: Store, monkeypatch) -> None:
    old = make_transcript()
    store.save_transcript(old, "speech", "old")

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    # Fails after the video upsert, the delete and the segment insert have run.
    monkeypatch.setattr(transcripts, "_insert_words", boom)
    new = make_transcript(n_segments=7).model_copy(update={"title": "Другое"})
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.save_transcript(new, "speech", "new")

    assert store.load_transcript(VID) == old
    assert count(store, SegmentRow) == 3
    assert store.stage_done(VID, "speech", "old")
    assert not store.stage_done(VID, "speech", "new")


def test_duplicate_segment_ids_are_refused_and_nothing_changes(store: Store) -> None:
    old = make_transcript()
    store.save_transcript(old, "speech", "old")
    dup = Segment(id=0, start=0.0, end=1.0, text="dup")
    bad = make_transcript().model_copy(update={"segments": (dup, dup)})
    with pytest.raises(ValueError, match="(?i)unique"):
        store.save_transcript(bad, "speech", "bad")
    assert store.load_transcript(VID) == old


def test_database_error_mid_save_rolls_back(store: Store) -> None:
    old = make_transcript()
    store.save_transcript(old, "speech", "old")
    broken = make_transcript(n_segments=5)
    segs = list(broken.segments)
    segs[4] = segs[4].model_copy(update={"text": None})  # NOT NULL violated by the database
    bad = broken.model_copy(update={"segments": tuple(segs)})
    with pytest.raises(IntegrityError):
        store.save_transcript(bad, "speech", "bad")
    assert store.load_transcript(VID) == old


def test_stage_bookkeeping(store: Store) -> None:
    info = MediaInfo(
        path="/m.mp4", sha256=VID, size_bytes=10, duration=3.0, has_video=True, container="mp4"
    )
    store.save_media(info, "t", None, "/m.mp4")
    assert not store.stage_done(VID, "ingest", "h")
    store.mark_stage(VID, "ingest", "running", "h")
    assert not store.stage_done(VID, "ingest", "h")
    store.mark_stage(VID, "ingest", "done", "h")
    assert store.stage_done(VID, "ingest", "h")
    assert not store.stage_done(VID, "ingest", "other")
    store.mark_stage(VID, "speech", "running", "s")
    store.mark_stage(VID, "speech", "failed", "s", error="out of memory")

    rows = store.stage_rows(VID)
    assert [r["stage"] for r in rows] == ["ingest", "speech"]
    speech = rows[1]
    assert speech["status"] == "failed" and speech["error"] == "out of memory"
    assert speech["started_at"] <= speech["finished_at"]
    assert speech["finished_at"].tzinfo is not None

    store.mark_stage(VID, "speech", "running", "s")
    speech = store.stage_rows(VID)[1]
    assert speech["finished_at"] is None and speech["error"] is None
    with pytest.raises(ValueError):
        store.mark_stage(VID, "speech", "finished", "s")


def test_save_media_then_transcript_keeps_media_fields(store: Store) -> None:
    info = MediaInfo(
        path="/m.mp4", sha256=VID, size_bytes=123, duration=3.0, has_video=False, container="m"
    )
    store.save_media(info, "Заголовок", "desc", "https://example.org/v")
    t = make_transcript().model_copy(update={"title": None, "description": None})
    store.save_transcript(t, "speech", "h")
    loaded = store.load_transcript(VID)
    assert loaded.title == "Заголовок" and loaded.description == "desc"
    assert loaded.source == t.source
    with store.engine.connect() as conn:
        row = conn.execute(text("SELECT media_path, size_bytes, has_video FROM videos")).one()
    assert tuple(row) == ("/m.mp4", 123, False)


def test_resolve_id(store: Store) -> None:
    for vid in (VID, VID2, VID3):
        store.save_transcript(make_transcript(vid, 1, 0), "speech", "h")
    assert store.resolve_id("ffeedd") == VID3
    assert store.resolve_id(" FFEEDD22 ") == VID3
    assert store.resolve_id("a1b2c30") == VID
    assert store.resolve_id(VID2) == VID2
    with pytest.raises(BadInput, match="ambiguous"):
        store.resolve_id("a1b2c3")
    with pytest.raises(BadInput, match="no video"):
        store.resolve_id("abcdef")
    with pytest.raises(BadInput, match="at least 6"):
        store.resolve_id("a1b2c")
    with pytest.raises(BadInput, match="hex"):
        store.resolve_id("zzzzzzzz")


def test_list_videos_newest_first(store: Store) -> None:
    assert store.list_videos() == []
    store.save_transcript(make_transcript(VID, 3, 0), "speech", "h")
    store.save_transcript(make_transcript(VID3, 1, 0), "speech", "h")
    store.save_transcript(Transcript(id=VID2, source="x", duration=1.0), "speech", "h")
    videos = store.list_videos()
    assert [v.id for v in videos] == [VID2, VID3, VID]
    assert all(isinstance(v, VideoSummary) for v in videos)
    oldest = videos[-1]
    assert (oldest.segment_count, oldest.languages) == (3, ["ru", "en"])
    assert oldest.title == "Новости дня" and oldest.duration == 3.0
    assert oldest.created_at.tzinfo is not None
    assert (videos[0].segment_count, videos[0].languages) == (0, [])
    # Re-saving an old video does not make it new.
    store.save_transcript(make_transcript(VID, 2, 0), "speech", "h2")
    assert [v.id for v in store.list_videos()] == [VID2, VID3, VID]


def test_delete_cascades(store: Store) -> None:
    store.save_transcript(make_transcript(VID), "speech", "h")
    store.save_transcript(make_transcript(VID3), "speech", "h")
    assert store.delete_video(VID)
    assert not store.delete_video(VID)
    assert store.load_transcript(VID) is None
    assert store.stage_rows(VID) == []
    assert count(store, SegmentRow) == 3
    assert count(store, WordRow) == 6
    assert count(store, StageRow) == 1
    assert store.load_transcript(VID3) == make_transcript(VID3)


def test_sqlite_pragmas(tmp_path: Path) -> None:
    """SQLite only (not over the `store` fixture's PostgreSQL case, which would be a skip)."""
    store = Store.from_settings(tmp_path / "data", None)
    assert store.dialect == "sqlite"
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    store.close()


def test_open_twice_is_idempotent(tmp_path: Path, db_url: str | None) -> None:
    with Store.from_settings(tmp_path, db_url) as s:
        s.save_transcript(make_transcript(), "speech", "h")
    with Store.from_settings(tmp_path, db_url) as s:
        assert s.load_transcript(VID) == make_transcript()
        with s.engine.connect() as conn:
            versions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    head = ScriptDirectory.from_config(store_db.alembic_config()).get_current_head()
    assert versions == [(head,)]


def test_concurrent_open(tmp_path: Path, db_url: str | None) -> None:
    errors: list[BaseException] = []

    def open_close() -> None:
        try:
            Store.from_settings(tmp_path, db_url).close()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_close) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    with Store.from_settings(tmp_path, db_url) as s:
        assert s.list_videos() == []


def test_migrated_schema_matches_models(store: Store) -> None:
    with store.engine.connect() as conn:
        opts = {"compare_type": True, "include_name": include_name}
        ctx = MigrationContext.configure(conn, opts=opts)
        assert compare_metadata(ctx, Base.metadata) == []


def test_migrations_downgrade_and_upgrade(store: Store) -> None:
    from alembic import command

    cfg = store_db.alembic_config(store.engine.url.render_as_string(hide_password=False))
    command.downgrade(cfg, "base")
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(cfg, "head")
    store.save_transcript(make_transcript(), "speech", "h")


def test_large_transcript_round_trip(store: Store) -> None:
    t = make_transcript(n_segments=5000, n_words=20)
    store.save_transcript(t, "speech", "h")
    assert count(store, WordRow) == 100_000
    loaded = store.load_transcript(VID)
    assert len(loaded.segments) == 5000
    assert loaded == t


def test_constraint_names_match_models(store: Store) -> None:
    """compare_metadata ignores CHECK constraints and most names; later migrations need them."""
    insp = inspect(store.engine)
    for table in Base.metadata.sorted_tables:
        want_ck = {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
        want_uq = {c.name for c in table.constraints if isinstance(c, UniqueConstraint)}
        assert {c["name"] for c in insp.get_check_constraints(table.name)} == want_ck
        assert {c["name"] for c in insp.get_unique_constraints(table.name)} == want_uq
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO videos (id, source, duration, created_at, updated_at)"
            " VALUES ('v', 's', 1, '2020-01-01', '2020-01-01')"
        )
        conn.exec_driver_sql(
            "INSERT INTO stages (video_id, stage, status, settings_hash)"
            " VALUES ('v', 'x', 'bogus', 'h')"
        )


def test_english_track_fields_round_trip(store: Store) -> None:
    """Migration 0002: english, english_source, flags and words.low_conf survive the store."""
    base = make_transcript()
    segs = list(base.segments)
    segs[0] = segs[0].model_copy(
        update={
            "english": "I give the floor to Maxim Vladimirovich",
            "english_source": "speech-translate",
            "flags": ("glossary:Лавров<-Лавро", "loop-cut"),
            "words": tuple(
                w.model_copy(update={"low_conf": i == 0}) for i, w in enumerate(segs[0].words)
            ),
        }
    )
    segs[1] = segs[1].model_copy(update={"english": segs[1].text, "english_source": "original"})
    t = base.model_copy(update={"segments": tuple(segs)})
    store.save_transcript(t, "english", "e1")
    loaded = store.load_transcript(VID)
    assert loaded == t
    assert loaded.segments[0].flags == ("glossary:Лавров<-Лавро", "loop-cut")
    assert [w.low_conf for w in loaded.segments[0].words] == [True, False]
    assert loaded.segments[2].english is None and loaded.segments[2].flags == ()
    assert store.stage_done(VID, "english", "e1")


def test_store_and_its_query_mixins_never_define_the_same_method() -> None:
    """`Store` inherits one `…Queries` mixin per area; a name defined twice would silently
    shadow one of them."""
    classes = [
        c
        for c in Store.__mro__
        if c is Store or c.__module__.startswith("videobrief.store.queries")
    ]
    assert len(classes) > 8  # Store, its mixins and their `Queries` base
    owners: dict[str, list[str]] = {}
    for cls in classes:
        for name, value in vars(cls).items():
            if not name.startswith("__") and (
                callable(value) or isinstance(value, staticmethod | classmethod | property)
            ):
                owners.setdefault(name, []).append(cls.__name__)
    assert {name: where for name, where in owners.items() if len(where) > 1} == {}
