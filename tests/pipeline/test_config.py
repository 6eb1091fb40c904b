"""The CLI and the web worker build the same stage options for the same choices, so a file the
CLI processed is reused when uploaded (same bytes, same settings, same stage keys)."""

from __future__ import annotations

from pathlib import Path

import pytest

from videobrief.errors import BadInput
from videobrief.pipeline.config import build_config
from videobrief.pipeline.registry import REGISTRY
from videobrief.pipeline.stage import stage_key


def _keys(config) -> dict[str, str]:
    settings = config.run_settings()
    return {s.name: stage_key(s, settings.options_for(s), {"source": "x"}) for s in REGISTRY}


def test_cli_defaults_and_worker_give_the_same_stage_keys(tmp_path: Path):
    cli = build_config(tmp_path, tmp_path / "c", llm_model="default", threads=8)  # run's flags
    worker = build_config(tmp_path, tmp_path / "c", threads=2)  # the worker's settings
    assert _keys(cli) == _keys(worker)
    # the brief's LLM does not leak into the English stage's key when English is not by LLM
    with_llm = build_config(tmp_path, tmp_path / "c", llm_url="http://127.0.0.1:9/v1")
    assert _keys(with_llm)["english"] == _keys(worker)["english"]


def test_bad_options_are_refused_before_any_work(tmp_path: Path):
    with pytest.raises(BadInput, match="unknown language 'xx'"):
        build_config(tmp_path, tmp_path, language="xx")
    with pytest.raises(BadInput, match="needs --llm-url"):
        build_config(tmp_path, tmp_path, translate="llm")
