"""Scoring a transcript against the code-switch fixture's reference pieces.

Shared by `bench/languages.py` and the tests. A piece's language is judged from the *text*
that came out over it (script, then lingua between the reference languages), never from the
label a system claims: a Russian piece rendered as fluent English is wrong however it is
labelled.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import jiwer

from videobrief.text.detect import text_language

LANGS = ("ru", "en")


@dataclass(frozen=True)
class Piece:
    lang: str
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class TimedWord:
    start: float
    end: float
    word: str


def load_pieces(path: Path) -> list[Piece]:
    return [Piece(**p) for p in json.loads(Path(path).read_text(encoding="utf-8"))["pieces"]]


def assign_words(pieces: list[Piece], words: list[TimedWord]) -> list[str]:
    """Text per piece: each word goes to the piece holding its midpoint (else the nearest)."""
    out: list[list[str]] = [[] for _ in pieces]
    for w in words:
        mid = (w.start + w.end) / 2
        best = min(
            range(len(pieces)),
            key=lambda i: (
                0.0
                if pieces[i].start <= mid <= pieces[i].end
                else min(abs(mid - pieces[i].start), abs(mid - pieces[i].end))
            ),
        )
        out[best].append(w.word)
    return [" ".join(ws) for ws in out]


def normalise(text: str) -> str:
    text = text.lower().replace("ё", "е")
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Score:
    accuracy: float  # share of pieces whose output text is in the piece's language
    correct: int
    pieces: int
    ru_as_en: int  # Russian pieces whose output text is English
    missing: int  # pieces with no output text at all
    wer: dict[str, float]
    judged: tuple[str | None, ...]


def score(pieces: list[Piece], texts: list[str]) -> Score:
    judged = tuple(text_language(t, LANGS) if t.strip() else None for t in texts)
    correct = sum(1 for p, j in zip(pieces, judged, strict=True) if j == p.lang)
    ru_as_en = sum(1 for p, j in zip(pieces, judged, strict=True) if p.lang == "ru" and j == "en")
    wer = {}
    for lang in LANGS:
        refs = [normalise(p.text) for p in pieces if p.lang == lang]
        hyps = [normalise(t) for p, t in zip(pieces, texts, strict=True) if p.lang == lang]
        hyp = " ".join(h for h in hyps if h)
        if not refs:
            wer[lang] = float("nan")
        else:
            wer[lang] = jiwer.wer(" ".join(refs), hyp) if hyp else 1.0
    return Score(
        accuracy=correct / len(pieces),
        correct=correct,
        pieces=len(pieces),
        ru_as_en=ru_as_en,
        missing=sum(1 for t in texts if not t.strip()),
        wer=wer,
        judged=judged,
    )
