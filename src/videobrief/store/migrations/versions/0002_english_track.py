"""English track: segments.english, english_source, flags; words.low_conf.

Revision ID: 0002_english_track
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_english_track"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("segments") as batch:
        batch.add_column(sa.Column("english", sa.Text(), nullable=True))
        batch.add_column(sa.Column("english_source", sa.String(32), nullable=True))
        batch.add_column(sa.Column("flags", sa.JSON(), nullable=True))
    with op.batch_alter_table("words") as batch:
        batch.add_column(
            sa.Column("low_conf", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("words") as batch:
        batch.drop_column("low_conf")
    with op.batch_alter_table("segments") as batch:
        batch.drop_column("flags")
        batch.drop_column("english_source")
        batch.drop_column("english")
