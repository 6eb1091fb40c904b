"""The demo's brief rests only on English that passed validation (real models end to end)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import EXAMPLES
from videobrief.pipeline import models
from videobrief.pipeline.process import RunConfig, process
from videobrief.stages.english.options import EnglishOptions
from videobrief.store import Store
from videobrief.text.glossary import load_glossary


@pytest.mark.slow
def test_no_demo_brief_statement_rests_on_english_that_failed_validation(tmp_path, model_cache):
    terms = load_glossary(EXAMPLES / "glossary.txt")
    config = RunConfig(
        data_dir=tmp_path / "data",
        cache_dir=model_cache,
        english=EnglishOptions(glossary=terms),
        release_models=True,  # as `videobrief run FILE`
    )
    store = Store.open(tmp_path / "data")
    result = process(EXAMPLES / "demo.mp4", store, config, lambda e: None)
    # each model freed after its last stage: none of the stages' models outlive the run
    assert not [k for k in models._models if k[0] in ("whisper", "llm-bundled", "speaker-encoder")]
    segs = {s.id: s for s in result.transcript.segments}
    brief = result.brief
    assert brief is not None and brief.language == "en"
    assert any(s.english_source == "llm-bundled" for s in segs.values())
    for claim in brief.claims:
        cited = [segs[i] for i in claim.citations]
        assert all(s.english_source != "unverified" for s in cited), claim
        verified = " ".join(s.english for s in cited if s.english).lower()
        for word in re.findall(r"[a-z]{4,}", claim.text.lower()):
            assert word in verified, (word, claim.text)
    for quote in brief.quotes:
        assert all(segs[i].english_source != "unverified" for i in quote.segment_ids)
    assert brief.headline is not None and len(brief.headline.text) <= 90
    assert not brief.headline.text.endswith("…")
    assert all(brief.headline.text != c.text for c in brief.lede)
    assert any("machine" in n for n in brief.notes)
