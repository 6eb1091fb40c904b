"""Hallucination guards applied to every decoded segment before anyone sees it.

Whisper's known failure shapes: a phrase repeated until the window ends (a decoding loop),
fluent text invented over silence or noise, and over-compressible gibberish. Each guard either
cuts the damage out and says so in `flags`, or drops the segment; nothing is silently kept.
"""

from __future__ import annotations

import zlib

from videobrief.records import Segment, Word

# Whisper's own threshold: text this compressible is a loop or gibberish.
MAX_COMPRESSION_RATIO = 2.4
# Text over silence: the decoder thought there was no speech and was unsure of its words.
NO_SPEECH_PROB = 0.6
SILENT_LOGPROB = -1.0
LOW_CONF_PROB = 0.5
# A run of the same n-gram (n ≤ MAX_NGRAM) this many times in a row is a loop.
LOOP_REPEATS = 3
MAX_NGRAM = 8


def compression_ratio(text: str) -> float:
    """Bytes over zlib-compressed bytes, as Whisper computes it."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def _norm(token: str) -> str:
    return "".join(ch for ch in token.lower() if ch.isalnum())


def loop_cut(tokens: list[str]) -> list[int]:
    """Indices of tokens to keep: every run of ≥ LOOP_REPEATS copies of an n-gram keeps one copy.

    Works on normalised tokens, so "thank you. Thank you, thank you" is one loop.
    """
    norm = [_norm(t) for t in tokens]
    keep: list[int] = []
    i = 0
    while i < len(tokens):
        best_n, best_reps = 0, 1
        for n in range(1, MAX_NGRAM + 1):
            gram = norm[i : i + n]
            if len(gram) < n or not any(gram):
                break
            reps = 1
            while norm[i + reps * n : i + (reps + 1) * n] == gram:
                reps += 1
            if reps >= LOOP_REPEATS and reps * n > best_reps * best_n:
                best_n, best_reps = n, reps
        if best_n:
            keep.extend(range(i, i + best_n))
            i += best_n * best_reps
        else:
            keep.append(i)
            i += 1
    return keep


def is_prompt_echo(text: str, prompt: str | None) -> bool:
    """True when a segment is mostly the decoder prompt read back (a hotwords failure).

    Whisper base, given glossary hotwords, sometimes emits the list itself over speech it
    cannot read ("Рыженков ОДКБ ШОС БРИКС").
    """
    if not prompt:
        return False
    vocab = {_norm(t) for t in prompt.split()}
    tokens = [_norm(t) for t in text.split() if _norm(t)]
    hits = sum(1 for t in tokens if t in vocab)
    return hits >= 2 and hits / len(tokens) >= 0.5


def mark_low_conf(words: tuple[Word, ...]) -> tuple[Word, ...]:
    """Set `low_conf` on words the decoder gave a probability below 0.5."""
    return tuple(w.model_copy(update={"low_conf": w.prob < LOW_CONF_PROB}) for w in words)


def guard_segment(seg: Segment, no_speech_prob: float | None = None) -> Segment | None:
    """Return the segment cleaned and flagged, or None when it should not exist at all."""
    silent = no_speech_prob is not None and no_speech_prob > NO_SPEECH_PROB
    if silent and seg.avg_logprob is not None and seg.avg_logprob < SILENT_LOGPROB:
        return None
    flags = list(seg.flags)
    text, words = seg.text, seg.words
    if words:
        kept = loop_cut([w.word for w in words])
        if len(kept) < len(words):
            words = tuple(words[i] for i in kept)
            text = " ".join(w.word for w in words)
            flags.append("loop-cut")
    else:
        tokens = text.split()
        kept = loop_cut(tokens)
        if len(kept) < len(tokens):
            text = " ".join(tokens[i] for i in kept)
            flags.append("loop-cut")
    if not text.strip():
        return None
    if compression_ratio(text) > MAX_COMPRESSION_RATIO:
        flags.append("compression")
    end = words[-1].end if words and "loop-cut" in flags else seg.end
    return seg.model_copy(
        update={
            "text": text,
            "words": mark_low_conf(words),
            "flags": tuple(flags),
            "end": max(end, seg.start),
        }
    )
