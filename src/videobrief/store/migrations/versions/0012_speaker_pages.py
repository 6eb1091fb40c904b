"""Speaker pages and lasting renames: user names for speakers kept apart from the speakers
stage's rows (so a rerun keeps them), and an index on speaker names for the archive's speaker
pages and the search filter by speaker (issue 13).

Revision ID: 0012_speaker_pages
Revises: 0007_web_sessions
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_speaker_pages"
down_revision: str | None = "0007_web_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "speaker_renames",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("video_id", sa.String(64), nullable=False),
        sa.Column("label", sa.String(16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("encoder", sa.String(16), nullable=True),
        sa.Column("centroid", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_speaker_renames_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speaker_renames")),
    )
    op.create_index(op.f("ix_speaker_renames_video_id"), "speaker_renames", ["video_id"])
    op.create_index(op.f("ix_video_speakers_name"), "video_speakers", ["name"])
    # Names users gave before this table existed move into it, so a rerun keeps them too.
    op.execute(
        "INSERT INTO speaker_renames (video_id, label, name, encoder, centroid, created_at) "
        "SELECT video_id, label, name, encoder, centroid, CURRENT_TIMESTAMP FROM video_speakers "
        "WHERE name_source = 'user' AND name IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_video_speakers_name"), table_name="video_speakers")
    op.drop_index(op.f("ix_speaker_renames_video_id"), table_name="speaker_renames")
    op.drop_table("speaker_renames")
