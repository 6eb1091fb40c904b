"""Store side of speakers: each video's speakers (with centroids), user renames, the voice
library, and speakers across the archive.

`write_speakers`/`load_speakers` run inside the transcript's own transaction (the speakers
are part of the transcript document). User names live in `speaker_renames` and are put over
every write of a video's speakers (`speakers.renames.apply`), so a rerun of the speakers stage,
which replaces the speaker rows, keeps them; `video_speakers` therefore always holds the names
a reader sees, and every query (archive matching, speaker pages, the search filter) reads it
alone. `SpeakerQueries` adds the library, rename and archive methods to `Store`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, delete, func, select
from sqlalchemy.orm import Session

from videobrief.errors import BadInput
from videobrief.records import Speaker, Transcript
from videobrief.stages.speakers import renames as rn
from videobrief.stages.speakers.library import Voice
from videobrief.store.queries.archive import complete_video
from videobrief.store.queries.base import Queries
from videobrief.store.tables.videos import (
    SegmentRow,
    SpeakerRenameRow,
    Video,
    VideoSpeakerRow,
    VoiceRow,
)


@dataclass(frozen=True)
class ArchiveSpeaker:
    """A named speaker across the archive: videos they speak in and segments they speak."""

    name: str
    videos: int
    segments: int


@dataclass(frozen=True)
class SpeakerInVideo:
    """One video a named speaker speaks in: their label there, where the name came from, and
    their segments as (segment id, start, text)."""

    video_id: str
    title: str | None
    source: str
    label: str
    name_source: str | None
    segments: tuple[tuple[int, float, str], ...]


def _renames(session: Session, video_id: str) -> list[rn.Rename]:
    """A video's user renames, newest first."""
    rows = session.scalars(
        select(SpeakerRenameRow)
        .where(SpeakerRenameRow.video_id == video_id)
        .order_by(SpeakerRenameRow.id.desc())
    )
    return [
        rn.Rename(r.label, r.name, r.encoder, tuple(r.centroid) if r.centroid else None)
        for r in rows
    ]


def write_speakers(session: Session, t: Transcript) -> None:
    """Replace a video's speaker rows with the transcript's speakers, user names put on."""
    session.execute(delete(VideoSpeakerRow).where(VideoSpeakerRow.video_id == t.id))
    renames = _renames(session, t.id)
    speakers = rn.apply(t.speakers, renames) if renames else t.speakers
    for i, sp in enumerate(speakers):
        session.add(
            VideoSpeakerRow(
                video_id=t.id,
                label=sp.id,
                idx=i,
                name=sp.name,
                name_source=sp.name_source,
                score=sp.score,
                encoder=sp.encoder,
                centroid=list(sp.centroid) if sp.centroid else None,
            )
        )
    session.flush()


_SP = VideoSpeakerRow.__table__.c
_SPEAKER_ROWS = (  # Core rows from a prebuilt statement: every video page reads these
    select(_SP.label, _SP.name, _SP.name_source, _SP.score, _SP.encoder, _SP.centroid)
    .where(_SP.video_id == bindparam("video_id"))
    .order_by(_SP.idx)
)


def load_speakers(session: Session, video_id: str) -> tuple[Speaker, ...]:
    rows = session.connection().execute(_SPEAKER_ROWS, {"video_id": video_id})
    return tuple(
        Speaker(
            id=r.label,
            name=r.name,
            name_source=r.name_source,
            score=r.score,
            encoder=r.encoder,
            centroid=tuple(r.centroid) if r.centroid else None,
        )
        for r in rows
    )


def _archive_speakers() -> Select:
    seg_count = (
        select(func.count(SegmentRow.id))
        .where(
            SegmentRow.video_id == VideoSpeakerRow.video_id,
            SegmentRow.speaker == VideoSpeakerRow.label,
        )
        .correlate(VideoSpeakerRow)
        .scalar_subquery()
    )
    per_video = (
        select(VideoSpeakerRow.name, VideoSpeakerRow.video_id, seg_count.label("n"))
        .join(Video, Video.id == VideoSpeakerRow.video_id)
        .where(VideoSpeakerRow.name.is_not(None), complete_video())
        .subquery()
    )
    videos = func.count(func.distinct(per_video.c.video_id))
    segments = func.sum(per_video.c.n)
    return (
        select(per_video.c.name, videos.label("videos"), segments.label("segments"))
        .group_by(per_video.c.name)
        .order_by(videos.desc(), segments.desc(), per_video.c.name)
        .limit(bindparam("limit"))
    )


_ARCHIVE_SPEAKERS = _archive_speakers()


