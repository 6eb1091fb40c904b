"""The API and pages in-process (httpx via TestClient) on real SQLite and PostgreSQL stores."""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser

from tests.web.conftest import RU_ID, make_client, open_store, wav_bytes
from videobrief.pipeline.process import RunConfig
from videobrief.web import jobs
from videobrief.web.worker import run_job

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def csrf_of(client, path: str) -> str:
    page = client.get(path)
    return next(a["value"] for t, a in tags(page.text) if t == "input" and a.get("name") == "csrf")


# -- videos, transcript, pages ----------------------------------------------------------------


def test_videos_newest_first_and_transcript(client, en_id):
    videos = client.get("/api/v1/videos").json()
    assert [v["id"] for v in videos] == [RU_ID, en_id]
    assert videos[1]["languages"] == ["en"] and videos[1]["segment_count"] == 3
    t = client.get(f"/api/v1/videos/{en_id[:8]}/transcript").json()
    assert t["id"] == en_id and len(t["segments"]) == 3
    assert client.get("/api/v1/videos/" + "c" * 64).status_code == 404
    assert client.get("/api/v1/videos/nothex").status_code == 404  # names no video either
    assert client.get(f"/api/v1/videos/{en_id}/brief").status_code == 404  # none stored: none shown


def test_video_list_pages(client, en_id):
    assert [v["id"] for v in client.get("/api/v1/videos?limit=1").json()] == [RU_ID]
    assert [v["id"] for v in client.get("/api/v1/videos?limit=1&offset=1").json()] == [en_id]
    assert client.get("/api/v1/videos?offset=2").json() == []
    one = client.get(f"/api/v1/videos/{en_id[:10]}").json()
    assert (one["id"], one["segment_count"], one["languages"]) == (en_id, 3, ["en"])


def test_a_stored_brief_is_served_on_the_page_in_the_api_and_as_markdown(data_dir, en_id):
    from videobrief.records import Brief, Claim

    brief = Brief(
        headline=Claim(text="He was not an ill disposed young man", citations=(1,), times=(7.0,)),
        language="en",
    )
    with open_store(data_dir) as store:
        store.save_brief(en_id, brief, "test")
    with make_client(data_dir) as client:
        api = client.get(f"/api/v1/videos/{en_id}/brief").json()
        assert api["headline"] == {
            "text": "He was not an ill disposed young man",
            "citations": [1],
            "times": [7.0],
        }
        page = client.get(f"/v/{en_id}").text
        assert page.index('id="brief"') < page.index('id="transcript"')
        assert 'href="#seg-1"' in page
        md = client.get(f"/v/{en_id}/export/md")
        assert md.text.startswith("# He was not an ill disposed young man [00:07]")


def test_home_lists_videos_with_duration(client, en_id):
    html = client.get("/").text
    assert "Sense and Sensibility, chapter one" in html and "Брифинг МИД" in html
    assert html.index("Брифинг МИД") < html.index("Sense and Sensibility")
    assert "00:15" in html  # the Russian briefing's duration


def test_video_page_shares_the_static_template(client, en_id):
    served = client.get(f"/v/{en_id}").text
    static = client.get(f"/v/{en_id}/export/html").text
    for html in (served, static):
        items = [a for t, a in tags(html) if t == "li" and a.get("id", "").startswith("seg-")]
        assert [i["id"] for i in items] == ["seg-0", "seg-1", "seg-2"]
        assert any("low" in a.get("class", "") for t, a in tags(html) if t == "span")
    # only the served page has the player, seekable time links and comments
    assert any(t == "audio" and a["src"] == f"/media/{en_id}" for t, a in tags(served))
    assert any(t == "a" and a.get("class") == "time" for t, a in tags(served))
    assert "Be the first to comment." in served
    assert "<audio" not in static and "Be the first" not in static


def test_exports_download(client, en_id):
    r = client.get(f"/v/{en_id}/export/srt")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert r.text.startswith("1\n00:00:00,000 --> ")
    assert client.get(f"/v/{en_id}/export/vtt").text.startswith("WEBVTT")
    assert client.get(f"/v/{en_id}/export/md").status_code == 404  # no brief yet


def test_media_supports_ranges(client, en_id, data_dir):
    whole = (data_dir / "talk.wav").read_bytes()
    r = client.get(f"/media/{en_id}", headers={"Range": "bytes=100-199"})
    assert r.status_code == 206
    assert r.headers["content-range"] == f"bytes 100-199/{len(whole)}"
    assert r.content == whole[100:200] and r.headers["content-type"] == "audio/wav"
    assert client.get(f"/media/{RU_ID}").status_code == 404  # text-only video: no media


# -- search -----------------------------------------------------------------------------------


def test_full_text_search_handles_russian_endings_and_marks_matches(client):
    hits = client.get("/api/v1/search", params={"q": "белорусских переговорах"}).json()
    assert hits and hits[0]["video_id"] == RU_ID and hits[0]["segment"] == 0
    assert "<mark>" in hits[0]["snippet_html"]
    html = client.get("/search", params={"q": "железная дорога"}).text
    assert f"/v/{RU_ID}?t=5.00#seg-1" in html


