"""Speakers: cues on the seed, word/segment assignment, and real diarization on the fixture."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from pyannote.core import Annotation
from pyannote.core import Segment as PSeg
from pyannote.metrics.diarization import DiarizationErrorRate

from tests.conftest import FIXTURES
from videobrief.media import decode_audio
from videobrief.records import Segment, Transcript, Word
from videobrief.stages.imports.formats import import_transcript
from videobrief.stages.speakers import assign as asg
from videobrief.stages.speakers import cues
from videobrief.stages.speakers.annotate import annotate
from videobrief.stages.speakers.diarize import Turn
from videobrief.stages.speakers.embed import embed_clip, load_encoder
from videobrief.stages.speakers.library import Voice
from videobrief.stages.speakers.options import SpeakersOptions

FIX = FIXTURES


@lru_cache(maxsize=1)
def campp():
    return load_encoder("campp")


def _at(t: Transcript, clock: str) -> Segment:
    m, s = map(int, clock.split(":"))
    return min(t.segments, key=lambda seg: abs(seg.start - (m * 60 + s)))


def test_seed_cue_turns(seed_page: Path) -> None:
    t = import_transcript(seed_page, "seed")
    out = annotate(t, None, campp).transcript
    names = {sp.id: sp for sp in out.speakers}
    before, after = _at(out, "09:12"), _at(out, "09:16")
    assert names[before.speaker].name == "Сергей Викторович"
    assert names[after.speaker].name == "Максим Владимирович"
    assert {names[before.speaker].name_source, names[after.speaker].name_source} == {"cue"}
    for seg in out.segments:
        expect = "Сергей Викторович" if seg.start <= before.start else "Максим Владимирович"
        assert names[seg.speaker].name == expect, (seg.start, seg.text[:40])
    assert out.speakers[0].id == "S1" and out.segments[0].speaker == "S1"


def test_cue_forms_ru_en() -> None:
    segs = [
        Segment(id=0, start=0, end=2, text="Слово предоставляется Анне Петровой."),
        Segment(id=1, start=2, end=4, text="Thank you, Mr Brown. We agree."),
        Segment(id=2, start=4, end=6, text="I give the floor to John Smith."),
        Segment(id=3, start=6, end=8, text="Спасибо за внимание."),
    ]
    found = [(c.segment, c.name, c.next) for c in cues.find_cues(segs)]
    assert found == [(0, "Анна Петрова", True), (1, "Brown", False), (2, "John Smith", True)]


def _w(a: float, b: float, text: str) -> Word:
    return Word(start=a, end=b, word=text, prob=0.9)


def test_segment_split_at_turn_change_and_nearest_fill() -> None:
    seg = Segment(
        id=0,
        start=0.0,
        end=4.0,
        text="one two three four",
        words=(_w(0, 0.5, "one"), _w(0.6, 1.2, "two"), _w(2.1, 2.6, "three"), _w(3.5, 3.9, "four")),
    )
    turns = [Turn(0.0, 1.3, "A"), Turn(1.9, 3.0, "B")]  # "four" is in no turn: nearest is B
    out = asg.assign([seg], turns)
    assert [s.text for s in out] == ["one two", "three four"]
    assert [s.speaker for s in out] == ["A", "B"]
    assert out[0].end == 1.2 and out[1].start == 2.1 and [s.id for s in out] == [0, 1]
    assert all(w.speaker == s.speaker for s in out for w in s.words)


def _rttm(path: Path) -> Annotation:
    ann = Annotation()
    for line in path.read_text().splitlines():
        f = line.split()
        ann[PSeg(float(f[3]), float(f[3]) + float(f[4]))] = f[7]
    return ann


def _fixture_transcript(audio: np.ndarray) -> Transcript:
    """Segments over the reference turns (one per turn, no words): the stage's regions."""
    segs = []
    for i, line in enumerate((FIX / "speakers.rttm").read_text().splitlines()):
        f = line.split()
        segs.append(Segment(id=i, start=float(f[3]), end=float(f[3]) + float(f[4]), text="x"))
    return Transcript(id="fx", source="speakers.m4a", duration=len(audio) / 16000, segments=segs)


@pytest.fixture(scope="module")
def fixture_audio() -> np.ndarray:
    return decode_audio(FIX / "speakers.m4a")


def test_fixture_five_speakers_low_der(fixture_audio: np.ndarray) -> None:
    t = _fixture_transcript(fixture_audio)
    out = annotate(t, fixture_audio, campp).transcript
    hyp = Annotation()
    for s in out.segments:
        hyp[PSeg(s.start, s.end)] = s.speaker
    der = DiarizationErrorRate(collar=0.25)(_rttm(FIX / "speakers.rttm"), hyp)
    assert len(out.speakers) == 5
    assert der < 0.08
    assert [sp.id for sp in out.speakers] == ["S1", "S2", "S3", "S4", "S5"]


def test_forced_speaker_count(fixture_audio: np.ndarray) -> None:
    t = _fixture_transcript(fixture_audio)
    out = annotate(t, fixture_audio, campp, SpeakersOptions(speakers=2)).transcript
    assert len(out.speakers) == 2


