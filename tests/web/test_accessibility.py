"""Every kind of page passes axe-core, run in the real browser, at desktop and phone width.

axe-core is the auditor newsrooms use: public sites must meet WCAG 2.1 AA. Its one file,
`axe.min.js`, is vendored beside this test so that the audit runs the same on a fresh machine,
offline, as in CI:

    package  axe-core (npm registry), version 4.14.1, licence MPL-2.0 (header kept in the file)
    file     package/axe.min.js of axe-core-4.14.1.tgz
    sha256   29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c

To update: `npm pack axe-core@<version>`, copy `package/axe.min.js` here, and change the version
and hash below (the test checks both).

The pages are served by a real `videobrief serve` on a store holding the reader's three kinds of
video (spoken English with its media; Russian text without media; a five-speaker meeting with a
brief, a checked description, names, an English track and flagged words), so every block of the
templates is drawn. The static `page.html` is opened from a file, as a reader gets it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import FIXTURES
from tests.web.conftest import RU_ID
from tests.web.server import serving
from tests.web.test_web_browser import ARTIFACTS, MOBILE, browser  # noqa: F401  (fixture)
from videobrief.media import probe
from videobrief.publish.page import render_page
from videobrief.records import (
    Brief,
    CheckResult,
    Citation,
    Claim,
    ClaimCheck,
    Entity,
    Mention,
    Quote,
    Rejected,
    Segment,
    Speaker,
    Transcript,
    Word,
)
from videobrief.store import Store
from videobrief.store.queries.entities import archive_key
from videobrief.web import jobs

AXE = Path(__file__).with_name("axe.min.js")
AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
# WCAG 2.0 and 2.1, levels A and AA, and axe's best practices (landmarks, regions, headings).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": MOBILE}


def meeting(media: Path) -> Transcript:
    """The five-voice meeting with everything a video page can show."""
    info = probe(media)
    rttm = (FIXTURES / "speakers.rttm").read_text().splitlines()
    segments, labels = [], {}
    for i, line in enumerate(rttm):
        f = line.split()
        who = labels.setdefault(f[7], f"S{len(labels) + 1}")
        start, end = float(f[3]), float(f[3]) + float(f[4])
        ru = f[7] == "ru_nsh"
        text = "Министр провёл переговоры в Минске" if ru else f"The chair opens item {i}"
        words = tuple(
            Word(start=start + j, end=start + j + 0.8, word=w, prob=0.3 if j == 1 else 0.9)
            for j, w in enumerate(text.split())
        )
        segments.append(
            Segment(
                id=i,
                start=start,
                end=end,
                text=text,
                lang="ru" if ru else "en",
                lang_prob=0.9,
                words=words,
                english="The minister held talks in Minsk" if ru else None,
                english_source="mt" if ru else None,
                flags=("glossary: Минск",) if i == 0 else (),
                speaker=who,
            )
        )
    speakers = [Speaker(id=s) for s in labels.values()]
    speakers[0] = speakers[0].model_copy(update={"name": "Chair", "name_source": "user"})
    speakers[1] = speakers[1].model_copy(
        update={"name": "Anna Smith", "name_source": "voice", "score": 0.83}
    )
    minsk = Entity(
        id="e1",
        type="LOC",
        name="Минск",
        name_en="Minsk",
        mentions=(Mention(segment=0, start=0.5, text="Минске"),),
    )
    chair = Entity(
        id="e2",
        type="PER",
        name="Anna Smith",
        name_en="Anna Smith",
        mentions=(Mention(segment=1, start=6.634, text="Anna Smith"),),
    )
    return Transcript(
        id=info.sha256,
        source="/srv/uploads/meeting.m4a",
        duration=info.duration,
        title="Council meeting",
        description="The minister held talks in Minsk. The weather was warm.",
        segments=tuple(segments),
        entities=(minsk, chair),
        speakers=tuple(speakers),
    )


def brief_of(t: Transcript) -> Brief:
    s0, s1 = t.segments[0], t.segments[1]
    return Brief(
        headline=Claim(text="Minister holds talks in Minsk", citations=(0,), times=(s0.start,)),
        lede=(Claim(text="The chair opened the meeting.", citations=(1,)),),
        points=(Claim(text="Talks were held in Minsk.", citations=(0, 4)),),
        quotes=(
            Quote(
                speaker="S1",
                text=s0.text,
                start=s0.start,
                end=s0.end,
                segment_ids=(0,),
                english=s0.english,
            ),
            Quote(text=s1.text, start=s1.start, end=s1.end, segment_ids=(1,)),
        ),
        language="en",
        rejected=(Rejected(text="The talks failed.", citations=(0,), reason="not said"),),
        notes=("Two statements were shortened.",),
    )


def check_of(t: Transcript) -> CheckResult:
    s0 = t.segments[0]
    cite = Citation(segment_id=0, start=s0.start, end=s0.end, text=s0.text, support=True)
    return CheckResult(
        video_id=t.id,
        claims=(
            ClaimCheck(
                text="The minister held talks in Minsk.",
                verdict="supported",
                citations=(cite,),
                reasons=("said at 00:00",),
            ),
            ClaimCheck(text="The weather was warm.", verdict="not found", reasons=("not said",)),
        ),
    )


@pytest.fixture(scope="module")
def site(web_template: Path, cache_dir: Path, tmp_path_factory) -> Iterator[dict]:
    """`videobrief serve` (no worker: the queued job stays queued) on the web template plus the
    meeting, its comments (one hidden, which only admins see), a queued and a failed job; and
    the static pages."""
    root = tmp_path_factory.mktemp("a11y")
    data = root / "data"
    shutil.copytree(web_template, data)
    shutil.copy(FIXTURES / "speakers.m4a", data / "meeting.m4a")
    t = meeting(data / "meeting.m4a")
    with Store.open(data) as store:
        for v in store.list_videos():
            if store.media_path(v.id):
                store.set_media_path(v.id, str(data / "talk.wav"))
        store.save_media(probe(data / "meeting.m4a"), t.title, None, "meeting.m4a")
        store.save_transcript(t, "import", "test")
        store.save_brief(t.id, brief_of(t), "test")
        store.save_outputs(t.id, "check", "test", {"description_check": check_of(t)})
        store.add_comment(t.id, "Reader", "Thanks.", "visible", "127.0.0.1")
        store.add_comment(t.id, "Desk", "Title corrected.", "visible", "127.0.0.1", staff=True)
        store.add_comment(t.id, "Spam", "Buy now", "hidden", "127.0.0.1")  # admins see it
        jobs.create(store, "queued.wav", str(data / "talk.wav"), "0" * 64)
        failed = jobs.create(store, "broken.mp4", str(data / "talk.wav"), "1" * 64)
        jobs.finish(store, failed.id, None, "decode failed: not a media file")
        en_id = next(v.id for v in store.list_videos() if v.id not in (RU_ID, t.id))
        en = store.load_transcript(en_id)
    static = {name: root / f"{name}.html" for name in STATIC}
    static["page-meeting"].write_text(render_page(t, brief_of(t), check_of(t)))
    static["page-english"].write_text(render_page(en))
    points_only = Brief(points=(Claim(text="A young man inherits.", citations=(0,)),))
    static["page-brief-without-headline"].write_text(render_page(en, points_only))
    env = {**os.environ, "VIDEOBRIEF_CACHE_DIR": str(cache_dir)}
    token = subprocess.run(
        [sys.executable, "-m", "videobrief", "token", "create", "--name", "a11y"]
        + ["--data-dir", str(data)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.strip()
    with serving(data, env, "--no-worker") as base:
        yield {
            "base": base,
            "token": token,
            "meeting": t.id,
            "english": en.id,
            "failed_job": failed.id,
            "entity": archive_key(t.entities[0]),
            "static": static,
        }


# Each page kind: (path from the site, needs the admin session). Paths that need an id read it
# from the site.
PAGES: dict[str, tuple[Callable[[dict], str], bool]] = {
    "archive": (lambda s: "/", False),
    "video-english": (lambda s: f"/v/{s['english']}", False),
    "video-russian-no-media": (lambda s: f"/v/{RU_ID}", False),
    # ?t= highlights the segment playing (its flags and words on the highlight colour)
    "video-meeting": (lambda s: f"/v/{s['meeting']}?t=1.00", False),
    "video-meeting-one-speaker": (lambda s: f"/v/{s['meeting']}?speaker=S2", False),
    "search-empty": (lambda s: "/search", False),
    "search-hits": (lambda s: "/search?q=young", False),
    "search-no-hits": (lambda s: "/search?q=zzzxq", False),
    "entities": (lambda s: "/entities", False),
    "entity": (lambda s: f"/entity?key={quote(s['entity'])}", False),
    "speakers": (lambda s: "/speakers", False),
    "speaker": (lambda s: "/speaker?name=Chair", False),
    "login": (lambda s: "/login", False),
    "upload-signed-out": (lambda s: "/upload", False),
    "not-found": (lambda s: "/v/" + "f" * 64, False),
    "video-meeting-admin": (lambda s: f"/v/{s['meeting']}", True),
    "upload": (lambda s: "/upload", True),
    "jobs": (lambda s: "/jobs", True),
    "job-failed": (lambda s: f"/jobs/{s['failed_job']}", True),
}


# The static page.html, as `videobrief run` writes it.
STATIC = ("page-meeting", "page-english", "page-brief-without-headline")


def test_the_vendored_axe_is_the_recorded_release():
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256
    assert f"axe v{AXE_VERSION}" in AXE.read_text()[:40]


def audit(tab) -> list[dict]:
    """Run axe on the page open in `tab`; its violations, each with the nodes it found."""
    tab.add_script_tag(path=str(AXE))
    assert tab.evaluate("axe.version") == AXE_VERSION
    return tab.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']}).then(r => r.violations)",
        TAGS,
    )


def report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}, {len(v['nodes'])} node(s)")
        for node in v["nodes"][:8]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def admin_state(site, browser) -> dict:  # noqa: F811
    """A signed-in browser's cookies, shared by the admin pages."""
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(f"{site['base']}/login")
    tab.fill("input[name=token]", site["token"])
    with tab.expect_navigation():
        tab.click("form[action='/login'] button[type=submit]")
    state = context.storage_state()
    context.close()
    return state


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("kind", [*PAGES, *STATIC])
def test_page_has_no_axe_violations(site, browser, admin_state, kind, viewport):  # noqa: F811
    """No violation of any rule, at either width. The web pages run with their CSP bypassed so
    that the audit script can be added; the CSP itself is tested in test_web_browser.py."""
    path, admin = PAGES.get(kind, (None, False))
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        bypass_csp=True,
        storage_state=admin_state if admin else None,
    )
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    url = site["static"][kind].as_uri() if path is None else site["base"] + path(site)
    tab.goto(url)
    violations = audit(tab)
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"a11y-{kind}-{viewport}.png"), full_page=True)
    context.close()
    assert not violations, f"{url} at {viewport}:\n{report(violations)}"


def test_keyboard_users_get_a_skip_link_and_see_where_focus_is(site, browser):  # noqa: F811
    """The first Tab shows a link past the masthead; a focused time link keeps its focus ring
    (axe cannot see either: both need a keyboard)."""
    context = browser.new_context(viewport=MOBILE)
    tab = context.new_page()
    tab.goto(f"{site['base']}/v/{site['meeting']}")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.textContent") == "Skip to content"
    box = tab.locator("a.skip").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"]
    tab.keyboard.press("Enter")
    assert tab.url.endswith("#main")
    tab.focus("#seg-2 a.time")
    ring = tab.eval_on_selector("#seg-2 a.time", "e => getComputedStyle(e).outlineStyle")
    assert ring != "none"
    context.close()