def test_search_filters_and_hostile_queries(client, en_id):
    assert client.get("/api/v1/search", params={"q": "disposed", "lang": "ru"}).json() == []
    hits = client.get("/api/v1/search", params={"q": "disposed", "lang": "en"}).json()
    assert {h["video_id"] for h in hits} == {en_id}
    future = client.get("/api/v1/search", params={"q": "disposed", "date_from": "2999-01-01"})
    assert future.json() == []
    for q in ['"', "NEAR(a b", "* OR -", "<script>"]:
        assert client.get("/api/v1/search", params={"q": q}).status_code == 200


def test_semantic_search_crosses_languages(client, en_id):
    # "he was not an ill-disposed young man", asked in Russian, finds the English sentence
    hits = client.get(
        "/api/v1/search", params={"q": "он не был злым молодым человеком", "mode": "semantic"}
    ).json()
    assert hits[0]["video_id"] == en_id and hits[0]["segment"] == 1 and hits[0]["lang"] == "en"
    # and back: an English question finds the Russian weather sentence
    hits = client.get(
        "/api/v1/search", params={"q": "weather forecast for Moscow", "mode": "semantic"}
    ).json()
    assert (hits[0]["video_id"], hits[0]["segment"]) == (RU_ID, 2)


# -- comments ---------------------------------------------------------------------------------


def test_comment_form_posts_escaped_text(client, en_id):
    csrf = csrf_of(client, f"/v/{en_id}")
    r = client.post(
        f"/v/{en_id}/comments",
        data={"csrf": csrf, "name": "Анна", "text": XSS, "website": ""},
        follow_redirects=False,
    )
    assert r.status_code == 303
    html = client.get(r.headers["location"]).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert not any(t in ("script", "img") and "onerror" in a for t, a in tags(html))
    assert "Be the first to comment." not in html and "Your comment is posted." in html


def test_comment_needs_csrf_name_and_text(client, en_id):
    assert client.post(f"/v/{en_id}/comments", data={"name": "a", "text": "b"}).status_code == 403
    csrf = csrf_of(client, f"/v/{en_id}")
    r = client.post(f"/v/{en_id}/comments", data={"csrf": csrf, "name": "", "text": "x"})
    assert r.status_code == 422
    r = client.post(f"/v/{en_id}/comments", data={"csrf": csrf, "name": "a", "text": "x" * 2001})
    assert r.status_code == 422
    assert client.get(f"/api/v1/videos/{en_id}/comments").json() == []


def test_honeypot_pretends_and_stores_nothing(client, en_id):
    csrf = csrf_of(client, f"/v/{en_id}")
    data = {"csrf": csrf, "name": "bot", "text": "buy", "website": "http://spam"}
    r = client.post(f"/v/{en_id}/comments", data=data, follow_redirects=False)
    assert r.status_code == 303
    assert client.get(f"/api/v1/videos/{en_id}/comments").json() == []


def test_comments_are_rate_limited_per_client(data_dir, en_id):
    with make_client(data_dir, comment_rate=(3, 3600.0)) as c:
        codes = [
            c.post(
                f"/api/v1/videos/{en_id}/comments", json={"name": "n", "text": f"t{i}"}
            ).status_code
            for i in range(4)
        ]
    assert codes == [201, 201, 201, 429]


def test_moderation_holds_then_admin_approves_hides_deletes(data_dir, en_id, token):
    with make_client(data_dir, moderate=True) as c:
        r = c.post(f"/api/v1/videos/{en_id}/comments", json={"name": "n", "text": "held"})
        assert r.json() == {"status": "pending"}
        assert c.get(f"/api/v1/videos/{en_id}/comments").json() == []
        auth = {"Authorization": f"Bearer {token}"}
        (pending,) = c.get(f"/api/v1/videos/{en_id}/comments", headers=auth).json()
        assert pending["status"] == "pending"
        assert c.post(f"/api/v1/comments/{pending['id']}/approve").status_code == 401
        assert c.post(f"/api/v1/comments/{pending['id']}/approve", headers=auth).status_code == 200
        assert [x["text"] for x in c.get(f"/api/v1/videos/{en_id}/comments").json()] == ["held"]
        assert c.post(f"/api/v1/comments/{pending['id']}/hide", headers=auth).status_code == 200
        assert c.get(f"/api/v1/videos/{en_id}/comments").json() == []
        assert c.delete(f"/api/v1/comments/{pending['id']}", headers=auth).status_code == 200
        assert c.get(f"/api/v1/videos/{en_id}/comments", headers=auth).json() == []


