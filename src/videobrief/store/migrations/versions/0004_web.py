"""Web app tables: comments, admin tokens, jobs, segment embeddings, search bookkeeping, FTS5.

Revision ID: 0004_web
Revises: 0003_briefs
Create Date: 2026-11-25

The FTS5 table exists on SQLite only; PostgreSQL searches with to_tsvector at query time (see
`videobrief.store.search`), so nothing is created for it there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_web"
down_revision: str | None = "0003_briefs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_big_pk = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ts = sa.DateTime(timezone=True)

# rowid = segments.id; video_id and seg_idx ride along unindexed so a hit needs no join to
# find its video, and a re-index can drop one video's rows.
_CREATE_FTS = (
    "CREATE VIRTUAL TABLE segments_fts USING fts5("
    "video_id UNINDEXED, text, english, tokenize = 'unicode61 remove_diacritics 2')"
)


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("id", _big_pk, autoincrement=True, nullable=False),
        sa.Column("video_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.CheckConstraint(
            "status IN ('visible', 'pending', 'hidden')", name=op.f("ck_comments_status")
        ),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_comments_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    op.create_index(op.f("ix_comments_video_id_created_at"), "comments", ["video_id", "created_at"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("last_used_at", _ts, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("upload_path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("video_id", sa.String(64), nullable=True),
        sa.Column("stage", sa.String(64), nullable=True),
        sa.Column("done", sa.Float(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("updated_at", _ts, nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_jobs_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index(op.f("ix_jobs_status"), "jobs", ["status"])
    op.create_table(
        "segment_embeddings",
        sa.Column("segment_id", _big_pk, autoincrement=False, nullable=False),
        sa.Column("video_id", sa.String(64), nullable=False),
        sa.Column("model", sa.String(64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
            name=op.f("fk_segment_embeddings_segment_id_segments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_segment_embeddings_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("segment_id", name=op.f("pk_segment_embeddings")),
    )
    op.create_index(op.f("ix_segment_embeddings_video_id"), "segment_embeddings", ["video_id"])
    op.create_table(
        "search_state",
        sa.Column("video_id", sa.String(64), nullable=False),
        sa.Column("text_version", _ts, nullable=True),
        sa.Column("embed_version", _ts, nullable=True),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_search_state_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("video_id", name=op.f("pk_search_state")),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(_CREATE_FTS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS segments_fts")
    op.drop_table("search_state")
    op.drop_index(op.f("ix_segment_embeddings_video_id"), table_name="segment_embeddings")
    op.drop_table("segment_embeddings")
    op.drop_index(op.f("ix_jobs_status"), table_name="jobs")
    op.drop_table("jobs")
    op.drop_table("api_tokens")
    op.drop_index(op.f("ix_comments_video_id_created_at"), table_name="comments")
    op.drop_table("comments")
