"""A transcript as rows: its video row, segments and words, with its entities and speakers.

`write_transcript` and `read_transcript` run inside a transaction `Store` holds (its
`save_transcript`, `save_outputs` and `load_transcript`), so a transcript is always written
and read whole.

A save writes only what changed. Segments are matched by (video, segment id), only changed
columns are updated, words are rewritten only for segments whose words changed, and only
segments no longer present are deleted. So a stage that adds the English track leaves words
and embeddings alone; a segment whose text changed loses its embedding (it no longer
describes it). The full-text index follows in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from videobrief.records import Segment, Transcript, Word
from videobrief.store.queries import entities
from videobrief.store.queries.base import chunks
from videobrief.store.queries.search import sync_text_index
from videobrief.store.queries.speakers import load_speakers, write_speakers
from videobrief.store.queries.videos import upsert_video
from videobrief.store.tables.search import SegmentEmbedding
from videobrief.store.tables.videos import SegmentRow, Video, WordRow

# Record field names, in the order `read_transcript` selects their columns.
_SEGMENT_FIELDS = (
    "idx",
    "start",
    "end",
    "text",
    "lang",
    "lang_prob",
    "avg_logprob",
    "english",
    "english_source",
    "flags",
    "speaker",
)
_WORD_FIELDS = ("start", "end", "word", "prob", "low_conf", "speaker")

# A video page's reads, built once: building a select() and its cache key on every call costs
# more than running it.
_V, _S, _W = Video.__table__.c, SegmentRow.__table__.c, WordRow.__table__.c
_VIDEO_ROW = select(_V.id, _V.source, _V.duration, _V.description, _V.title).where(
    _V.id == bindparam("video_id")
)
_SEGMENT_ROWS = (
    select(_S.id, *(_S[name] for name in _SEGMENT_FIELDS))
    .where(_S.video_id == bindparam("video_id"))
    .order_by(_S.idx)
)
_WORD_ROWS = (
    select(_W.segment_id, *(_W[name] for name in _WORD_FIELDS))
    .join(SegmentRow.__table__, _S.id == _W.segment_id)
    .where(_S.video_id == bindparam("video_id"))
    .order_by(_W.segment_id, _W.idx)
)


def write_transcript(session: Session, t: Transcript, lineage: dict[str, str]) -> None:
    """Write a transcript's video row and (diffed) segments, and which stage runs made it."""
    seen: set[int] = set()
    for s in t.segments:
        if s.id in seen:
            raise ValueError(f"segment ids must be unique in a transcript: {s.id} twice")
        seen.add(s.id)
    upsert_video(session, _video_values(t))
    session.execute(update(Video).where(Video.id == t.id).values(transcript_lineage=lineage))
    _sync_segments(session, t.id, t.segments)
    entities.replace(session, t.id, t.entities)
    write_speakers(session, t)


def read_transcript(session: Session, video_id: str) -> Transcript | None:
    """The stored transcript of a video, or None if the video is unknown.

    Core rows from prebuilt statements, validated once as a whole: ORM objects and one
    `Word(...)` call per word cost several times more on a page of hundreds of words.
    """
    conn = session.connection()
    params = {"video_id": video_id}
    video = conn.execute(_VIDEO_ROW, params).first()
    if video is None:
        return None
    words: dict[int, list[dict[str, Any]]] = {}
    for seg_pk, start, end, word, prob, low_conf, speaker in conn.execute(_WORD_ROWS, params):
        words.setdefault(seg_pk, []).append(
            {
                "start": start,
                "end": end,
                "word": word,
                "prob": prob,
                "low_conf": low_conf,
                "speaker": speaker,
            }
        )
    segments = []
    for pk, idx, *rest in conn.execute(_SEGMENT_ROWS, params):
        seg = dict(zip(_SEGMENT_FIELDS[1:], rest, strict=True))
        seg["id"], seg["words"], seg["flags"] = idx, words.get(pk, ()), seg["flags"] or ()
        segments.append(seg)
    return Transcript.model_validate(
        {
            **video._asdict(),
            "segments": segments,
            "entities": entities.load(session, [video_id]).get(video_id, []),
            "speakers": load_speakers(session, video_id),
        }
    )


