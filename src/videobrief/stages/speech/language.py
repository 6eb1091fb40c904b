"""Language per short speech unit, smoothed with its neighbours.

One language guess for a whole file fails on a file that switches: Whisper guesses English from
the first 30 s and then turns the Russian speech after it into English nonsense. So we detect the
language of every unit of at most ~10 s, and distrust a lone low-confidence guess that disagrees
with confident neighbours or with the languages the file has already shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.transcribe import pad_or_trim

from videobrief.stages.speech.vad import Region

CONFIDENT = 0.6


@dataclass(frozen=True)
class LangGuess:
    """The detected language of one unit, with the top candidates' probabilities."""

    lang: str
    prob: float
    top: tuple[tuple[str, float], ...]


# Units are at most 10 s, so the encoder sees 10 s (1,000 frames) instead of Whisper's padded
# 30 s: five times cheaper, and on our Russian/English fixtures the same top language with
# probabilities within 0.02 of the full-window pass (measured, see bench/asr_vs_plain.py).
DETECT_FRAMES = 1000


def detect_unit(
    model: WhisperModel, audio: np.ndarray, candidates: tuple[str, ...] | None
) -> LangGuess:
    """Whisper's language ID on one unit, restricted (and renormalised) to `candidates`."""
    features = pad_or_trim(model.feature_extractor(audio), DETECT_FRAMES)
    batch = ctranslate2.StorageView.from_array(np.ascontiguousarray(features[None]))
    encoded = model.model.encode(batch, to_cpu=False)
    raw = model.model.detect_language(encoded)[0]
    probs = [(token[2:-2], p) for token, p in raw]
    if candidates:
        probs = [(lang, p) for lang, p in probs if lang in candidates]
        total = sum(p for _, p in probs) or 1.0
        probs = [(lang, p / total) for lang, p in probs]
    probs.sort(key=lambda item: item[1], reverse=True)
    lang, prob = probs[0]
    return LangGuess(lang, prob, tuple(probs[:5]))


def detect_units(
    model: WhisperModel,
    audio: np.ndarray,
    units: list[Region],
    candidates: tuple[str, ...] | None,
) -> list[LangGuess]:
    """Detect each unit's language from its own audio only (at most its first 10 s)."""
    return [detect_unit(model, audio[u.start : u.end], candidates) for u in units]


def smooth(guesses: list[LangGuess]) -> list[LangGuess]:
    """Correct low-confidence guesses using neighbours and the file's confident languages.

    A weak guess between two confident neighbours of one language takes theirs; otherwise a
    weak guess for a language the file never showed confidently falls back to the most likely
    language the file did show (Whisper base often calls short Russian chunks Bulgarian or
    Ukrainian with p < 0.5).
    """
    seen = {g.lang for g in guesses if g.prob >= CONFIDENT}
    out: list[LangGuess] = []
    for i, guess in enumerate(guesses):
        if guess.prob >= CONFIDENT:
            out.append(guess)
            continue
        prev = guesses[i - 1] if i > 0 else None
        nxt = guesses[i + 1] if i + 1 < len(guesses) else None
        if prev and nxt and prev.lang == nxt.lang and min(prev.prob, nxt.prob) >= CONFIDENT:
            out.append(_relabel(guess, prev.lang))
        elif guess.lang not in seen and (fallback := _best_seen(guess, seen)):
            out.append(_relabel(guess, fallback))
        else:
            out.append(guess)
    return out


def _best_seen(guess: LangGuess, seen: set[str]) -> str | None:
    ranked = [lang for lang, _ in guess.top if lang in seen]
    return ranked[0] if ranked else None


def _relabel(guess: LangGuess, lang: str) -> LangGuess:
    prob = dict(guess.top).get(lang, 0.0)
    return LangGuess(lang, prob, guess.top)
