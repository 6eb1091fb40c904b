"""Batch and watch bookkeeping: videos.source_url and one row per source a batch has seen.

Revision ID: 0010_batch
Revises: 0005_stage_registry
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_batch"
down_revision: str | None = "0011_checks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ts = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("videos") as batch:
        batch.add_column(sa.Column("source_url", sa.Text(), nullable=True))
    op.create_table(
        "batch_sources",
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=True),
        sa.Column("video_id", sa.String(64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated_at", _ts, nullable=False),
        sa.CheckConstraint(
            "status IN ('running', 'done', 'failed')", name=op.f("ck_batch_sources_status")
        ),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_batch_sources")),
    )


def downgrade() -> None:
    op.drop_table("batch_sources")
    with op.batch_alter_table("videos") as batch:
        batch.drop_column("source_url")
