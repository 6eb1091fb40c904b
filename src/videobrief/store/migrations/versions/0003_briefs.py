"""Briefs: one grounded brief per video (issue 5).

Revision ID: 0003_briefs
Revises: 0002_english_track
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_briefs"
down_revision: str | None = "0002_english_track"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "briefs",
        sa.Column("video_id", sa.String(64), nullable=False),
        sa.Column("settings_hash", sa.String(128), nullable=False),
        sa.Column("json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_briefs_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("video_id", name=op.f("pk_briefs")),
    )


def downgrade() -> None:
    op.drop_table("briefs")
