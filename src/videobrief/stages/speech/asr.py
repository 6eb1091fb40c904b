"""Speech to segments: VAD units → language per unit → same-language windows → Whisper.

Every window is decoded with its own language fixed and `task="transcribe"`, never a silent
translate, so a Russian passage stays Russian text whatever the file started with. The decoded
text is then checked (script, and lingua among the candidates): a window whose text shows
another language is decoded again in that language and kept only if the text then agrees;
otherwise the first decode stays, flagged "lang-mismatch". Every segment passes the
hallucination guards, and, with a glossary, the near-miss snap.

Units guessed in another language of the main language's script (Whisper base calls short
Russian prompts Ukrainian) are decoded in the main language's context, then checked unit by
unit. When that leaves one language, the file is decoded as plain faster-whisper would (its
VAD windows, language fixed): on one language our window cuts only cost accuracy. In Cyrillic
that decode keeps the beam's text instead of Whisper's compression-ratio fallback, which on
Russian UTF-8 fires on ordinary text and picks a garbled sample (`compression_threshold`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from faster_whisper import WhisperModel

from videobrief.media import SAMPLE_RATE
from videobrief.records import Segment, Word
from videobrief.stages.speech.guards import guard_segment, is_prompt_echo
from videobrief.stages.speech.language import LangGuess, detect_units, smooth
from videobrief.stages.speech.options import SpeechOptions
from videobrief.stages.speech.vad import Region, speech_regions
from videobrief.text.detect import agrees, text_language
from videobrief.text.glossary import hotwords, snap_segment
from videobrief.text.languages import script_for_lang, script_of

# Called with (speech seconds done, speech seconds in total).
Progress = Callable[[float, float], None]


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
    candidates = file_candidates(plan_windows(units, guesses, opts), guesses, opts)
    main = candidates[0] if candidates else opts.language or "en"
    folded, siblings = fold_siblings(guesses, main)
    checks: dict[int, LangGuess] = {i: g for i in siblings if (g := guesses[i]) is not None}
    segments = None
    if units and len({g.lang if g else main for g in folded}) == 1:
        with _timed(timings, "decode"):
            segments = _one_language(audio, model, units, folded, main, opts, candidates, progress)
        if segments is not None:
            checks = {**text_siblings(segments, units, guesses, main, candidates), **checks}
    if segments is None:
        segments = _windowed(audio, model, units, folded, opts, candidates, progress, timings)
    for pack in sibling_packs(units, checks, opts):
        segments = _sibling_checked(audio, model, pack, main, segments, opts, timings)
    segments = [s for s in segments if over_speech(s, units)]
    segments.sort(key=lambda seg: seg.start)
    return [seg.model_copy(update={"id": i}) for i, seg in enumerate(segments)]


def _windowed(
    audio: np.ndarray,
    model: WhisperModel,
    units: list[Region],
    guesses: list[LangGuess | None],
    opts: SpeechOptions,
    candidates: tuple[str, ...],
    progress: Progress | None,
    timings: Timings | None,
) -> list[Segment]:
    """Decode same-language windows, each checked (and re-decoded) against its text."""
    windows = plan_windows(units, guesses, opts)
    total = sum(w.seconds for w in windows)
    done = 0.0
    segments: list[Segment] = []
    for window in pack_windows(windows, opts):
        segments.extend(_checked_window(audio, model, window, opts, candidates, timings))
        done += window.seconds
        if progress:
            progress(done, total)
    return segments


def _one_language(
    audio: np.ndarray,
    model: WhisperModel,
    units: list[Region],
    guesses: list[LangGuess | None],
    lang: str,
    opts: SpeechOptions,
    candidates: tuple[str, ...],
    progress: Progress | None,
) -> list[Segment] | None:
    """All the speech in one language: decode it as plain faster-whisper would, language fixed.

    Windows cut at our ≤10 s units' edges lost to plain faster-whisper (its VAD pads speech by
    0.4 s and joins pauses under 2 s; its windows follow the decoded timestamps) on real
    Russian read speech, and on one language those cuts buy no safety. Safety stays: a
    segment in another script (or mixing scripts), or one that reads the glossary prompt
    back, sends the whole file to the checked window path instead (None); text in another
    language of the same script is left to `text_siblings` and `_sibling_checked`. One
    difference from plain is kept on purpose: no compression fallback in Cyrillic
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
    decoded: list[tuple[Segment, float]] = []
    for seg in raw:
        for segment, no_speech in _segments(seg, timeline, lang, _prob_over(seg, units, guesses)):
            if is_prompt_echo(segment.text, prompt) or not agrees(segment.text, lang, ()):
                return None
            decoded.append((segment, no_speech))
        if progress:
            progress(sum(u.seconds for u in units if u.end <= seg.end * SAMPLE_RATE), total)
    return _finish(decoded, opts)


