"""Storage: SQLAlchemy tables, Alembic migrations and the `Store` that uses them.

`Store` is the only way in: no SQLAlchemy session or SQL leaves this package. The layout:
`store.py` (the `Store`: engine, migrations, transactions, a video's documents), `tables/`
(the models, one module per area), `queries/` (the `…Queries` mixins `Store` inherits, and
functions over a store), `search.py` (archive search over the indexes), `migrations/`.
"""

from videobrief.store.queries.archive import VideoSummary
from videobrief.store.queries.search import Filters, SegmentMatch
from videobrief.store.queries.stages import Unfinished
from videobrief.store.queries.web import CommentView, JobView
from videobrief.store.store import Store

__all__ = [
    "CommentView",
    "Filters",
    "JobView",
    "SegmentMatch",
    "Store",
    "Unfinished",
    "VideoSummary",
]
