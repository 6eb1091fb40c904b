"""The static page shows the original and the English track side by side."""

from __future__ import annotations

from videobrief.publish.page import render_page
from videobrief.records import Segment, Transcript, Word


def _transcript(with_english: bool) -> Transcript:
    ru_words = (
        Word(start=0.0, end=0.5, word="Министр", prob=0.9),
        Word(start=0.5, end=1.0, word="Лавров", prob=0.3, low_conf=True),
    )
    ru = Segment(
        id=0,
        start=0.0,
        end=1.0,
        text="Министр Лавров",
        lang="ru",
        lang_prob=0.93,
        words=ru_words,
        english="Minister Lavrov" if with_english else None,
        english_source="speech-translate" if with_english else None,
        flags=("glossary:Лавров<-Лавро",),
    )
    en = Segment(
        id=1,
        start=1.0,
        end=2.0,
        text="The ministers met.",
        lang="en",
        lang_prob=0.99,
        english="The ministers met." if with_english else None,
        english_source="original" if with_english else None,
    )
    return Transcript(id="ab" * 32, source="x.mp4", duration=2.0, segments=(ru, en))


def test_page_shows_both_tracks_with_language_tags():
    html = render_page(_transcript(with_english=True))
    assert 'class="transcript dual"' in html
    assert "Original" in html and "English" in html
    assert html.index("Министр") < html.index("Minister Lavrov")
    assert '<span class="src">speech-translate</span>' in html
    assert '<span class="lang" title="detected with p=0.93">ru</span>' in html
    assert '<span class="lang" title="detected with p=0.99">en</span>' in html
    assert 'data-low-conf="true"' in html and "Лавров</span>" in html
    assert "glossary:Лавров&lt;-Лавро" in html


def test_page_without_an_english_track_stays_single_column():
    html = render_page(_transcript(with_english=False))
    assert "transcript dual" not in html
    assert 'class="english"' not in html
