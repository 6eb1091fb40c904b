"""Storage: SQLAlchemy models, Alembic migrations and the `Store` that uses them."""

from videobrief.store import batch_models as batch_models  # registers batch_sources
from videobrief.store import web_models as web_models  # registers the web tables on Base
from videobrief.store.db import Store, VideoSummary

__all__ = ["Store", "VideoSummary"]
