"""Names on the web: a video's entity list, the archive's entity pages, the search filter.

The Russian briefing's entities come from the real entities code (natasha, spaCy, iuliia);
a second video is stored with a hand-made entity whose name is hostile HTML.
"""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import RU_ID, make_client, open_store, russian_video
from videobrief.records import Entity, Mention, Segment, Transcript
from videobrief.stages.entities.stage import with_entities

OTHER_ID = "c" * 64
HOSTILE = '<script>alert("x")</script>Минск'


def _store_entities(data_dir: Path) -> None:
    other = Transcript(
        id=OTHER_ID,
        source="minsk.srt",
        duration=5.0,
        title="Минск сегодня",
        segments=(
            Segment(id=0, start=1.5, end=4.0, text="Новости из Минска и торговля.", lang="ru"),
        ),
        entities=(
            Entity(
                id="E1",
                type="LOC",
                name=HOSTILE,
                name_en="Minsk",
                mentions=(Mention(segment=0, start=1.5, text="Минска"),),
            ),
        ),
    )
    with open_store(data_dir) as store:
        store.save_transcript(with_entities(russian_video()), "entities", "t")
        store.save_transcript(other, "entities", "t")


def test_entity_pages_and_filter(data_dir: Path) -> None:
    _store_entities(data_dir)
    with make_client(data_dir) as client:
        listing = client.get("/entities")
        assert listing.status_code == 200
        assert "/entity?key=LOC%3Aminsk" in listing.text
        assert "<script>alert" not in listing.text

        page = client.get("/entity", params={"key": "LOC:minsk"})
        assert page.status_code == 200
        assert f"/v/{RU_ID}?t=0.00#seg-0" in page.text  # «в Минске», the first segment
        assert f"/v/{OTHER_ID}?t=1.50#seg-0" in page.text
        assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text

        assert client.get("/entity", params={"key": "LOC:atlantis"}).status_code == 404

        video = client.get(f"/v/{RU_ID}")
        assert 'id="entities"' in video.text and "Minsk" in video.text and "Moscow" in video.text

        both = client.get("/search", params={"q": "торговля"}).text
        narrowed = client.get(
            "/search", params={"q": "торговля", "entity": "LOC:moskov"}
        ).text  # Moscow, as a key
        assert RU_ID in both and OTHER_ID in both
        assert RU_ID in narrowed and OTHER_ID not in narrowed


def test_api_lists_entities_and_filters_search(data_dir: Path) -> None:
    _store_entities(data_dir)
    with make_client(data_dir) as client:
        rows = client.get("/api/v1/entities", params={"type": "LOC"}).json()
        minsk = next(r for r in rows if r["key"] == "LOC:minsk")
        assert (minsk["videos"], minsk["name_en"]) == (2, "Minsk")
        hits = client.get("/api/v1/search", params={"q": "торговля", "entity": "LOC:moskov"})
        assert {h["video_id"] for h in hits.json()} == {RU_ID}
        transcript = client.get(f"/api/v1/videos/{RU_ID}/transcript").json()
        assert {e["name_en"] for e in transcript["entities"]} >= {"Minsk", "Moscow"}
