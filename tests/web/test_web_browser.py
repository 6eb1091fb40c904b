"""The web app in a real browser: Debian's Chromium driven by Playwright against a real
`videobrief serve` (uvicorn + background worker) on a random loopback port."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import LIBRIVOX
from tests.web.conftest import RU_ID
from tests.web.server import serving

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
    "--mute-audio",
]


@pytest.fixture(scope="module")
def served(web_template: Path, cache_dir: Path, tmp_path_factory) -> Iterator[dict]:
    """`videobrief serve` on a copy of the web template store, plus an admin token.

    Two server processes, as a newsroom would run it: the pipeline worker then runs once in the
    parent, and the upload test proves a job still completes.
    """
    data = tmp_path_factory.mktemp("served") / "data"
    shutil.copytree(web_template, data)
    env = {**os.environ, "VIDEOBRIEF_CACHE_DIR": str(cache_dir)}
    cli = [sys.executable, "-m", "videobrief"]
    _repoint_media(data)  # the media file moved with the copy
    token = subprocess.run(
        [*cli, "token", "create", "--name", "browser", "--data-dir", str(data)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.strip()
    with serving(data, env, "--workers", "2") as base:
        yield {"base": base, "token": token, "data": data}


def _repoint_media(data: Path) -> None:
    from videobrief.store import Store

    with Store.open(data) as store:
        for v in store.list_videos():
            if store.media_path(v.id):
                store.set_media_path(v.id, str(data / "talk.wav"))


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("Debian chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    # bypass_csp: Playwright's wait_for_function evaluates strings, which our CSP forbids;
    # test_pages_carry_security_headers_and_nothing_breaks_the_csp runs with the CSP enforced.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def _en_id(served) -> str:
    videos = httpx.get(served["base"] + "/api/v1/videos").json()
    return next(v["id"] for v in videos if v["id"] != RU_ID)


def _starts(page) -> list[float]:
    return page.eval_on_selector_all(
        "ol.transcript li[data-start]", "els => els.map(e => parseFloat(e.dataset.start))"
    )


def test_timestamp_click_seeks_and_highlight_follows_playback(served, page):
    page.goto(f"{served['base']}/v/{_en_id(served)}")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    starts = _starts(page)
    page.click("#seg-2 a.time")
    page.wait_for_function(
        f"Math.abs(document.getElementById('player').currentTime - {starts[2]}) < 0.25"
    )
    assert "current" in page.get_attribute("#seg-2", "class")
    # play from just before segment 1: the highlight must move there on its own
    page.evaluate(f"document.getElementById('player').currentTime = {starts[1] - 0.6}")
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_function(
        f"document.getElementById('player').currentTime > {starts[1]}"
        " && document.querySelector('li.current').id === 'seg-1'",
        timeout=15_000,
    )
    page.evaluate("document.getElementById('player').pause()")
    assert page.eval_on_selector_all("li.current", "els => els.length") == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "video-page.png"), full_page=True)


def test_comment_markup_is_shown_as_text_and_runs_nothing(served, page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{served['base']}/v/{_en_id(served)}")
    page.fill("input[name=name]", "Проверка")
    page.fill("textarea[name=text]", XSS)
    with page.expect_navigation():
        page.click(".comment-form button[type=submit]")
    body = page.locator(".comment .body").last
    assert body.inner_text() == XSS
    # no element was made from the text, so no handler exists that could ever fire
    assert page.locator(".comment img, .comment script").count() == 0
    assert dialogs == []


def test_russian_search_lands_on_the_english_segment(served, page):
    page.goto(f"{served['base']}/search")
    page.fill("form.filters input[name=q]", "он не был злым молодым человеком")
    page.select_option("form.filters select[name=mode]", "semantic")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    first = page.locator("ol.hits li.hit").first
    assert first.get_attribute("data-lang") == "en"
    with page.expect_navigation():
        first.locator("a.hit-link").click()
    assert page.url.endswith("#seg-1")
    start = _starts(page)[1]
    page.wait_for_function(
        f"Math.abs(document.getElementById('player').currentTime - {start}) < 0.25"
        " && document.querySelector('li.current').id === 'seg-1'"
    )
    assert page.get_attribute("#seg-1", "lang") == "en"


def test_upload_refused_without_token_then_job_runs_to_completion(served, page):
    base, clip = served["base"], LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0880.wav"
    response = page.goto(f"{base}/upload")
    assert response.status == 401 and "needs an admin token" in page.content()
    refused = page.request.post(
        f"{base}/api/v1/uploads",
        multipart={"file": {"name": "a.wav", "mimeType": "audio/wav", "buffer": clip.read_bytes()}},
    )
    assert refused.status == 401
    page.goto(f"{base}/login")
    page.fill("input[name=token]", served["token"])
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")
    assert page.url.endswith("/upload")
    page.set_input_files("input[type=file]", str(clip))
    with page.expect_navigation():
        page.click("form[action^='/upload'] button[type=submit]")
    job_url = page.url
    assert "/jobs/" in job_url
    # live progress arrives over SSE: the page is never reloaded while the status changes
    page.evaluate("window.sameDocument = true")
    page.wait_for_function(
        "document.getElementById('status').textContent === 'done'", timeout=300_000
    )
    assert page.url == job_url and page.evaluate("window.sameDocument === true")
    assert page.is_visible("#result") and not page.is_visible("#retry")
    with page.expect_navigation():
        page.click("#video-link")
    text = page.inner_text("ol.transcript").lower()
    assert "young man" in text
    assert page.locator("#player").count() == 1


# -- headers, mobile layout, sign-out, shared links, client address ----------------------------

MOBILE = {"width": 390, "height": 844}


def _talk_id(served) -> str:
    """The three-sentence fixture video (an upload test may add a newer English one)."""
    videos = httpx.get(served["base"] + "/api/v1/videos").json()
    return next(v["id"] for v in videos if v["title"] == "Sense and Sensibility, chapter one")


def _csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return errors


def test_pages_carry_security_headers_and_nothing_breaks_the_csp(served, browser):
    context = browser.new_context()  # CSP enforced
    page = context.new_page()
    errors = _csp_errors(page)
    for path in ("/", f"/v/{_talk_id(served)}", "/search?q=young", "/login"):
        response = page.goto(served["base"] + path)
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        # the stylesheet applied: the masthead is dark, so the CSS file was allowed and loaded
        bg = page.eval_on_selector(".masthead", "e => getComputedStyle(e).backgroundColor")
        assert bg == "rgb(17, 19, 23)", path
    # the page script ran under the CSP: a time link seeks the player (no inline handler)
    page.goto(f"{served['base']}/v/{_talk_id(served)}")
    link = page.locator("ol.transcript a.time").last
    target = link.get_attribute("href").split("#")[1]
    link.click()
    assert page.url.endswith("#" + target) and "?t=" in page.url
    context.close()
    assert errors == []


def test_mobile_width_has_no_horizontal_scroll_and_stacks_the_transcript(served, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    en = _talk_id(served)
    paths = {
        "archive": "/",
        "video": f"/v/{en}",
        "video-ru": f"/v/{RU_ID}",
        "search": "/search?q=young",
    }
    for label, viewport in (("desktop", {"width": 1280, "height": 900}), ("mobile", MOBILE)):
        context = browser.new_context(viewport=viewport)
        pg = context.new_page()
        for name, path in paths.items():
            pg.goto(served["base"] + path)
            width = pg.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], (label, name, width)
            pg.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
        if label == "mobile":
            pg.goto(served["base"] + f"/v/{en}")
            button = pg.locator(".masthead button[type=submit]").bounding_box()
            assert button["x"] + button["width"] <= MOBILE["width"]
            # the words get the full width, not a quarter of it
            text = pg.locator("#seg-0 .text").bounding_box()
            assert text["width"] > MOBILE["width"] * 0.7
        context.close()


def test_sign_out_ends_the_admin_session(served, page):
    base = served["base"]
    page.goto(f"{base}/login")
    page.fill("input[name=token]", served["token"])
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")
    response = page.goto(f"{base}/jobs")
    assert response.status == 200 and "no-store" in response.headers["cache-control"]
    cookie = next(c for c in page.context.cookies() if c["name"] == "vb_session")
    assert cookie["httpOnly"] and served["token"] not in cookie["value"]
    with page.expect_navigation():
        page.click("#sign-out")
    assert page.goto(f"{base}/jobs").status == 401
    assert page.locator("a[href='/login']").count() == 1
    # the old session id is dead on the server too, not only forgotten by the browser
    r = httpx.get(f"{base}/jobs", cookies={"vb_session": cookie["value"]})
    assert r.status_code == 401


def test_the_address_follows_the_last_seek(served, page):
    from videobrief.records import Brief, Claim
    from videobrief.store import Store

    en = _talk_id(served)
    brief = Brief(
        headline=Claim(text="A young man inherits", citations=(0,), times=(0.0,)), language="en"
    )
    with Store.open(served["data"]) as store:
        store.save_brief(en, brief, "test")
    page.goto(f"{served['base']}/v/{en}")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    starts = _starts(page)
    page.click("#seg-2 a.time")
    assert f"t={starts[2]:.2f}" in page.url and page.url.endswith("#seg-2")
    page.click("#brief a.cite[data-t]")  # the headline cites 00:00
    page.wait_for_function("document.getElementById('player').currentTime < 0.25")
    assert "t=0.00" in page.url and page.url.endswith("#seg-0")
    # a seek from the player's own controls moves the address too
    page.evaluate(f"document.getElementById('player').currentTime = {starts[1] + 0.1}")
    page.wait_for_function(f"location.search === '?t={starts[1] + 0.1:.2f}'")


def test_forwarded_for_is_not_trusted_without_trust_proxy(served):
    """Rotating X-Forwarded-For must not buy a client a fresh comment allowance."""
    url = f"{served['base']}/api/v1/videos/{RU_ID}/comments"
    codes = [
        httpx.post(
            url, json={"name": "n", "text": f"t{i}"}, headers={"X-Forwarded-For": f"10.0.0.{i}"}
        ).status_code
        for i in range(7)
    ]
    assert 429 in codes, codes
