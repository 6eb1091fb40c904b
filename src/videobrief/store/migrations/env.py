"""Alembic environment for the videobrief store.

`Store` runs migrations on a connection it already holds (passed in
`config.attributes["connection"]`), inside its own transaction and lock, so opening a store
never needs alembic.ini. The command line still works for authoring revisions, e.g.:

    alembic -c src/videobrief/store/alembic.ini -x url=sqlite:///dev.db upgrade head
    alembic -c src/videobrief/store/alembic.ini -x url=sqlite:///dev.db revision \
        --autogenerate -m "add something"
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from videobrief.store.tables.search import include_name
from videobrief.store.tables.videos import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    """The database URL from `-x url=...`, else from the ini file."""
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("no database URL: pass -x url=... or set sqlalchemy.url")
    return url


def _configure(connection: Connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )


def run_offline() -> None:
    """Emit SQL to stdout (`alembic upgrade --sql`)."""
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate through the caller's connection if given, else through a fresh engine."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
