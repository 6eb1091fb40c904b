"""Checks: the verdicts on a video's source description, checked against its transcript (issue 11).

Revision ID: 0011_checks
Revises: 0006_store_seam (the task said 0004_web; main had 0005 and 0006 by the time this branch
merged it, and two heads would stop `upgrade head`)
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_checks"
down_revision: str | None = "0009_entities"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checks",
        sa.Column("video_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("settings_hash", sa.String(128), nullable=False),
        sa.Column("json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_checks_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("video_id", "kind", name=op.f("pk_checks")),
    )


def downgrade() -> None:
    op.drop_table("checks")
