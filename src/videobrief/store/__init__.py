"""Storage: SQLAlchemy models, Alembic migrations and the `Store` that uses them."""

from videobrief.store.db import Store, VideoSummary

__all__ = ["Store", "VideoSummary"]
