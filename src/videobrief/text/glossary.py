"""A user's glossary of names: decoder hints, and a post-pass that snaps near-misses to them.

Whisper base spells unfamiliar names by ear ("Рыжинков", "Лавро"). A glossary term does two
things: it goes into the decoder's `hotwords` for windows in its script, and afterwards any word
within a small edit distance of a term is rewritten to the glossary spelling, keeping the word's
Russian case ending ("Рыжинкова" → "Рыженкова"). Every change is recorded in the segment's
`flags` as "glossary:NEW<-OLD", so the page and a reviewer can see what was touched.

Precision matters more than recall here: a word that is not close to a term is never changed,
a word that already is a term (or an inflected form of it) is left alone, and terms shorter
than four letters (СНГ, ШОС) are hints only, never snapped to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from videobrief.errors import BadInput
from videobrief.records import Segment
from videobrief.text.languages import has_cyrillic, script_for_lang

# Russian inflection: the word may carry up to 3 more letters of ending than the term's stem.
MAX_WORD_ENDING = 3
# Endings a term itself may lose when inflected ("Евразийский" → "Евразийского").
TERM_ENDINGS = ("ий", "ый", "ой", "ая", "ое", "а", "я", "ь", "й")
MIN_STEM = 3
_TOKEN = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")


@dataclass(frozen=True)
class Term:
    """One glossary entry: the spelling to enforce and its English form, if given."""

    term: str
    english: str | None = None


def normalise(token: str) -> str:
    """Case- and ё-insensitive form used for all comparisons."""
    return token.lower().replace("ё", "е")


def parse_glossary(text: str) -> tuple[Term, ...]:
    """Parse 'term' or 'term = English form' lines; '#' starts a comment line."""
    terms: list[Term] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        term, _, english = (part.strip() for part in line.partition("="))
        if not term:
            raise BadInput(f"glossary line {line!r} has no term before '='")
        terms.append(Term(" ".join(term.split()), english or None))
    return tuple(terms)


def load_glossary(path: Path) -> tuple[Term, ...]:
    """Read a glossary file (UTF-8)."""
    try:
        return parse_glossary(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read glossary {path}: {exc}") from exc


def hotwords(terms: tuple[Term, ...], lang: str) -> str | None:
    """Decoder hint for a window in `lang`: the terms (or English forms) written in its script."""
    script = script_for_lang(lang)
    words = [form for form in _forms(terms) if _script(form) == script]
    return " ".join(words) or None


def _script(form: str) -> str:
    return "cyrl" if has_cyrillic(form) else "latn"


def _forms(terms: tuple[Term, ...]) -> list[str]:
    """Every spelling to enforce: the terms and their English forms, without repeats."""
    forms: list[str] = []
    for t in terms:
        for form in (t.term, t.english):
            if form and form not in forms:
                forms.append(form)
    return forms


def _is_acronym(form: str) -> bool:
    return len(form) >= 2 and form.isupper() and " " not in form


def _threshold(stem_len: int) -> int:
    if stem_len < 4:
        return 0
    return 1 if stem_len <= 6 else 2


def _term_stems(token: str) -> list[str]:
    norm = normalise(token)
    stems = [norm]
    for ending in TERM_ENDINGS:
        if norm.endswith(ending) and len(norm) - len(ending) >= MIN_STEM:
            stems.append(norm[: -len(ending)])
    return stems


def _match_token(word: str, term_token: str) -> tuple[int, str] | None:
    """(distance, replacement) for `word` against one term token, or None if not close.

    Distance 0 means the word already is the term (possibly inflected): no change.
    """
    norm = normalise(word)
    best: tuple[int, int, str] | None = None
    # Only Russian-script names inflect; an English word gets no ending allowance.
    max_cut = MAX_WORD_ENDING if _script(term_token) == "cyrl" else 0
    for stem in _term_stems(term_token):
        limit = _threshold(len(stem))
        for cut in range(0, max_cut + 1):
            if len(norm) - cut < MIN_STEM:
                break
            head, ending = norm[: len(norm) - cut], word[len(word) - cut :] if cut else ""
            dist = Levenshtein.distance(head, stem, score_cutoff=limit + 1)
            if dist > limit:
                continue
            form = term_token[: len(stem)] + ending
            candidate = (dist, cut, form)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
    return None if best is None else (best[0], best[2])


def _snap_tokens(tokens: list[str], terms: tuple[Term, ...]) -> dict[int, str]:
    """Index → new spelling for each token that is a near-miss of a glossary term."""
    changes: dict[int, str] = {}
    for form in _forms(terms):
        parts = tuple(form.split())
        for start in range(0, len(tokens) - len(parts) + 1):
            matches = [_match_token(tokens[start + k], p) for k, p in enumerate(parts)]
            if any(m is None for m in matches):
                continue
            if all(m[0] == 0 for m in matches):  # already the term, inflected or recased
                # ...except an acronym heard as a word ("Брикс"): write it as the glossary does
                word = tokens[start]
                acronym = len(parts) == 1 and _is_acronym(form)
                if acronym and word != form and normalise(word) == normalise(form):
                    changes.setdefault(start, form)
                continue
            for k, m in enumerate(matches):
                if tokens[start + k] != m[1] and start + k not in changes:
                    changes[start + k] = m[1]
    return changes


def snap_text(text: str, terms: tuple[Term, ...]) -> tuple[str, list[tuple[str, str]]]:
    """Snap near-miss spellings in `text`; return the new text and the (old, new) changes."""
    if not terms:
        return text, []
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    tokens = [text[a:b] for a, b in spans]
    changes = _snap_tokens(tokens, terms)
    if not changes:
        return text, []
    out, last, done = [], 0, []
    for i, (a, b) in enumerate(spans):
        if i in changes:
            out.append(text[last:a] + changes[i])
            last = b
            done.append((tokens[i], changes[i]))
    out.append(text[last:])
    return "".join(out), done


def snap_segment(seg: Segment, terms: tuple[Term, ...]) -> Segment:
    """Snap the segment's text and words to the glossary, recording each change in `flags`."""
    text, changes = snap_text(seg.text, terms)
    if not changes:
        return seg
    mapping = dict(changes)
    words = []
    for w in seg.words:
        new, _ = _replace_core(w.word, mapping)
        words.append(w.model_copy(update={"word": new}) if new != w.word else w)
    flags = seg.flags + tuple(f"glossary:{new}<-{old}" for old, new in changes)
    return seg.model_copy(update={"text": text, "words": tuple(words), "flags": flags})


def _replace_core(word: str, mapping: dict[str, str]) -> tuple[str, bool]:
    """Replace the token inside a word that carries punctuation ("Лавро," → "Лавров,")."""
    match = _TOKEN.search(word)
    if match and match.group(0) in mapping:
        return word[: match.start()] + mapping[match.group(0)] + word[match.end() :], True
    return word, False
