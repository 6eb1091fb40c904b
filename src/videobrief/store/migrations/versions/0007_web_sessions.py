"""Web security state shared by all server processes: admin sessions and rate-limit events.

Revision ID: 0007_web_sessions
Revises: 0008_speakers
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_web_sessions"
down_revision: str | None = "0008_speakers"  # re-chained on merge: after main's 0008_speakers
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_big_pk = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ts = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.add_column(
            sa.Column("staff", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("expires_at", _ts, nullable=False),
        sa.ForeignKeyConstraint(["token_id"], ["api_tokens.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    op.create_index("ix_web_sessions_token_id", "web_sessions", ["token_id"])
    op.create_index("ix_web_sessions_expires_at", "web_sessions", ["expires_at"])
    op.create_table(
        "rate_hits",
        sa.Column("id", _big_pk, autoincrement=True, nullable=False),
        sa.Column("bucket", sa.String(32), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rate_hits_bucket_client_at", "rate_hits", ["bucket", "client", "at"])


def downgrade() -> None:
    op.drop_table("rate_hits")
    op.drop_table("web_sessions")
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("staff")
