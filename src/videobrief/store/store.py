"""The `Store`: every read and write of videobrief's database goes through here.

It knows records (`Transcript`, `MediaInfo`) and rows, and nothing about the CLI, web or
executor. SQLite (the default, one file in the data folder) and PostgreSQL (`--db URL` or
`VIDEOBRIEF_DB`, driver psycopg 3) share the same code; connection setup, the migration lock,
the job claim and the full-text index differ by dialect.

No session leaves `store/`. Callers use typed methods; inside the package, `read(fn)` and
`write(fn)` run `fn(session)` in one transaction (the shape of datasette's `execute_write_fn`).
`with store.snapshot():` makes every `read` inside share one transaction (a web page's dozen
reads), without handing out the session.
The web's tables (`web_tables.py`) and the search indexes (`search_index.py`) add their methods
to `Store` as mixins, each in a module of its own.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    URL,
    Connection,
    Engine,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from videobrief.errors import BadInput
from videobrief.records import Brief, CheckResult, MediaInfo, Segment, Transcript, Word
from videobrief.store.queries import entities as entity_store
from videobrief.store.queries.archive import complete_video
from videobrief.store.queries.entities import ArchiveEntity, EntityInVideo
from videobrief.store.queries.search import SearchIndex, sync_text_index
from videobrief.store.queries.speakers import SpeakerStore, load_speakers, write_speakers
from videobrief.store.queries.web import WebTables
from videobrief.store.tables.search import SegmentEmbedding
from videobrief.store.tables.videos import (
    STAGE_STATUSES,
    BriefRow,
    CheckRow,
    SegmentRow,
    StageRow,
    Video,
    WordRow,
    utcnow,
)

DB_FILENAME = "videobrief.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MIN_PREFIX = 6
BUSY_TIMEOUT_MS = 30_000
# Any constant works; it only has to be the same in every process migrating one database.
_PG_MIGRATION_LOCK = 0x76696465  # "vide"
_HEX = re.compile(r"[0-9a-f]+")
DB_ENV = "VIDEOBRIEF_DB"
T = TypeVar("T")
# The read session `Store.snapshot()` pinned for this thread/task, with the store that owns it.
_PINNED: ContextVar[tuple[Store, Session] | None] = ContextVar("videobrief_pinned", default=None)


@dataclass(frozen=True)
class VideoSummary:
    """One line of the video list: enough for an index page or `videobrief list`."""

    id: str
    title: str | None
    source: str
    duration: float
    created_at: datetime
    segment_count: int
    languages: list[str]


def alembic_config(url: str | None = None) -> Config:
    """Alembic configured in code, so the installed package needs no alembic.ini."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _install_sqlite_hooks(engine: Engine) -> None:
    """Per-connection SQLite setup, and real transactions (see SQLAlchemy's pysqlite notes).

    The sqlite3 module's own transaction handling neither wraps DDL nor lets us say
    BEGIN IMMEDIATE, so we switch it off and emit BEGIN ourselves. Writers take the write lock
    up front (`sqlite_begin=IMMEDIATE`): a deferred transaction that reads then writes can fail
    with "database is locked" without waiting when another process wrote meanwhile.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


class Store(SearchIndex, WebTables, SpeakerStore):
    """Typed access to videos, transcripts, stage bookkeeping, search and the web's tables.

    Opening a store migrates its schema to head; every public write is one transaction.
    """

    def __init__(self, url: str | URL) -> None:
        # A pre-ping is one more round trip per checkout; only a server can drop a pooled
        # connection (PostgreSQL restarts, idle timeouts), never a SQLite file.
        is_sqlite = make_url(url).get_backend_name() == "sqlite"
        self.engine = create_engine(url, pool_pre_ping=not is_sqlite)
        self.dialect = self.engine.dialect.name
        self._sqlite = self.dialect == "sqlite"
        if self._sqlite:
            _install_sqlite_hooks(self.engine)
        self._writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self._writer, expire_on_commit=False)
        self._migrate()

    @classmethod
    def from_settings(cls, data_dir: Path, db_url: str | None = None) -> Store:
        """The store a command was pointed at: `db_url` (or $VIDEOBRIEF_DB), else the SQLite
        file in `data_dir`. A bare `postgresql://` URL gets the psycopg 3 driver."""
        url = db_url or os.environ.get(DB_ENV) or None
        if url is None:
            return cls.open(data_dir)
        if url.startswith(("postgresql://", "postgres://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        try:
            return cls(url)
        except (ArgumentError, OperationalError, ImportError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise BadInput(f"database {_safe_url(url)}: {reason}") from exc

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        """The default store: a SQLite file `videobrief.db` in `data_dir` (created if needed)."""
        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        return cls(URL.create("sqlite", database=str(data_dir / DB_FILENAME)))

    def close(self) -> None:
        """Release all pooled connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, fn: Callable[[Session], T]) -> T:
        """Run `fn(session)` in a read transaction and return its result (store/ only).

        Inside `snapshot()` it joins the snapshot's transaction instead of starting one.
        """
        pinned = _PINNED.get()
        if pinned is not None and pinned[0] is self:
            return fn(pinned[1])
        with self._read.begin() as session:
            return fn(session)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Serve every read inside the block from one read transaction.

        A web page makes a dozen small reads (transcript, brief, stages, comments, ...); each
        on its own costs a pool checkout, BEGIN and COMMIT, about 0.5 ms, several times the
        query itself. One transaction also gives the page one consistent view. Writes are
        unaffected (they keep their own transactions); nested snapshots join the outer one.
        """
        pinned = _PINNED.get()
        if pinned is not None and pinned[0] is self:
            yield
            return
        with self._read.begin() as session:
            token = _PINNED.set((self, session))
            try:
                yield
            finally:
                _PINNED.reset(token)

    def write(self, fn: Callable[[Session], T]) -> T:
        """Run `fn(session)` in one write transaction, committed when it returns (store/ only).

        SQLite takes its write lock up front (see the hooks above); an exception rolls back.
        """
        with self._write.begin() as session:
            return fn(session)

    # -- schema -------------------------------------------------------------------------

    def _migrate(self) -> None:
        """Upgrade to head under a database-wide lock, so concurrent openers take turns."""
        with self._writer.connect() as conn, self._foreign_keys_off(conn), conn.begin():
            if self.engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            self._check_foreign_keys(conn)

    @contextmanager
    def _foreign_keys_off(self, conn: Connection) -> Iterator[None]:
        """SQLite: migrate with FKs off, as SQLite's ALTER procedure requires.

        Batch migrations rebuild a table by dropping it; with FKs on, that drop would cascade
        and delete every child row. The pragma only works outside a transaction, so it goes
        straight to the driver connection.
        """
        if not self._sqlite:
            yield
            return
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            yield
        finally:
            raw.execute("PRAGMA foreign_keys = ON")

    def _check_foreign_keys(self, conn: Connection) -> None:
        """Refuse to commit a migration that left dangling references (SQLite only)."""
        if self._sqlite:
            bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if bad:
                raise RuntimeError(f"migration broke foreign keys: {bad[:5]}")

    # -- videos -------------------------------------------------------------------------

    def save_media(
        self, info: MediaInfo, title: str | None, description: str | None, source: str
    ) -> None:
        """Record what ingest learned about a source (insert, or update the existing row)."""
        values = {
            "id": info.sha256,
            "source": source,
            "duration": info.duration,
            "title": title,
            "description": description,
            "media_path": info.path,
            "size_bytes": info.size_bytes,
            "has_video": info.has_video,
        }
        with self._write.begin() as session:
            self._upsert_video(session, values)

    def _upsert_video(self, session: Session, values: dict[str, Any]) -> None:
        """Insert or update one video row in one statement.

        A None title/description/media field means "not known here", so it never erases a
        value an earlier step stored (an imported transcript has no media path, for example).
        """
        now = utcnow()
        row = {**values, "created_at": now, "updated_at": now}
        dialect = {"sqlite": sqlite, "postgresql": postgresql}.get(session.get_bind().dialect.name)
        if dialect is None:
            self._upsert_video_orm(session, row)
            return
        stmt = dialect.insert(Video).values(row)
        keep = ("title", "description", "media_path", "size_bytes", "has_video")
        updates: dict[str, Any] = {"updated_at": stmt.excluded.updated_at}
        for name in values:
            if name == "id":
                continue
            new = stmt.excluded[name]
            updates[name] = func.coalesce(new, Video.__table__.c[name]) if name in keep else new
        session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=updates))

    @staticmethod
    def _upsert_video_orm(session: Session, row: dict[str, Any]) -> None:
        """Portable fallback for dialects without INSERT .. ON CONFLICT."""
        video = session.get(Video, row["id"])
        if video is None:
            session.add(Video(**row))
            return
        for name, value in row.items():
            if name != "created_at" and (value is not None or name in ("source", "duration")):
                setattr(video, name, value)

    def resolve_id(self, prefix: str) -> str:
        """The full video id for a unique prefix of at least six hex characters."""
        wanted = prefix.strip().lower()
        if not _HEX.fullmatch(wanted):
            raise BadInput(
                f"{prefix[:80]!r} is not a video id: ids are hexadecimal (0-9, a-f);"
                " `videobrief list` shows them"
            )
        if len(wanted) < MIN_PREFIX:
            raise BadInput(
                f"video id {prefix!r} is too short: give at least {MIN_PREFIX} of its characters"
            )
        stmt = select(Video.id).where(Video.id.startswith(wanted)).limit(3)
        found = self.read(lambda session: list(session.scalars(stmt)))
        if not found:
            raise BadInput(f"no video with id starting {wanted!r}")
        if len(found) > 1:
            shown = ", ".join(f[:12] for f in found)
            raise BadInput(f"video id {wanted!r} is ambiguous ({shown}, ...): give more characters")
        return found[0]

    def list_videos(self, limit: int | None = None, offset: int = 0) -> list[VideoSummary]:
        """Videos newest first, one page of them in SQL, with segment counts and languages."""
        segs = (
            select(func.count())
            .where(SegmentRow.video_id == Video.id)
            .correlate(Video)
            .scalar_subquery()
        )
        stmt = (
            select(Video.id, Video.title, Video.source, Video.duration, Video.created_at, segs)
            .where(complete_video())
            .order_by(Video.created_at.desc(), Video.id)
            .offset(offset)
            .limit(limit)
        )

        def fn(session: Session) -> list[VideoSummary]:
            rows = session.execute(stmt).all()
            langs = self._languages(session, [r[0] for r in rows])
            return [VideoSummary(*r, languages=langs.get(r[0], [])) for r in rows]

        return self.read(fn)

    def count_videos(self) -> int:
        """How many videos the archive lists (the pager's total)."""
        stmt = select(func.count()).select_from(Video).where(complete_video())
        return self.read(lambda s: s.scalar(stmt))

    def video_summary(self, video_id: str) -> VideoSummary | None:
        """One video's list line, or None (also while its stages are unfinished)."""

        def fn(session: Session) -> VideoSummary | None:
            v = session.get(Video, video_id)
            if v is None:
                return None
            n = session.scalar(select(func.count()).where(SegmentRow.video_id == video_id))
            langs = self._languages(session, [video_id]).get(video_id, [])
            return VideoSummary(v.id, v.title, v.source, v.duration, v.created_at, n, langs)

        return self.read(fn)

    @staticmethod
    def _languages(session: Session, video_ids: list[str]) -> dict[str, list[str]]:
        """Per video, the languages ordered by the first segment that uses each."""
        if not video_ids:
            return {}
        first = func.min(SegmentRow.idx).label("first")
        stmt = (
            select(SegmentRow.video_id, SegmentRow.lang, first)
            .where(SegmentRow.lang.is_not(None), SegmentRow.video_id.in_(video_ids))
            .group_by(SegmentRow.video_id, SegmentRow.lang)
            .order_by(SegmentRow.video_id, first)
        )
        out: dict[str, list[str]] = {}
        for video_id, lang, _ in session.execute(stmt):
            out.setdefault(video_id, []).append(lang)
        return out

    def media_path(self, video_id: str) -> str | None:
        """Where the video's source media is stored, if anywhere."""
        return self.read(lambda s: s.connection().scalar(_MEDIA_PATH, {"video_id": video_id}))

    def set_media_path(self, video_id: str, path: str) -> None:
        """Point a video at its media file's new place (a moved data folder)."""
        stmt = update(Video).where(Video.id == video_id).values(media_path=path)
        self.write(lambda s: s.execute(stmt))

    def set_title_source(
        self, video_id: str, title: str, source: str, only_if_title: str | None = None
    ) -> bool:
        """Give a video a readable title and source (e.g. an upload's own file name).

        With `only_if_title`, only a video whose title is still that (the default made from
        the stored file name) changes, so a title someone set is never overwritten.
        """
        stmt = update(Video).where(Video.id == video_id)
        if only_if_title is not None:
            stmt = stmt.where(Video.title == only_if_title)
        stmt = stmt.values(title=title, source=source, updated_at=utcnow())
        return bool(self.write(lambda s: s.execute(stmt).rowcount))

    def delete_video(self, video_id: str) -> bool:
        """Delete a video and (by ON DELETE CASCADE) its segments, words and stages."""
        with self._write.begin() as session:
            result = session.execute(delete(Video).where(Video.id == video_id))
        return bool(result.rowcount)

    # -- transcripts --------------------------------------------------------------------

    def save_transcript(self, t: Transcript, stage: str, settings_hash: str) -> None:
        """Store a video's transcript and mark `stage` done, all in one transaction.

        Segments keep their keys: rows are matched by (video, segment id), only changed columns
        are updated, words are rewritten only for segments whose words changed, and only
        segments no longer present are deleted. So a stage that adds the English track leaves
        words and embeddings alone; a segment whose text changed loses its embedding (it no
        longer describes it). The full-text index follows in the same transaction.

        A crash or error anywhere leaves the previous transcript and stage row untouched, so
        a rerun never sees half a transcript marked as finished.
        """

        def fn(session: Session) -> None:
            self._write_transcript(session, t, {stage: settings_hash})
            self._set_stage(session, t.id, stage, "done", settings_hash, None)

        self.write(fn)

    def _write_transcript(self, session: Session, t: Transcript, lineage: dict[str, str]) -> None:
        """Write a transcript's video row and (diffed) segments, and which stage runs made it."""
        seen: set[int] = set()
        for s in t.segments:
            if s.id in seen:
                raise ValueError(f"segment ids must be unique in a transcript: {s.id} twice")
            seen.add(s.id)
        self._upsert_video(session, _video_values(t))
        session.execute(update(Video).where(Video.id == t.id).values(transcript_lineage=lineage))
        self._sync_segments(session, t.id, t.segments)
        entity_store.replace(session, t.id, t.entities)
        write_speakers(session, t)

    def _sync_segments(self, session: Session, video_id: str, segments: Sequence[Segment]) -> None:
        """Diff `segments` against the stored rows and write only the difference."""
        c = SegmentRow.__table__.c
        old = {
            r.idx: r
            for r in session.execute(select(SegmentRow.__table__).where(c.video_id == video_id))
        }
        old_words = self._word_tuples(session, video_id) if old else {}
        wanted = {s.id for s in segments}
        gone = [r.id for idx, r in old.items() if idx not in wanted]
        for chunk in _chunks(gone):
            session.execute(delete(SegmentRow.__table__).where(c.id.in_(chunk)))
        new: list[Segment] = []
        changes: dict[frozenset[str], list[dict[str, Any]]] = {}
        reworded: list[int] = []
        rewords: list[tuple[int, Segment]] = []
        fresh: list[tuple[int, str, str | None]] = []
        for s in segments:
            row = old.get(s.id)
            if row is None:
                new.append(s)
                continue
            values = _segment_values(video_id, s)
            diff = {k: v for k, v in values.items() if getattr(row, k) != v}
            if diff:
                changes.setdefault(frozenset(diff), []).append(
                    {"_pk": row.id, **{"_" + k: v for k, v in diff.items()}}
                )
            if "text" in diff:
                reworded.append(row.id)
            if "text" in diff or "english" in diff:
                fresh.append((row.id, s.text, s.english))
            if old_words.get(row.id, []) != [_word_tuple(w) for w in s.words]:
                rewords.append((row.id, s))
        for cols, params in changes.items():
            stmt = (
                update(SegmentRow.__table__)
                .where(c.id == bindparam("_pk"))
                .values({k: bindparam("_" + k) for k in cols})
            )
            session.execute(stmt, params)
        for chunk in _chunks(reworded):
            emb = SegmentEmbedding.__table__
            session.execute(delete(emb).where(emb.c.segment_id.in_(chunk)))
        for chunk in _chunks([pk for pk, _ in rewords]):
            session.execute(
                delete(WordRow.__table__).where(WordRow.__table__.c.segment_id.in_(chunk))
            )
        new_ids = self._insert_segments(session, video_id, new)
        fresh += [(pk, s.text, s.english) for pk, s in zip(new_ids, new, strict=True)]
        pks = [pk for pk, _ in rewords] + new_ids
        self._insert_words(session, pks, [s for _, s in rewords] + new)
        sync_text_index(session, video_id, fresh, gone)

    @staticmethod
    def _insert_segments(session: Session, video_id: str, segments: Sequence[Segment]) -> list[int]:
        """Bulk-insert segments; returns their primary keys in the order given."""
        if not segments:
            return []
        rows = [_segment_values(video_id, s) for s in segments]
        stmt = insert(SegmentRow.__table__).returning(
            SegmentRow.__table__.c.id, sort_by_parameter_order=True
        )
        return list(session.scalars(stmt, rows))

    @staticmethod
    def _insert_words(session: Session, seg_ids: list[int], segments: Sequence[Segment]) -> None:
        """Bulk-insert all words of all segments as one executemany."""
        rows = [
            _word_values(seg_id, i, w)
            for seg_id, seg in zip(seg_ids, segments, strict=True)
            for i, w in enumerate(seg.words)
        ]
        if rows:
            session.execute(insert(WordRow.__table__), rows)

    def load_transcript(self, video_id: str) -> Transcript | None:
        """The stored transcript of a video, or None if the video is unknown."""
        return self.read(lambda session: self._read_transcript(session, video_id))

    @staticmethod
    def _read_transcript(session: Session, video_id: str) -> Transcript | None:
        """Core rows from prebuilt statements, validated once as a whole.

        A page's 500 words as ORM objects and one `Word(...)` call each cost ~8 ms; plain
        rows and one `model_validate` about 2, and statements built once (not per call, with
        their cache keys) take another third off.
        """
        conn = session.connection()
        params = {"video_id": video_id}
        video = conn.execute(_VIDEO_ROW, params).first()
        if video is None:
            return None
        words: dict[int, list[dict[str, Any]]] = {}
        for seg_pk, start, end, word, prob, low_conf, speaker in conn.execute(_WORD_ROWS, params):
            words.setdefault(seg_pk, []).append(
                {
                    "start": start,
                    "end": end,
                    "word": word,
                    "prob": prob,
                    "low_conf": low_conf,
                    "speaker": speaker,
                }
            )
        segments = []
        for pk, idx, *rest in conn.execute(_SEGMENT_ROWS, params):
            seg = dict(zip(_SEGMENT_FIELDS[1:], rest, strict=True))
            seg["id"], seg["words"], seg["flags"] = idx, words.get(pk, ()), seg["flags"] or ()
            segments.append(seg)
        return Transcript.model_validate(
            {
                **video._asdict(),
                "segments": segments,
                "entities": entity_store.load(session, [video_id]).get(video_id, []),
                "speakers": load_speakers(session, video_id),
            }
        )

    # -- entities across the archive ----------------------------------------------------

    def list_entities(self, type_: str | None = None, limit: int = 500) -> list[ArchiveEntity]:
        """Entities across all videos (matched by type + English name), most videos first."""
        return self.read(lambda session: entity_store.archive(session, type_, limit))

    def entity_videos(self, key: str) -> list[EntityInVideo]:
        """Every video naming the archive entity `key` ("PER:lukashenko"), with its mentions."""
        with self._read.begin() as session:
            return entity_store.videos_naming(session, key)

    def videos_with_entity(self, key: str) -> set[str]:
        """Ids of the videos naming the archive entity `key` (the search filter)."""
        with self._read.begin() as session:
            return entity_store.video_ids_naming(session, key)

    @staticmethod
    def _word_tuples(session: Session, video_id: str) -> dict[int, list[tuple]]:
        """Stored words as plain tuples per segment pk: diffing 10⁵ words as records would
        spend seconds validating them."""
        w = WordRow.__table__.c
        stmt = (
            select(w.segment_id, w.start, w.end, w.word, w.prob, w.low_conf, w.speaker)
            .join(SegmentRow.__table__, SegmentRow.__table__.c.id == w.segment_id)
            .where(SegmentRow.__table__.c.video_id == video_id)
            .order_by(w.segment_id, w.idx)
        )
        out: dict[int, list[tuple]] = {}
        for seg_id, *rest in session.connection().execute(stmt):
            rest[4] = bool(rest[4])
            out.setdefault(seg_id, []).append(tuple(rest))
        return out

    # -- stages -------------------------------------------------------------------------

    def stage_done(self, video_id: str, stage: str, settings_hash: str) -> bool:
        """True if `stage` finished for this video with exactly these settings."""
        with self._read.begin() as session:
            row = session.get(StageRow, (video_id, stage))
            return row is not None and row.status == "done" and row.settings_hash == settings_hash

    def mark_stage(
        self,
        video_id: str,
        stage: str,
        status: str,
        settings_hash: str,
        error: str | None = None,
        *,
        options: Any = None,
        version: str | None = None,
    ) -> None:
        """Record a stage as running, done or failed. The video row must already exist."""
        with self._write.begin() as session:
            self._set_stage(
                session, video_id, stage, status, settings_hash, error, options, version
            )

    @staticmethod
    def _set_stage(
        session: Session,
        video_id: str,
        stage: str,
        status: str,
        settings_hash: str,
        error: str | None,
        options: Any = None,
        version: str | None = None,
    ) -> None:
        """Upsert a stage row: 'running' restarts the clock, 'done'/'failed' stop it."""
        if status not in STAGE_STATUSES:
            raise ValueError(f"stage status must be one of {STAGE_STATUSES}, not {status!r}")
        row = session.get(StageRow, (video_id, stage))
        if row is None:
            row = StageRow(video_id=video_id, stage=stage)
            session.add(row)
        now = utcnow()
        row.status = status
        row.settings_hash = settings_hash
        row.error = error
        if options is not None or version is not None:
            row.options, row.version = options, version
        if status == "queued":
            row.started_at, row.finished_at = None, None
        elif status == "running":
            row.started_at, row.finished_at = now, None
        else:
            row.finished_at = now

    # -- briefs -------------------------------------------------------------------------

    def save_brief(self, video_id: str, brief: Brief, settings_hash: str) -> None:
        """Replace a video's brief and mark the `brief` stage done, in one transaction."""
        with self._write.begin() as session:
            self._write_brief(session, video_id, brief, settings_hash)
            self._set_stage(session, video_id, "brief", "done", settings_hash, None)

    @staticmethod
    def _write_brief(session: Session, video_id: str, brief: Brief, key: str) -> None:
        row = session.get(BriefRow, video_id)
        if row is None:
            row = BriefRow(video_id=video_id)
            session.add(row)
        row.settings_hash = key
        row.json = json.dumps(brief.to_json_dict(), ensure_ascii=False)
        row.created_at = utcnow()

    def load_brief(self, video_id: str) -> Brief | None:
        """The stored brief of a video, or None if none was made yet."""
        params = {"video_id": video_id}
        payload = self.read(lambda session: session.connection().scalar(_BRIEF_JSON, params))
        return Brief.model_validate(json.loads(payload)) if payload is not None else None

    # -- checks (issue 11) -------------------------------------------------------------

    @staticmethod
    def _write_check(
        session: Session, video_id: str, result: CheckResult, key: str, kind: str = "description"
    ) -> None:
        row = session.get(CheckRow, (video_id, kind))
        if row is None:
            row = CheckRow(video_id=video_id, kind=kind)
            session.add(row)
        row.settings_hash = key
        row.json = json.dumps(result.model_dump(mode="json"), ensure_ascii=False)
        row.created_at = utcnow()

    def load_check(self, video_id: str, kind: str = "description") -> CheckResult | None:
        """The stored check of a video's description (None if none was made)."""
        params = {"video_id": video_id, "kind": kind}
        payload = self.read(lambda session: session.connection().scalar(_CHECK_JSON, params))
        return CheckResult.model_validate(json.loads(payload)) if payload is not None else None

    # -- the runner's seam (videobrief.pipeline.runner) -------------------------------------------

    def register_video(
        self, video_id: str, source: str, title: str | None, info: MediaInfo | None
    ) -> None:
        """Make the video row a stage row needs; the archive hides it until its stages are done."""
        values: dict[str, Any] = {"id": video_id, "source": source, "title": title}
        if info is not None:
            values.update(
                duration=info.duration,
                media_path=info.path,
                size_bytes=info.size_bytes,
                has_video=info.has_video,
            )
        else:
            values["duration"] = 0.0
        with self._write.begin() as session:
            exists = session.get(Video, video_id) is not None
            if not exists:
                self._upsert_video(session, values)

    def queue_stages(self, video_id: str, stages: dict[str, str]) -> None:
        """Mark the stages a run will redo (name -> key) as queued, all in one transaction.

        So a run killed between two stages still leaves the video visibly unfinished.
        """
        with self._write.begin() as session:
            for name, key in stages.items():
                self._set_stage(session, video_id, name, "queued", key, None)

    def stage_row(self, video_id: str, stage: str) -> dict[str, Any] | None:
        """One stage row as a dict, or None."""
        with self._read.begin() as session:
            row = session.get(StageRow, (video_id, stage))
            return _stage_dict(row) if row is not None else None

    def unfinished_stages(self, video_id: str) -> list[str]:
        """Stages of the video that are queued, running or failed (empty: the video is done)."""
        params = {"video_id": video_id}
        return sorted(self.read(lambda s: list(s.connection().scalars(_UNFINISHED, params))))

    def any_stage_done(self, video_id: str) -> bool:
        """True if at least one stage of the video finished (so the video holds real results)."""
        with self._read.begin() as session:
            stmt = select(StageRow.stage).where(
                StageRow.video_id == video_id, StageRow.status == "done"
            )
            return session.scalars(stmt.limit(1)).first() is not None

    def artifact_lineage(self, video_id: str, artifact: str) -> dict[str, str]:
        """Which stage runs made a stored artifact: stage name -> cache key ({} if none)."""
        with self._read.begin() as session:
            if artifact == "transcript":
                stmt = select(Video.transcript_lineage).where(Video.id == video_id)
                return dict(session.scalar(stmt) or {})
            if artifact == "brief":
                stmt = select(BriefRow.settings_hash).where(BriefRow.video_id == video_id)
                key = session.scalar(stmt)
                return {"brief": key} if key else {}
            if artifact == "description_check":
                stmt = select(CheckRow.settings_hash).where(
                    CheckRow.video_id == video_id, CheckRow.kind == "description"
                )
                key = session.scalar(stmt)
                return {"check": key} if key else {}
        raise ValueError(f"artifact {artifact!r} is not stored")

    def load_artifact(self, video_id: str, artifact: str) -> Any:
        """A stored artifact by name: "transcript" or "brief"."""
        if artifact == "transcript":
            return self.load_transcript(video_id)
        if artifact == "brief":
            return self.load_brief(video_id)
        if artifact == "description_check":
            return self.load_check(video_id)
        raise ValueError(f"artifact {artifact!r} is not stored")

    def save_outputs(
        self,
        video_id: str,
        stage: str,
        key: str,
        outputs: dict[str, Any],
        *,
        lineage: dict[str, str] | None = None,
        options: Any = None,
        version: str | None = None,
    ) -> None:
        """A stage's results and its `done` mark, in one transaction (all or nothing).

        `lineage` (stage name -> key of every stage run that shaped the outputs) is kept with
        the transcript so the runner can tell whether it is the input a later stage expects.
        """
        with self._write.begin() as session:
            for artifact, value in outputs.items():
                if artifact == "transcript":
                    self._write_transcript(session, value, lineage or {stage: key})
                elif artifact == "brief":
                    self._write_brief(session, video_id, value, key)
                elif artifact == "description_check":
                    self._write_check(session, video_id, value, key)
            self._set_stage(session, video_id, stage, "done", key, None, options, version)

    def stage_rows(self, video_id: str) -> list[dict[str, Any]]:
        """Every stage row of a video as plain dicts, in the order the stages started."""
        order = func.coalesce(StageRow.started_at, StageRow.finished_at)
        with self._read.begin() as session:
            rows = session.scalars(
                select(StageRow)
                .where(StageRow.video_id == video_id)
                .order_by(order, StageRow.stage)
            )
            return [_stage_dict(r) for r in rows]


def _safe_url(url: str) -> str:
    """The URL without its password, for error messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("://", 1)[0] + "://…"


def _chunks(items: list[int], size: int = 500) -> list[list[int]]:
    """Keep IN lists under SQLite's bound-parameter limit."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def _video_values(t: Transcript) -> dict[str, Any]:
    return {
        "id": t.id,
        "source": t.source,
        "duration": t.duration,
        "title": t.title,
        "description": t.description,
    }


def _segment_values(video_id: str, s: Segment) -> dict[str, Any]:
    return {
        "video_id": video_id,
        "idx": s.id,
        "start": s.start,
        "end": s.end,
        "text": s.text,
        "lang": s.lang,
        "lang_prob": s.lang_prob,
        "avg_logprob": s.avg_logprob,
        "english": s.english,
        "english_source": s.english_source,
        "flags": list(s.flags) or None,
        "speaker": s.speaker,
    }


# Record field names, in the order `_read_transcript` selects their columns.
_SEGMENT_FIELDS = (
    "idx",
    "start",
    "end",
    "text",
    "lang",
    "lang_prob",
    "avg_logprob",
    "english",
    "english_source",
    "flags",
    "speaker",
)
_WORD_FIELDS = ("start", "end", "word", "prob", "low_conf", "speaker")

# The page path's reads, built once: a select() built per call, with its cache key, costs
# more than the query it runs (~0.1 ms each, a dozen per page).
_V, _S, _W = Video.__table__.c, SegmentRow.__table__.c, WordRow.__table__.c
_VIDEO_ROW = select(_V.id, _V.source, _V.duration, _V.description, _V.title).where(
    _V.id == bindparam("video_id")
)
_SEGMENT_ROWS = (
    select(_S.id, *(_S[name] for name in _SEGMENT_FIELDS))
    .where(_S.video_id == bindparam("video_id"))
    .order_by(_S.idx)
)
_MEDIA_PATH = select(_V.media_path).where(_V.id == bindparam("video_id"))
_BRIEF_JSON = select(BriefRow.json).where(BriefRow.video_id == bindparam("video_id"))
_CHECK_JSON = select(CheckRow.json).where(
    CheckRow.video_id == bindparam("video_id"), CheckRow.kind == bindparam("kind")
)
_UNFINISHED = select(StageRow.stage).where(
    StageRow.video_id == bindparam("video_id"), StageRow.status != "done"
)
_WORD_ROWS = (
    select(_W.segment_id, *(_W[name] for name in _WORD_FIELDS))
    .join(SegmentRow.__table__, _S.id == _W.segment_id)
    .where(_S.video_id == bindparam("video_id"))
    .order_by(_W.segment_id, _W.idx)
)


def _word_tuple(w: Word) -> tuple:
    return (w.start, w.end, w.word, w.prob, bool(w.low_conf), w.speaker)


def _word_values(segment_pk: int, idx: int, w: Word) -> dict[str, Any]:
    return {
        "segment_id": segment_pk,
        "idx": idx,
        "start": w.start,
        "end": w.end,
        "word": w.word,
        "prob": w.prob,
        "low_conf": w.low_conf,
        "speaker": w.speaker,
    }


def _stage_dict(r: StageRow) -> dict[str, Any]:
    return {
        "video_id": r.video_id,
        "stage": r.stage,
        "status": r.status,
        "settings_hash": r.settings_hash,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "error": r.error,
        "options": r.options,
        "version": r.version,
    }
