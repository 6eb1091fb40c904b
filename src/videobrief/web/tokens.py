"""Admin bearer tokens: created by `videobrief token create`, stored only as sha256 hashes.

Tokens are 256-bit random, so a plain sha256 (not a slow password hash) is enough: there is
nothing to brute-force, and a lookup by hash stays one indexed query per request.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select, update

from videobrief.store import Store
from videobrief.store.models import utcnow
from videobrief.store.web_models import ApiToken

PREFIX = "vb_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(store: Store, name: str) -> str:
    """Make a new admin token, store its hash, and return the token (shown once)."""
    token = PREFIX + secrets.token_urlsafe(32)
    with store.writing() as session:
        session.add(ApiToken(name=name[:80], token_hash=_hash(token)))
    return token


def verify_token(store: Store, token: str | None) -> str | None:
    """The token's name if it is a known admin token, else None; records its last use."""
    if not token or not token.startswith(PREFIX) or len(token) > 200:
        return None
    digest = _hash(token)
    with store.reading() as session:
        row = session.execute(
            select(ApiToken.id, ApiToken.name).where(ApiToken.token_hash == digest)
        ).first()
    if row is None:
        return None
    with store.writing() as session:
        session.execute(update(ApiToken).where(ApiToken.id == row[0]).values(last_used_at=utcnow()))
    return row[1]
