"""The validated English track: translate, check, retry once, fall back, or mark unverified.

Order for each non-English segment (every step recorded in `flags`):
1. the backend's answer, checked by `Validator`;
2. if it failed: the backend again for that segment alone (a different prompt, so a different
   answer at temperature 0) — flag `english:retry`. A backend with a `check` attribute
   (`ChatTranslator`) is given the validator's model-free checks and retries what fails them
   itself, right after the rejected answer, while its prompt is still evaluated; it leaves what
   it rejected in `rejected`, flagged here the same way;
3. if that failed: the fallback (speech-translate of the segment's audio, media only), checked
   the same way — flag `english:fallback:<source>`;
4. if that failed or there is none: the last answer kept with `english_source="unverified"`
   and flag `english:unverified`; the brief never uses it.
Rejections are flagged `english:rejected:<source>:<reason>`. A segment with no letters (only
numbers) keeps its text as its English; an empty one gets nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from videobrief.records import Segment
from videobrief.stages.english.backends import Backend
from videobrief.stages.english.validate import Validator, Verdict
from videobrief.text.glossary import Term, snap_text

ENGLISH = "en"
UNVERIFIED = "unverified"
PREFIX = "english:"
MISSING = "english:missing"
RETRY = "english:retry"


def translate_segments(
    segments: Sequence[Segment],
    backend: Backend | None,
    audio: np.ndarray | None = None,
    fallback: Backend | None = None,
    glossary: tuple[Term, ...] = (),
    validator: Validator | None = None,
    second_try: bool = True,
) -> list[Segment]:
    """Every segment with its English track set; original text and other flags untouched.

    `second_try=False` skips step 2, for a backend that answers the same twice (speech-translate
    run as the fallback of `videobrief.stages.english.units`)."""
    base = [_clear(s) for s in segments]
    validator = validator or Validator(glossary=glossary)
    todo = [s for s in base if s.lang != ENGLISH and s.text.strip() and _has_words(s.text)]
    results: dict[int, tuple[str, str]] = {}
    flags: dict[int, list[str]] = {s.id: [] for s in base}
    last: dict[int, str] = {}
    if backend is not None and todo:
        if hasattr(backend, "check"):  # it retries what fails these checks at once, itself
            backend.check = validator.check
        pending = _attempt(backend, todo, base, audio, validator, results, flags, last)
        failed = [seg for seg in pending if RETRY in flags[seg.id]]  # retried by the backend
        for seg in pending:
            if RETRY in flags[seg.id]:
                continue
            if not second_try:
                failed.append(seg)
                continue
            flags[seg.id].append(RETRY)
            failed += _attempt(backend, [seg], base, audio, validator, results, flags, last)
        if failed and fallback is not None and fallback is not backend and audio is not None:
            for seg in failed:
                flags[seg.id].append(f"english:fallback:{fallback.source}")
            failed = _attempt(fallback, failed, base, audio, validator, results, flags, last)
        for seg in failed:
            flags[seg.id].append("english:unverified" if seg.id in last else MISSING)
            if seg.id in last:
                results[seg.id] = (last[seg.id], UNVERIFIED)
    return [_finish(seg, backend, results, flags[seg.id], glossary) for seg in base]


def _attempt(
    backend: Backend,
    todo: list[Segment],
    context: list[Segment],
    audio: np.ndarray | None,
    validator: Validator,
    results: dict[int, tuple[str, str]],
    flags: dict[int, list[str]],
    last: dict[int, str],
) -> list[Segment]:
    """Run `backend` on `todo`, keep what validates; return the segments still without English."""
    answers = backend.translate(todo, audio, context)
    rejected = _inline_retries(backend, todo, flags)
    answered = [s for s in todo if s.id in answers]
    verdicts = validator.check_all([(s.text, answers[s.id]) for s in answered])
    by_id: dict[int, Verdict] = {s.id: v for s, v in zip(answered, verdicts, strict=True)}
    failed = []
    for seg in todo:
        if seg.id not in answers:
            flags[seg.id].append(f"english:no-answer:{backend.source}")
            failed.append(seg)
            continue
        last[seg.id] = answers[seg.id]
        verdict = by_id[seg.id]
        if verdict.ok:
            results[seg.id] = (answers[seg.id], backend.source)
        else:
            flags[seg.id].append(f"english:rejected:{backend.source}:{'|'.join(verdict.reasons)}")
            failed.append(seg)
            hints = getattr(backend, "hints", None)
            if hints is not None and seg.id not in rejected:  # for its retry's prompt
                hints[seg.id] = verdict.reasons
    return failed


def _inline_retries(backend: Backend, todo: list[Segment], flags: dict[int, list[str]]) -> set[int]:
    """Flag the answers the backend rejected and retried itself (rejected, retry); their ids."""
    rejected: dict[int, tuple[str, tuple[str, ...]]] = getattr(backend, "rejected", {})
    done = set()
    for seg in todo:
        if seg.id in rejected:
            _answer, reasons = rejected.pop(seg.id)
            flags[seg.id] += [f"english:rejected:{backend.source}:{'|'.join(reasons)}", RETRY]
            done.add(seg.id)
    return done


def _finish(
    seg: Segment,
    backend: Backend | None,
    results: dict[int, tuple[str, str]],
    flags: list[str],
    glossary: tuple[Term, ...],
) -> Segment:
    if seg.lang == ENGLISH:
        return seg.model_copy(update={"english": seg.text, "english_source": "original"})
    if backend is not None and seg.text.strip() and not _has_words(seg.text):
        return seg.model_copy(update={"english": seg.text, "english_source": "original"})
    if seg.id in results:
        text, source = results[seg.id]
        text, changes = snap_text(text, glossary)
        flags = flags + [f"glossary-en:{new}<-{old}" for old, new in changes]
        return seg.model_copy(
            update={"english": text, "english_source": source, "flags": seg.flags + tuple(flags)}
        )
    if flags:
        return seg.model_copy(update={"flags": seg.flags + tuple(flags)})
    return seg


def _has_words(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _clear(seg: Segment) -> Segment:
    """Drop a previous English track (and its flags) so a rerun starts from the original."""
    flags = tuple(
        f for f in seg.flags if not f.startswith(PREFIX) and not f.startswith("glossary-en:")
    )
    return seg.model_copy(update={"english": None, "english_source": None, "flags": flags})