# Whisper's loop test: a window whose UTF-8 text compresses more than this is decoded again at
# rising temperatures. It was calibrated on text of one byte a letter.
WHISPER_COMPRESSION_RATIO = 2.4


def compression_threshold(lang: str) -> float | None:
    """faster-whisper's `compression_ratio_threshold` for a one-language decode in `lang`.

    Whisper's 2.4 for Latin script. None (no compression fallback; the low-logprob fallback
    stays) for Cyrillic, where two bytes a letter make ordinary text compress about 1.35x more
    (seed page: 2.0 in UTF-8 against 1.5 one byte a letter): on 150 s of real Russian read
    speech (bench/ru_speech.py) the beam decode of nearly every window crossed 2.4 (2.5-4.0,
    logprob -0.1 to -0.3), all five sampled retries crossed it too, and faster-whisper then
    keeps the least compressible sample, which is the most garbled one ("Подключ cabeça
    начнётся", "Конферентсия"). So plain faster-whisper's Russian is a random draw between
    runs (18.1-20.3% WER) and ours was too (19.4-27.2%); with the fallback off the decode is
    the beam's, the same in every run (18.1%), and 3-5x cheaper. Loops inside a segment are
    still cut by `guard_segment`.
    """
    return WHISPER_COMPRESSION_RATIO if script_for_lang(lang) == "latn" else None


def text_siblings(
    segments: list[Segment],
    units: list[Region],
    guesses: list[LangGuess | None],
    main: str,
    candidates: tuple[str, ...],
) -> dict[int, LangGuess]:
    """Units under a segment whose text reads as another candidate of the main script.

    The audio said main, the text (lingua) says otherwise: each such unit gets the same
    unit-by-unit check as the units language ID called a sibling.
    """
    checks: dict[int, LangGuess] = {}
    for seg in segments:
        found = text_language(seg.text, tuple({*candidates, main}))
        if found is None or found == main:
            continue
        start, end = seg.start * SAMPLE_RATE, seg.end * SAMPLE_RATE
        for i, unit in enumerate(units):
            if unit.start < end and start < unit.end:
                top = guesses[i].top if guesses[i] else ()
                checks.setdefault(i, LangGuess(found, dict(top).get(found, 0.0), top))
    return checks


def _prob_over(seg, units: list[Region], guesses: list[LangGuess | None]) -> float | None:
    """Duration-weighted language probability of the units a decoded segment overlaps."""
    start, end = seg.start * SAMPLE_RATE, seg.end * SAMPLE_RATE
    weighted = [
        (min(end, u.end) - max(start, u.start), g.prob)
        for u, g in zip(units, guesses, strict=True)
        if g is not None and u.start < end and start < u.end
    ]
    total = sum(w for w, _ in weighted)
    return sum(w * p for w, p in weighted) / total if total > 0 else None


def fold_siblings(
    guesses: list[LangGuess | None], main: str
) -> tuple[list[LangGuess | None], list[int]]:
    """Units guessed in another language of the main language's script, decoded as main.

    Whisper base calls short Russian prompts Ukrainian with p up to 0.98 (4 of 43 units of real
    Russian read speech). Decoded as a window of their own, even in the right language, they
    lose their neighbours' context ("На брене номер" where the file decoded whole gives
    "набранный номер"): so they stay in the main language's windows, and `_sibling_checked`
    decides afterwards, unit by unit, whether the other language really fits better. Units in
    another script (English in a Russian file) are a real switch and keep their own windows.
    Returns the planning guesses and the indices of the folded units.
    """
    folded: list[LangGuess | None] = []
    siblings: list[int] = []
    for i, guess in enumerate(guesses):
        if guess and guess.lang != main and script_for_lang(guess.lang) == script_for_lang(main):
            folded.append(LangGuess(main, dict(guess.top).get(main, 0.0), guess.top))
            siblings.append(i)
        else:
            folded.append(guess)
    return folded, siblings


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
        return _finish(first, opts)
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


