"""Storage: SQLAlchemy models, Alembic migrations and the `Store` that uses them.

`Store` is the only way in: no SQLAlchemy session or SQL leaves this package.
"""

from videobrief.store.queries import security as security  # sessions, rate limit
from videobrief.store.queries.search import Filters, SegmentMatch
from videobrief.store.queries.web import CommentView, JobView
from videobrief.store.store import Store, VideoSummary
from videobrief.store.tables import batches as batches  # registers batch_sources
from videobrief.store.tables import entities as entities  # registers the entity tables
from videobrief.store.tables import web as web  # registers the web tables on Base

__all__ = ["CommentView", "Filters", "JobView", "SegmentMatch", "Store", "VideoSummary"]
