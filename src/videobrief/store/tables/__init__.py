"""The store's tables (SQLAlchemy declarative models), one module per area.

All share one `Base` (`tables/videos.py`). Importing this package imports every table module,
so `Base.metadata` describes the whole database wherever a table is used (Alembic's
`migrations/env.py` compares against it).
"""

from videobrief.store.tables import batches as batches
from videobrief.store.tables import entities as entities
from videobrief.store.tables import search as search
from videobrief.store.tables import security as security
from videobrief.store.tables import videos as videos
from videobrief.store.tables import web as web
