"""The typed records every stage speaks.

Stages are functions from these records to these records; none of them knows about the web,
the database or the executor. The JSON form of a `Transcript` is the public `transcript.json`
schema: fields may be added by later stages, existing names are never renamed.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    """Base for all records: immutable, and strict about unknown fields in input JSON."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Word(Record):
    """One recognised word with its time span (seconds) and decoder probability."""

    start: float
    end: float
    word: str
    prob: float = Field(ge=0.0, le=1.0)
    low_conf: bool = False


class Segment(Record):
    """A span of speech: what was said, when, and in which language.

    `lang_prob` and `avg_logprob` are None for imported transcripts, which carry no such
    evidence; the page shows that honestly instead of inventing a confidence.
    """

    id: int
    start: float
    end: float
    text: str
    lang: str | None = None
    lang_prob: float | None = None
    avg_logprob: float | None = None
    words: tuple[Word, ...] = ()
    # The English track, beside the original and never instead of it.
    english: str | None = None
    english_source: str | None = None  # "speech-translate" | "mt" | "llm" | "original"
    flags: tuple[str, ...] = ()


class MediaInfo(Record):
    """What ingest learned about a media file before decoding all of it."""

    path: str
    sha256: str
    size_bytes: int
    duration: float
    has_video: bool
    container: str


class Transcript(Record):
    """The transcript of one source. `id` is the sha256 of the source bytes."""

    id: str
    source: str
    duration: float
    description: str | None = None
    title: str | None = None
    segments: tuple[Segment, ...] = ()

    @property
    def languages(self) -> list[str]:
        """Languages in order of first appearance (for the page header)."""
        seen: list[str] = []
        for seg in self.segments:
            if seg.lang and seg.lang not in seen:
                seen.append(seg.lang)
        return seen

    def to_json_dict(self) -> dict:
        """The public transcript.json form."""
        return self.model_dump(mode="json")


class StageResult(Record):
    """One finished stage's bookkeeping: which settings produced it, so a rerun can reuse it."""

    video_id: str
    stage: str
    settings_hash: str
