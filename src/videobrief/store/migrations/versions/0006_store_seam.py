"""The store as the one seam: job leases, indexes written with the transcript, PostgreSQL FTS.

Revision ID: 0006_store_seam
Revises: 0005_stage_registry
Create Date: 2026-12-01

- `jobs.lease_until`: a running job whose lease has passed is claimed again (kill -9 safety).
- `search_state` goes: the text index is now written in the transcript's own transaction, and
  a segment without an embedding row is what "needs embedding" means.
- SQLite: the FTS5 table is rebuilt from the segments, so it matches them exactly.
- PostgreSQL: `segments.search_tsv`, a generated tsvector (the `russian` configuration for the
  original text, which stems Cyrillic with the Russian and ASCII words with the English Snowball
  stemmer; `english` for the English track) with a GIN index.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_store_seam"
down_revision: str | None = "0005_stage_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ts = sa.DateTime(timezone=True)
_TSV = (
    "ALTER TABLE segments ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('russian', coalesce(text, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(english, '')), 'B')) STORED"
)


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("lease_until", _ts, nullable=True))
    op.drop_table("search_state")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DELETE FROM segments_fts")
        op.execute(
            "INSERT INTO segments_fts (rowid, video_id, text, english) "
            "SELECT id, video_id, text, english FROM segments"
        )
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(_TSV)
        op.execute("CREATE INDEX ix_segments_search_tsv ON segments USING gin (search_tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_segments_search_tsv")
        op.execute("ALTER TABLE segments DROP COLUMN IF EXISTS search_tsv")
    op.create_table(
        "search_state",
        sa.Column("video_id", sa.String(64), nullable=False),
        sa.Column("text_version", _ts, nullable=True),
        sa.Column("embed_version", _ts, nullable=True),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_search_state_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("video_id", name=op.f("pk_search_state")),
    )
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("lease_until")
