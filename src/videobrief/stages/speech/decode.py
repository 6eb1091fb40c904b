"""Decoding: Whisper with the language fixed, and the text read back before it is kept.

Every decode uses `task="transcribe"` with its language fixed, never a silent translate, so a
Russian passage stays Russian text whatever the file started with. `decode_checked` then reads a
window's text back (script, and lingua among the candidates): text that shows another language
is decoded again in that language and kept only if it then agrees; otherwise the first decode
stays, flagged "lang-mismatch". `decode_one_language` decodes a file that holds one language as
plain faster-whisper would. Every segment passes the hallucination guards and, with a glossary,
the near-miss snap (`guard_and_snap`).
"""

from __future__ import annotations

import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.transcribe import Segment as WhisperSegment

from videobrief.media import SAMPLE_RATE
from videobrief.records import Segment
from videobrief.stages.speech.guards import guard_segment, is_prompt_echo
from videobrief.stages.speech.language import LangGuess
from videobrief.stages.speech.options import SpeechOptions
from videobrief.stages.speech.progress import Progress, Timings, timed
from videobrief.stages.speech.timeline import Decoded, Timeline, file_segments
from videobrief.stages.speech.vad import Region
from videobrief.stages.speech.windows import PACK_GAP, Window, pack_windows, plan_windows
from videobrief.text.detect import agrees
from videobrief.text.glossary import hotwords, snap_segment
from videobrief.text.languages import script_for_lang, script_of

# Whisper's loop test: a window whose UTF-8 text compresses more than this is decoded again at
# rising temperatures. It was calibrated on text of one byte a letter.
WHISPER_COMPRESSION_RATIO = 2.4


def compression_threshold(lang: str) -> float | None:
    """faster-whisper's `compression_ratio_threshold` for a one-language decode in `lang`.

    Whisper's 2.4 for Latin script. None (no compression fallback; the low-logprob fallback
    stays) for Cyrillic, where two bytes a letter make ordinary text compress about 1.35x more
    than text of one byte a letter. On real Russian read speech (bench/ru_speech.py) the beam
    decode of nearly every window crosses 2.4 (2.5-4.0, at logprob -0.1 to -0.3), and so do the
    sampled retries; faster-whisper then keeps the least compressible sample, which is the most
    garbled one ("Подключ cabeça начнётся", "Конферентсия"), and the text differs from run to
    run. Without the fallback the decode is the beam's: the same in every run, and 3-5x
    cheaper. Loops inside a segment are still cut by `guard_segment`.
    """
    return WHISPER_COMPRESSION_RATIO if script_for_lang(lang) == "latn" else None


def decode_window(
    audio: np.ndarray,
    model: WhisperModel,
    window: Window,
    opts: SpeechOptions,
    use_glossary: bool = True,
) -> Decoded:
    """Decode one window in its language: its parts as one clip, times mapped back to the file.

    Glossary terms go in as `hotwords` unless `use_glossary` is off (after a prompt echo).
    """
    raw, _info = model.transcribe(
        _clip(audio, window),
        language=window.lang,
        task="transcribe",
        beam_size=opts.beam_size,
        word_timestamps=True,
        vad_filter=False,
        condition_on_previous_text=False,
        hotwords=hotwords(opts.glossary, window.lang) if opts.glossary and use_glossary else None,
    )
    timeline = Timeline(window.spans, PACK_GAP)
    return [
        out for seg in raw for out in file_segments(seg, timeline, window.lang, window.lang_prob)
    ]


def _clip(audio: np.ndarray, window: Window) -> np.ndarray:
    """The window's parts laid end to end, `PACK_GAP` samples of silence between them."""
    gap = np.zeros(PACK_GAP, dtype=audio.dtype)
    pieces = [audio[start:end] for start, end in window.spans]
    return np.concatenate([x for piece in pieces for x in (piece, gap)][:-1])


def decode_checked(
    audio: np.ndarray,
    model: WhisperModel,
    window: Window,
    opts: SpeechOptions,
    candidates: tuple[str, ...],
    timings: Timings | None,
) -> list[Segment]:
    """Decode a window; if its text shows another language, try that one and keep what agrees."""
    first = _decode_without_echo(audio, model, window, opts, timings)
    text = _text(first)
    if opts.language or agrees(text, window.lang, candidates):
        return guard_and_snap(first, opts)
    other = _other_candidate_in_script(text, window.lang, candidates)
    if other is not None:
        with timed(timings, "redecode"):
            second = decode_window(audio, model, window.with_language(other), opts)
        if agrees(_text(second), other, candidates):
            return guard_and_snap(_flagged(second, f"redecoded:{window.lang}->{other}"), opts)
    return guard_and_snap(_flagged(first, "lang-mismatch"), opts)


