"""A video whose run has not finished (killed, or still going) is never shown half-made."""

from __future__ import annotations

from tests.web.conftest import open_store


def test_unfinished_video_is_not_listed_and_its_page_says_processing(client, data_dir, en_id):
    assert en_id[:12] in client.get("/").text
    with open_store(data_dir) as store:
        store.mark_stage(en_id, "brief", "running", "k")
    assert en_id[:12] not in client.get("/").text
    hits = client.get("/api/v1/search", params={"q": "disposed"}).json()
    assert en_id not in {h["video_id"] for h in hits}  # nor is any of its segments a hit
    hits = client.get("/api/v1/search", params={"q": "young man", "mode": "semantic"}).json()
    assert en_id not in {h["video_id"] for h in hits}
    page = client.get(f"/v/{en_id}")
    assert page.status_code == 200
    assert "still processing" in page.text and "brief" in page.text
    assert 'id="transcript"' not in page.text
    with open_store(data_dir) as store:
        store.mark_stage(en_id, "brief", "done", "k")
    assert 'id="transcript"' in client.get(f"/v/{en_id}").text
    hits = client.get("/api/v1/search", params={"q": "disposed"}).json()
    assert en_id in {h["video_id"] for h in hits}
