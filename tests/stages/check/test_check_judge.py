"""The checker end to end on the issue's own examples, with the REAL bundled judge: altered
facts come out `contradicted` citing the segment that says otherwise, with the deciding slot
in the reasons; "the two ministries" is not a number that must appear."""

from __future__ import annotations

import json

import pytest

from tests import shared_data
from tests.conftest import stable_cache
from videobrief.judge import bundled_vote
from videobrief.models.llama import load_bundled
from videobrief.records import CheckResult
from videobrief.stages.check import report
from videobrief.stages.check.checker import CHECK_VERSION, check_text
from videobrief.stages.imports.formats import import_transcript

ISSUE = [
    # (claim, verdict, the start (s) of a segment it must cite, words its reasons must hold)
    ("The bilateral treaty on security guarantees entered into force in May.", "contradicted",
     5 * 60 + 18, "the claim says May; the video says March (05:18)"),
    ("Support in the General Assembly for the resolution on the International Criminal Court "
     "report grew this year.", "contradicted", 5 * 60 + 57, "the claim says it grew"),
    ("The third Minsk conference on Eurasian security was held in Moscow in October.",
     "contradicted", 11 * 60 + 18, "the claim says Moscow"),
    ("The two ministries coordinated their approaches to international legal cooperation.",
     "supported", 5 * 60 + 48, ""),
]  # fmt: skip


@pytest.fixture(scope="module")
def result() -> CheckResult:
    seed = import_transcript(shared_data.seed_page(), "b" * 64)
    vote = bundled_vote(load_bundled(str(stable_cache()), 2))
    return check_text(seed, " ".join(claim for claim, *_ in ISSUE), vote=vote)


@pytest.mark.parametrize(("index", "case"), list(enumerate(ISSUE)))
def test_the_issues_examples(result, index, case):
    claim, verdict, at, why = case
    checked = result.claims[index]
    assert checked.text == claim
    assert checked.verdict == verdict, checked.reasons
    assert at in {int(c.start) for c in checked.citations if c.support}, checked.citations
    assert why in " ".join(checked.reasons)
    assert not any("numbers not there" in r for r in checked.reasons)


def test_the_records_keep_their_shape(result, tmp_path):
    assert result.version == CHECK_VERSION
    doc = json.loads(report.to_json(result))
    assert set(doc["counts"]) == {"supported", "partly supported", "not found", "contradicted"}
    first = doc["claims"][0]
    assert {"text", "verdict", "citations", "reasons", "judge"} <= first.keys()
    markdown = report.write(result, tmp_path)["md"].read_text()
    assert "❌ contradicted" in markdown
    assert "the claim says May; the video says March (05:18)" in markdown


def test_the_judge_option_chooses_the_vote(tmp_path):
    from videobrief.errors import BadInput
    from videobrief.pipeline.config import build_config
    from videobrief.stages.check.checker import make_vote
    from videobrief.stages.check.options import CheckOptions

    def never():
        raise AssertionError("the rules alone load no model")

    assert make_vote(CheckOptions(judge="rules"), never) is None
    assert make_vote(CheckOptions(judge="rules", llm_url="http://127.0.0.1:9/v1"), never) is None
    assert make_vote(CheckOptions(llm_url="http://127.0.0.1:9/v1"), never) is not None
    with pytest.raises(BadInput, match="unknown judge"):
        make_vote(CheckOptions(judge="oracle"), never)
    config = build_config(tmp_path, tmp_path, judge="rules", llm_url="http://127.0.0.1:9/v1")
    assert config.options["check"] == CheckOptions(judge="rules")
    with pytest.raises(BadInput, match="--judge"):
        build_config(tmp_path, tmp_path, judge="oracle")