def test_admin_moderates_from_the_page_after_signing_in(data_dir, en_id, token):
    with make_client(data_dir, moderate=True) as c:
        c.post(f"/api/v1/videos/{en_id}/comments", json={"name": "n", "text": "held"})
        csrf = csrf_of(c, "/login")
        r = c.post("/login", data={"csrf": csrf, "token": "vb_wrong"}, follow_redirects=False)
        assert r.status_code == 401
        r = c.post("/login", data={"csrf": csrf, "token": token}, follow_redirects=False)
        assert r.status_code == 303
        html = c.get(f"/v/{en_id}").text
        assert "held" in html and "pending" in html
        action = next(
            a["action"] for t, a in tags(html) if t == "form" and "approve" in a["action"]
        )
        assert c.post(action, data={"csrf": csrf}, follow_redirects=False).status_code == 303
    with make_client(data_dir) as reader:
        assert "held" in reader.get(f"/v/{en_id}").text


# -- tokens, uploads, jobs --------------------------------------------------------------------


def test_tokens_are_stored_hashed(data_dir, token):
    with open_store(data_dir) as store:
        assert store.token_hashes() == [hashlib.sha256(token.encode()).hexdigest()]
        if store.dialect == "sqlite":
            assert token not in (data_dir / "videobrief.db").read_bytes().decode("latin-1")


def test_upload_needs_a_token(client):
    files = {"file": ("a.wav", wav_bytes(), "audio/wav")}
    assert client.post("/api/v1/uploads", files=files).status_code == 401
    bad = {"Authorization": "Bearer vb_not-a-token"}
    assert client.post("/api/v1/uploads", files=files, headers=bad).status_code == 401


def test_upload_is_type_checked_by_decoding_and_stored_by_hash(client, token, data_dir):
    auth = {"Authorization": f"Bearer {token}"}
    fake = {"file": ("evil.wav", b"RIFF not really a wav" * 100, "audio/wav")}
    assert client.post("/api/v1/uploads", files=fake, headers=auth).status_code == 415
    body = wav_bytes()
    r = client.post(
        "/api/v1/uploads", files={"file": ("../../etc/x.mp3", body, "x/y")}, headers=auth
    )
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] == "queued" and job["filename"] == "x.mp3"
    digest = hashlib.sha256(body).hexdigest()
    assert job["sha256"] == digest
    assert sorted(p.name for p in (data_dir / "uploads").iterdir()) == [digest]


def test_upload_size_limit(data_dir, token):
    with make_client(data_dir, max_upload_bytes=10_000) as c:
        files = {"file": ("a.wav", wav_bytes(1.0), "audio/wav")}
        r = c.post("/api/v1/uploads", files=files, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 413
    assert not (data_dir / "uploads").exists() or not any((data_dir / "uploads").iterdir())


def test_failed_job_shows_error_and_can_be_retried(client, token, data_dir):
    auth = {"Authorization": f"Bearer {token}"}
    job = client.post(
        "/api/v1/uploads", files={"file": ("a.wav", wav_bytes(), "audio/wav")}, headers=auth
    ).json()
    with open_store(data_dir) as store:
        claimed = jobs.claim_next(store)
        assert claimed.id == job["id"]
        # the stored upload vanishes before the worker reads it: a real failure path
        (data_dir / "uploads" / job["sha256"]).unlink()
        config = RunConfig(data_dir=data_dir, cache_dir=data_dir / "cache")
        run_job(store, claimed, config)  # fails in ingest, before any model is loaded
    assert client.get(f"/api/v1/jobs/{job['id']}").status_code == 401
    failed = client.get(f"/api/v1/jobs/{job['id']}", headers=auth).json()
    assert failed["status"] == "failed" and "no such file" in failed["error"]
    assert "a.wav" in failed["error"] and str(data_dir) not in failed["error"]
    page = client.get(f"/jobs/{job['id']}", headers=auth).text
    assert "no such file" in page and "Retry" in page
    assert client.post(f"/api/v1/jobs/{job['id']}/retry").status_code == 401
    retried = client.post(f"/api/v1/jobs/{job['id']}/retry", headers=auth).json()
    assert retried["status"] == "queued"
    assert client.post(f"/api/v1/jobs/{job['id']}/retry", headers=auth).status_code == 409


def test_job_events_stream_ends_when_job_finishes(client, token, data_dir):
    auth = {"Authorization": f"Bearer {token}"}
    job = client.post(
        "/api/v1/uploads", files={"file": ("a.wav", wav_bytes(), "audio/wav")}, headers=auth
    ).json()
    with open_store(data_dir) as store:
        jobs.finish(store, job["id"], None, "boom")
    assert client.get(f"/jobs/{job['id']}/events").status_code == 401  # jobs name the file
    with client.stream("GET", f"/jobs/{job['id']}/events", headers=auth) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    assert body.count("event: job") == 1 and '"status": "failed"' in body


def test_search_page_accepts_a_browser_form_with_empty_fields(client):
    params = {"q": "погода", "mode": "text", "lang": "", "date_from": "", "date_to": ""}
    r = client.get("/search", params=params)
    assert r.status_code == 200 and "<mark>" in r.text
    r = client.get("/search", params={**params, "date_from": "yesterday"})
    assert r.status_code == 200 and "date filter was left out" in r.text
