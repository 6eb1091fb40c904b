"""Stage registry: each stage row keeps its options and code version; the transcript its key.

Revision ID: 0005_stage_registry
Revises: 0004_web
Create Date: 2026-12-01

`videos.transcript_lineage` maps each stage that shaped the stored transcript to its cache key,
so the runner knows whether the stored transcript is the input a later stage expects.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_stage_registry"
down_revision: str | None = "0004_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_STATUSES = "('queued', 'running', 'done', 'failed')"
_OLD_STATUSES = "('running', 'done', 'failed')"


def upgrade() -> None:
    with op.batch_alter_table("stages") as batch:
        batch.add_column(sa.Column("options", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("version", sa.String(64), nullable=True))
        # 'queued': planned by a run that has not reached it yet (so the video is unfinished)
        batch.drop_constraint(op.f("ck_stages_status"), type_="check")
        batch.create_check_constraint("status", f"status IN {_STATUSES}")
    with op.batch_alter_table("videos") as batch:
        batch.add_column(sa.Column("transcript_lineage", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("videos") as batch:
        batch.drop_column("transcript_lineage")
    op.execute("DELETE FROM stages WHERE status = 'queued'")
    with op.batch_alter_table("stages") as batch:
        batch.drop_constraint(op.f("ck_stages_status"), type_="check")
        batch.create_check_constraint("status", f"status IN {_OLD_STATUSES}")
        batch.drop_column("version")
        batch.drop_column("options")
