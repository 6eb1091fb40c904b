"""A video whose run has not finished (killed, or still going) is never shown half-made.

Every read of it, whichever route or command, answers "processing" (409 with Retry-After, a
page saying so for browsers, exit 2 from the CLI) until every stage is done. The answer comes
from the store's read gate, so the tests reach it through every door there is.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.web.conftest import RU_ID, db_url_of, open_store
from videobrief.records import Brief, Claim, Entity, Mention

HTML = {"accept": "text/html"}


def _reads(video_id: str) -> list[str]:
    """Every GET that serves something of one video."""
    v = f"/v/{video_id}"
    api = f"/api/v1/videos/{video_id}"
    exports = [f"{v}/export/{fmt}" for fmt in ("srt", "vtt", "json", "txt", "html", "md")]
    return [v, *exports, f"{v}/export/srt?track=english", f"/media/{video_id}", api]


def test_unfinished_video_is_not_listed_and_its_page_says_processing(client, data_dir, en_id):
    assert en_id[:12] in client.get("/").text
    with open_store(data_dir) as store:
        store.mark_stage(en_id, "brief", "running", "k")
    assert en_id[:12] not in client.get("/").text
    hits = client.get("/api/v1/search", params={"q": "disposed"}).json()
    assert en_id not in {h["video_id"] for h in hits}  # nor is any of its segments a hit
    hits = client.get("/api/v1/search", params={"q": "young man", "mode": "semantic"}).json()
    assert en_id not in {h["video_id"] for h in hits}
    page = client.get(f"/v/{en_id}", headers=HTML)
    assert page.status_code == 409 and page.headers["retry-after"].isdigit()
    assert page.headers["content-type"].startswith("text/html")
    assert "still processing" in page.text and "brief" in page.text
    assert 'id="transcript"' not in page.text
    with open_store(data_dir) as store:
        store.mark_stage(en_id, "brief", "done", "k")
    assert 'id="transcript"' in client.get(f"/v/{en_id}").text
    hits = client.get("/api/v1/search", params={"q": "disposed"}).json()
    assert en_id in {h["video_id"] for h in hits}


def test_every_read_of_a_half_made_video_answers_processing(client, data_dir, en_id):
    """A killed run leaves the transcript of its finished stages and a later stage `running`:
    the API, every export, the media and the page all answer 409, never that transcript."""
    brief = Brief(headline=Claim(text="A headline", citations=(0,), times=(0.0,)), language="en")
    with open_store(data_dir) as store:
        store.save_brief(en_id, brief, "k")
    paths = [*_reads(en_id), f"/api/v1/videos/{en_id}/transcript"]
    paths += [f"/api/v1/videos/{en_id}/brief", f"/api/v1/videos/{en_id}/comments"]
    assert [client.get(p).status_code for p in paths] == [200] * len(paths)
    with open_store(data_dir) as store:
        store.mark_stage(en_id, "english", "running", "k")
    for path in paths + [p.replace(en_id, en_id[:10]) for p in paths]:  # prefixes too
        for method in ("GET", "HEAD"):
            r = client.request(method, path)
            assert r.status_code == 409, (method, path, r.status_code)
            assert int(r.headers["retry-after"]) > 0, path
            if method == "GET":
                body = r.json()
                assert body["status"] == "processing" and body["unfinished"] == ["english"]
                assert "Sense" not in r.text and "disposed" not in r.text, path
    comment = {"name": "n", "text": "t"}
    assert client.post(f"/api/v1/videos/{en_id}/comments", json=comment).status_code == 409
    with open_store(data_dir) as store:  # a failed stage is just as unfinished
        store.mark_stage(en_id, "english", "failed", "k", "boom")
    assert client.get(f"/api/v1/videos/{en_id}/transcript").status_code == 409
    with open_store(data_dir) as store:
        store.mark_stage(en_id, "english", "done", "k")
    assert [client.get(p).status_code for p in paths] == [200] * len(paths)


def test_archive_pages_of_names_and_speakers_leave_out_a_half_made_video(client, data_dir, en_id):
    """The entity and speaker pages list videos too: an unfinished one is not among them
    (the page of a listed video would only say "processing")."""
    from tests.web.test_web_speakers import SERGEY, _store_speakers

    ru = _store_speakers(data_dir, en_id)
    minsk = Entity(
        id="E1",
        type="LOC",
        name="Минск",
        name_en="Minsk",
        mentions=(Mention(segment=0, start=0.0, text="Минске"),),
    )
    with open_store(data_dir) as store:
        store.save_transcript(ru.model_copy(update={"entities": (minsk,)}), "entities", "k")
    key = client.get("/api/v1/entities").json()[0]["key"]
    assert SERGEY in client.get("/speakers").text and "Minsk" in client.get("/entities").text
    assert client.get("/speaker", params={"name": SERGEY}).status_code == 200
    assert client.get("/entity", params={"key": key}).status_code == 200
    with open_store(data_dir) as store:
        store.mark_stage(RU_ID, "english", "running", "k")
    assert SERGEY not in client.get("/speakers").text
    assert "Minsk" not in client.get("/entities").text
    assert client.get("/api/v1/entities").json() == []
    assert client.get("/speaker", params={"name": SERGEY}).status_code == 404
    assert client.get("/entity", params={"key": key}).status_code == 404


def test_cli_export_of_a_half_made_video_exits_2_saying_processing(data_dir, en_id):
    db = db_url_of(data_dir)
    cmd = [sys.executable, "-m", "videobrief", "export", en_id[:12], "--data-dir", str(data_dir)]
    cmd += ["--db", db] if db else []
    env = {k: v for k, v in os.environ.items() if k != "VIDEOBRIEF_DB"}
    assert subprocess.run(cmd, capture_output=True, text=True, env=env).returncode == 0
    with open_store(data_dir) as store:
        store.mark_stage(en_id, "english", "running", "k")
    for fmt in ("srt", "json", "html"):
        r = subprocess.run([*cmd, "-f", fmt], capture_output=True, text=True, env=env)
        assert r.returncode == 2 and r.stdout == "", r.stderr
        assert "still processing" in r.stderr and "english" in r.stderr
