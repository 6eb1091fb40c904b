"""Admin bearer tokens: created by `videobrief token create`, stored only as sha256 hashes.

Tokens are 256-bit random, so a plain sha256 (not a slow password hash) is enough: there is
nothing to brute-force, and a lookup by hash stays one indexed query per request.
"""

from __future__ import annotations

import hashlib
import secrets

from videobrief.store import Store
from videobrief.store.queries import security

PREFIX = "vb_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(store: Store, name: str) -> str:
    """Make a new admin token, store its hash, and return the token (shown once)."""
    token = PREFIX + secrets.token_urlsafe(32)
    store.add_token(name[:80], _hash(token))
    return token


def verify_token(store: Store, token: str | None) -> str | None:
    """The token's name if it is a known (not revoked) admin token, else None."""
    if not token or not token.startswith(PREFIX) or len(token) > 200:
        return None
    found = security.token_by_secret(store, token)
    return found[1] if found else None


def token_id(store: Store, token: str) -> int | None:
    """The row id of a valid token (to open a browser session on it)."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    found = security.token_by_secret(store, token)
    return found[0] if found else None
