"""Storage: SQLAlchemy models, Alembic migrations and the `Store` that uses them."""

from videobrief.store import web_models as web_models  # registers the web tables on Base
from videobrief.store import web_security as web_security  # sessions, rate limit
from videobrief.store.db import Store, VideoSummary

__all__ = ["Store", "VideoSummary"]
