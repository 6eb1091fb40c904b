"""Speech to segments: `transcribe`, the speech stage's entry point.

1. VAD cuts the speech into units of at most ~10 s (`vad`); each unit's language is detected on
   its own audio and smoothed with its neighbours' (`language`).
2. Units guessed in a sibling of the file's main language (another language of its script,
   `same_script`) are planned as the main language.
3. If that leaves one language, the file is decoded as plain faster-whisper would, language
   fixed (`decode.decode_one_language`): on one language, windows cut at our units only cost
   accuracy. Otherwise, or when that decode shows another script, the speech is decoded in
   same-language windows (`windows`), each checked against its text (`decode.decode_checked`).
4. The folded units, and the units whose text reads as another language, are decoded alone in
   both languages; the one the model scores higher keeps their text (`same_script`).
5. Text over what VAD called silence is dropped, and segments are numbered in time order.
"""

from __future__ import annotations

import numpy as np
from faster_whisper import WhisperModel

from videobrief.media import SAMPLE_RATE
from videobrief.records import Segment
from videobrief.stages.speech.decode import decode_one_language, decode_windows
from videobrief.stages.speech.language import LangGuess, detect_units, smooth
from videobrief.stages.speech.options import SpeechOptions
from videobrief.stages.speech.progress import Progress, Timings, timed
from videobrief.stages.speech.same_script import (
    fold_same_script_guesses,
    recheck_pack,
    recheck_packs,
    units_read_as_another_language,
)
from videobrief.stages.speech.vad import Region, speech_regions
from videobrief.stages.speech.windows import Window, plan_windows


def transcribe(
    audio: np.ndarray,
    model: WhisperModel,
    opts: SpeechOptions,
    progress: Progress | None = None,
    timings: Timings | None = None,
) -> list[Segment]:
    """Transcribe 16 kHz mono float32 audio into segments with languages and word times."""
    with timed(timings, "vad"):
        units = speech_regions(audio, opts.max_unit_s)
    with timed(timings, "language"):
        guesses = _unit_languages(audio, model, units, opts)
    candidates = file_candidates(plan_windows(units, guesses, opts), guesses, opts)
    main = candidates[0] if candidates else opts.language or "en"
    planned, folded = fold_same_script_guesses(guesses, main)
    checks: dict[int, LangGuess] = {i: g for i in folded if (g := guesses[i]) is not None}
    segments = None
    if units and _one_language(planned, main):
        with timed(timings, "decode"):
            segments = decode_one_language(audio, model, units, planned, main, opts, progress)
        if segments is not None:
            read = units_read_as_another_language(segments, units, guesses, main, candidates)
            checks = {**read, **checks}
    if segments is None:
        segments = decode_windows(audio, model, units, planned, opts, candidates, progress, timings)
    for pack in recheck_packs(units, checks, opts):
        segments = recheck_pack(audio, model, pack, main, segments, opts, timings)
    return _numbered([s for s in segments if over_speech(s, units)])


def _unit_languages(
    audio: np.ndarray, model: WhisperModel, units: list[Region], opts: SpeechOptions
) -> list[LangGuess | None]:
    """Each unit's smoothed language guess; None for every unit when the language is given."""
    if opts.language:
        return [None] * len(units)
    return list(smooth(detect_units(model, audio, units, opts.languages)))


def _one_language(guesses: list[LangGuess | None], main: str) -> bool:
    """True if every unit is planned in one language (a unit without a guess counts as main)."""
    return len({g.lang if g else main for g in guesses}) == 1


def _numbered(segments: list[Segment]) -> list[Segment]:
    """The segments in time order, their ids 0, 1, 2, …"""
    segments.sort(key=lambda seg: seg.start)
    return [seg.model_copy(update={"id": i}) for i, seg in enumerate(segments)]


def file_candidates(
    windows: list[Window], guesses: list[LangGuess | None], opts: SpeechOptions
) -> tuple[str, ...]:
    """Languages a window may be re-decoded in, most plausible first.

    `--languages` decides when given. Otherwise the languages the file already shows (by
    speech time), then the others the units' language ID ranked, by summed probability.
    """
    if opts.languages:
        return tuple(opts.languages)
    seen: dict[str, float] = {}
    for w in windows:
        seen[w.lang] = seen.get(w.lang, 0.0) + w.seconds
    others: dict[str, float] = {}
    for g in guesses:
        for lang, p in g.top if g else ():
            if lang not in seen:
                others[lang] = others.get(lang, 0.0) + p
    ranked = sorted(seen, key=lambda k: -seen[k]) + sorted(others, key=lambda k: -others[k])
    return tuple(ranked)


def over_speech(seg: Segment, units: list[Region]) -> bool:
    """True if the segment overlaps some VAD speech region.

    A window spans the short pauses between its units; text Whisper places wholly inside
    such a pause is over audio VAD called silence, and is never emitted.
    """
    start, end = seg.start * SAMPLE_RATE, seg.end * SAMPLE_RATE
    return any(u.start < end and start < u.end for u in units)
