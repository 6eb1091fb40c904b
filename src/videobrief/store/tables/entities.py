"""Entity tables (migration 0009_entities): each video's entities and every mention of them.

`norm` is the key that matches one entity across videos: the type plus the folded English name
(for a person, the surname alone, so "Лукашенко" in one video and "Александр Григорьевич
Лукашенко" in another are one archive entry). Mentions keep the segment's id within its
transcript (`seg_idx`), not the segments row, so resaving a transcript never orphans them.
"""

from __future__ import annotations

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from videobrief.store.tables.videos import Base, BigIntPK


class EntityRow(Base):
    """One `records.Entity` of one video."""

    __tablename__ = "entities"
    __table_args__ = (
        UniqueConstraint("video_id", "key"),
        Index("ix_entities_norm", "norm"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    video_id: Mapped[str] = mapped_column(String(64), ForeignKey("videos.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(16))
    type: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    norm: Mapped[str] = mapped_column(String(255))
    aliases: Mapped[list[str]] = mapped_column(JSON)


class MentionRow(Base):
    """One `records.Mention`; `idx` is its position in the entity's mention list."""

    __tablename__ = "entity_mentions"
    __table_args__ = (UniqueConstraint("entity_id", "idx"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    entity_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("entities.id", ondelete="CASCADE"))
    idx: Mapped[int] = mapped_column(Integer)
    seg_idx: Mapped[int] = mapped_column(Integer)
    start: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
