"""Speakers on the web: the video page's speaker filter (with and without script is in the
browser test), an editor's rename, per-speaker pages across the archive, and the search filter
by speaker, on SQLite and on PostgreSQL (`data_dir` runs each test on both).

The stored videos get speakers as the speakers stage leaves them (labels on segments, names
with their sources); the diarization itself is tested in tests/test_speakers.py.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from tests.web.conftest import RU_ID, make_client, open_store
from tests.web.test_web_api import csrf_of, tags
from tests.web.test_web_security import _sign_in
from videobrief.records import Brief, Quote, Speaker, Transcript

MAXIM, SERGEY = "Максим Владимирович", "Сергей Викторович"


def _with_speakers(t: Transcript, labels: list[str], speakers: tuple[Speaker, ...]) -> Transcript:
    segs = tuple(
        s.model_copy(update={"speaker": who}) for s, who in zip(t.segments, labels, strict=True)
    )
    return t.model_copy(update={"segments": segs, "speakers": speakers})


def _store_speakers(data_dir: Path, en_id: str) -> Transcript:
    """The Russian briefing: S1 Сергей (cue) then S2 Максим (cue); the English talk: S1 Максим
    (archive), S2 unnamed. A brief on the briefing quotes each of them once."""
    with open_store(data_dir) as store:
        ru = _with_speakers(
            store.load_transcript(RU_ID),
            ["S1", "S2", "S2"],
            (
                Speaker(id="S1", name=SERGEY, name_source="cue"),
                Speaker(id="S2", name=MAXIM, name_source="cue"),
            ),
        )
        store.save_transcript(ru, "speakers", "k1")
        en = _with_speakers(
            store.load_transcript(en_id),
            ["S1", "S1", "S2"],
            (Speaker(id="S1", name=MAXIM, name_source="archive", score=0.81), Speaker(id="S2")),
        )
        store.save_transcript(en, "speakers", "k1")
        quotes = tuple(
            Quote(text=s.text, start=s.start, end=s.end, segment_ids=(s.id,), speaker=None)
            for s in ru.segments[:2]
        )
        store.save_brief(RU_ID, Brief(quotes=quotes, language="ru"), "test")
    return ru


def _hidden(html: str) -> dict[str, bool]:
    return {
        a["id"]: "hidden" in a
        for t, a in tags(html)
        if t == "li" and a.get("id", "").startswith("seg-")
    }


def test_video_page_filters_one_speaker_without_script(data_dir: Path, en_id: str) -> None:
    _store_speakers(data_dir, en_id)
    with make_client(data_dir) as client:
        everyone = client.get(f"/v/{RU_ID}").text
        assert _hidden(everyone) == {"seg-0": False, "seg-1": False, "seg-2": False}
        only = client.get(f"/v/{RU_ID}", params={"speaker": "S2"}).text
        assert _hidden(only) == {"seg-0": True, "seg-1": False, "seg-2": False}
        assert f"Only {MAXIM}" in only
        unknown = client.get(f"/v/{RU_ID}", params={"speaker": "S9"}).text
        assert not any(_hidden(unknown).values())  # an unknown label filters nothing
        # the speaker list links each named speaker to their page, and offers the filter
        assert f'href="/speaker?name={quote(MAXIM)}"' in everyone
        assert 'href="?speaker=S1#transcript"' in everyone


def test_speaker_pages_list_videos_and_quotes(data_dir: Path, en_id: str) -> None:
    ru = _store_speakers(data_dir, en_id)
    with make_client(data_dir) as client:
        listing = client.get("/speakers").text
        assert (
            f"/speaker?name={quote(MAXIM)}" in listing
            and f"/speaker?name={quote(SERGEY)}" in listing
        )
        page = client.get("/speaker", params={"name": MAXIM})
        assert page.status_code == 200
        assert f"/v/{RU_ID}?speaker=S2#transcript" in page.text
        assert f"/v/{en_id}?speaker=S1#transcript" in page.text
        assert ru.segments[1].text in page.text  # Максим's quote
        assert ru.segments[0].text not in page.text  # Сергей's quote is on his page
        sergey = client.get("/speaker", params={"name": SERGEY}).text
        assert ru.segments[0].text in sergey and en_id not in sergey
        assert client.get("/speaker", params={"name": "Nobody"}).status_code == 404


def test_search_filters_by_speaker(data_dir: Path, en_id: str) -> None:
    _store_speakers(data_dir, en_id)
    with make_client(data_dir) as client:

        def found(q: str, speaker: str, mode: str = "text") -> set[tuple[str, int]]:
            params = {"q": q, "speaker": speaker, "mode": mode}
            hits = client.get("/api/v1/search", params=params).json()
            return {(h["video_id"], h["segment"]) for h in hits}

        assert found("торговлю", "") == {(RU_ID, 1)}
        assert found("торговлю", MAXIM) == {(RU_ID, 1)}
        assert found("торговлю", SERGEY) == set()
        assert found("Минске", SERGEY) == {(RU_ID, 0)}
        assert found("Минске", MAXIM) == set()
        assert found("weather in Moscow", MAXIM, "semantic") == {(RU_ID, 2)}
        assert found("weather in Moscow", SERGEY, "semantic") == set()
        page = client.get("/search", params={"q": "торговлю", "speaker": SERGEY}).text
        assert 'id="no-hits"' in page
        assert f'<option value="{SERGEY}" selected>' in page


def test_admin_renames_a_speaker_and_a_rerun_keeps_it(data_dir: Path, en_id: str, token) -> None:
    ru = _store_speakers(data_dir, en_id)
    with make_client(data_dir) as c:
        csrf = csrf_of(c, f"/v/{RU_ID}")
        url = f"/v/{RU_ID}/speakers/S2"
        r = c.post(url, data={"csrf": csrf, "name": "Анна Петрова"}, follow_redirects=False)
        assert r.status_code == 401  # not signed in
        assert 'class="rename"' not in c.get(f"/v/{RU_ID}").text
        csrf, _ = _sign_in(c, token)
        forged = c.post(url, data={"csrf": "x" + csrf, "name": "X"}, follow_redirects=False)
        assert forged.status_code == 403
        assert c.post(url, data={"csrf": csrf, "name": "  "}).status_code == 422
        r = c.post(url, data={"csrf": csrf, "name": "Анна  Петрова"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/v/{RU_ID}#speakers"
        page = c.get(f"/v/{RU_ID}").text
        assert 'class="rename"' in page and "name from user" in page
        assert f'href="/speaker?name={quote("Анна Петрова")}"' in page
        # the quote of S2's segment now carries the user's name
        assert "— Анна Петрова" in page
    # the speakers stage runs again and writes its own names: the user's name stays
    with open_store(data_dir) as store:
        store.save_transcript(ru, "speakers", "k2")
        again = store.video_speakers(RU_ID)
    assert [(s.id, s.name, s.name_source) for s in again] == [
        ("S1", SERGEY, "cue"),
        ("S2", "Анна Петрова", "user"),
    ]
    with make_client(data_dir) as c:
        assert c.get("/speaker", params={"name": "Анна Петрова"}).status_code == 200
        hits = c.get("/api/v1/search", params={"q": "торговлю", "speaker": "Анна Петрова"})
        assert {h["video_id"] for h in hits.json()} == {RU_ID}
