"""Jobs count how often their worker died while running them, so one that keeps killing its
worker is failed with the reason instead of being claimed again forever.

Revision ID: 0013_job_crashes
Revises: 0012_speaker_pages
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_job_crashes"
down_revision: str | None = "0012_speaker_pages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("crashes", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("crashes")
