"""Speech to segments: VAD units → language per unit → same-language windows → Whisper.

Every window is decoded with its own language fixed and `task="transcribe"`, never a silent
translate, so a Russian passage stays Russian text whatever the file started with. The decoded
text is then checked (script, and lingua among the candidates): a window whose text shows
another language is decoded again in that language and kept only if the text then agrees;
otherwise the first decode stays, flagged "lang-mismatch". Every segment passes the
hallucination guards, and, with a glossary, the near-miss snap.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from faster_whisper import WhisperModel
from pydantic import BaseModel, ConfigDict

from videobrief.glossary import Term, hotwords, snap_segment
from videobrief.ingest import SAMPLE_RATE
from videobrief.languages import script_for_lang, script_of
from videobrief.records import Segment, Word
from videobrief.speech.guards import guard_segment, is_prompt_echo
from videobrief.speech.language import LangGuess, detect_units, smooth
from videobrief.speech.textcheck import agrees
from videobrief.speech.vad import Region, speech_regions

# Called with (speech seconds done, speech seconds in total).
Progress = Callable[[float, float], None]


class SpeechOptions(BaseModel):
    """Everything that changes the speech stage's output, and so its cache key."""

    model_config = ConfigDict(frozen=True)

    model: str = "base"
    language: str | None = None
    languages: tuple[str, ...] | None = None
    beam_size: int = 5
    max_unit_s: float = 10.0
    max_window_s: float = 30.0
    max_gap_s: float = 3.0
    glossary: tuple[Term, ...] = ()


# Seconds spent per step of the speech stage: vad, language, decode, redecode.
Timings = dict[str, float]


