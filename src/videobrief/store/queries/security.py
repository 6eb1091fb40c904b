"""Web security state every server process shares: admin sessions, token revocation, the
comment rate limit and the failed sign-in throttle. Kept in the store (not process memory) so
`serve --workers N` enforces one limit and a sign-out or revocation holds in every process at
once.

Functions over a `Store`; the web layer never writes SQL for these tables, which are declared
in `tables/security.py`.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from videobrief.store.tables.security import RateHit, WebSession
from videobrief.store.tables.videos import utcnow
from videobrief.store.tables.web import ApiToken

SESSION_TTL = timedelta(hours=12)
LAST_USED_EVERY_S = 300.0  # write a token's last-used time at most this often per process


@dataclass(frozen=True)
class TokenInfo:
    id: str  # first 12 hex characters of the token's hash: shown by `token list`
    name: str
    created_at: datetime
    last_used_at: datetime | None


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def list_tokens(store) -> list[TokenInfo]:
    """Every admin token, oldest first (never the token itself: only its hash is stored)."""
    stmt = select(ApiToken).order_by(ApiToken.created_at, ApiToken.id)
    return store.read(
        lambda session: [
            TokenInfo(r.token_hash[:12], r.name, r.created_at, r.last_used_at)
            for r in session.scalars(stmt)
        ]
    )


def revoke_tokens(store, which: str) -> list[str]:
    """Delete tokens named `which`, or whose id (hash prefix, ≥ 6 chars) or full token it is,
    with their sessions. Returns the names revoked (empty: nothing matched)."""
    which = which.strip()
    cond = ApiToken.name == which
    if which.startswith("vb_"):
        cond = cond | (ApiToken.token_hash == _hash(which))
    elif len(which) >= 6 and all(c in "0123456789abcdef" for c in which.lower()):
        cond = cond | ApiToken.token_hash.startswith(which.lower())

    def fn(session: Session) -> list[str]:
        rows = session.execute(select(ApiToken.id, ApiToken.name).where(cond)).all()
        ids = [r[0] for r in rows]
        if ids:
            session.execute(delete(WebSession).where(WebSession.token_id.in_(ids)))
            session.execute(delete(ApiToken).where(ApiToken.id.in_(ids)))
        return [r[1] for r in rows]

    return store.write(fn)


_last_write: dict[int, float] = {}


def token_by_secret(store, token: str) -> tuple[int, str] | None:
    """(id, name) of the admin token, or None. Last use is written at most every 5 minutes."""
    stmt = select(ApiToken.id, ApiToken.name).where(ApiToken.token_hash == _hash(token))
    row = store.read(lambda session: session.execute(stmt).first())
    if row is None:
        return None
    _touch(store, row[0])
    return row[0], row[1]


def _touch(store, token_id: int) -> None:
    now = time.monotonic()
    if now - _last_write.get(token_id, -LAST_USED_EVERY_S) < LAST_USED_EVERY_S:
        return
    _last_write[token_id] = now
    stmt = update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow())
    store.write(lambda session: session.execute(stmt))


def open_session(store, token_id: int, ttl: timedelta = SESSION_TTL) -> str:
    """A new sign-in session for the token; returns the random id for the cookie."""
    sid = secrets.token_urlsafe(32)
    now = utcnow()

    def fn(session: Session) -> None:
        session.execute(delete(WebSession).where(WebSession.expires_at < now))
        session.add(WebSession(id_hash=_hash(sid), token_id=token_id, expires_at=now + ttl))

    store.write(fn)
    return sid


def session_admin(store, sid: str) -> str | None:
    """The admin name behind a live session id, else None (expired, signed out or revoked)."""
    if not sid or len(sid) > 100:
        return None
    stmt = (
        select(ApiToken.id, ApiToken.name)
        .join(WebSession, WebSession.token_id == ApiToken.id)
        .where(WebSession.id_hash == _hash(sid), WebSession.expires_at > utcnow())
    )
    row = store.read(lambda session: session.execute(stmt).first())
    if row is None:
        return None
    _touch(store, row[0])
    return row[1]


def close_session(store, sid: str) -> None:
    """Sign out: the session id stops working in every process."""
    stmt = delete(WebSession).where(WebSession.id_hash == _hash(sid or ""))
    store.write(lambda session: session.execute(stmt))


def rate_allow(store, bucket: str, client: str, limit: int, window: float) -> bool:
    """Record an event for `client` unless it already has `limit` in the last `window` seconds.

    One write transaction (SQLite: BEGIN IMMEDIATE), so concurrent processes count together.
    """
    now = time.time()
    old = (RateHit.bucket == bucket) & (RateHit.client == client) & (RateHit.at < now - window)
    if secrets.randbelow(100) == 0:  # now and then, forget every client's old events
        old = RateHit.at < now - window

    def fn(session: Session) -> bool:
        session.execute(delete(RateHit).where(old))
        count = session.scalar(
            select(func.count())
            .select_from(RateHit)
            .where(RateHit.bucket == bucket, RateHit.client == client)
        )
        if count >= limit:
            return False
        session.add(RateHit(bucket=bucket, client=client, at=now))
        return True

    return store.write(fn)


def rate_wait(store, limits: list[tuple[str, str, int, float]]) -> float:
    """Seconds until each (bucket, client, limit, window) has room for one more event: 0 when
    all have room now. Reads only; `rate_record` counts an event.

    For limits on failures (sign-ins): the check comes before the attempt, the count after it
    fails, so a right answer never costs a slot.
    """
    now = time.time()

    def fn(session: Session) -> float:
        wait = 0.0
        for bucket, client, limit, window in limits:
            recent = (
                select(RateHit.at)
                .where(RateHit.bucket == bucket, RateHit.client == client)
                .where(RateHit.at >= now - window)
                .order_by(RateHit.at.desc())
                .limit(limit)
            )
            times = list(session.scalars(recent))
            if len(times) >= limit:  # room again once the oldest of the last `limit` ages out
                wait = max(wait, times[-1] + window - now)
        return wait

    return store.read(fn)


def rate_record(store, events: list[tuple[str, str, float]]) -> None:
    """Count one event for each (bucket, client, window), forgetting that client's events
    older than the window, in one write transaction."""
    now = time.time()

    def fn(session: Session) -> None:
        for bucket, client, window in events:
            old = (RateHit.bucket == bucket) & (RateHit.client == client)
            session.execute(delete(RateHit).where(old & (RateHit.at < now - window)))
            session.add(RateHit(bucket=bucket, client=client, at=now))

    store.write(fn)