def _decode_without_echo(
    audio: np.ndarray,
    model: WhisperModel,
    window: Window,
    opts: SpeechOptions,
    timings: Timings | None,
) -> Decoded:
    """Decode a window; if some segment reads the glossary prompt back, again without it."""
    with timed(timings, "decode"):
        decoded = decode_window(audio, model, window, opts)
    prompt = hotwords(opts.glossary, window.lang) if opts.glossary else None
    if any(is_prompt_echo(seg.text, prompt) for seg, _ in decoded):
        with timed(timings, "redecode"):
            decoded = decode_window(audio, model, window, opts, use_glossary=False)
    return decoded


def _text(decoded: Decoded) -> str:
    return " ".join(seg.text for seg, _ in decoded)


def _flagged(decoded: Decoded, flag: str) -> Decoded:
    """The decoded segments (which carry no flags yet) flagged `flag`."""
    return [(seg.model_copy(update={"flags": (flag,)}), p) for seg, p in decoded]


def _other_candidate_in_script(text: str, lang: str, candidates: tuple[str, ...]) -> str | None:
    """The first candidate other than `lang` written in the script the text came back in."""
    script = script_of(text)
    for cand in candidates:
        if cand != lang and (script is None or script_for_lang(cand) == script):
            return cand
    return None


def guard_and_snap(decoded: Decoded, opts: SpeechOptions) -> list[Segment]:
    """The hallucination guards, then the glossary snap, on each decoded segment."""
    out: list[Segment] = []
    for seg, no_speech in decoded:
        guarded = guard_segment(seg, no_speech)
        if guarded is not None:
            out.append(snap_segment(guarded, opts.glossary) if opts.glossary else guarded)
    return out


def decode_windows(
    audio: np.ndarray,
    model: WhisperModel,
    units: list[Region],
    guesses: list[LangGuess | None],
    opts: SpeechOptions,
    candidates: tuple[str, ...],
    progress: Progress | None,
    timings: Timings | None,
) -> list[Segment]:
    """Plan and pack same-language windows, and decode each checked against its text."""
    windows = plan_windows(units, guesses, opts)
    total = sum(w.seconds for w in windows)
    done = 0.0
    segments: list[Segment] = []
    for window in pack_windows(windows, opts):
        segments.extend(decode_checked(audio, model, window, opts, candidates, timings))
        done += window.seconds
        if progress:
            progress(done, total)
    return segments


def decode_one_language(
    audio: np.ndarray,
    model: WhisperModel,
    units: list[Region],
    guesses: list[LangGuess | None],
    lang: str,
    opts: SpeechOptions,
    progress: Progress | None,
) -> list[Segment] | None:
    """All the speech in one language: decode it as plain faster-whisper would, language fixed.

    Plain faster-whisper's windows (its VAD pads speech by 0.4 s and joins pauses under 2 s;
    its windows follow the decoded timestamps) read real Russian speech better than windows cut
    at our ≤10 s units' edges, and on one language those cuts buy no safety. Safety stays: a
    segment in another script (or mixing scripts), or one that reads the glossary prompt back,
    stops the decode and returns None, and the caller decodes checked windows instead. Text in
    another language of the same script is left to the same-script check (`same_script`). One
    difference from plain is deliberate: no compression fallback in Cyrillic
    (`compression_threshold`).
    """
    prompt = hotwords(opts.glossary, lang) if opts.glossary else None
    raw, _info = model.transcribe(
        audio,
        language=lang,
        task="transcribe",
        beam_size=opts.beam_size,
        word_timestamps=True,
        vad_filter=True,
        condition_on_previous_text=False,
        compression_ratio_threshold=compression_threshold(lang),
        hotwords=prompt,
    )
    timeline = Timeline(((0, len(audio)),))
    total = sum(u.seconds for u in units)
    decoded: Decoded = []
    for seg in raw:
        prob = _lang_prob_over(seg, units, guesses)
        for segment, no_speech in file_segments(seg, timeline, lang, prob):
            if is_prompt_echo(segment.text, prompt) or not agrees(segment.text, lang, ()):
                return None
            decoded.append((segment, no_speech))
        if progress:
            progress(sum(u.seconds for u in units if u.end <= seg.end * SAMPLE_RATE), total)
    return guard_and_snap(decoded, opts)


def _lang_prob_over(
    seg: WhisperSegment, units: list[Region], guesses: list[LangGuess | None]
) -> float | None:
    """Duration-weighted language probability of the units a decoded segment overlaps."""
    start, end = seg.start * SAMPLE_RATE, seg.end * SAMPLE_RATE
    weighted = [
        (min(end, u.end) - max(start, u.start), g.prob)
        for u, g in zip(units, guesses, strict=True)
        if g is not None and u.start < end and start < u.end
    ]
    total = sum(w for w, _ in weighted)
    return sum(w * p for w, p in weighted) / total if total > 0 else None
