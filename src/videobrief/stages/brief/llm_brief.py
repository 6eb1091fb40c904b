"""The optional LLM backend: any OpenAI-compatible chat endpoint writes the brief.

The model sees numbered segments and must answer in a JSON schema where every sentence lists
the segment ids it rests on. Its answer is untrusted: the JSON is validated (one retry on a
bad answer), and every claim still goes through the grounding check afterwards. A model that
cannot answer usefully is replaced by the extractive brief, never by a crash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from videobrief.models.chat_client import ChatClient, LLMError
from videobrief.records import Claim, Quote
from videobrief.stages.brief.extractive import Draft
from videobrief.stages.brief.index import Index
from videobrief.text.languages import LANGUAGE_NAMES
from videobrief.text.sentences import working_text
from videobrief.text.timefmt import clock


class _Sentence(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: str = Field(min_length=1)
    ids: list[int] = Field(min_length=1)


class _Quote(_Sentence):
    speaker: str | None = None


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    headline: _Sentence
    lede: list[_Sentence] = Field(min_length=1)
    points: list[_Sentence] = []
    quotes: list[_Quote] = []


def answer_schema() -> dict:
    """The JSON schema the model is asked to follow (also sent as `response_format`)."""
    sentence = {
        "type": "object",
        "properties": {
            "text": {"type": "string"},
            "ids": {"type": "array", "items": {"type": "integer"}, "minItems": 1},
        },
        "required": ["text", "ids"],
    }
    quote = {
        "type": "object",
        "properties": {**sentence["properties"], "speaker": {"type": ["string", "null"]}},
        "required": ["text", "ids"],
    }
    return {
        "type": "object",
        "properties": {
            "headline": sentence,
            "lede": {"type": "array", "items": sentence, "minItems": 1, "maxItems": 3},
            "points": {"type": "array", "items": sentence, "maxItems": 6},
            "quotes": {"type": "array", "items": quote, "maxItems": 3},
        },
        "required": ["headline", "lede", "points", "quotes"],
    }


@dataclass(frozen=True)
class LLMOutcome:
    """A draft, or None with the reason the endpoint could not give one."""

    draft: Draft | None
    error: str | None = None
    attempts: int = 0


def numbered_segments(index: Index, ranked: list[int], max_chars: int) -> str:
    """Segment lines `[id] MM:SS text`, in time order, keeping the most central ones that fit.

    Small local models have small context windows; the extractive ranking decides which
    segments are worth the space.
    """
    chosen: set[int] = set()
    used = 0
    order = [sid for i in ranked for sid in index.units[i].segment_ids]
    order += [s for s in index.segments if s not in order]
    for sid in dict.fromkeys(order):
        text = working_text(index.segments[sid], index.language)
        if not text:
            continue
        line = len(text) + 12
        if used + line > max_chars:
            continue
        chosen.add(sid)
        used += line
    lines = []
    for sid in sorted(chosen):
        seg = index.segments[sid]
        lines.append(f"[{sid}] {clock(seg.start)} {working_text(seg, index.language)}")
    return "\n".join(lines)


def messages(index: Index, segments_text: str) -> list[dict[str, str]]:
    language = LANGUAGE_NAMES.get(index.language or "", index.language or "the transcript's")
    system = (
        "You write a short news brief from a transcript. Use ONLY facts stated in the numbered "
        "segments; never add names, numbers or background that the segments do not state. "
        f"Write in {language}. Every sentence must list in `ids` the numbers of the segments "
        "that support it. Quotes must be copied word for word from one or more segments; "
        "give the speaker only if the segments name them, else null. Answer with JSON only: "
        '{"headline": {"text", "ids"}, "lede": [{"text", "ids"}], "points": [{"text", "ids"}],'
        ' "quotes": [{"text", "ids", "speaker"}]}.'
    )
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"Transcript segments:\n{segments_text}"},
    ]


def parse_answer(raw: str) -> _Answer:
    """Validate the model's text as our JSON; raises ValueError with a short reason."""
    text = raw.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at char {exc.pos})") from exc
    try:
        return _Answer.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"JSON not in the schema ({where}: {first['msg']})") from exc


def _quote(q: _Quote, index: Index) -> Quote:
    ids = tuple(dict.fromkeys(q.ids))
    known = [index.segments[s] for s in ids if s in index.segments]
    start = known[0].start if known else 0.0
    end = known[-1].end if known else 0.0
    speaker = q.speaker.strip() if q.speaker and q.speaker.strip() else None
    return Quote(speaker=speaker, text=q.text, start=start, end=end, segment_ids=ids)


def to_draft(answer: _Answer, index: Index) -> Draft:
    def claim(s: _Sentence) -> Claim:
        return Claim(text=s.text.strip(), citations=tuple(s.ids))

    return Draft(
        headline=[claim(answer.headline)],
        lede=[claim(s) for s in answer.lede],
        points=[claim(s) for s in answer.points],
        quotes=[_quote(q, index) for q in answer.quotes],
    )


def draft(index: Index, client: ChatClient, ranked: list[int], max_chars: int = 3000) -> LLMOutcome:
    """Ask the endpoint for a brief; retry once on an unusable answer."""
    convo = messages(index, numbered_segments(index, ranked, max_chars))
    schema = answer_schema()
    error = ""
    for attempt in (1, 2):
        try:
            raw = client.complete(convo, json_schema=schema, max_tokens=900)
        except LLMError as exc:
            return LLMOutcome(None, str(exc), attempt)
        try:
            return LLMOutcome(to_draft(parse_answer(raw), index), None, attempt)
        except ValueError as exc:
            error = str(exc)
            convo = [
                *convo,
                {"role": "assistant", "content": raw[:2000]},
                {
                    "role": "user",
                    "content": f"That answer was unusable: {error}. Reply with the JSON only.",
                },
            ]
    return LLMOutcome(None, f"the model's answer was unusable twice: {error}", 2)
