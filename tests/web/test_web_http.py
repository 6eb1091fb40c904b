"""HTTP as a link checker, a proxy or a prober sees it: HEAD wherever GET is answered, 404 for a
page path that names nothing whatever its shape, and the full security header set on every
response, the framework's own errors (413, 405, 500) included.

The GET routes are read from the app's routers, so a route added later is covered too.
"""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.web.conftest import RU_ID, make_client, open_store, wav_bytes
from videobrief.web import jobs
from videobrief.web.routes import (
    admin,
    api,
    check,
    comments,
    entities,
    pages,
    search,
    speakers,
    uploads,
)

HTML = {"accept": "text/html"}
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
ROUTERS = (pages, search, entities, speakers, comments, uploads, admin, api, check)


def _get_paths(app, values: dict[str, str]) -> list[str]:
    """Every GET route of the app, its path parameters filled from `values`."""
    routes = [r for module in ROUTERS for r in module.router.routes]
    routes += [r for r in app.routes if isinstance(r, APIRoute)]  # /docs, /redoc, site.css
    paths = ["/openapi.json", "/static/video.js"]
    for route in routes:
        if isinstance(route, APIRoute) and "GET" in route.methods:
            paths.append(re.sub(r"{(\w+)(:\w+)?}", lambda m: values[m[1]], route.path))
    return sorted(set(paths))


def _assert_secured(r: httpx.Response, what: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert r.headers.get(name) == value, (what, r.status_code, name)
    csp = r.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, (what, r.status_code)


def test_head_is_answered_wherever_get_is(client, data_dir, en_id, token):
    auth = {"Authorization": f"Bearer {token}"}
    job = client.post(
        "/api/v1/uploads", files={"file": ("a.wav", wav_bytes(), "audio/wav")}, headers=auth
    ).json()
    with open_store(data_dir) as store:
        jobs.finish(store, job["id"], None, "boom")  # so its event stream ends
    values = {"video_id": en_id, "fmt": "srt", "job_id": job["id"]}
    paths = _get_paths(client.app, values)
    assert {"/", f"/v/{en_id}", f"/media/{en_id}", "/api/v1/videos"} <= set(paths)
    for path in paths:
        for headers in ({}, HTML, auth):
            got = client.get(path, headers=headers)
            head = client.head(path, headers=headers)
            assert head.status_code == got.status_code != 405, (path, headers)
            assert head.content == b"", path
            assert head.headers.get("content-type") == got.headers.get("content-type"), path
            # a page renders a fresh CSRF token, so only files must match to the byte
            html = got.headers.get("content-type", "").startswith("text/html")
            if "content-length" in got.headers and got.status_code == 200 and not html:
                assert head.headers["content-length"] == got.headers["content-length"], path
    media = client.head(f"/media/{en_id}", headers={"range": "bytes=0-99"})
    assert media.status_code == 206 and media.headers["content-range"].startswith("bytes 0-99/")
    assert client.post("/").status_code == client.head("/api/v1/uploads").status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/v/does-not-exist",
        "/v/abc",
        "/v/" + "a" * 65,
        "/v/abcdef123456",
        "/v/zzzzzz/export/srt",
        "/v/abcdef123456/export/srt",
        "/v/%00%ff",
        "/media/does-not-exist",
        "/media/abcdef123456",
        "/api/v1/videos/does-not-exist",
        "/api/v1/videos/abcdef123456/transcript",
        "/jobs/not-a-job",
    ],
)
def test_a_path_naming_no_video_is_404_whatever_its_shape(client, path):
    for method in ("GET", "HEAD"):
        r = client.request(method, path)
        assert r.status_code == 404, (method, r.status_code)
        page = client.request(method, path, headers=HTML)
        assert page.status_code == 404, method
        if not path.startswith("/api/") and method == "GET":
            assert page.headers["content-type"].startswith("text/html")
            assert "<h1>" in page.text


def test_every_response_carries_the_full_security_header_set(data_dir, en_id, token):
    """Pages, files, the API, and each kind of error: the framework's own (404, 405, 413
    declared and streamed, 422, 500) as much as ours (400, 401, 409, 429)."""
    auth = {"Authorization": f"Bearer {token}"}
    with make_client(data_dir, comment_rate=(1, 60.0)) as c:

        def boom():
            raise RuntimeError("a bug in a route")

        c.app.add_api_route("/boom", boom)
        c = TestClient(c.app, raise_server_exceptions=False)

        def chunks():
            for _ in range(40):
                yield b"x" * 10_000

        comment = f"/api/v1/videos/{en_id}/comments"
        answers = {
            "page": c.get(f"/v/{en_id}", headers=HTML),
            "head": c.head("/", headers=HTML),
            "file": c.get("/static/video.js"),
            "media": c.get(f"/media/{en_id}", headers={"range": "bytes=0-9"}),
            "docs": c.get("/docs"),
            "404 route": c.get("/no/such/route"),
            "404 page": c.get("/v/does-not-exist", headers=HTML),
            "405": c.delete("/"),
            "400": c.get("/?page=0", headers=HTML),
            "401": c.get("/api/v1/jobs"),
            "413 declared": c.post(comment, content=b"x" * 300_000),
            "413 streamed": c.post(comment, content=chunks()),
            "413 form": c.post(
                f"/v/{en_id}/comments",
                content=chunks(),
                headers={**HTML, "content-type": "application/x-www-form-urlencoded"},
            ),
            "422": c.get("/api/v1/search"),
            "429": [c.post(comment, json={"name": "n", "text": "t"}) for _ in range(2)][-1],
            "500": c.get("/boom"),
            "admin": c.get("/api/v1/jobs", headers=auth),
        }
        with open_store(data_dir) as store:
            store.mark_stage(RU_ID, "english", "running", "k")
        answers["409"] = c.get(f"/api/v1/videos/{RU_ID}")
    for what, r in answers.items():
        _assert_secured(r, what)
        assert r.status_code == int(what[:3]) if what[:3].isdigit() else r.status_code < 300, what
    assert "no-store" in answers["admin"].headers["cache-control"]
    assert "unsafe-inline" in answers["docs"].headers["content-security-policy"]
    assert "a bug in a route" not in answers["500"].text
    assert answers["413 form"].headers["content-type"].startswith("text/html")


def test_head_on_a_real_server_sends_headers_only_and_keeps_the_connection(web_template, tmp_path):
    """uvicorn, not the test client: HEAD of a media file stops its stream after the headers,
    and the same keep-alive connection then serves a GET."""
    import os
    import shutil

    from tests.web.server import serving
    from videobrief.store import Store

    data = tmp_path / "data"
    shutil.copytree(web_template, data)
    with Store.open(data) as store:
        en_id = next(v.id for v in store.list_videos() if v.id != RU_ID)
        store.set_media_path(en_id, str(data / "talk.wav"))
    size = (data / "talk.wav").stat().st_size
    with serving(data, dict(os.environ), "--no-worker") as base, httpx.Client() as http:
        for path in ("/", f"/v/{en_id}", f"/media/{en_id}", "/api/v1/videos", "/static/video.js"):
            head = http.head(base + path)
            assert head.status_code == 200 and head.content == b"", path
            _assert_secured(head, path)
        media = http.head(f"{base}/media/{en_id}")
        assert int(media.headers["content-length"]) == size
        assert http.get(f"{base}/media/{en_id}").content == (data / "talk.wav").read_bytes()
