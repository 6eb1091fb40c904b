"""The speakers stage's logic on records: diarize (or read cues), assign, name.

Kept apart from `videobrief.stages.speakers.stage` so it can be called with an encoder in hand and
tested without the runner. Name precedence: user > library > archive > cue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from videobrief.records import Segment, Speaker, Transcript
from videobrief.stages.speakers import assign as asg
from videobrief.stages.speakers import cues as cue_mod
from videobrief.stages.speakers import diarize as dz
from videobrief.stages.speakers.embed import Encoder
from videobrief.stages.speakers.library import match
from videobrief.stages.speakers.options import SpeakersOptions


@dataclass(frozen=True)
class Result:
    transcript: Transcript
    centroids: dict[str, np.ndarray]


def annotate(
    transcript: Transcript,
    audio: np.ndarray | None,
    encoder: Callable[[], Encoder],
    options: SpeakersOptions = SpeakersOptions(),
) -> Result:
    """The transcript with speakers on segments and words, split at turn changes, named."""
    segments = list(transcript.segments)
    centroids: dict[str, np.ndarray] = {}
    if not segments:
        return Result(transcript.model_copy(update={"speakers": ()}), {})
    if audio is None:
        segments = _from_cues(segments)
    else:
        regions = asg.text_regions(segments)
        opts = dz.Options(
            encoder=options.encoder, speakers=options.speakers, threshold=options.threshold
        )
        result = dz.diarize(audio, regions, encoder(), opts)
        segments = asg.assign(segments, result.turns)
        centroids = result.centroids
    segments, mapping = asg.relabel_by_appearance(segments)
    centroids = {mapping[k]: v for k, v in centroids.items() if k in mapping}
    speakers = _name(segments, centroids, options)
    updated = transcript.model_copy(update={"segments": tuple(segments), "speakers": speakers})
    return Result(updated, centroids)


def _from_cues(segments: list[Segment]) -> list[Segment]:
    """Without audio: a turn per run of segments between cues (one speaker when none)."""
    cues = cue_mod.find_cues(segments)
    turn_of = cue_mod.turns_from_cues(segments, cues)
    # Alternate two voices across hand-overs: with no audio nothing tells a third voice apart.
    return [
        s.model_copy(update={"speaker": f"T{t % 2}" if cues else "T0"})
        for s, t in zip(segments, turn_of, strict=True)
    ]


def _name(
    segments: Sequence[Segment], centroids: dict[str, np.ndarray], options: SpeakersOptions
) -> tuple[Speaker, ...]:
    labels = list(dict.fromkeys(s.speaker for s in segments if s.speaker))
    cue_names = cue_mod.names_for(segments, cue_mod.find_cues(segments))
    matched = match(centroids, options.voices, options.encoder, options.match_threshold)
    renames = dict(options.renames)
    out = []
    for label in labels:
        if label in renames:
            out.append(Speaker(id=label, name=renames[label], name_source="user"))
        elif label in matched:
            name, source, score = matched[label]
            out.append(Speaker(id=label, name=name, name_source=source, score=score))
        elif label in cue_names:
            out.append(Speaker(id=label, name=cue_names[label], name_source="cue"))
        else:
            out.append(Speaker(id=label))
    return tuple(out)
