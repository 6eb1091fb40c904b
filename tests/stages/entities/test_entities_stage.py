"""The entities stage through the registry: run on the seed import, stored, exported, reused."""

from __future__ import annotations

import json
from pathlib import Path

from tests import shared_data
from videobrief.pipeline.process import RunConfig, process, publish
from videobrief.pipeline.registry import REGISTRY, analyze
from videobrief.stages.english.options import EnglishOptions
from videobrief.store import Store


def test_entities_stage_sits_between_transcript_and_english():
    names = [s.name for s in REGISTRY]
    assert names.index("speech") < names.index("speakers") < names.index("entities")
    assert names.index("entities") < names.index("english")
    rows = {info.name: info for info in analyze(REGISTRY, "transcript")}
    assert rows["entities"].requires == {"transcript": "speakers"}  # cue names get resolved
    assert rows["english"].requires == {"transcript": "entities"}  # names go into the prompt


def test_seed_import_runs_entities_stores_and_exports_them(tmp_path: Path):
    seed = shared_data.seed_page()
    config = RunConfig(
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        english=EnglishOptions(backend="none"),
    )
    events = []
    with Store.open(config.data_dir) as store:
        result = process(seed, store, config, events.append)
        people = {e.name_en for e in result.transcript.entities if e.type == "PER"}
        assert "Vladimir Vladimirovich Putin" in people
        stored = store.load_transcript(result.transcript.id)
        assert stored.entities == result.transcript.entities
        assert [r for r in store.stage_rows(stored.id) if r["stage"] == "entities"]
        again = process(seed, store, config, lambda _e: None)
        assert again.reused and again.transcript.entities == stored.entities
        keys = {a.key for a in store.list_entities("ORG")}
        assert {"ORG:ksto", "ORG:un"} <= keys  # CSTO and UN, in archive-key spelling
    folder = publish(result.transcript, tmp_path / "out", result.brief)
    data = json.loads((folder / "transcript.json").read_text(encoding="utf-8"))
    lukashenko = [e for e in data["entities"] if e["name_en"].endswith("Lukashenko")]
    assert len(lukashenko) == 1 and lukashenko[0]["mentions"][0]["segment"] >= 0
