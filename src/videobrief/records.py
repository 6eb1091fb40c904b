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
    """What probing a media file learns before any of its audio is decoded."""

    path: str
    sha256: str
    size_bytes: int
    duration: float
    has_video: bool
    container: str


class Mention(Record):
    """Where an entity is named: the segment id, that segment's start time, and the words used."""

    segment: int
    start: float
    text: str


class Entity(Record):
    """A person (PER), place (LOC), organisation (ORG) or date (DATE) named in one transcript.

    `id` is stable within the transcript ("E1", "E2"... in order of first mention); `name` is
    the normal form in the language it was said in, `name_en` its English name (from the alias
    table, an English mention, or a transliteration), `aliases` the other normal forms merged
    into it.
    """

    id: str
    type: str
    name: str
    name_en: str
    aliases: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()


class Transcript(Record):
    """The transcript of one source. `id` is the sha256 of the source bytes."""

    id: str
    source: str
    duration: float
    description: str | None = None
    title: str | None = None
    segments: tuple[Segment, ...] = ()
    entities: tuple[Entity, ...] = ()  # filled by the entities stage
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


# -- the brief -----------------------------------------------------------------------------


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


# -- checking a text against the video -----------------------------------------------------

VERDICTS = ("supported", "partly supported", "not found", "contradicted")


class Citation(Record):
    """A segment offered as evidence: its times, both languages, and the words that match.

    `support` False means "nearest, not support": shown for a claim nothing supports, so the
    reader sees what the video says closest to it.
    """

    segment_id: int
    start: float
    end: float
    text: str
    english: str | None = None
    lang: str | None = None
    similarity: float = 0.0
    matched: tuple[str, ...] = ()
    support: bool = True


class ClaimCheck(Record):
    """One claim of the checked text and its verdict, with citations and the reasons.

    A sentence that joins several clauses has them in `parts`, each with its own verdict; the
    sentence's verdict then sums them up ("partly supported" when they differ).
    """

    text: str
    verdict: str
    citations: tuple[Citation, ...] = ()
    reasons: tuple[str, ...] = ()
    parts: tuple[ClaimCheck, ...] = ()
    judge: str | None = None  # the LLM's vote, when one was asked: never decisive
    similarity: float | None = None
    coverage: float | None = None

    @field_validator("verdict")
    @classmethod
    def _known(cls, verdict: str) -> str:
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}")
        return verdict


class CheckResult(Record):
    """Every claim of a text checked against one transcript (the check.json document)."""

    video_id: str
    text_language: str | None = None
    claims: tuple[ClaimCheck, ...] = ()
    notes: tuple[str, ...] = ()
    version: str = "check-v1"

    def counts(self) -> dict[str, int]:
        """How many claims got each verdict."""
        return {v: sum(1 for c in self.claims if c.verdict == v) for v in VERDICTS}

    def to_json_dict(self) -> dict:
        """The public check.json form."""
        return {**self.model_dump(mode="json"), "counts": self.counts()}
