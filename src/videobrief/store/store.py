"""The `Store`: every read and write of videobrief's database goes through here.

It knows records (`Transcript`, `MediaInfo`) and rows, and nothing about the CLI, web or
executor. SQLite (the default, one file in the data folder) and PostgreSQL (`--db URL` or
`VIDEOBRIEF_DB`, driver psycopg 3) share the same code; connection setup, the migration lock,
the job claim and the full-text index differ by dialect.

No session leaves `store/`. Callers use typed methods; inside the package, `read(fn)` and
`write(fn)` run `fn(session)` in one transaction (the shape of datasette's `execute_write_fn`).
`with store.snapshot():` makes every `read` inside share one transaction (a web page's dozen
reads), without handing out the session.

This module holds the engine, migrations and transactions, and a video's documents as the
runner stores them (transcript, brief, check: each with its stage mark, in one transaction).
Every other group of methods is a `…Queries` mixin in `store/queries/`, one module per area;
the tables are in `store/tables/`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import URL, Connection, Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from videobrief.errors import BadInput
from videobrief.records import Transcript
from videobrief.store.queries.archive import ArchiveQueries
from videobrief.store.queries.briefs import (
    BriefQueries,
    read_brief,
    read_check,
    write_brief,
    write_check,
)
from videobrief.store.queries.entities import EntityQueries
from videobrief.store.queries.search import SearchQueries
from videobrief.store.queries.speakers import SpeakerQueries
from videobrief.store.queries.stages import StageQueries, set_stage
from videobrief.store.queries.transcripts import read_transcript, write_transcript
from videobrief.store.queries.videos import VideoQueries
from videobrief.store.queries.web import WebQueries
from videobrief.store.tables.videos import BriefRow, CheckRow, Video

DB_FILENAME = "videobrief.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
# Any constant works; it only has to be the same in every process migrating one database.
_PG_MIGRATION_LOCK = 0x76696465  # "vide"
DB_ENV = "VIDEOBRIEF_DB"
T = TypeVar("T")
# The read session `Store.snapshot()` pinned for this thread/task, with the store that owns it.
_PINNED: ContextVar[tuple[Store, Session] | None] = ContextVar("videobrief_pinned", default=None)


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


class Store(
    VideoQueries,
    ArchiveQueries,
    StageQueries,
    BriefQueries,
    EntityQueries,
    SpeakerQueries,
    SearchQueries,
    WebQueries,
):
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
        on its own costs a pool checkout, BEGIN and COMMIT, several times the query itself.
        One transaction also gives the page one consistent view. Writes are unaffected (they
        keep their own transactions); nested snapshots join the outer one.
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

    # -- a video's documents ---------------------------------------------------------------

    def save_transcript(self, t: Transcript, stage: str, settings_hash: str) -> None:
        """Store a video's transcript and mark `stage` done, all in one transaction.

        Only what changed is written (see `queries/transcripts.py`): words and embeddings of
        unchanged segments stay, and the full-text index follows in the same transaction.
        A crash or error anywhere leaves the previous transcript and stage row untouched, so
        a rerun never sees half a transcript marked as finished.
        """

        def fn(session: Session) -> None:
            write_transcript(session, t, {stage: settings_hash})
            set_stage(session, t.id, stage, "done", settings_hash, None)

        self.write(fn)

    def load_transcript(self, video_id: str) -> Transcript | None:
        """The stored transcript of a video, or None if the video is unknown.

        Gated: a video with a stage not done raises `Unfinished` (see `queries/stages.py`).
        """
        return self.read_finished(video_id, lambda session: read_transcript(session, video_id))

    # -- the runner's seam (videobrief.pipeline.runner): artifacts by name ----------------

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
                    write_transcript(session, value, lineage or {stage: key})
                elif artifact == "brief":
                    write_brief(session, video_id, value, key)
                elif artifact == "description_check":
                    write_check(session, video_id, value, key)
            set_stage(session, video_id, stage, "done", key, None, options, version)

    def load_artifact(self, video_id: str, artifact: str) -> Any:
        """A stored artifact by name: "transcript", "brief" or "description_check".

        Not gated: a run reads what its earlier stages stored while later ones are not done.
        """
        readers = {"transcript": read_transcript, "brief": read_brief}
        readers["description_check"] = read_check
        if artifact not in readers:
            raise ValueError(f"artifact {artifact!r} is not stored")
        return self.read(lambda session: readers[artifact](session, video_id))

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


def _safe_url(url: str) -> str:
    """The URL without its password, for error messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("://", 1)[0] + "://…"
