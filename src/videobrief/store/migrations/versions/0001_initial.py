"""Initial schema: videos, segments, words, stages.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Same portable 64-bit key as models.BigIntPK (SQLite only auto-increments INTEGER keys).
_big_pk = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ts = sa.DateTime(timezone=True)
# Names are final (op.f): env.py passes the models' naming convention, which would otherwise
# prefix check-constraint names a second time.


def upgrade() -> None:
    op.create_table(
        "videos",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("media_path", sa.Text(), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("has_video", sa.Boolean(), nullable=True),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("updated_at", _ts, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videos")),
    )
    op.create_table(
        "segments",
        sa.Column("id", _big_pk, autoincrement=True, nullable=False),
        sa.Column("video_id", sa.String(64), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(16), nullable=True),
        sa.Column("lang_prob", sa.Float(), nullable=True),
        sa.Column("avg_logprob", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_segments_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segments")),
        sa.UniqueConstraint("video_id", "idx", name=op.f("uq_segments_video_id_idx")),
    )
    op.create_index(op.f("ix_segments_video_id"), "segments", ["video_id"])
    op.create_table(
        "words",
        sa.Column("id", _big_pk, autoincrement=True, nullable=False),
        sa.Column("segment_id", _big_pk, nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("word", sa.Text(), nullable=False),
        sa.Column("prob", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
            name=op.f("fk_words_segment_id_segments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_words")),
        sa.UniqueConstraint("segment_id", "idx", name=op.f("uq_words_segment_id_idx")),
    )
    op.create_table(
        "stages",
        sa.Column("video_id", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("settings_hash", sa.String(128), nullable=False),
        sa.Column("started_at", _ts, nullable=True),
        sa.Column("finished_at", _ts, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('running', 'done', 'failed')", name=op.f("ck_stages_status")
        ),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_stages_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("video_id", "stage", name=op.f("pk_stages")),
    )


def downgrade() -> None:
    op.drop_table("stages")
    op.drop_table("words")
    op.drop_index(op.f("ix_segments_video_id"), table_name=op.f("segments"))
    op.drop_table("segments")
    op.drop_table("videos")
