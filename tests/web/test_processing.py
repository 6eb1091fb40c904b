"""A video whose run has not finished (killed, or still going) is never shown half-made."""

from __future__ import annotations

from videobrief.store import Store


def test_unfinished_video_is_not_listed_and_its_page_says_processing(client, data_dir, en_id):
    assert en_id[:12] in client.get("/").text
    with Store.open(data_dir) as store:
        store.mark_stage(en_id, "brief", "running", "k")
    assert en_id[:12] not in client.get("/").text
    page = client.get(f"/v/{en_id}")
    assert page.status_code == 200
    assert "still processing" in page.text and "brief" in page.text
    assert 'id="transcript"' not in page.text
    with Store.open(data_dir) as store:
        store.mark_stage(en_id, "brief", "done", "k")
    assert 'id="transcript"' in client.get(f"/v/{en_id}").text
