"""The speaker timeline in a real browser (Debian chromium via Playwright, real `serve`).

The store holds the multi-speaker fixture with speakers set from its reference turns (the
diarization itself is tested in tests/test_speakers.py); the page must draw one lane per
speaker and seek the player when a turn is clicked.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import FIXTURES
from tests.web.server import serving
from tests.web.test_web_browser import browser, page  # noqa: F401  (fixtures)
from videobrief.media import probe
from videobrief.records import Segment, Speaker, Transcript
from videobrief.store import Store

FIX = FIXTURES


@pytest.fixture(scope="module")
def speakers_site(tmp_path_factory, cache_dir):
    data = tmp_path_factory.mktemp("spk") / "data"
    data.mkdir(parents=True)
    media = data / "speakers.m4a"
    shutil.copy(FIX / "speakers.m4a", media)
    info = probe(media)
    segs, labels = [], {}
    for i, line in enumerate((FIX / "speakers.rttm").read_text().splitlines()):
        f = line.split()
        who = labels.setdefault(f[7], f"S{len(labels) + 1}")
        lang = "ru" if f[7] == "ru_nsh" else "en"
        start = float(f[3])
        segs.append(
            Segment(
                id=i, start=start, end=start + float(f[4]), text=f"turn {i}", lang=lang, speaker=who
            )
        )
    speakers = tuple(Speaker(id=s) for s in labels.values())
    speakers = (
        speakers[0].model_copy(update={"name": "Chair", "name_source": "user"}),
        *speakers[1:],
    )
    t = Transcript(
        id=info.sha256,
        source="speakers.m4a",
        duration=info.duration,
        segments=tuple(segs),
        speakers=speakers,
    )
    with Store.open(data) as store:
        store.save_media(info, title="meeting", description=None, source="speakers.m4a")
        store.save_transcript(t, "import", "test")
    env = {**os.environ, "VIDEOBRIEF_CACHE_DIR": str(cache_dir)}
    with serving(data, env) as base:
        yield {"base": base, "id": t.id, "segments": segs}


def test_timeline_lanes_and_click_seeks(speakers_site, page):  # noqa: F811
    page.goto(f"{speakers_site['base']}/v/{speakers_site['id']}")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    lanes = page.eval_on_selector_all(
        ".timeline rect.turn", "els => [...new Set(els.map(e => e.getAttribute('y')))].length"
    )
    assert lanes == 5
    assert page.eval_on_selector_all(".timeline a.time", "els => els.length") == 16
    assert page.locator(".timeline figcaption").inner_text().startswith("Chair")
    assert page.eval_on_selector_all(".timeline rect.lg-ru", "els => els.length") == 5
    target = speakers_site["segments"][6]
    page.click(f".timeline a[href*='#seg-{target.id}'] rect.turn")
    page.wait_for_function(
        f"Math.abs(document.getElementById('player').currentTime - {target.start}) < 0.25"
    )
    assert "Chair" in page.locator("#seg-0 .speaker").inner_text()


def _shown(tab) -> list[str]:
    return tab.eval_on_selector_all(
        "ol.transcript li[data-start]", "els => els.filter(e => e.offsetParent).map(e => e.id)"
    )


def test_speaker_filter_in_place_under_the_csp(speakers_site, browser):  # noqa: F811
    """With the page's script (CSP enforced): choosing a speaker hides the others' segments in
    place, with no reload, and the address carries ?speaker= so the view can be shared."""
    context = browser.new_context()  # CSP enforced: no bypass
    tab = context.new_page()
    errors = []
    tab.on("console", lambda m: errors.append(m.text) if "Content Security" in m.text else None)
    tab.goto(f"{speakers_site['base']}/v/{speakers_site['id']}")
    assert len(_shown(tab)) == 16
    tab.evaluate("window.stayed = 1")  # gone if the page reloads
    tab.select_option("form.speaker-filter select", "S2")
    s2 = [f"seg-{s.id}" for s in speakers_site["segments"] if s.speaker == "S2"]
    assert _shown(tab) == s2 and len(s2) == 3
    assert tab.evaluate("window.stayed") == 1 and "speaker=S2" in tab.url
    assert tab.locator(".filter-note").is_visible()
    tab.click("#speakers li[data-speaker='S1'] a.only")
    chair = [f"seg-{s.id}" for s in speakers_site["segments"] if s.speaker == "S1"]
    assert _shown(tab) == chair and "speaker=S1" in tab.url
    tab.click(".filter-note a.show-all")
    assert len(_shown(tab)) == 16 and "speaker=" not in tab.url
    assert tab.evaluate("window.stayed") == 1
    context.close()
    assert errors == []


def test_speaker_filter_without_script(speakers_site, browser):  # noqa: F811
    """Scripts off: the form submits ?speaker=, and the server sends the others hidden."""
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{speakers_site['base']}/v/{speakers_site['id']}")
    tab.select_option("form.speaker-filter select", "S3")
    tab.click("form.speaker-filter button[type=submit]")
    tab.wait_for_url("**speaker=S3**")
    s3 = [f"seg-{s.id}" for s in speakers_site["segments"] if s.speaker == "S3"]
    assert _shown(tab) == s3 and len(s3) == 3
    context.close()
