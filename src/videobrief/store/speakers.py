"""Store side of speakers: each video's speakers (with centroids) and the voice library.

`write_speakers`/`load_speakers` run inside the transcript's own transaction (the speakers
are part of the transcript document); `SpeakerStore` adds the library and archive methods to
`Store`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from videobrief.errors import BadInput
from videobrief.records import Speaker, Transcript
from videobrief.speakers.library import Voice
from videobrief.store.models import VideoSpeakerRow, VoiceRow


def write_speakers(session: Session, t: Transcript) -> None:
    """Replace a video's speaker rows with the transcript's speakers."""
    session.execute(delete(VideoSpeakerRow).where(VideoSpeakerRow.video_id == t.id))
    for i, sp in enumerate(t.speakers):
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


def load_speakers(session: Session, video_id: str) -> tuple[Speaker, ...]:
    rows = session.scalars(
        select(VideoSpeakerRow)
        .where(VideoSpeakerRow.video_id == video_id)
        .order_by(VideoSpeakerRow.idx)
    )
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


class SpeakerStore:
    """Mixed into `Store`: uses its private `_read`/`_write` sessions (store-internal)."""

    def add_voice(
        self, name: str, encoder: str, embedding: Sequence[float], clips: int, seconds: float
    ) -> None:
        """Enrol (or replace) `name`'s voice for `encoder`."""
        if not name.strip():
            raise BadInput("a voice needs a non-empty name")
        with self._write.begin() as s:  # type: ignore[attr-defined]
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
        with self._read.begin() as s:  # type: ignore[attr-defined]
            rows = s.scalars(select(VoiceRow).order_by(VoiceRow.name, VoiceRow.encoder))
            return [
                {"name": r.name, "encoder": r.encoder, "clips": r.clips, "seconds": r.seconds}
                for r in rows
            ]

    def remove_voice(self, name: str) -> int:
        """Forget every embedding of `name`; returns how many were removed."""
        with self._write.begin() as s:  # type: ignore[attr-defined]
            return s.execute(delete(VoiceRow).where(VoiceRow.name == name)).rowcount or 0

    def known_voices(self, encoder: str, exclude_video: str | None = None) -> tuple[Voice, ...]:
        """Library voices, then speakers named in other videos (by a user, a library match or
        a cue), as matchable voices for `encoder`."""
        with self._read.begin() as s:  # type: ignore[attr-defined]
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
        """A user's name for a speaker: source "user", which wins over every other source."""
        with self._write.begin() as s:  # type: ignore[attr-defined]
            row = s.get(VideoSpeakerRow, (video_id, label))
            if row is None:
                raise BadInput(f"video {video_id[:12]} has no speaker {label!r}")
            row.name, row.name_source, row.score = name.strip(), "user", None
