"""One entity per thing named, across grammatical forms, scripts and partial names.

Mentions merge when
- the alias table says so (ОДКБ, ДКБ and CSTO; Беларусь, Белоруссия and Belarus);
- their normal forms agree once both are written in Latin: every `iuliia` scheme's
  transliteration of a Cyrillic name is tried (a union, since "Sergei" and "Sergey" are both
  right), ё folded to е, and compared with rapidfuzz;
- they are people whose name parts agree within the video: a surname agreeing with no first
  name or patronymic contradicting it («Сергеевич Глазьев» = «Глазьев»), or a first name +
  patronymic that only one full name in the video carries («Максим Владимирович»).
"""

from __future__ import annotations

import calendar
from collections import defaultdict

import iuliia

from videobrief.records import Entity, Mention
from videobrief.stages.entities.extract import Candidate
from videobrief.text.aliases import fold
from videobrief.text.names import same_name

_MONTHS = list(calendar.month_name)[1:]  # English month names (C locale)


def _people_agree(p: tuple[str, str, str], q: tuple[str, str, str]) -> bool:
    """No part contradicts, and the surnames agree (both given)."""
    if not (p[2] and q[2] and same_name(p[2], q[2])):
        return False
    return all(not (x and y) or same_name(x, y) for x, y in zip(p[:2], q[:2], strict=True))


def _union_find(n: int):
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(j)] = find(i)

    return find, union


def _group_key(c: Candidate) -> tuple:
    if c.alias is not None:
        return ("alias", c.alias.id)
    if c.type == "DATE":
        return ("DATE", c.fact)
    return (c.type, fold(c.normal))


def _groups(cands: list[Candidate]) -> list[list[Candidate]]:
    """Exact groups (alias id, date, type + normal form), then fuzzy and name-part unions."""
    exact: dict[tuple, list[Candidate]] = defaultdict(list)
    for c in cands:
        exact[_group_key(c)].append(c)
    groups = list(exact.values())
    find, union = _union_find(len(groups))
    heads = [g[0] for g in groups]
    for i, a in enumerate(heads):
        for j in range(i + 1, len(heads)):
            b = heads[j]
            if a.alias or b.alias or a.type != b.type or a.type == "DATE":
                continue
            if a.type == "PER":
                if _people_agree(a.parts, b.parts) or same_name(a.normal, b.normal):
                    union(i, j)
            elif same_name(a.normal, b.normal):
                union(i, j)
    _join_partial_people(heads, find, union)
    merged: dict[int, list[Candidate]] = defaultdict(list)
    for i, g in enumerate(groups):
        merged[find(i)] += g
    return list(merged.values())


def _join_partial_people(heads: list[Candidate], find, union) -> None:
    """A first name + patronymic without surname joins the one full name that carries them."""
    for i, a in enumerate(heads):
        if a.type != "PER" or a.parts[2] or not (a.parts[0] and a.parts[1]):
            continue
        full = {
            find(j)
            for j, b in enumerate(heads)
            if b.type == "PER" and b.parts[2] and _first_middle(a.parts, b.parts)
        }
        if len(full) == 1:
            union(full.pop(), i)


def _first_middle(p: tuple[str, str, str], q: tuple[str, str, str]) -> bool:
    return same_name(p[0], q[0]) and same_name(p[1], q[1])


def _richness(c: Candidate) -> tuple:
    return (sum(bool(x) for x in c.parts), len(c.normal))


def _name(group: list[Candidate]) -> str:
    if group[0].alias is not None:
        return group[0].alias.name
    if group[0].type == "DATE":
        return group[0].normal
    ru = [c for c in group if c.lang == "ru"] or group
    return max(ru, key=_richness).normal


def _name_en(group: list[Candidate]) -> str:
    head = group[0]
    if head.alias is not None:
        return head.alias.name_en
    if head.type == "DATE":
        return date_en(head.fact)
    en = [c for c in group if c.lang == "en"]
    if en:
        return max(en, key=_richness).normal
    return iuliia.WIKIPEDIA.translate(_name(group))


def date_en(fact: tuple[int | None, int | None, int | None] | None) -> str:
    """ "26 September", "September 2025", "2025": the parts a date names, in English."""
    year, month, day = fact or (None, None, None)
    words = [str(day) if day and month else "", _MONTHS[month - 1] if month else ""]
    words.append(str(year) if year else "")
    return " ".join(w for w in words if w)


def merge(cands: list[Candidate]) -> tuple[Entity, ...]:
    """Entities in order of first mention, ids E1, E2..., each with all its mentions."""
    order = {id(c): n for n, c in enumerate(cands)}
    groups = sorted(_groups(cands), key=lambda g: min(order[id(c)] for c in g))
    out = []
    for n, group in enumerate(groups, start=1):
        group.sort(key=lambda c: order[id(c)])
        name = _name(group)
        name_en = _name_en(group)
        others = dict.fromkeys(c.normal for c in group if fold(c.normal) != fold(name))
        # An acronym heard as a word («Брикс» for БРИКС) is kept as said: a check that
        # compares acronyms letter for letter must still find it in the original.
        others |= dict.fromkeys(
            c.text
            for c in group
            if name.isupper() and c.text != name and fold(c.text) == fold(name)
        )
        mentions = tuple(Mention(segment=c.segment, start=c.start, text=c.text) for c in group)
        out.append(
            Entity(
                id=f"E{n}",
                type=group[0].type,
                name=name,
                name_en=name_en,
                aliases=tuple(others),
                mentions=mentions,
            )
        )
    return tuple(out)