class SpeakerQueries(Queries):
    """`Store` methods for voices, renames and speakers across the archive."""

    def add_voice(
        self, name: str, encoder: str, embedding: Sequence[float], clips: int, seconds: float
    ) -> None:
        """Enrol (or replace) `name`'s voice for `encoder`."""
        if not name.strip():
            raise BadInput("a voice needs a non-empty name")
        with self._write.begin() as s:
            s.merge(
                VoiceRow(
                    name=name.strip(),
                    encoder=encoder,
                    embedding=list(embedding),
                    clips=clips,
                    seconds=round(seconds, 2),
                )
            )

    def list_voices(self) -> list[dict]:
        with self._read.begin() as s:
            rows = s.scalars(select(VoiceRow).order_by(VoiceRow.name, VoiceRow.encoder))
            return [
                {"name": r.name, "encoder": r.encoder, "clips": r.clips, "seconds": r.seconds}
                for r in rows
            ]

    def remove_voice(self, name: str) -> int:
        """Forget every embedding of `name`; returns how many were removed."""
        with self._write.begin() as s:
            return s.execute(delete(VoiceRow).where(VoiceRow.name == name)).rowcount or 0

    def known_voices(self, encoder: str, exclude_video: str | None = None) -> tuple[Voice, ...]:
        """Library voices, then speakers named in other videos (by a user, a library match or
        a cue), as matchable voices for `encoder`."""
        with self._read.begin() as s:
            lib = [
                Voice(r.name, r.encoder, tuple(r.embedding), "library")
                for r in s.scalars(select(VoiceRow).where(VoiceRow.encoder == encoder))
            ]
            q = select(VideoSpeakerRow).where(
                VideoSpeakerRow.encoder == encoder,
                VideoSpeakerRow.name.is_not(None),
                VideoSpeakerRow.centroid.is_not(None),
            )
            if exclude_video:
                q = q.where(VideoSpeakerRow.video_id != exclude_video)
            arch = [Voice(r.name, encoder, tuple(r.centroid), "archive") for r in s.scalars(q)]
        return tuple(lib + arch)

    def rename_speaker(self, video_id: str, label: str, name: str) -> None:
        """A user's name for a speaker: source "user", which wins over every other source, and
        is kept apart so a rerun of the speakers stage keeps it (see `speakers.renames`)."""
        name = " ".join(name.split())
        if not name:
            raise BadInput("a speaker's name cannot be empty")
        if len(name) > 200:
            raise BadInput("a speaker's name is at most 200 characters")
        with self._write.begin() as s:
            row = s.get(VideoSpeakerRow, (video_id, label))
            if row is None:
                raise BadInput(f"video {video_id[:12]} has no speaker {label!r}")
            current = load_speakers(s, video_id)
            for old in s.scalars(
                select(SpeakerRenameRow).where(SpeakerRenameRow.video_id == video_id)
            ):
                old_r = rn.Rename(
                    old.label, old.name, old.encoder, tuple(old.centroid) if old.centroid else None
                )
                if rn.targets(current, [old_r]).get(label) is not None:
                    s.delete(old)  # superseded: it named this same speaker
            s.add(
                SpeakerRenameRow(
                    video_id=video_id,
                    label=label,
                    name=name,
                    encoder=row.encoder,
                    centroid=row.centroid,
                )
            )
            row.name, row.name_source, row.score = name, "user", None

    def video_speakers(self, video_id: str) -> tuple[Speaker, ...]:
        """A video's speakers as stored (user names on)."""
        with self._read.begin() as s:
            return load_speakers(s, video_id)

    def list_speakers(self, limit: int = 500) -> list[ArchiveSpeaker]:
        """Named speakers across the archive, most videos first, then most segments.

        Every search page reads this (its speaker menu), so it joins a `snapshot` (`read`)
        and runs a statement built once.
        """
        rows = self.read(
            lambda s: s.connection().execute(_ARCHIVE_SPEAKERS, {"limit": limit}).all()
        )
        return [ArchiveSpeaker(n, int(v), int(c or 0)) for n, v, c in rows]

    def speaker_videos(self, name: str) -> list[SpeakerInVideo]:
        """Every video a speaker `name` speaks in, newest first, with their segments."""
        with self._read.begin() as s:
            heads = list(
                s.execute(
                    select(
                        VideoSpeakerRow.video_id,
                        Video.title,
                        Video.source,
                        VideoSpeakerRow.label,
                        VideoSpeakerRow.name_source,
                    )
                    .join(Video, Video.id == VideoSpeakerRow.video_id)
                    .where(VideoSpeakerRow.name == name, complete_video())
                    .order_by(Video.created_at.desc(), VideoSpeakerRow.video_id)
                )
            )
            segs: dict[tuple[str, str], list[tuple[int, float, str]]] = {}
            for vid, label, idx, start, text in s.execute(
                select(
                    SegmentRow.video_id,
                    SegmentRow.speaker,
                    SegmentRow.idx,
                    SegmentRow.start,
                    SegmentRow.text,
                )
                .join(
                    VideoSpeakerRow,
                    (VideoSpeakerRow.video_id == SegmentRow.video_id)
                    & (VideoSpeakerRow.label == SegmentRow.speaker),
                )
                .where(VideoSpeakerRow.name == name)
                .order_by(SegmentRow.video_id, SegmentRow.idx)
            ):
                segs.setdefault((vid, label), []).append((idx, start, text))
        return [
            SpeakerInVideo(vid, title, source, label, src, tuple(segs.get((vid, label), ())))
            for vid, title, source, label, src in heads
        ]