def sibling_packs(
    units: list[Region], checks: dict[int, LangGuess], opts: SpeechOptions
) -> list[Window]:
    """The units to check, per language packed into windows as decoding packs them.

    Every decode costs a full 30 s encoder pass, so checking unit by unit would pay two
    passes per unit; packed, a file pays two per pack of up to 30 s of one language.
    """
    windows = [
        Window(units[i].start, units[i].end, g.lang, g.prob, units[i].seconds)
        for i, g in sorted(checks.items())
    ]
    return pack_windows(windows, opts)


def _sibling_checked(
    audio: np.ndarray,
    model: WhisperModel,
    pack: Window,
    main: str,
    segments: list[Segment],
    opts: SpeechOptions,
    timings: Timings | None,
) -> list[Segment]:
    """Give folded units their own language's text only if the model scores that higher.

    The units alone are decoded in their guessed language and in the main one, and the decode
    the model scores higher (mean avg_logprob) wins: on real Russian read speech the main
    language won for all the units Whisper called Ukrainian; real Spanish between English
    prompts (tests/test_language_safe.py) scores higher as Spanish. When the main language
    wins, the in-context decode stays (flagged `sibling:<lang>-><main>`); otherwise its
    words over the units are replaced by the units' own decode.
    """
    with _timed(timings, "redecode"):
        own = _decode_window(audio, model, pack, opts)
        in_main = _decode_window(audio, model, _relang(pack, main), opts)
    spans = [(start / SAMPLE_RATE, end / SAMPLE_RATE) for start, end in pack.spans]
    if own and (not in_main or _mean_logprob(own) > _mean_logprob(in_main)):
        kept = segments
        for span in spans:
            kept = [cut for seg in kept if (cut := _without_span(seg, span)) is not None]
        return kept + _finish(own, opts)
    flag = f"sibling:{pack.lang}->{main}"
    return [
        seg.model_copy(update={"flags": (*seg.flags, flag)})
        if any(_touches(seg, span) for span in spans)
        else seg
        for seg in segments
    ]


def _touches(seg: Segment, span: tuple[float, float]) -> bool:
    """True if any of the segment's words (or, without words, the segment) lies in `span`."""
    if not seg.words:
        return span[0] <= (seg.start + seg.end) / 2 < span[1]
    return any(span[0] <= (w.start + w.end) / 2 < span[1] for w in seg.words)


def _without_span(seg: Segment, span: tuple[float, float]) -> Segment | None:
    """The segment without its words whose midpoint lies in `span`; None if nothing is left."""
    if not _touches(seg, span):
        return seg
    words = tuple(w for w in seg.words if not span[0] <= (w.start + w.end) / 2 < span[1])
    if not words:
        return None
    return seg.model_copy(
        update={
            "words": words,
            "text": " ".join(w.word for w in words),
            "start": words[0].start,
            "end": words[-1].end,
        }
    )


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
    return [out for seg in raw for out in _segments(seg, timeline, window.lang, window.lang_prob)]


def _segments(
    seg, timeline: Timeline, lang: str, lang_prob: float | None
) -> list[tuple[Segment, float]]:
    """One decoded faster-whisper segment as our segments (one per packed part it spans),
    each with its no_speech_prob."""
    out: list[tuple[Segment, float]] = []
    for part, words in timeline.split(seg):
        text = "".join(w.word for w in words).strip() if words else seg.text.strip()
        if not text:
            continue
        segment = Segment(
            id=0,
            start=round(timeline.to_source(seg.start, part) if not words else words[0].start, 3),
            end=round(timeline.to_source(seg.end, part) if not words else words[-1].end, 3),
            text=text,
            lang=lang,
            lang_prob=None if lang_prob is None else round(lang_prob, 4),
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
