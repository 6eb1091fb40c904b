"""English-track backends and the one protocol they share,
`translate(segments, audio, context) -> {segment id: English}`:

- `bundled.ChatTranslator` ("llm-bundled", default, offline): the bundled LLM translates each
  segment's original text, every answer checked by `validate`.
- `speech.SpeechTranslate` ("speech-translate", offline): Whisper `task="translate"` on each
  segment's own audio; the fallback for media.
- `ct2.CT2Translator` ("mt"): a CTranslate2 model folder.
- `endpoint.LLMTranslator` ("llm"): any OpenAI-compatible chat endpoint.

A backend may leave a segment out; `track` then asks the fallback for exactly those segments.
To add a backend: a module here with a class that has `source` and `translate`, a name in
`options.BACKENDS`, and a branch in `make_backend`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from faster_whisper import WhisperModel

from videobrief.errors import VideobriefError
from videobrief.models.chat_client import ChatClient
from videobrief.models.llama import load_bundled
from videobrief.records import Segment
from videobrief.stages.english.backends.bundled import ChatTranslator
from videobrief.stages.english.backends.ct2 import CT2Translator
from videobrief.stages.english.backends.endpoint import LLMTranslator
from videobrief.stages.english.backends.speech import SpeechTranslate
from videobrief.stages.english.options import BACKENDS, EnglishOptions


class Backend(Protocol):
    """Translate non-English segments; return English text by segment id (may omit some)."""

    source: str  # the `english_source` label of what it produces

    def translate(
        self,
        segments: Sequence[Segment],
        audio: np.ndarray | None,
        context: Sequence[Segment] = (),
    ) -> dict[int, str]:
        """English for as many of `segments` as this backend can do."""
        ...


def make_backend(
    opts: EnglishOptions,
    model: WhisperModel | None,
    cache_dir: Path | None = None,
    threads: int = 2,
    chat: object | None = None,
    load_whisper: Callable[[], WhisperModel] | None = None,
) -> tuple[Backend | None, Backend | None]:
    """(backend, fallback) for the options; the fallback is speech-translate when possible
    (Whisper given as `model`, or as `load_whisper` to load it when first needed)."""
    speech = None
    if model is not None or load_whisper is not None:
        speech = SpeechTranslate(model, opts.beam_size, load=load_whisper)
    if opts.backend == "none":
        return None, None
    if opts.backend == "llm-bundled":
        if chat is None:
            if cache_dir is None:
                raise VideobriefError("--translate llm-bundled needs a cache folder for its model")
            chat = load_bundled(str(cache_dir), threads)
        return ChatTranslator(chat, "llm-bundled", opts.glossary, dict(opts.names)), speech
    if opts.backend == "speech":
        if speech is None:
            raise VideobriefError("speech-translate needs the Whisper model")
        return speech, None
    if opts.backend == "mt":
        if not opts.mt_model:
            raise VideobriefError("--translate mt needs --mt-model FOLDER")
        return CT2Translator(Path(opts.mt_model)), speech
    if opts.backend == "llm":
        if not opts.llm_url or not opts.llm_model:
            raise VideobriefError("--translate llm needs --llm-url and --llm-model")
        client = ChatClient(opts.llm_url, opts.llm_model, timeout=opts.llm_timeout)
        return LLMTranslator(client, opts.llm_batch, opts.glossary), speech
    raise VideobriefError(f"unknown translation backend {opts.backend!r}; one of {BACKENDS}")
