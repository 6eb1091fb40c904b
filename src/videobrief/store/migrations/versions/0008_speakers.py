"""Speakers: who speaks each segment and word, each video's speakers with their voice
centroids (for matching across the archive), and the enrolled voice library (issue 13).

Revision ID: 0008_speakers
Revises: 0005_stage_registry
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_speakers"
down_revision: str | None = "0010_batch"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("segments") as batch:
        batch.add_column(sa.Column("speaker", sa.String(16), nullable=True))
    with op.batch_alter_table("words") as batch:
        batch.add_column(sa.Column("speaker", sa.String(16), nullable=True))
    op.create_table(
        "video_speakers",
        sa.Column("video_id", sa.String(64), nullable=False),
        sa.Column("label", sa.String(16), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("name_source", sa.String(16), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("encoder", sa.String(16), nullable=True),
        sa.Column("centroid", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_video_speakers_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("video_id", "label", name=op.f("pk_video_speakers")),
    )
    op.create_table(
        "voices",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("encoder", sa.String(16), nullable=False),
        sa.Column("embedding", sa.JSON(), nullable=False),
        sa.Column("clips", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", "encoder", name=op.f("pk_voices")),
    )


def downgrade() -> None:
    op.drop_table("voices")
    op.drop_table("video_speakers")
    with op.batch_alter_table("words") as batch:
        batch.drop_column("speaker")
    with op.batch_alter_table("segments") as batch:
        batch.drop_column("speaker")
