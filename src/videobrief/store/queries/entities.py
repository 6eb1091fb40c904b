"""Reading and writing entities, and looking them up across the archive.

`replace` and `load` run inside the transcript's own transaction (`queries/transcripts.py`):
a transcript's entities are replaced whenever the transcript is saved, so a stage that rewrites
segments without entities leaves none that point at text no longer there. `EntityQueries`
adds the archive-wide lookups to `Store`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from videobrief.records import Entity, Mention
from videobrief.store.queries.archive import complete_video
from videobrief.store.queries.base import Queries
from videobrief.store.tables.entities import EntityRow, MentionRow
from videobrief.store.tables.videos import Video
from videobrief.text.names import key


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


_E, _M = EntityRow.__table__.c, MentionRow.__table__.c
_ENTITY_ROWS = (
    select(_E.id, _E.video_id, _E.key, _E.type, _E.name, _E.name_en, _E.aliases)
    .where(_E.video_id.in_(bindparam("video_ids", expanding=True)))
    .order_by(_E.id)
)
_MENTION_ROWS = (
    select(_M.entity_id, _M.seg_idx, _M.start, _M.text)
    .where(_M.entity_id.in_(bindparam("entity_ids", expanding=True)))
    .order_by(_M.entity_id, _M.idx)
)


_ENTITY_COUNTS = (
    select(_E.norm, func.count(func.distinct(_E.video_id)), func.count(_M.id))
    .join(MentionRow.__table__, _M.entity_id == _E.id)
    .join(Video, Video.id == _E.video_id)
    .where(complete_video())
    .group_by(_E.norm)
)
_ENTITY_NAMES = select(_E.norm, _E.type, _E.name, _E.name_en).where(
    _E.norm.in_(bindparam("norms", expanding=True))
)


def load(session: Session, video_ids: Sequence[str]) -> dict[str, list[Entity]]:
    """The entities of these videos, each in its stored order (E1, E2, ...)."""
    if not video_ids:
        return {}
    conn = session.connection()  # Core rows from prebuilt statements: a video page reads these
    rows = list(conn.execute(_ENTITY_ROWS, {"video_ids": list(video_ids)}))
    if not rows:  # most videos before the entities stage: skip the mentions query
        return {}
    mentions: dict[int, list[Mention]] = defaultdict(list)
    for entity_id, seg, start, text in conn.execute(
        _MENTION_ROWS, {"entity_ids": [r.id for r in rows]}
    ):
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
    conn = session.connection()  # every search page reads this (its name menu)
    counts = _ENTITY_COUNTS.where(_E.type == type_) if type_ else _ENTITY_COUNTS
    totals = {norm: (videos, mentions) for norm, videos, mentions in conn.execute(counts)}
    if not totals:
        return []
    names: dict[str, Counter] = defaultdict(Counter)
    for norm, typ, name, name_en in conn.execute(_ENTITY_NAMES, {"norms": list(totals)}):
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
        .where(EntityRow.norm == key, complete_video())
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


class EntityQueries(Queries):
    """`Store` methods for entities across the archive."""

    def list_entities(self, type_: str | None = None, limit: int = 500) -> list[ArchiveEntity]:
        """Entities across all videos (matched by type + English name), most videos first."""
        return self.read(lambda session: archive(session, type_, limit))

    def entity_videos(self, key: str) -> list[EntityInVideo]:
        """Every video naming the archive entity `key` ("PER:lukashenko"), with its mentions."""
        with self._read.begin() as session:
            return videos_naming(session, key)

    def videos_with_entity(self, key: str) -> set[str]:
        """Ids of the videos naming the archive entity `key` (the search filter)."""
        with self._read.begin() as session:
            return video_ids_naming(session, key)
