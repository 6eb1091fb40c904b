"""Web security tables every server process shares: admin sign-in sessions and rate-limit hits.

Their queries are in `queries/security.py`; the admin tokens the sessions belong to are in
`tables/web.py`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from videobrief.store.tables.videos import Base, BigIntPK, UTCDateTime, utcnow


class WebSession(Base):
    """A browser sign-in: the cookie holds a random id; only its sha256 is stored."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("api_tokens.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class RateHit(Base):
    """One counted event (a comment) by one client, for a sliding-window limit."""

    __tablename__ = "rate_hits"
    __table_args__ = (Index("ix_rate_hits_bucket_client_at", "bucket", "client", "at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    bucket: Mapped[str] = mapped_column(String(32))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[float] = mapped_column(Float)  # unix seconds: the same clock in every process