@contextmanager
def _timed(timings: Timings | None, step: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[step] = timings.get(step, 0.0) + time.perf_counter() - start


@dataclass(frozen=True)
class Window:
    """A stretch of speech decoded in one call, in one language.

    `lang_prob` is the duration-weighted mean of its units' probabilities (None if forced).
    """

    start: int
    end: int
    lang: str
    lang_prob: float | None
    weight: float = 0.0
    # The audio spans decoded, in order; more than one when runs of a language were packed.
    parts: tuple[tuple[int, int], ...] = ()

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        return self.parts or ((self.start, self.end),)

    @property
    def seconds(self) -> float:
        return sum(end - start for start, end in self.spans) / SAMPLE_RATE


# A packed window's runs may lie this far apart; keeps decoding (and progress) in time order.
PACK_REACH_S = 120.0
# Silence laid between packed runs: butted together, the last word of one run and the first
# of the next ran into one garbled word on real Russian read speech.
PACK_GAP = int(0.4 * SAMPLE_RATE)


def pack_windows(windows: list[Window], opts: SpeechOptions) -> list[Window]:
    """Pack short same-language windows that other languages separate into one decode call.

    Every call costs a full 30 s encoder pass however short its audio, so a file that switches
    language often would pay for many near-empty windows; packing the runs of one language
    (as faster-whisper's VAD packs speech) restores full windows. Times are mapped back per
    part in `_decode_window`.
    """
    packed: list[Window] = []
    open_packs: dict[str, Window] = {}
    for window in windows:
        current = open_packs.get(window.lang)
        if current is not None and _fits(current, window, opts):
            open_packs[window.lang] = _merge(current, window)
            continue
        if current is not None:
            packed.append(current)
        open_packs[window.lang] = window
    packed.extend(open_packs.values())
    return sorted(packed, key=lambda w: w.start)


def _fits(pack: Window, window: Window, opts: SpeechOptions) -> bool:
    near = (window.start - pack.start) / SAMPLE_RATE <= PACK_REACH_S
    gaps = len(pack.spans + window.spans) - 1
    return (
        near and pack.seconds + window.seconds + gaps * PACK_GAP / SAMPLE_RATE <= opts.max_window_s
    )


def _merge(pack: Window, window: Window) -> Window:
    weight = pack.weight + window.weight
    prob = None
    if pack.lang_prob is not None and window.lang_prob is not None and weight > 0:
        prob = (pack.lang_prob * pack.weight + window.lang_prob * window.weight) / weight
    parts = pack.spans + window.spans
    return Window(pack.start, window.end, pack.lang, prob, weight, parts)


def plan_windows(
    units: list[Region], guesses: list[LangGuess | None], opts: SpeechOptions
) -> list[Window]:
    """Join consecutive units of one language into windows no longer than Whisper's 30 s."""
    windows: list[Window] = []
    for unit, guess in zip(units, guesses, strict=True):
        lang = guess.lang if guess else opts.language or "en"
        prob = guess.prob if guess else None
        if windows and _joins(windows[-1], unit, lang, opts):
            windows[-1] = _extend(windows[-1], unit, prob)
        else:
            windows.append(Window(unit.start, unit.end, lang, prob, unit.seconds))
    return windows


def _joins(last: Window, unit: Region, lang: str, opts: SpeechOptions) -> bool:
    fits = (unit.end - last.start) / SAMPLE_RATE <= opts.max_window_s
    near = (unit.start - last.end) / SAMPLE_RATE <= opts.max_gap_s
    return last.lang == lang and fits and near


def _extend(last: Window, unit: Region, prob: float | None) -> Window:
    weight = last.weight + unit.seconds
    merged = None
    if last.lang_prob is not None and prob is not None:
        merged = (last.lang_prob * last.weight + prob * unit.seconds) / weight
    return Window(last.start, unit.end, last.lang, merged, weight)


def transcribe(
    audio: np.ndarray,
    model: WhisperModel,
    opts: SpeechOptions,
    progress: Progress | None = None,
    timings: Timings | None = None,
) -> list[Segment]:
    """Transcribe 16 kHz mono float32 audio into segments with languages and word times."""
    with _timed(timings, "vad"):
        units = speech_regions(audio, opts.max_unit_s)
    with _timed(timings, "language"):
        if opts.language:
            guesses: list[LangGuess | None] = [None] * len(units)
        else:
            guesses = list(smooth(detect_units(model, audio, units, opts.languages)))
    windows = plan_windows(units, guesses, opts)
    candidates = file_candidates(windows, guesses, opts)
    total = sum(w.seconds for w in windows)
    done = 0.0
    segments: list[Segment] = []
    for window in pack_windows(windows, opts):
        decoded = _checked_window(audio, model, window, opts, candidates, timings)
        segments.extend(s for s in decoded if over_speech(s, units))
        done += window.seconds
        if progress:
            progress(done, total)
    segments.sort(key=lambda seg: seg.start)
    return [seg.model_copy(update={"id": i}) for i, seg in enumerate(segments)]


def over_speech(seg: Segment, units: list[Region]) -> bool:
    """True if the segment overlaps some VAD speech region.

    A window spans the short pauses between its units; text Whisper places wholly inside
    such a pause is over audio VAD called silence, and is never emitted.
    """
    start, end = seg.start * SAMPLE_RATE, seg.end * SAMPLE_RATE
    return any(u.start < end and start < u.end for u in units)


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


def _checked_window(
    audio: np.ndarray,
    model: WhisperModel,
    window: Window,
    opts: SpeechOptions,
    candidates: tuple[str, ...],
    timings: Timings | None,
) -> list[Segment]:
    """Decode a window; if its text shows another language, try that one and keep what agrees."""
    with _timed(timings, "decode"):
        first = _decode_window(audio, model, window, opts)
    prompt = hotwords(opts.glossary, window.lang) if opts.glossary else None
    if any(is_prompt_echo(seg.text, prompt) for seg, _ in first):
        with _timed(timings, "redecode"):
            first = _decode_window(audio, model, window, opts, use_glossary=False)
    text = " ".join(seg.text for seg, _ in first)
    if opts.language or agrees(text, window.lang, candidates):
        return _finish(
            _sibling_checked(audio, model, window, opts, first, candidates, timings), opts
        )
    alt = _alternative(text, window.lang, candidates)
    if alt is not None:
        with _timed(timings, "redecode"):
            second = _decode_window(audio, model, _relang(window, alt), opts)
        if agrees(" ".join(seg.text for seg, _ in second), alt, candidates):
            redone = [
                (s.model_copy(update={"flags": (f"redecoded:{window.lang}->{alt}",)}), p)
                for s, p in second
            ]
            return _finish(redone, opts)
    flagged = [(s.model_copy(update={"flags": ("lang-mismatch",)}), p) for s, p in first]
    return _finish(flagged, opts)


def _sibling_checked(
    audio: np.ndarray,
    model: WhisperModel,
    window: Window,
    opts: SpeechOptions,
    first: list[tuple[Segment, float]],
    candidates: tuple[str, ...],
    timings: Timings | None,
) -> list[tuple[Segment, float]]:
    """Keep a window in a minority language of the main language's script only if it fits better.

    Whisper base calls short Russian prompts Ukrainian with p up to 0.98, and decoded in
    Ukrainian they *read* as Ukrainian, so the text check cannot catch it (measured on real
    Russian read speech: 4 of 43 units, the largest share of the WER gap to plain
    faster-whisper, which decodes the whole file in one language). Such a window is decoded
    again in the file's main language (`candidates[0]`: the most speech, or the first of
    `--languages`), and the decode the model scores higher (mean avg_logprob) is kept; real
    speech in the other language scores higher in it. Windows in another script (English in
    a Russian file) never pay for this.
    """
    main = candidates[0] if candidates else window.lang
    if main == window.lang:
        return first
    if script_for_lang(main) != script_for_lang(window.lang) or not first:
        return first
    with _timed(timings, "redecode"):
        second = _decode_window(audio, model, _relang(window, main), opts)
    if not second or _mean_logprob(second) <= _mean_logprob(first):
        return first
    flag = f"sibling:{window.lang}->{main}"
    return [(s.model_copy(update={"flags": (*s.flags, flag)}), p) for s, p in second]


def _mean_logprob(decoded: list[tuple[Segment, float]]) -> float:
    """Mean of the segments' avg_logprob, weighted by their word counts."""
    weights = [max(len(seg.words), 1) for seg, _ in decoded]
    total = sum(w * (seg.avg_logprob or 0.0) for w, (seg, _) in zip(weights, decoded, strict=True))
    return total / sum(weights)


def _alternative(text: str, lang: str, candidates: tuple[str, ...]) -> str | None:
    """The first other candidate written in the script the text came back in."""
    script = script_of(text)
    for cand in candidates:
        if cand != lang and (script is None or script_for_lang(cand) == script):
            return cand
    return None


def _relang(window: Window, lang: str) -> Window:
    return Window(window.start, window.end, lang, None, window.weight, window.parts)


def _finish(decoded: list[tuple[Segment, float]], opts: SpeechOptions) -> list[Segment]:
    """Guards, then the glossary snap, on each decoded segment."""
    out: list[Segment] = []
    for seg, no_speech in decoded:
        guarded = guard_segment(seg, no_speech)
        if guarded is not None:
            out.append(snap_segment(guarded, opts.glossary) if opts.glossary else guarded)
    return out


def _decode_window(
    audio: np.ndarray,
    model: WhisperModel,
    window: Window,
    opts: SpeechOptions,
    use_glossary: bool = True,
) -> list[tuple[Segment, float]]:
    """Decode one window in its language; segments (ids provisional) with no_speech_prob.

    Glossary terms go in as `hotwords` unless `use_glossary` is off (after a prompt echo).
    """
    gap = np.zeros(PACK_GAP, dtype=audio.dtype)
    pieces = [audio[start:end] for start, end in window.spans]
    clip = np.concatenate([x for piece in pieces for x in (piece, gap)][:-1])
    raw, _info = model.transcribe(
        clip,
        language=window.lang,
        task="transcribe",
        beam_size=opts.beam_size,
        word_timestamps=True,
        vad_filter=False,
        condition_on_previous_text=False,
        hotwords=hotwords(opts.glossary, window.lang) if opts.glossary and use_glossary else None,
    )
    timeline = Timeline(window.spans, PACK_GAP)
    out: list[tuple[Segment, float]] = []
    for seg in raw:
        for part, words in timeline.split(seg):
            text = "".join(w.word for w in words).strip() if words else seg.text.strip()
            if not text:
                continue
            segment = Segment(
                id=len(out),
                start=round(
                    timeline.to_source(seg.start, part) if not words else words[0].start, 3
                ),
                end=round(timeline.to_source(seg.end, part) if not words else words[-1].end, 3),
                text=text,
                lang=window.lang,
                lang_prob=None if window.lang_prob is None else round(window.lang_prob, 4),
                avg_logprob=round(float(seg.avg_logprob), 4),
                words=tuple(_clean(w) for w in words if w.word.strip()),
            )
            out.append((segment, float(seg.no_speech_prob)))
    return out


@dataclass(frozen=True)
class _MappedWord:
    start: float
    end: float
    word: str  # as Whisper wrote it, leading space included, so text can be rebuilt exactly
    prob: float


def _clean(w: _MappedWord) -> Word:
    return Word(
        start=round(w.start, 3),
        end=round(w.end, 3),
        word=w.word.strip(),
        prob=min(max(w.prob, 0.0), 1.0),
    )


class Timeline:
    """Maps times in a decoded clip (its parts laid end to end, `gap` samples of silence
    between them) back to source seconds; a time inside a gap maps to its part's end."""

    def __init__(self, spans: tuple[tuple[int, int], ...], gap: int = 0) -> None:
        self.spans = spans
        self.offsets = np.cumsum([0] + [end - start + gap for start, end in spans])

    def part_of(self, t: float) -> int:
        index = int(np.searchsorted(self.offsets, t * SAMPLE_RATE, side="right")) - 1
        return min(max(index, 0), len(self.spans) - 1)

    def to_source(self, t: float, part: int) -> float:
        start, end = self.spans[part]
        sample = start + (t * SAMPLE_RATE - self.offsets[part])
        return float(min(max(sample, start), end)) / SAMPLE_RATE

    def split(self, seg) -> list[tuple[int, list[_MappedWord]]]:
        """The segment's words grouped by the part they fall in, mapped to source times.

        A segment Whisper ran across a join becomes one segment per part, so no segment spans
        the other language's speech that lies between two packed runs.
        """
        if not seg.words:
            return [(self.part_of(seg.start), [])]
        groups: list[tuple[int, list[_MappedWord]]] = []
        for w in seg.words:
            part = self.part_of(w.start)
            mapped = _MappedWord(
                self.to_source(w.start, part),
                self.to_source(w.end, part),
                w.word,
                float(w.probability),
            )
            if groups and groups[-1][0] == part:
                groups[-1][1].append(mapped)
            else:
                groups.append((part, [mapped]))
        return groups
