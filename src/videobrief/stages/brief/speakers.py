"""Quotes carry who said them: the speakers stage's name for the quoted segments' speaker.

A quote spanning two speakers, or segments no speaker was found for, stays None (shown as
"speaker unknown"); an unnamed speaker shows its label (S2) rather than nothing, since the
page and the exports use the same labels.
"""

from __future__ import annotations

from collections.abc import Sequence

from videobrief.records import Quote, Transcript


def name_quotes(quotes: Sequence[Quote], transcript: Transcript) -> list[Quote]:
    """Each quote with `speaker` set from its segments' single speaker, when there is one."""
    by_id = {s.id: s for s in transcript.segments}
    out = []
    for q in quotes:
        ids = {by_id[i].speaker for i in q.segment_ids if i in by_id}
        name = transcript.speaker_name(ids.pop()) if len(ids) == 1 else None
        out.append(q.model_copy(update={"speaker": name or q.speaker}) if name else q)
    return out