def _sync_segments(session: Session, video_id: str, segments: Sequence[Segment]) -> None:
    """Diff `segments` against the stored rows and write only the difference."""
    c = SegmentRow.__table__.c
    old = {
        r.idx: r
        for r in session.execute(select(SegmentRow.__table__).where(c.video_id == video_id))
    }
    old_words = _word_tuples(session, video_id) if old else {}
    wanted = {s.id for s in segments}
    gone = [r.id for idx, r in old.items() if idx not in wanted]
    for chunk in chunks(gone):
        session.execute(delete(SegmentRow.__table__).where(c.id.in_(chunk)))
    new: list[Segment] = []
    changes: dict[frozenset[str], list[dict[str, Any]]] = {}
    reworded: list[int] = []
    rewords: list[tuple[int, Segment]] = []
    fresh: list[tuple[int, str, str | None]] = []
    for s in segments:
        row = old.get(s.id)
        if row is None:
            new.append(s)
            continue
        values = _segment_values(video_id, s)
        diff = {k: v for k, v in values.items() if getattr(row, k) != v}
        if diff:
            changes.setdefault(frozenset(diff), []).append(
                {"_pk": row.id, **{"_" + k: v for k, v in diff.items()}}
            )
        if "text" in diff:
            reworded.append(row.id)
        if "text" in diff or "english" in diff:
            fresh.append((row.id, s.text, s.english))
        if old_words.get(row.id, []) != [_word_tuple(w) for w in s.words]:
            rewords.append((row.id, s))
    for cols, params in changes.items():
        stmt = (
            update(SegmentRow.__table__)
            .where(c.id == bindparam("_pk"))
            .values({k: bindparam("_" + k) for k in cols})
        )
        session.execute(stmt, params)
    for chunk in chunks(reworded):
        emb = SegmentEmbedding.__table__
        session.execute(delete(emb).where(emb.c.segment_id.in_(chunk)))
    for chunk in chunks([pk for pk, _ in rewords]):
        session.execute(delete(WordRow.__table__).where(WordRow.__table__.c.segment_id.in_(chunk)))
    new_ids = _insert_segments(session, video_id, new)
    fresh += [(pk, s.text, s.english) for pk, s in zip(new_ids, new, strict=True)]
    pks = [pk for pk, _ in rewords] + new_ids
    _insert_words(session, pks, [s for _, s in rewords] + new)
    sync_text_index(session, video_id, fresh, gone)


def _insert_segments(session: Session, video_id: str, segments: Sequence[Segment]) -> list[int]:
    """Bulk-insert segments; returns their primary keys in the order given."""
    if not segments:
        return []
    rows = [_segment_values(video_id, s) for s in segments]
    stmt = insert(SegmentRow.__table__).returning(
        SegmentRow.__table__.c.id, sort_by_parameter_order=True
    )
    return list(session.scalars(stmt, rows))


def _insert_words(session: Session, seg_ids: list[int], segments: Sequence[Segment]) -> None:
    """Bulk-insert all words of all segments as one executemany."""
    rows = [
        _word_values(seg_id, i, w)
        for seg_id, seg in zip(seg_ids, segments, strict=True)
        for i, w in enumerate(seg.words)
    ]
    if rows:
        session.execute(insert(WordRow.__table__), rows)


def _word_tuples(session: Session, video_id: str) -> dict[int, list[tuple]]:
    """Stored words as plain tuples per segment pk: diffing 10⁵ words as records would
    spend seconds validating them."""
    w = WordRow.__table__.c
    stmt = (
        select(w.segment_id, w.start, w.end, w.word, w.prob, w.low_conf, w.speaker)
        .join(SegmentRow.__table__, SegmentRow.__table__.c.id == w.segment_id)
        .where(SegmentRow.__table__.c.video_id == video_id)
        .order_by(w.segment_id, w.idx)
    )
    out: dict[int, list[tuple]] = {}
    for seg_id, *rest in session.connection().execute(stmt):
        rest[4] = bool(rest[4])
        out.setdefault(seg_id, []).append(tuple(rest))
    return out


def _video_values(t: Transcript) -> dict[str, Any]:
    return {
        "id": t.id,
        "source": t.source,
        "duration": t.duration,
        "title": t.title,
        "description": t.description,
    }


def _segment_values(video_id: str, s: Segment) -> dict[str, Any]:
    return {
        "video_id": video_id,
        "idx": s.id,
        "start": s.start,
        "end": s.end,
        "text": s.text,
        "lang": s.lang,
        "lang_prob": s.lang_prob,
        "avg_logprob": s.avg_logprob,
        "english": s.english,
        "english_source": s.english_source,
        "flags": list(s.flags) or None,
        "speaker": s.speaker,
    }


def _word_tuple(w: Word) -> tuple:
    return (w.start, w.end, w.word, w.prob, bool(w.low_conf), w.speaker)


def _word_values(segment_pk: int, idx: int, w: Word) -> dict[str, Any]:
    return {
        "segment_id": segment_pk,
        "idx": idx,
        "start": w.start,
        "end": w.end,
        "word": w.word,
        "prob": w.prob,
        "low_conf": w.low_conf,
        "speaker": w.speaker,
    }
