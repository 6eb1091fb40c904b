"""The static page: honest, escaped, and marks what the recogniser was unsure of."""

from __future__ import annotations

from html.parser import HTMLParser

from videobrief.publish.page import render_page
from videobrief.records import Segment, Transcript, Word
from videobrief.text.timefmt import clock


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _transcript(**kwargs) -> Transcript:
    words = (
        Word(start=1.0, end=1.4, word="Лавров", prob=0.9),
        Word(start=1.5, end=2.0, word="сказал", prob=0.2),
    )
    segments = (
        Segment(
            id=0, start=1.0, end=2.0, text="Лавров сказал", lang="ru", lang_prob=0.97, words=words
        ),
        Segment(id=1, start=65.0, end=66.0, text="<script>alert(1)</script> & more", lang="en"),
    )
    base = {"id": "a" * 64, "source": "talk.mp4", "duration": 3700.0, "segments": segments}
    return Transcript(**{**base, **kwargs})


def test_clock_matches_the_seed_form():
    assert clock(14) == "00:14" and clock(695) == "11:35" and clock(3725) == "1:02:05"


def test_text_is_escaped_and_no_script_tag_exists():
    html = render_page(_transcript())
    parser = _Collect()
    parser.feed(html)
    assert "script" not in {tag for tag, _ in parser.tags}
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def test_segments_carry_time_language_and_low_confidence_marks():
    parser = _Collect()
    parser.feed(render_page(_transcript()))
    items = [attrs for tag, attrs in parser.tags if tag == "li"]
    assert [i["id"] for i in items] == ["seg-0", "seg-1"]
    assert [i["lang"] for i in items] == ["ru", "en"]
    low = [a for tag, a in parser.tags if tag == "span" and "low" in a.get("class", "").split()]
    assert len(low) == 1 and "0.20" in low[0]["title"]


def test_description_is_labelled_apart_and_silence_is_said_plainly():
    html = render_page(_transcript(description="A summary from elsewhere.", segments=()))
    assert "not part of the transcript" in html and "A summary from elsewhere." in html
    assert "No speech was found" in html


def test_words_are_spaced_glued_marked_and_escaped():
    """The transcript's word spans (built in Python, not a template loop): a space before each
    word except glued tokens, low-confidence words marked with their probability, text escaped."""
    from videobrief.publish.page import words_html

    words = (
        Word(start=1.0, end=1.4, word="80", prob=0.9),
        Word(start=1.4, end=1.6, word="-е", prob=0.2),
        Word(start=1.6, end=2.0, word="<b>годы</b>", prob=0.95, low_conf=True),
        Word(start=2.0, end=2.1, word=",", prob=0.9),
        Word(start=2.1, end=2.5, word="да", prob=0.5),
    )
    assert str(words_html(words, 0.5)) == (
        '<span class="w" data-t="1.0">80</span>'
        '<span class="w low" data-t="1.4" data-low-conf="true" title="low confidence (p=0.20)">'
        "-е</span> "
        '<span class="w low" data-t="1.6" data-low-conf="true" title="low confidence (p=0.95)">'
        "&lt;b&gt;годы&lt;/b&gt;</span>"
        '<span class="w" data-t="2.0">,</span> '
        '<span class="w" data-t="2.1">да</span>'
    )
    segment = Segment(id=0, start=1, end=3, text="t", words=words)
    html = render_page(_transcript(segments=(segment,)))
    assert str(words_html(words, 0.5)) in html
