"""Windows: the stretches of speech Whisper decodes in one call, each in one language.

`plan_windows` joins consecutive VAD units of one language into windows of at most
`max_window_s` (Whisper's 30 s). `pack_windows` then puts the short runs of one language that
other languages separate into one call: every call costs a full 30 s encoder pass however short
its audio, so a file that switches language often would otherwise pay for many near-empty
windows. Packing restores full windows, as faster-whisper's own VAD packs speech.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from videobrief.media import SAMPLE_RATE
from videobrief.stages.speech.language import LangGuess
from videobrief.stages.speech.options import SpeechOptions
from videobrief.stages.speech.vad import Region

# A stretch of audio in samples, half-open [start, end).
Span = tuple[int, int]

# A packed window's runs may lie this far apart; keeps decoding (and progress) in time order.
PACK_REACH_S = 120.0
# Silence laid between packed runs: butted together, the last word of one run and the first of
# the next merge into one garbled word (seen on real Russian read speech).
PACK_GAP = int(0.4 * SAMPLE_RATE)


@dataclass(frozen=True)
class Window:
    """A stretch of speech decoded in one call, in one language.

    `lang_prob` is the duration-weighted mean of its units' language probabilities (None when
    the language was forced or chosen by a check); `weight` is the speech seconds behind it.
    """

    start: int
    end: int
    lang: str
    lang_prob: float | None
    weight: float = 0.0
    # The audio spans decoded, in order; more than one when runs of a language were packed.
    parts: tuple[Span, ...] = ()

    @property
    def spans(self) -> tuple[Span, ...]:
        return self.parts or ((self.start, self.end),)

    @property
    def seconds(self) -> float:
        return sum(end - start for start, end in self.spans) / SAMPLE_RATE

    def with_language(self, lang: str) -> Window:
        """The same audio to decode in `lang`, with no language-ID probability."""
        return replace(self, lang=lang, lang_prob=None)


def plan_windows(
    units: list[Region], guesses: list[LangGuess | None], opts: SpeechOptions
) -> list[Window]:
    """Join consecutive units of one language into windows no longer than Whisper's 30 s.

    A unit without a guess is in `opts.language` (or English when none is given).
    """
    windows: list[Window] = []
    for unit, guess in zip(units, guesses, strict=True):
        lang = guess.lang if guess else opts.language or "en"
        prob = guess.prob if guess else None
        if windows and _continues_window(windows[-1], unit, lang, opts):
            windows[-1] = _add_unit(windows[-1], unit, prob)
        else:
            windows.append(Window(unit.start, unit.end, lang, prob, unit.seconds))
    return windows


def _continues_window(last: Window, unit: Region, lang: str, opts: SpeechOptions) -> bool:
    """True if `unit` joins `last`: same language, close enough, and the window stays short."""
    fits = (unit.end - last.start) / SAMPLE_RATE <= opts.max_window_s
    near = (unit.start - last.end) / SAMPLE_RATE <= opts.max_gap_s
    return last.lang == lang and fits and near


def _add_unit(last: Window, unit: Region, prob: float | None) -> Window:
    weight = last.weight + unit.seconds
    merged = None
    if last.lang_prob is not None and prob is not None:
        merged = (last.lang_prob * last.weight + prob * unit.seconds) / weight
    return Window(last.start, unit.end, last.lang, merged, weight)


def pack_windows(windows: list[Window], opts: SpeechOptions) -> list[Window]:
    """Pack short same-language windows that other languages separate into one decode call.

    Decoding maps times back part by part (`timeline.Timeline`).
    """
    packed: list[Window] = []
    open_packs: dict[str, Window] = {}
    for window in windows:
        current = open_packs.get(window.lang)
        if current is not None and _fits_pack(current, window, opts):
            open_packs[window.lang] = _add_to_pack(current, window)
            continue
        if current is not None:
            packed.append(current)
        open_packs[window.lang] = window
    packed.extend(open_packs.values())
    return sorted(packed, key=lambda w: w.start)


def _fits_pack(pack: Window, window: Window, opts: SpeechOptions) -> bool:
    """True if `window` is within reach of `pack` and both, with their gaps, fit one call."""
    near = (window.start - pack.start) / SAMPLE_RATE <= PACK_REACH_S
    gaps = len(pack.spans + window.spans) - 1
    return (
        near and pack.seconds + window.seconds + gaps * PACK_GAP / SAMPLE_RATE <= opts.max_window_s
    )


def _add_to_pack(pack: Window, window: Window) -> Window:
    weight = pack.weight + window.weight
    prob = None
    if pack.lang_prob is not None and window.lang_prob is not None and weight > 0:
        prob = (pack.lang_prob * pack.weight + window.lang_prob * window.weight) / weight
    parts = pack.spans + window.spans
    return Window(pack.start, window.end, pack.lang, prob, weight, parts)
