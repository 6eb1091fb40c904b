"""Who and what a transcript names: people, places, organisations and dates, one entity each.

    segments → extract (natasha for Russian, spaCy for English, the alias table for both)
             → merge (normal form, transliteration, name parts, aliases)
             → Entity records with every mention's segment and time

`match` holds the cross-script name matching the brief's grounding check uses.
"""

from __future__ import annotations

from videobrief.entities.aliases import fold, lemma
from videobrief.entities.extract import extract
from videobrief.entities.merge import merge, same_name
from videobrief.records import Entity, Transcript

__all__ = ["find_entities", "with_entities", "names_for_prompt", "resolve_person"]


def find_entities(transcript: Transcript) -> tuple[Entity, ...]:
    """The transcript's entities, computed from its segments (the description is not read:
    mentions must point at a segment)."""
    return merge(extract(transcript.segments))


def with_entities(transcript: Transcript) -> Transcript:
    """The transcript with its `entities` field filled (the entities stage's work)."""
    return transcript.model_copy(update={"entities": find_entities(transcript)})


def names_for_prompt(entities: tuple[Entity, ...] | list[Entity]) -> list[tuple[str, str]]:
    """(name as said, English name) pairs for a translation prompt, dates left out.

    Each entity gives its name and every other form it was said in, so the translator sees
    «Белоруссия» → "Belarus" as well as «Беларусь» → "Belarus". Pairs whose two sides are equal
    say nothing and are dropped.

    An organisation or place of several words whose English name is only its transliteration
    is left out: «Минская международная конференция» = "Minskaya mezhdunarodnaya
    konferentsiya" is no English name. In the prompt it made the model write that; in the
    validator it rejected every correct "Minsk International Conference" (12 rejections on
    the seed page). A person's transliteration is their English name and stays.
    """
    pairs: dict[tuple[str, str], None] = {}
    for ent in entities:
        if ent.type == "DATE" or _transliterated_phrase(ent):
            continue
        for name in (ent.name, *ent.aliases):
            if fold(name) != fold(ent.name_en):
                pairs[(name, ent.name_en)] = None
    return list(pairs)


def _transliterated_phrase(ent: Entity) -> bool:
    """A non-person name of several words whose English name is its transliteration."""
    import iuliia

    if ent.type == "PER" or " " not in ent.name.strip():
        return False
    return fold(ent.name_en) == fold(iuliia.WIKIPEDIA.translate(ent.name))


_HONORIFICS = {"mr", "mrs", "ms", "dr", "sir", "madam", "господин", "госпожа", "товарищ"}


def _parts(name: str) -> tuple[str, str, str]:
    from videobrief.entities.extract import _en_parts, _ru_parts

    kept = [w for w in name.replace(".", " ").split() if lemma(w) not in _HONORIFICS]
    name = " ".join(kept)
    words = " ".join(lemma(w).capitalize() for w in kept)
    if any("а" <= c <= "я" for c in fold(name)):
        return _ru_parts(words)
    return _en_parts(name)


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
