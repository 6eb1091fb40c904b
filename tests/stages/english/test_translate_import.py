"""An imported Russian transcript gets a validated English track and an English brief."""

from __future__ import annotations

from pathlib import Path

from videobrief.pipeline.process import RunConfig, process, publish
from videobrief.publish import exports
from videobrief.stages.english.options import EnglishOptions
from videobrief.store import Store
from videobrief.text.glossary import Term

TEXT = """00:00 В 2024 году Лавров прибыл в Минск.
00:06 Министры обсудили работу ОДКБ и СНГ.
"""
GLOSSARY = (Term("Лавров", "Lavrov"), Term("ОДКБ", "CSTO"), Term("СНГ", "CIS"))


def test_import_gets_english_track_and_english_brief(tmp_path: Path, model_cache: Path):
    source = tmp_path / "talk.txt"
    source.write_text(TEXT, encoding="utf-8")
    store = Store.open(tmp_path / "data")
    config = RunConfig(
        data_dir=tmp_path / "data",
        cache_dir=model_cache,
        english=EnglishOptions(glossary=GLOSSARY),
    )
    result = process(source, store, config, lambda e: None)
    segs = result.transcript.segments
    assert [s.lang for s in segs] == ["ru", "ru"]
    for seg in segs:
        assert seg.english_source == "llm-bundled", seg.flags
    assert "Lavrov" in segs[0].english and "2024" in segs[0].english
    assert "CSTO" in segs[1].english
    assert store.load_transcript(result.transcript.id) == result.transcript
    brief = result.brief
    assert brief is not None and brief.language == "en"
    for claim in brief.claims:
        assert not any("а" <= ch.lower() <= "я" for ch in claim.text), claim.text
    assert any("machine" in note for note in brief.notes)
    out = publish(result.transcript, tmp_path / "out", brief)
    en_vtt = (out / "transcript.en.vtt").read_text()
    assert "Lavrov" in en_vtt and "Лавров" not in en_vtt
    assert "Лавров" in (out / "transcript.vtt").read_text()
    assert exports.to_srt(result.transcript, "english").count("-->") == 2
    # a rerun reuses both the import and the English stage
    again = process(source, store, config, lambda e: None)
    assert again.reused and again.transcript == result.transcript
