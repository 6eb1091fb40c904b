"""A partial person name («Максим Владимирович», "Mr. Lavrov") resolved to the one person
entity of the video it names, for speakers named by cues."""

from __future__ import annotations

from videobrief.records import Entity
from videobrief.stages.entities.extract import en_parts, ru_parts
from videobrief.text.aliases import fold, lemma
from videobrief.text.names import same_name

_HONORIFICS = {"mr", "mrs", "ms", "dr", "sir", "madam", "господин", "госпожа", "товарищ"}


def _parts(name: str) -> tuple[str, str, str]:
    kept = [w for w in name.replace(".", " ").split() if lemma(w) not in _HONORIFICS]
    name = " ".join(kept)
    words = " ".join(lemma(w).capitalize() for w in kept)
    if any("а" <= c <= "я" for c in fold(name)):
        return ru_parts(words)
    return en_parts(name)


def resolve_person(name: str, entities: tuple[Entity, ...] | list[Entity]) -> Entity | None:
    """The one person entity a (possibly partial) name refers to, or None.

    For speaker names taken from cues: «Максим Владимирович» resolves to «Максим Владимирович
    Рыженков» when the video names him in full and no other person shares that first name and
    patronymic. A name that fits two different people resolves to neither.
    """
    want = _parts(name)
    if not any(want):
        return None
    hits = [e for e in entities if e.type == "PER" and _fits(want, _parts(e.name))]
    if len(hits) > 1:  # prefer the fullest reading when one contains the others
        full = [e for e in hits if all(_parts(e.name))]
        hits = full if len(full) == 1 else hits
    return hits[0] if len(hits) == 1 else None


def _fits(want: tuple[str, str, str], have: tuple[str, str, str]) -> bool:
    given = [(w, h) for w, h in zip(want, have, strict=True) if w]
    agree = all(h and same_name(w, h) for w, h in given)
    return agree and (bool(want[2]) or len(given) >= 2)
