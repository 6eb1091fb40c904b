"""Issue 12 in-process (httpx via TestClient, real SQLite store): headers, body limits, safe
errors, signed CSRF, sessions and revocation, the shared rate limit, bidi, server paths,
browser error pages, archive headlines, the meaning-search floor and job stage names."""

from __future__ import annotations

import json
import secrets
import time

from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.web.conftest import RU_ID, make_client, open_store, wav_bytes
from tests.web.test_web_api import csrf_of, tags
from videobrief.records import Brief, Claim
from videobrief.store.tables.videos import Video
from videobrief.web import jobs
from videobrief.web.settings import WebSettings, from_env, to_env

HTML = {"accept": "text/html"}


def test_every_response_carries_the_security_headers(client, en_id, token):
    for path in ("/", f"/v/{en_id}", "/search?q=disposed", "/api/v1/videos", "/v/" + "c" * 64):
        r = client.get(path, headers=HTML)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp, path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
    page = client.get(f"/v/{en_id}").text
    assert "<style" not in page and "<script>" not in page  # all from files the CSP allows
    assert client.get("/assets/site.css").headers["content-type"].startswith("text/css")
    assert "no-store" in client.get("/upload").headers["cache-control"]
    auth = {"Authorization": f"Bearer {token}"}
    assert "no-store" in client.get("/api/v1/jobs", headers=auth).headers["cache-control"]


def test_a_lone_surrogate_gets_a_4xx_not_a_500(client, en_id):
    for name in ("\\ud800", "ok"):
        body = '{"name":"' + name + '","text":"\\udfff x"}'
        r = client.post(
            f"/api/v1/videos/{en_id}/comments",
            content=body.encode(),
            headers={"content-type": "application/json"},
        )
        assert 400 <= r.status_code < 500 or r.status_code == 201, r.text
        assert r.status_code != 500


