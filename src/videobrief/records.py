"""The typed records every stage speaks.

Stages are functions from these records to these records; none of them knows about the web,
the database or the executor. The JSON form of a `Transcript` is the public `transcript.json`
schema: fields may be added by later stages, existing names are never renamed.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


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
    speaker: str | None = None  # a Speaker.id ("S1"), set by the speakers stage


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
    speaker: str | None = None  # a Speaker.id ("S1"); None until the speakers stage ran


class Speaker(Record):
    """One voice in a transcript. `id` runs S1, S2… in order of first appearance.

    `name_source` says where the name came from: "cue" (a hand-over or thanks in the text),
    "library" (an enrolled voice), "archive" (a speaker named in another video), "user" (a
    rename, which wins over all others); None with `name` None means not identified. `score`
    is the cosine similarity of a library/archive match, None otherwise.
    """

    id: str
    name: str | None = None
    name_source: str | None = None
    score: float | None = None
    # The cluster's unit voice centroid and its encoder: stored for matching across videos,
    # never written to transcript.json.
    encoder: str | None = Field(default=None, exclude=True, repr=False)
    centroid: tuple[float, ...] | None = Field(default=None, exclude=True, repr=False)


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
    speakers: tuple[Speaker, ...] = ()

    def speaker_name(self, speaker_id: str | None) -> str | None:
        """The display name of a speaker id: its name, else its label, None when unknown."""
        for sp in self.speakers:
            if sp.id == speaker_id:
                return sp.name or sp.id
        return None

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


# -- the brief (issue 5) -------------------------------------------------------------------


class Claim(Record):
    """One sentence of the brief and the segment ids it rests on.

    A claim without citations cannot be built: the brief may only say what it can point to.
    `times` are the start seconds of the cited segments, filled in by the brief stage so
    brief.json readers need not look them up.
    """

    text: str = Field(min_length=1)
    citations: tuple[int, ...] = Field(min_length=1)
    times: tuple[float, ...] = ()

    @field_validator("citations")
    @classmethod
    def _distinct_ids(cls, ids: tuple[int, ...]) -> tuple[int, ...]:
        if any(i < 0 for i in ids):
            raise ValueError("segment ids are never negative")
        return tuple(dict.fromkeys(ids))


class Quote(Record):
    """A verbatim stretch of the transcript. `speaker` None means unknown: never guessed."""

    speaker: str | None = None
    text: str = Field(min_length=1)
    start: float
    end: float
    segment_ids: tuple[int, ...] = Field(min_length=1)
    english: str | None = None  # the English track of the same segments, when there is one


class Rejected(Record):
    """A statement the grounding check refused, kept so a reader can see what was dropped."""

    text: str
    citations: tuple[int, ...] = ()
    reason: str


class Brief(Record):
    """Headline, lede, key points and quotes, each citing segments; plus what was rejected.

    `language` is the language the brief is written in ("en" when an English track exists);
    `backend` says who wrote it ("extractive"; "llm"; "mixed" when the LLM's headline or lede
    failed the check and the extractive ones stand in), and `notes` say anything a reader
    should know (an empty transcript, an LLM that failed and was replaced by the extractive
    brief).
    """

    headline: Claim | None = None
    lede: tuple[Claim, ...] = ()
    points: tuple[Claim, ...] = ()
    quotes: tuple[Quote, ...] = ()
    language: str | None = None
    backend: str = "extractive"
    rejected: tuple[Rejected, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def claims(self) -> list[Claim]:
        """Every claim the brief makes, headline first."""
        head = [self.headline] if self.headline else []
        return [*head, *self.lede, *self.points]

    def to_json_dict(self) -> dict:
        """The public brief.json form."""
        return self.model_dump(mode="json")
