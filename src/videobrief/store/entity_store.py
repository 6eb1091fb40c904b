"""Reading and writing entities, and looking them up across the archive.

Called by `Store` inside its own transactions; nothing outside `videobrief.store` sees a
session. A transcript's entities are replaced whenever the transcript is saved, so a stage that
rewrites segments without entities leaves none that point at text no longer there.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from videobrief.entities.match import key
from videobrief.records import Entity, Mention
from videobrief.store.entity_models import EntityRow, MentionRow
from videobrief.store.models import Video


def archive_key(entity: Entity) -> str:
    """The cross-video key: type and the English name (a person's surname alone), each word in
    `match.key` spelling so "Glazyev" and "Glaziev" or "Kiev"-style variants meet."""
    words = entity.name_en.split()
    if entity.type == "PER" and words:
        words = words[-1:]
    return f"{entity.type}:{' '.join(k for w in words if (k := key(w)))}"[:255]


@dataclass(frozen=True)
class ArchiveEntity:
    """One entity of the archive: its key, the name most videos use, and how often it occurs."""

    key: str
    type: str
    name: str
    name_en: str
    videos: int
    mentions: int


@dataclass(frozen=True)
class EntityInVideo:
    """One video that names an archive entity, with the entity as that video has it."""

    video_id: str
    title: str | None
    source: str
    entity: Entity


def replace(session: Session, video_id: str, entities: Sequence[Entity]) -> None:
    """Drop a video's entities (mentions cascade) and insert these."""
    session.execute(delete(EntityRow).where(EntityRow.video_id == video_id))
    if not entities:
        return
    rows = [
        {
            "video_id": video_id,
            "key": e.id,
            "type": e.type,
            "name": e.name,
            "name_en": e.name_en,
            "norm": archive_key(e),
            "aliases": list(e.aliases),
        }
        for e in entities
    ]
    stmt = insert(EntityRow.__table__).returning(
        EntityRow.__table__.c.id, sort_by_parameter_order=True
    )
    ids = list(session.scalars(stmt, rows))
    mentions = [
        {"entity_id": pk, "idx": i, "seg_idx": m.segment, "start": m.start, "text": m.text}
        for pk, e in zip(ids, entities, strict=True)
        for i, m in enumerate(e.mentions)
    ]
    if mentions:
        session.execute(insert(MentionRow.__table__), mentions)


def load(session: Session, video_ids: Sequence[str]) -> dict[str, list[Entity]]:
    """The entities of these videos, each in its stored order (E1, E2, ...)."""
    if not video_ids:
        return {}
    rows = session.execute(
        select(EntityRow).where(EntityRow.video_id.in_(video_ids)).order_by(EntityRow.id)
    ).scalars()
    rows = list(rows)
    if not rows:  # most videos before the entities stage: skip the mentions query
        return {}
    m = MentionRow.__table__.c
    mentions: dict[int, list[Mention]] = defaultdict(list)
    stmt = (
        select(m.entity_id, m.seg_idx, m.start, m.text)
        .where(m.entity_id.in_([r.id for r in rows]))
        .order_by(m.entity_id, m.idx)
    )
    for entity_id, seg, start, text in session.execute(stmt):
        mentions[entity_id].append(Mention(segment=seg, start=start, text=text))
    out: dict[str, list[Entity]] = defaultdict(list)
    for r in rows:
        out[r.video_id].append(
            Entity(
                id=r.key,
                type=r.type,
                name=r.name,
                name_en=r.name_en,
                aliases=tuple(r.aliases or ()),
                mentions=tuple(mentions[r.id]),
            )
        )
    return out


def archive(session: Session, type_: str | None = None, limit: int = 500) -> list[ArchiveEntity]:
    """Entities across all videos, most videos first, then most mentions."""
    e, m = EntityRow.__table__.c, MentionRow.__table__.c
    counts = (
        select(e.norm, func.count(func.distinct(e.video_id)), func.count(m.id))
        .join(MentionRow.__table__, m.entity_id == e.id)
        .group_by(e.norm)
    )
    if type_:
        counts = counts.where(e.type == type_)
    totals = {norm: (videos, mentions) for norm, videos, mentions in session.execute(counts)}
    names: dict[str, Counter] = defaultdict(Counter)
    for norm, typ, name, name_en in session.execute(
        select(e.norm, e.type, e.name, e.name_en).where(e.norm.in_(list(totals)))
    ):
        names[norm][(typ, name, name_en)] += 1
    out = []
    for norm, (videos, mentions) in totals.items():
        typ, name, name_en = names[norm].most_common(1)[0][0]
        out.append(ArchiveEntity(norm, typ, name, name_en, videos, mentions))
    out.sort(key=lambda a: (-a.videos, -a.mentions, a.name))
    return out[:limit]


def videos_naming(session: Session, key: str) -> list[EntityInVideo]:
    """Every video that names the archive entity `key`, newest first."""
    stmt = (
        select(EntityRow.video_id, EntityRow.key, Video.title, Video.source)
        .join(Video, Video.id == EntityRow.video_id)
        .where(EntityRow.norm == key)
        .order_by(Video.created_at.desc(), EntityRow.video_id)
    )
    hits = list(session.execute(stmt))
    entities = load(session, list(dict.fromkeys(h.video_id for h in hits)))
    out = []
    for video_id, ekey, title, source in hits:
        entity = next(x for x in entities[video_id] if x.id == ekey)
        out.append(EntityInVideo(video_id, title, source, entity))
    return out


def video_ids_naming(session: Session, key: str) -> set[str]:
    """Ids of the videos that name `key` (for a search filter)."""
    stmt = select(EntityRow.video_id).where(EntityRow.norm == key).distinct()
    return set(session.scalars(stmt))