def test_a_huge_body_is_refused_before_parsing_and_not_echoed(client, en_id):
    huge = b'{"name":"a","text":"' + b"x" * 20_000_000 + b'"}'
    r = client.post(
        f"/api/v1/videos/{en_id}/comments",
        content=huge,
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413 and len(r.content) < 500
    long = "y" * 5000  # under the body limit, over the field limit: error without the input
    r = client.post(f"/api/v1/videos/{en_id}/comments", json={"name": "a", "text": long})
    assert r.status_code == 422 and long not in r.text and len(r.content) < 2000


def test_csrf_token_must_carry_the_server_signature(client, en_id):
    forged = secrets.token_urlsafe(32) + "." + "0" * 64
    client.cookies.set("vb_csrf", forged)
    r = client.post(
        f"/v/{en_id}/comments",
        data={"csrf": forged, "name": "n", "text": "t"},
        follow_redirects=False,
    )
    assert r.status_code == 403
    client.cookies.clear()
    good = csrf_of(client, f"/v/{en_id}")
    r = client.post(
        f"/v/{en_id}/comments",
        data={"csrf": good, "name": "n", "text": "t"},
        follow_redirects=False,
    )
    assert r.status_code == 303


def _sign_in(c, token: str):
    csrf = csrf_of(c, "/login")
    r = c.post("/login", data={"csrf": csrf, "token": token}, follow_redirects=False)
    assert r.status_code == 303
    return csrf, r


def test_sign_in_uses_a_server_session_and_sign_out_ends_it(data_dir, token):
    with make_client(data_dir) as c:
        csrf, r = _sign_in(c, token)
        cookie = r.headers["set-cookie"]
        assert "vb_session=" in cookie and token not in cookie and "HttpOnly" in cookie
        sid = c.cookies["vb_session"]
        page = c.get("/upload")
        assert page.status_code == 200 and 'id="sign-out"' in page.text
        assert c.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    with make_client(data_dir) as other:  # the old cookie is dead everywhere
        other.cookies.set("vb_session", sid)
        assert other.get("/upload").status_code == 401


def test_a_revoked_token_stops_at_once_with_its_sessions(data_dir, token):
    from videobrief.store.queries import security as web_security

    with make_client(data_dir) as c:
        _sign_in(c, token)
        assert c.get("/jobs").status_code == 200
        with open_store(data_dir) as store:
            assert web_security.revoke_tokens(store, "test admin") == ["test admin"]
        assert c.get("/jobs").status_code == 401
        bearer = {"Authorization": f"Bearer {token}"}
        assert c.get("/api/v1/jobs", headers=bearer).status_code == 401


def test_token_use_does_not_write_on_every_request(data_dir, token):
    from videobrief.store.tables.web import ApiToken

    bearer = {"Authorization": f"Bearer {token}"}
    with make_client(data_dir) as c:
        c.get("/api/v1/jobs", headers=bearer)
        with open_store(data_dir) as store:
            first = store.read(lambda s: s.query(ApiToken.last_used_at).scalar())
        c.get("/api/v1/jobs", headers=bearer)
        with open_store(data_dir) as store:
            again = store.read(lambda s: s.query(ApiToken.last_used_at).scalar())
        assert again == first  # batched, not per request


def test_rate_limit_is_shared_by_server_processes(data_dir, en_id):
    """Two apps on one store stand for two `serve --workers` processes."""
    with (
        make_client(data_dir, comment_rate=(3, 60.0)) as a,
        make_client(data_dir, comment_rate=(3, 60.0)) as b,
    ):
        codes = [
            (a if i % 2 else b)
            .post(f"/api/v1/videos/{en_id}/comments", json={"name": "n", "text": f"t{i}"})
            .status_code
            for i in range(5)
        ]
    assert codes == [201, 201, 201, 429, 429]


def _client_at(data_dir, address: str, **settings) -> TestClient:
    """A client whose requests come from `address`, on an app of its own (one per server
    process) over the same store."""
    return TestClient(make_client(data_dir, **settings).app, client=(address, 50000))


def _login(c: TestClient, token: str):
    csrf = csrf_of(c, "/login")
    return c.post("/login", data={"csrf": csrf, "token": token}, follow_redirects=False)


def test_failed_sign_ins_are_throttled_per_address_and_per_store(data_dir, token):
    """Before: 40 wrong tokens in 0.07 s, then the right one signed in. Now an address past
    its failures gets 429 for every attempt, the right token included, by form or Bearer; and
    failures from all addresses together close sign-in for a while (a spread-out guesser).
    Each address is its own app, as under `serve --workers N`: the counts are the store's."""
    limits = {"login_rate": (5, 600.0), "login_rate_store": (8, 600.0)}
    bearer = {"Authorization": f"Bearer {token}"}
    wrong = "vb_" + secrets.token_urlsafe(32)
    with (
        _client_at(data_dir, "10.0.0.1", **limits) as a,
        _client_at(data_dir, "10.0.0.2", **limits) as b,
        _client_at(data_dir, "10.0.0.3", **limits) as c,
    ):
        assert [_login(a, wrong).status_code for _ in range(5)] == [401] * 5
        refused = _login(a, token)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        assert "Too many failed sign-ins" in refused.text and "vb_session" not in a.cookies
        assert a.get("/api/v1/jobs", headers=bearer).status_code == 429
        page = a.get("/", headers={**bearer, "accept": "text/html"})  # its error page too
        assert page.status_code == 429 and "Too many failed sign-ins" in page.text
        # another address still signs in; its wrong Bearer tokens count as failures too
        assert _login(b, token).status_code == 303
        codes = [
            b.get("/api/v1/jobs", headers={"Authorization": f"Bearer {wrong}"}).status_code
            for _ in range(3)
        ]
        assert codes == [401] * 3
        # 5 + 3 failures across the store: sign-in is closed for every address
        assert _login(c, token).status_code == 429
        assert c.get("/api/v1/jobs", headers=bearer).status_code == 429
        assert b.get("/upload").status_code == 200  # a session already open still works
    short = {"login_rate": (2, 1.0), "login_rate_store": (100, 1.0)}
    with _client_at(data_dir, "10.0.0.4", **short) as d:
        assert [_login(d, wrong).status_code for _ in range(3)] == [401, 401, 429]
        time.sleep(1.1)  # the window passes: the right token works again
        assert _login(d, token).status_code == 303


def test_settings_for_worker_processes_keep_the_comment_limits(tmp_path):
    import os

    s = WebSettings(
        data_dir=tmp_path, comment_rate=(2, 30.0), comment_max_chars=99, login_rate=(3, 9.0)
    )
    os.environ["VIDEOBRIEF_WEB_SETTINGS"] = to_env(s)
    try:
        back = from_env()
    finally:
        del os.environ["VIDEOBRIEF_WEB_SETTINGS"]
    assert back.comment_rate == (2, 30.0) and back.comment_max_chars == 99
    assert back.login_rate == (3, 9.0) and back.login_rate_store == s.login_rate_store


def test_bidi_controls_are_stripped_and_names_isolated(client, en_id, data_dir, token):
    name = "\u202enimda live"
    client.post(f"/api/v1/videos/{en_id}/comments", json={"name": name, "text": "a\u2066b"})
    shown = client.get(f"/api/v1/videos/{en_id}/comments").json()[-1]
    assert shown["name"] == "nimda live" and shown["text"] == "ab"
    html = client.get(f"/v/{en_id}").text
    assert '<bdi class="who">nimda live</bdi>' in html and "\u202e" not in html
    assert 'class="staff"' not in html
    auth = {"Authorization": f"Bearer {token}"}
    client.post(
        f"/api/v1/videos/{en_id}/comments", json={"name": "Desk", "text": "x"}, headers=auth
    )
    assert 'class="staff"' in client.get(f"/v/{en_id}", headers=auth).text


def test_pages_and_api_show_the_file_name_not_the_server_path(data_dir, en_id):
    moved = update(Video).where(Video.id == en_id).values(source="/srv/newsroom/talk.wav")
    with open_store(data_dir) as store:
        store.write(lambda s: s.execute(moved))
    with make_client(data_dir) as c:
        page = c.get(f"/v/{en_id}").text
        assert "/srv/newsroom" not in page and "talk.wav" in page
        for path in (f"/api/v1/videos/{en_id}", f"/api/v1/videos/{en_id}/transcript"):
            assert c.get(path).json()["source"] == "talk.wav"
        assert all(
            v["source"] == "talk.wav" or v["id"] == RU_ID for v in c.get("/api/v1/videos").json()
        )


def test_exports_and_the_static_page_carry_the_file_name_not_the_server_path(
    data_dir, en_id, token
):
    """Every download (the JSON export named the full path), the static page, an entity's
    page and the check report, on the web and from the CLI's export."""
    import os
    import subprocess
    import sys

    from tests.web.conftest import db_url_of
    from videobrief.records import Entity, Mention

    secret = "/srv/newsroom/secret-desk"
    with open_store(data_dir) as store:
        t = store.load_transcript(en_id)
        estate = Entity(
            id="E1",
            type="LOC",
            name="Norland",
            name_en="Norland",
            mentions=(Mention(segment=0, start=0.0, text="Norland"),),
        )
        untitled = t.model_copy(update={"title": None, "entities": (estate,)})
        store.save_transcript(untitled, "entities", "k")
        store.save_brief(en_id, Brief(headline=Claim(text="x", citations=(0,), times=(0.0,))), "k")
        store.write(
            lambda s: s.execute(
                update(Video).where(Video.id == en_id).values(source=f"{secret}/talk.wav")
            )
        )
    auth = {"Authorization": f"Bearer {token}"}
    with make_client(data_dir) as c:
        key = c.get("/api/v1/entities").json()[0]["key"]
        answers = {
            fmt: c.get(f"/v/{en_id}/export/{fmt}")
            for fmt in ("json", "srt", "vtt", "txt", "html", "md")
        }
        answers["page"] = c.get(f"/v/{en_id}")
        answers["entity"] = c.get("/entity", params={"key": key})
        answers["check"] = c.post(
            f"/api/v1/videos/{en_id}/check?format=md", json={"text": "x y z."}, headers=auth
        )
        assert json.loads(answers["json"].text)["source"] == "talk.wav"
        for what, r in answers.items():
            assert r.status_code == 200, what
            assert "/srv" not in r.text and "secret-desk" not in r.text, what
        assert "talk.wav" in answers["html"].text
    db = db_url_of(data_dir)
    cmd = [sys.executable, "-m", "videobrief", "export", en_id[:12], "--data-dir", str(data_dir)]
    cmd += ["--db", db] if db else []
    env = {k: v for k, v in os.environ.items() if k != "VIDEOBRIEF_DB"}
    for fmt in ("json", "html"):
        r = subprocess.run([*cmd, "-f", fmt], capture_output=True, text=True, env=env)
        assert r.returncode == 0 and "talk.wav" in r.stdout, r.stderr
        assert "/srv" not in r.stdout and "secret-desk" not in r.stdout, fmt


def test_job_pages_need_admin_and_name_stages_for_people(client, token, data_dir):
    auth = {"Authorization": f"Bearer {token}"}
    job = client.post(
        "/api/v1/uploads", files={"file": ("secret.wav", wav_bytes(), "audio/wav")}, headers=auth
    ).json()
    assert client.get(f"/jobs/{job['id']}").status_code == 401
    assert client.get(f"/api/v1/jobs/{job['id']}").status_code == 401
    with open_store(data_dir) as store:
        jobs.progress(store, job["id"], "speech", 1, 4, "")
    html = client.get(f"/jobs/{job['id']}", headers=auth).text
    assert "Recognising speech" in html and "stage speech" not in html


def test_browsers_get_html_error_pages_and_ids_in_any_case(client, en_id):
    for path, status in (
        ("/v/does-not-exist", 404),
        ("/?page=0", 400),
        ("/search?mode=x&q=a", 400),
    ):
        r = client.get(path, headers=HTML)
        assert r.status_code == status, path
        assert r.headers["content-type"].startswith("text/html"), path
    assert client.get("/v/does-not-exist").headers["content-type"] == "application/json"
    assert client.get(f"/v/{en_id[:12].upper()}").status_code == 200
    assert client.get(f"/api/v1/videos/{en_id[:12].upper()}").json()["id"] == en_id


def test_archive_shows_the_brief_headline_and_an_admin_sets_the_title(data_dir, en_id, token):
    brief = Brief(
        headline=Claim(text="Estate passes to the Dashwoods", citations=(0,), times=(0.0,)),
        language="en",
    )
    with open_store(data_dir) as store:
        store.save_brief(en_id, brief, "test")
    with make_client(data_dir) as c:
        html = c.get("/").text
        assert "Estate passes to the Dashwoods" in html and "English" in html
        csrf = csrf_of(c, f"/v/{en_id}")
        r = c.post(f"/v/{en_id}/title", data={"csrf": csrf, "title": "New"}, follow_redirects=False)
        assert r.status_code == 401
        csrf, _ = _sign_in(c, token)
        r = c.post(
            f"/v/{en_id}/title",
            data={"csrf": csrf, "title": "Norland, 1811"},
            follow_redirects=False,
        )
        assert r.status_code == 303
        assert "Norland, 1811" in c.get("/").text


def test_meaning_search_has_a_floor(client):
    r = client.get("/search", params={"q": "banana bread recipe", "mode": "semantic"})
    assert 'id="no-hits"' in r.text and "No close matches" in r.text
    hits = client.get(
        "/api/v1/search", params={"q": "weather in Moscow", "mode": "semantic"}
    ).json()
    assert hits and hits[0]["video_id"] == RU_ID and len(hits) < 3


def test_english_hits_do_not_repeat_the_original_line(data_dir, en_id):
    with open_store(data_dir) as store:  # English speech: the English track is the original
        t = store.load_transcript(en_id)
        segments = tuple(
            seg.model_copy(update={"english": seg.text, "english_source": "original"})
            for seg in t.segments
        )
        store.save_transcript(t.model_copy(update={"segments": segments}), "import", "test")
    with make_client(data_dir) as c:
        hits = c.get("/api/v1/search", params={"q": "disposed"}).json()
        assert hits and all(h["english_html"] is None for h in hits)
        html = c.get("/search", params={"q": "disposed"}).text
        assert sum(1 for t, a in tags(html) if t == "div" and a.get("class") == "en") == 0
