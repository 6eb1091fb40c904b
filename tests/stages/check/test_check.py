"""Checking a text against a video: verdicts per claim on the demo and the seed, and bad input.

The demo transcript is a real run of `videobrief run examples/demo.mp4` (bundled Whisper, its
speech-translate English track), stored as a fixture so these tests need no ASR; the seed is
imported from ../shared. Texts are written here about what the two videos do and do not say.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests import shared_data
from tests.conftest import FIXTURES
from videobrief.cli import app
from videobrief.errors import BadInput
from videobrief.records import CheckResult, Transcript
from videobrief.stages.check import report
from videobrief.stages.check.checker import MAX_TEXT_BYTES, check_text
from videobrief.stages.check.claims import clauses, sentences
from videobrief.stages.imports.formats import import_transcript
from videobrief.store import Store

DEMO_JSON = FIXTURES / "demo-transcript.json"

DEMO_CLAIMS = [
    # (claim, verdict, segment id that must be cited or None)
    ("Foreign ministers of Russia and Belarus meet in Moscow for their annual talks.",
     "supported", 0),
    ("The year was marked by the 80th anniversary of victory in the Great Patriotic War.",
     "supported", 1),
    ("Год прошёл под знаком восьмидесятой годовщины Победы в Великой Отечественной войне.",
     "supported", 1),
    ("Программа охватывает три года, с 2014 по 2016.", "contradicted", 4),
    ("The foreign ministers of Russia and China meet in Moscow for their annual talks.",
     "contradicted", 0),
    ("The ministers signed a treaty on nuclear weapons in Paris.", "not found", None),
    ("Foreign ministers of Russia and Belarus meet in Moscow for their annual talks, and they "
     "signed a treaty on nuclear weapons in Paris.", "partly supported", 0),
]  # fmt: skip

SEED_CLAIMS = [
    ("Мы интенсивно сотрудничали на площадках общих евразийских объединений.", "supported", None),
    ("The meetings are a mechanism for the synchronization of our efforts on the world.",
     "supported", None),
    ("The programme covers three years, from 2004 to 2006.", "supported", None),
    ("The programme covers three years, from 2024 to 2026.", "contradicted", None),
    ("Лавров объявил о создании новой военной базы в Минске.", "not found", None),
]  # fmt: skip


@pytest.fixture(scope="module")
def demo() -> Transcript:
    return Transcript.model_validate(json.loads(DEMO_JSON.read_text()))


@pytest.fixture(scope="module")
def seed() -> Transcript:
    return import_transcript(shared_data.seed_page(), "c" * 64)


@pytest.fixture(scope="module")
def demo_result(demo) -> CheckResult:
    return check_text(demo, " ".join(c for c, _, _ in DEMO_CLAIMS))


@pytest.fixture(scope="module")
def seed_result(seed) -> CheckResult:
    text = (seed.description or "") + " " + " ".join(c for c, _, _ in SEED_CLAIMS)
    return check_text(seed, text)


def _by_text(result: CheckResult, text: str):
    return next(c for c in result.claims if c.text == text)


def test_sentences_and_clauses():
    text = "Mr. Lavrov met him. Russia and Belarus met, and they signed a treaty on weapons."
    assert sentences(text) == [
        "Mr. Lavrov met him.",
        "Russia and Belarus met, and they signed a treaty on weapons.",
    ]
    assert clauses("Russia and Belarus meet in Moscow.") == ("Russia and Belarus meet in Moscow.",)
    assert clauses("Ministers met in Moscow, and they signed a treaty on weapons.") == (
        "Ministers met in Moscow",
        "and they signed a treaty on weapons.",
    )
    assert len(clauses("Мы встретились в Москве, а также обсудили программу на три года.")) == 2


@pytest.mark.parametrize(("claim", "verdict", "segment"), DEMO_CLAIMS)
def test_demo_verdicts(demo_result, claim, verdict, segment):
    got = _by_text(demo_result, claim)
    assert got.verdict == verdict, got.reasons
    cited = [c.segment_id for c in got.citations if c.support]
    if segment is not None:
        assert segment in cited
    if verdict == "not found":
        assert not cited
        assert got.citations and all(not c.support for c in got.citations)  # nearest, labelled


def test_demo_mixed_sentence_has_clause_verdicts(demo_result):
    mixed = _by_text(demo_result, DEMO_CLAIMS[-1][0])
    assert [p.verdict for p in mixed.parts] == ["supported", "not found"]


def test_demo_contradiction_names_both_years(demo_result):
    got = _by_text(demo_result, DEMO_CLAIMS[3][0])
    assert "2014" in got.reasons[0] and "2024" in got.reasons[0]


@pytest.mark.parametrize(("claim", "verdict", "segment"), SEED_CLAIMS)
def test_seed_verdicts(seed_result, claim, verdict, segment):
    got = _by_text(seed_result, claim)
    assert got.verdict == verdict, got.reasons


def test_seed_year_contradiction_cites_the_segment_with_the_other_years(seed, seed_result):
    got = _by_text(seed_result, "The programme covers three years, from 2024 to 2026.")
    cited = {c.segment_id for c in got.citations}
    said = next(s.id for s in seed.segments if "2004" in s.text)
    assert said in cited
    assert "2004" in got.reasons[0]


def test_seed_description_is_not_supported_where_the_speech_never_says_it(seed, seed_result):
    description = seed.description or ""
    checked = [c for c in seed_result.claims if c.text in description]
    assert len(checked) >= 5
    for claim in checked:
        low = claim.text.lower()
        if "ukrain" in low or "root causes" in low or "protracted" in low:
            assert claim.verdict != "supported", claim
    assert not any(c.verdict == "supported" for c in checked if "Ukrain" in c.text)


def test_markdown_report_quotes_both_languages_with_times(demo_result):
    md = report.to_markdown(demo_result)
    assert "✅ supported" in md and "❌ contradicted" in md and "nearest, not support" in md
    assert "00:06" in md  # the 80th-anniversary segment's start
    assert "Сегодня мы подводим итоги" in md and "EN: " in md
    assert "**" in md  # matched words in bold
    doc = json.loads(report.to_json(demo_result))
    assert doc["counts"]["supported"] >= 3 and doc["video_id"] == demo_result.video_id


def test_bad_input(demo):
    with pytest.raises(BadInput, match="empty"):
        check_text(demo, "  \n ")
    with pytest.raises(BadInput, match="limit"):
        check_text(demo, "Russia and Belarus meet. " * (1_000_000 // 25))
    with pytest.raises(BadInput, match="'de'"):
        check_text(demo, "Die Außenminister Russlands und Weißrusslands treffen sich in Moskau.")


def test_cli_check(tmp_path, demo):
    with Store.open(tmp_path / "data") as store:
        store.save_transcript(demo, stage="speech", settings_hash="x")
    runner = CliRunner()
    text = tmp_path / "claims.txt"
    text.write_text(DEMO_CLAIMS[0][0] + " " + DEMO_CLAIMS[5][0])
    base = ["--data-dir", str(tmp_path / "data"), "--out", str(tmp_path / "out")]
    got = runner.invoke(app, ["check", demo.id[:10], str(text), *base, "--json"])
    assert got.exit_code == 0, got.output
    doc = json.loads(got.stdout)
    assert [c["verdict"] for c in doc["claims"]] == ["supported", "not found"]
    assert (tmp_path / "out" / demo.id / "check.md").exists()
    got = runner.invoke(app, ["check", "abcdef123456", str(text), *base])
    assert got.exit_code == 2 and "no video" in got.output
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_TEXT_BYTES + 10))
    got = runner.invoke(app, ["check", demo.id[:10], str(big), *base])
    assert got.exit_code == 2 and "limit" in got.output
    got = runner.invoke(app, ["check", demo.id[:10], "-", *base], input="")
    assert got.exit_code == 2 and "empty" in got.output