def test_one_speaker_gives_one(fixture_audio: np.ndarray) -> None:
    t = _fixture_transcript(fixture_audio)
    only = [s for s in t.segments if s.id in (0, 4, 8, 12, 14)]  # the chair's turns
    out = annotate(t.model_copy(update={"segments": only}), fixture_audio, campp).transcript
    assert len(out.speakers) == 1


def test_silence_gives_none() -> None:
    silent = np.zeros(16000 * 5, np.float32)
    t = Transcript(id="s", source="s.wav", duration=5.0)
    out = annotate(t, silent, campp).transcript
    assert out.speakers == () and out.segments == ()


def test_library_names_cross_language_voice(fixture_audio: np.ndarray) -> None:
    enc = campp()
    clip = decode_audio(FIX / "speakers-holdout" / "espeak-ru.m4a")  # enrolled speaking Russian
    voice = Voice("Espeak Voice", "campp", tuple(embed_clip(enc, clip).tolist()))
    t = _fixture_transcript(fixture_audio)
    out = annotate(t, fixture_audio, campp, SpeakersOptions(voices=(voice,))).transcript
    named = [sp for sp in out.speakers if sp.name == "Espeak Voice"]
    assert len(named) == 1 and named[0].name_source == "library" and named[0].score >= 0.6
    # it speaks Russian and English in the meeting: both turns 3 (ru) and 5 (en) carry the name
    by_start = {round(s.start): s.speaker for s in out.segments}
    assert by_start[20] == by_start[30] == named[0].id


def test_exports_prefix_names_at_turn_changes() -> None:
    from videobrief.publish.exports import to_srt, to_vtt
    from videobrief.records import Speaker

    segs = [
        Segment(id=0, start=0, end=1, text="Добрый день.", speaker="S1"),
        Segment(id=1, start=1, end=2, text="Начнём.", speaker="S1"),
        Segment(id=2, start=2, end=3, text="Thank you.", speaker="S2"),
    ]
    speakers = (Speaker(id="S1", name="Сергей Викторович", name_source="cue"), Speaker(id="S2"))
    t = Transcript(id="x", source="x", duration=3, segments=segs, speakers=speakers)
    srt_text, vtt_text = to_srt(t), to_vtt(t)
    for text in (srt_text, vtt_text):
        assert "[Сергей Викторович] Добрый день." in text
        assert "\nНачнём." in text and "[S2] Thank you." in text


def test_brief_quotes_carry_speaker_name() -> None:
    from videobrief.records import Quote, Speaker
    from videobrief.stages.brief.speakers import name_quotes

    segs = [
        Segment(id=0, start=0, end=1, text="a", speaker="S1"),
        Segment(id=1, start=1, end=2, text="b", speaker="S2"),
    ]
    sp = (Speaker(id="S1", name="Максим Владимирович", name_source="cue"), Speaker(id="S2"))
    t = Transcript(id="x", source="x", duration=2, segments=segs, speakers=sp)
    q = [
        Quote(text="a", start=0, end=1, segment_ids=(0,)),
        Quote(text="ab", start=0, end=2, segment_ids=(0, 1)),
    ]
    out = name_quotes(q, t)
    assert out[0].speaker == "Максим Владимирович" and out[1].speaker is None


def _stage_speakers(out) -> Transcript:
    """The transcript as the speakers stage leaves it: each speaker with its voice centroid."""
    sps = tuple(
        sp.model_copy(
            update={"encoder": "campp", "centroid": tuple(map(float, out.centroids[sp.id]))}
        )
        for sp in out.transcript.speakers
    )
    return out.transcript.model_copy(update={"speakers": sps})


def test_rename_follows_the_voice_when_a_rerun_relabels(fixture_audio, tmp_path: Path) -> None:
    """Renamed S4 (the espeak voice) in the 5-speaker run; a rerun forced to 3 speakers merges
    other voices, so the espeak voice has another label: the name follows the voice."""
    from videobrief.store import Store

    t = _fixture_transcript(fixture_audio)
    five = _stage_speakers(annotate(t, fixture_audio, campp))
    three = _stage_speakers(annotate(t, fixture_audio, campp, SpeakersOptions(speakers=3)))
    espeak_at = {round(s.start): s.speaker for s in five.segments}[20]
    with Store.open(tmp_path) as store:
        store.save_transcript(five, "speakers", "k5")
        store.rename_speaker("fx", espeak_at, "Espeak Voice")
        store.save_transcript(three, "speakers", "k3")
        stored = {sp.id: sp for sp in store.video_speakers("fx")}
        segs = store.load_transcript("fx").segments
    now = {round(s.start): s.speaker for s in segs}
    assert espeak_at == "S4" and now[20] == now[30] != "S4"  # relabelled by the rerun
    assert (stored[now[20]].name, stored[now[20]].name_source) == ("Espeak Voice", "user")
    assert [sp.name for sp in stored.values()].count("Espeak Voice") == 1
