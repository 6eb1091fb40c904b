"""Entities: each video's people, places, organisations and dates, and their mentions (issue 13).

Revision ID: 0009_entities
Revises: 0005_stage_registry (re-chained after merging main; was 0004_web)
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_entities"
down_revision: str | None = "0006_store_seam"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_big_pk = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("id", _big_pk, autoincrement=True, nullable=False),
        sa.Column("video_id", sa.String(64), nullable=False),
        sa.Column("key", sa.String(16), nullable=False),
        sa.Column("type", sa.String(8), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("norm", sa.String(255), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_entities_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entities")),
        sa.UniqueConstraint("video_id", "key", name=op.f("uq_entities_video_id_key")),
    )
    op.create_index("ix_entities_norm", "entities", ["norm"])
    op.create_table(
        "entity_mentions",
        sa.Column("id", _big_pk, autoincrement=True, nullable=False),
        sa.Column("entity_id", _big_pk, nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("seg_idx", sa.Integer(), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_entity_mentions_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_mentions")),
        sa.UniqueConstraint("entity_id", "idx", name=op.f("uq_entity_mentions_entity_id_idx")),
    )


def downgrade() -> None:
    op.drop_table("entity_mentions")
    op.drop_index("ix_entities_norm", table_name="entities")
    op.drop_table("entities")
