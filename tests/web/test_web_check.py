"""The description check end to end: the seed imported through the real pipeline gets its
description checked by the `check` stage, stored, published in transcript.json and on the page
(a chip per sentence linking to its evidence); and POST /api/v1/videos/{id}/check."""

from __future__ import annotations

import json
import shutil

import pytest

from tests import shared_data
from tests.web.conftest import make_client
from videobrief.pipeline.process import RunConfig, process, publish
from videobrief.stages.check.checker import MAX_TEXT_BYTES
from videobrief.stages.english.options import EnglishOptions
from videobrief.store import Store
from videobrief.web.tokens import create_token

CLAIM = "Мы интенсивно сотрудничали на площадках общих евразийских объединений."


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    data = tmp_path_factory.mktemp("check-web")
    source = data / "seed-page.txt"
    shutil.copy(shared_data.seed_page(), source)
    config = RunConfig(
        data_dir=data, cache_dir=data / "cache", english=EnglishOptions(backend="none")
    )
    events = []
    with Store.open(data) as store:
        result = process(source, store, config, events.append)
        folder = publish(result.transcript, data / "out", result.brief, result.description_check)
        again = process(source, store, config, lambda _e: None)
        token = create_token(store, "checker")
    return data, result, folder, again, token


def test_description_is_checked_and_stored(seed_run):
    data, result, _, again, _ = seed_run
    check = result.description_check
    assert check is not None and len(check.claims) >= 5
    for claim in check.claims:
        low = claim.text.lower()
        if "ukrain" in low or "root causes" in low or "protracted" in low:
            assert claim.verdict != "supported", claim
    with Store.open(data) as store:
        assert store.load_check(result.transcript.id) == check
        assert store.stage_row(result.transcript.id, "check")["status"] == "done"
    assert again.reused and again.description_check == check


def test_description_check_in_transcript_json_and_page(seed_run):
    _, result, folder, _, _ = seed_run
    doc = json.loads((folder / "transcript.json").read_text())
    verdicts = [c["verdict"] for c in doc["description_check"]["claims"]]
    assert verdicts == [c.verdict for c in result.description_check.claims]
    html = (folder / "page.html").read_text()
    assert html.count('class="chip v-') == len(verdicts)
    cited = [c for c in result.description_check.claims if any(x.support for x in c.citations)]
    for claim in cited:
        first = next(x for x in claim.citations if x.support)
        assert f'href="#seg-{first.segment_id}"' in html
    assert "<script" not in html.split('id="description-check"')[1].split("</section>")[0]


def test_web_page_and_api(seed_run):
    data, result, _, _, token = seed_run
    vid = result.transcript.id
    auth = {"Authorization": f"Bearer {token}"}
    with make_client(data) as client:
        page = client.get(f"/v/{vid[:12]}")
        assert page.status_code == 200 and 'id="description-check"' in page.text
        url = f"/api/v1/videos/{vid[:12]}/check"
        assert client.post(url, json={"text": CLAIM}).status_code == 401
        got = client.post(url, json={"text": CLAIM}, headers=auth)
        assert got.status_code == 200, got.text
        assert [c["verdict"] for c in got.json()["claims"]] == ["supported"]
        md = client.post(url + "?format=md", json={"text": CLAIM}, headers=auth)
        assert md.status_code == 200 and "✅ supported" in md.text
        assert client.post(url, json={"text": " "}, headers=auth).status_code == 400
        big = {"text": "а" * MAX_TEXT_BYTES}
        assert client.post(url, json=big, headers=auth).status_code == 413
        missing = client.post(
            "/api/v1/videos/abcdef123456/check", json={"text": CLAIM}, headers=auth
        )
        assert missing.status_code == 404
        transcript_json = client.get(f"/v/{vid[:12]}/export/json").json()
        assert "description_check" in transcript_json
