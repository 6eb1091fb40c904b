"""Same-script languages: units guessed in a "sibling" of the file's main language.

A sibling of the main language is another language written in the same script: Ukrainian,
Belarusian or Bulgarian beside Russian, Spanish beside English. Whisper base calls short
Russian prompts Ukrainian with p up to 0.98, and such a unit decoded as a window of its own,
even in the right language, loses its neighbours' context ("На брене номер" where the file
decoded whole gives "набранный номер"). So units guessed in a sibling are decoded in the main
language's windows (`fold_same_script_guesses`); afterwards each language's units, packed, are
decoded alone in both languages, and the one the model scores higher keeps their text
(`recheck_pack`). Units in another script (English in a Russian file) are a real switch and
keep their own windows.
"""

from __future__ import annotations

import numpy as np
from faster_whisper import WhisperModel

from videobrief.media import SAMPLE_RATE
from videobrief.records import Segment
from videobrief.stages.speech.decode import decode_window, guard_and_snap
from videobrief.stages.speech.language import LangGuess
from videobrief.stages.speech.options import SpeechOptions
from videobrief.stages.speech.progress import Timings, timed
from videobrief.stages.speech.timeline import Decoded
from videobrief.stages.speech.vad import Region
from videobrief.stages.speech.windows import Window, pack_windows
from videobrief.text.detect import text_language
from videobrief.text.languages import script_for_lang

# Seconds in the file, half-open [start, end).
SecondsSpan = tuple[float, float]


def fold_same_script_guesses(
    guesses: list[LangGuess | None], main: str
) -> tuple[list[LangGuess | None], list[int]]:
    """The guesses to plan windows with: every sibling guess becomes `main`.

    The folded guess keeps the unit's top candidates and takes the main language's own
    probability among them. Returns the planning guesses and the indices of the folded units.
    """
    planned: list[LangGuess | None] = []
    folded: list[int] = []
    for i, guess in enumerate(guesses):
        if guess and guess.lang != main and script_for_lang(guess.lang) == script_for_lang(main):
            planned.append(LangGuess(main, dict(guess.top).get(main, 0.0), guess.top))
            folded.append(i)
        else:
            planned.append(guess)
    return planned, folded


def units_read_as_another_language(
    segments: list[Segment],
    units: list[Region],
    guesses: list[LangGuess | None],
    main: str,
    candidates: tuple[str, ...],
) -> dict[int, LangGuess]:
    """Units under a segment whose text reads (lingua) as another candidate than `main`.

    The audio said main, the text says otherwise: each such unit gets the same recheck as the
    units language ID called a sibling, as a guess for the language the text shows.
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


def recheck_packs(
    units: list[Region], checks: dict[int, LangGuess], opts: SpeechOptions
) -> list[Window]:
    """The units to recheck, per language packed into windows as decoding packs them.

    Every decode costs a full 30 s encoder pass, so rechecking unit by unit would pay two
    passes per unit; packed, a file pays two per pack of up to 30 s of one language.
    """
    windows = [
        Window(units[i].start, units[i].end, g.lang, g.prob, units[i].seconds)
        for i, g in sorted(checks.items())
    ]
    return pack_windows(windows, opts)


def recheck_pack(
    audio: np.ndarray,
    model: WhisperModel,
    pack: Window,
    main: str,
    segments: list[Segment],
    opts: SpeechOptions,
    timings: Timings | None,
) -> list[Segment]:
    """Give the pack's units their own language's text only if the model scores that higher.

    The units alone are decoded in their guessed language and in the main one, and the decode
    the model scores higher (mean avg_logprob) wins: on real Russian read speech the main
    language wins for the units Whisper calls Ukrainian; real Spanish between English prompts
    (tests/stages/speech/test_language_safe.py) scores higher as Spanish. When the main
    language wins, the in-context decode stays (flagged `sibling:<lang>-><main>`); otherwise its
    words over the units are replaced by the units' own decode.
    """
    with timed(timings, "redecode"):
        own = decode_window(audio, model, pack, opts)
        in_main = decode_window(audio, model, pack.with_language(main), opts)
    spans = [(start / SAMPLE_RATE, end / SAMPLE_RATE) for start, end in pack.spans]
    if own and (not in_main or _mean_logprob(own) > _mean_logprob(in_main)):
        return _cut_spans(segments, spans) + guard_and_snap(own, opts)
    flag = f"sibling:{pack.lang}->{main}"
    return [
        seg.model_copy(update={"flags": (*seg.flags, flag)})
        if any(_has_words_in(seg, span) for span in spans)
        else seg
        for seg in segments
    ]


def _mean_logprob(decoded: Decoded) -> float:
    """Mean of the segments' avg_logprob, weighted by their word counts."""
    weights = [max(len(seg.words), 1) for seg, _ in decoded]
    total = sum(w * (seg.avg_logprob or 0.0) for w, (seg, _) in zip(weights, decoded, strict=True))
    return total / sum(weights)


def _cut_spans(segments: list[Segment], spans: list[SecondsSpan]) -> list[Segment]:
    """The segments without their words in any of `spans`; segments left empty are dropped."""
    kept = segments
    for span in spans:
        kept = [cut for seg in kept if (cut := _without_span(seg, span)) is not None]
    return kept


def _has_words_in(seg: Segment, span: SecondsSpan) -> bool:
    """True if any of the segment's words (or, without words, the segment) lies in `span`."""
    if not seg.words:
        return span[0] <= (seg.start + seg.end) / 2 < span[1]
    return any(span[0] <= (w.start + w.end) / 2 < span[1] for w in seg.words)


def _without_span(seg: Segment, span: SecondsSpan) -> Segment | None:
    """The segment without its words whose midpoint lies in `span`; None if nothing is left."""
    if not _has_words_in(seg, span):
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
