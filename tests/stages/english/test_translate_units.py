"""Sentence units: recogniser segments that cut one sentence are translated as that sentence.

The segments are the demo's own (examples/demo.mp4 as the speech stage cut it on this
machine). The translator here is a fixed table of answers: what is tested is which text the
translator is asked for, how its English is shared back, and the cascade when a unit fails.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from videobrief.records import Segment
from videobrief.stages.english import units
from videobrief.stages.english.validate import Validator


def seg(
    i: int, start: float, end: float, text: str, speaker: str = "S2", lang: str = "ru", flags=()
):
    return Segment(id=i, start=start, end=end, text=text, lang=lang, speaker=speaker, flags=flags)


DEMO = [
    seg(0, 0.2, 6.0, "Good afternoon. Foreign ministers of Russia and Belarus meet.", "S1", "en"),
    seg(3, 21.7, 25.6, "Хотел бы выразить признательность белорусские им союзникам"),
    seg(4, 25.6, 30.1, "за низме натестные внимания и поддержку во всех наших общих"),
    seg(5, 30.2, 31.2, "начинаниях."),
    seg(9, 41.6, 42.6, "Этой", "S3", flags=("split:speaker",)),
    seg(
        10,
        42.6,
        49.5,
        "программы сейчас охватывают три года с 2024 по 2026.",
        flags=("split:speaker",),
    ),
    seg(14, 72.5, 80.9, "И это всё."),
]


class Table:
    """A backend answering from a table keyed by the exact Russian it is asked for."""

    def __init__(self, answers: dict[str, str], source: str = "llm-bundled") -> None:
        self.answers, self.source, self.asked = answers, source, []

    def translate(
        self, segments: Sequence[Segment], audio: np.ndarray | None, context: Sequence[Segment] = ()
    ) -> dict[int, str]:
        self.asked += [s.text for s in segments]
        return {s.id: self.answers[s.text] for s in segments if s.text in self.answers}


def test_units_join_a_sentence_cut_by_pauses_and_by_a_speaker_split():
    groups = units.join(DEMO)
    assert [[m.id for m in g.members] for g in groups] == [[0], [3, 4, 5], [9, 10], [14]]
    assert groups[1].segment.text.endswith("во всех наших общих начинаниях.")
    assert (groups[1].segment.start, groups[1].segment.end) == (21.7, 31.2)


def test_units_keep_speakers_languages_gaps_and_sentence_ends_apart():
    other_speaker = [seg(1, 0, 2, "Хотел бы", "S1"), seg(2, 2, 4, "сказать спасибо.", "S2")]
    long_gap = [seg(1, 0, 2, "Хотел бы"), seg(2, 6, 8, "сказать спасибо.")]
    ended = [seg(1, 0, 2, "Спасибо."), seg(2, 2, 4, "Добрый день.")]
    english = [seg(1, 0, 2, "Хотел бы"), seg(2, 2, 4, "say thanks.", lang="en")]
    for case in (other_speaker, long_gap, ended, english):
        assert [len(g.members) for g in units.join(case)] == [1, 1]


def test_share_cuts_at_words_in_proportion_and_prefers_punctuation():
    members = [seg(1, 0, 1, "а" * 30), seg(2, 1, 2, "б" * 30)]
    english = "one two three, four five six seven eight"
    assert units.share(english, members) == ["one two three,", "four five six seven eight"]
    pieces = units.share("only", members + [seg(3, 2, 3, "в")])
    assert pieces[0] == "only" and " ".join(pieces).split() == ["only"]
    three = units.share("a b c d e f", [seg(i, i, i + 1, "x" * 10) for i in range(3)])
    assert three == ["a b", "c d", "e f"]


def test_translate_units_asks_for_whole_sentences_and_shares_the_english():
    table = Table(
        {
            DEMO[1].text + " " + DEMO[2].text + " " + DEMO[3].text: (
                "I would like to thank our Belarusian allies for their attention and support "
                "in all our common endeavours."
            ),
            "Этой программы сейчас охватывают три года с 2024 по 2026.": (
                "This programme now covers three years, from 2024 to 2026."
            ),
            "И это всё.": "And that is all.",
        }
    )
    out = units.translate_units(DEMO, table, validator=Validator())
    assert "начинаниях." not in table.asked and "Этой" not in table.asked
    by_id = {s.id: s for s in out}
    assert [s.id for s in out] == [s.id for s in DEMO]
    joined = " ".join(by_id[i].english for i in (3, 4, 5))
    assert joined.startswith("I would like to thank") and joined.endswith("endeavours.")
    assert all(by_id[i].english_source == "llm-bundled" for i in (3, 4, 5, 9, 10, 14))
    assert "english:part-of:3" in by_id[5].flags and "english:part-of:9" in by_id[10].flags
    assert by_id[0].english == DEMO[0].text and by_id[0].english_source == "original"


def test_a_failed_unit_is_translated_segment_by_segment_then_falls_back():
    unit_text = DEMO[1].text + " " + DEMO[2].text + " " + DEMO[3].text
    table = Table(
        {
            unit_text: "I would like to thank our Belarusian allies.",  # too short: rejected
            DEMO[1].text: "I would like to express gratitude to our Belarusian allies",
            DEMO[2].text: "for their attention and support in all our common",
        }
    )
    speech = Table({"начинаниях.": "endeavours."}, source="speech-translate")
    audio = np.zeros(16000 * 40, dtype=np.float32)
    out = units.translate_units(DEMO[1:4], table, audio, speech, validator=Validator())
    assert table.asked.count(unit_text) == 2  # the unit and its retry
    by_id = {s.id: s for s in out}
    assert by_id[3].english_source == "llm-bundled" and by_id[4].english_source == "llm-bundled"
    assert by_id[5].english == "endeavours." and by_id[5].english_source == "speech-translate"
    assert "english:fallback:speech-translate" in by_id[5].flags
    assert any(f.startswith("english:rejected:llm-bundled:length") for f in by_id[5].flags)
    assert speech.asked == ["начинаниях."]  # once: a second speech-translate says the same


def test_a_rerun_replaces_the_previous_english_flags():
    table = Table(
        {"Этой программы сейчас охватывают три года с 2024 по 2026.": "This covers 2024 to 2026."}
    )
    first = units.translate_units(DEMO[4:6], table, validator=Validator(min_ratio=0.1))
    again = units.translate_units(first, table, validator=Validator(min_ratio=0.1))
    assert [s.flags for s in again] == [s.flags for s in first]


def test_no_backend_tries_nothing_and_flags_nothing():
    out = units.translate_units(DEMO, None, validator=Validator())
    assert [s.english for s in out][0] == DEMO[0].text
    assert all(
        s.english is None and s.flags == d.flags for s, d in zip(out[1:], DEMO[1:], strict=True)
    )
