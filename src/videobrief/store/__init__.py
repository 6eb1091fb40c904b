"""Storage: SQLAlchemy models, Alembic migrations and the `Store` that uses them.

`Store` is the only way in: no SQLAlchemy session or SQL leaves this package.
"""

from videobrief.store import batch_models as batch_models  # registers batch_sources
from videobrief.store import entity_models as entity_models  # registers the entity tables
from videobrief.store import web_models as web_models  # registers the web tables on Base
from videobrief.store import web_security as web_security  # sessions, rate limit
from videobrief.store.db import Store, VideoSummary
from videobrief.store.search_index import Filters, SegmentMatch
from videobrief.store.web_tables import CommentView, JobView

__all__ = ["CommentView", "Filters", "JobView", "SegmentMatch", "Store", "VideoSummary"]
