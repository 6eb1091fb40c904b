"""A real PostgreSQL server for the tests, started from Debian's binaries and stopped after.

`initdb` + `pg_ctl` in a temporary folder, listening on a free loopback port only (no Unix
socket in /var/run). PostgreSQL refuses to run as root, so under root (CI) the server runs as
an unprivileged user (`videobrief-test`, created with `useradd` when missing). Each test gets
its own database, copied from a template with `CREATE DATABASE … TEMPLATE` (milliseconds).

Missing binaries skip locally and fail under CI=true (see `shared_data.skip_or_fail`).
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.ports import free_port
from tests.shared_data import skip_or_fail

PG_USER = "videobrief-test"
_counter = itertools.count()


def pg_bin() -> Path | None:
    """The newest /usr/lib/postgresql/<major>/bin holding initdb, or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    return Path(found[-1]).parent if found else None


def _run_as() -> tuple[list[str], str]:
    """(command prefix, OS user) for running the server: ourselves, or a plain user under root."""
    if os.geteuid() != 0:
        return [], pwd.getpwuid(os.geteuid()).pw_name
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
            check=True,
            capture_output=True,
        )
    return ["runuser", "-u", PG_USER, "--"], PG_USER


class PgServer:
    """One running cluster; `url(db)` gives a SQLAlchemy URL for psycopg 3."""

    def __init__(self, root: Path, port: int, user: str) -> None:
        self.root, self.port, self.user = root, port, user

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        """Run one statement in autocommit (CREATE/DROP DATABASE cannot run in a transaction)."""
        import psycopg

        dsn = f"host=127.0.0.1 port={self.port} user={self.user} dbname={database}"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(statement)

    def new_database(self, template: str | None = None) -> str:
        """A fresh, empty (or template-copied) database; returns its URL."""
        name = f"t{os.getpid()}_{next(_counter)}"
        tpl = f" TEMPLATE {template}" if template else " TEMPLATE template0"
        self.sql(f"CREATE DATABASE {name}{tpl}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def pg_server() -> Iterator[PgServer]:
    """Start a throw-away cluster; stop it and delete its folder afterwards."""
    bindir = pg_bin()
    if bindir is None:
        skip_or_fail("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin")
    prefix, user = _run_as()
    root = Path(tempfile.mkdtemp(prefix="vb-pg-"))
    data, log = root / "data", root / "log"
    os.chmod(root, 0o755)
    if prefix:
        shutil.chown(root, user)
    port = free_port()
    subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    opts = f"-h 127.0.0.1 -p {port} -k '' -c fsync=off -c synchronous_commit=off"
    start = [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", opts]
    subprocess.run([*start, "-w", "-t", "60", "start"], check=True, capture_output=True)
    try:
        _wait_ready(port)
        yield PgServer(root, port, user)
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def _wait_ready(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL did not listen on port {port}")
