"""The static, self-contained `page.html`: a speaker timeline, the description and its check,
the brief, the names, and the transcript with its times, languages, English track and
low-confidence words marked.

Rendered from a Jinja2 template with autoescaping on, so transcript text (which may come from
an imported file) can never inject markup. The web app renders the same template.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from videobrief.records import Brief, CheckResult, Transcript, Word
from videobrief.text.languages import language_name
from videobrief.text.timefmt import clock

LOW_CONF = 0.5


def glued(word: str) -> bool:
    """True for a word token that attaches to the previous one ("80" "-е", "2024" "-2026.").

    Words are stored without Whisper's leading space; punctuation and hyphen-led tokens are the
    ones that had none.
    """
    return bool(word) and word[0] in "-–,.;:!?)»”%"


def words_html(words: Sequence[Word], low_conf: float = LOW_CONF) -> Markup:
    """A segment's words as spans: a space before each but glued tokens, low confidence marked.

    Python rather than a Jinja loop: as template code every field of every word costs an escape
    and an attribute lookup, about five times this loop. Word text is escaped; times and
    probabilities are numbers.
    """
    parts = []
    for i, w in enumerate(words):
        if i and not glued(w.word):
            parts.append(" ")
        if w.low_conf or w.prob < low_conf:
            parts.append(
                f'<span class="w low" data-t="{w.start}" data-low-conf="true" '
                f'title="low confidence (p={w.prob:.2f})">{escape(w.word)}</span>'
            )
        else:
            parts.append(f'<span class="w" data-t="{w.start}">{escape(w.word)}</span>')
    return Markup("".join(parts))


def environment(*first: BaseLoader) -> Environment:
    """The Jinja2 environment for page templates; `first` loaders (the web app's) win.

    Autoescaping is on for .html and for the shared blocks, so no transcript or comment text can
    ever become markup.
    """
    env = Environment(
        loader=ChoiceLoader([*first, PackageLoader("videobrief.publish", "templates")]),
        autoescape=select_autoescape(["html"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["clock"] = clock
    env.filters["glued"] = glued
    env.filters["filename"] = filename
    env.globals["words_html"] = words_html
    return env


def filename(source: str | None) -> str:
    """The last part of a source path: pages never show where a file lives on the server."""
    if not source:
        return ""
    return source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or source


_ENV = environment()


def page_context(
    transcript: Transcript, brief: Brief | None = None, check: CheckResult | None = None
) -> dict[str, Any]:
    """What page.html needs for one transcript; the web app adds its own keys on top.

    The transcript's `source` is cut to the file's name (`filename`): a page is published, and
    where the file lay on the server is not for its readers.

    `check` is the description check: the description box shows a verdict chip per sentence.
    Quotes are named from the transcript's speakers as they are now, so a speaker renamed
    after the brief was made shows the new name.
    """
    # Only the file's name reaches a page, whatever a template does with `t.source`.
    transcript = transcript.model_copy(update={"source": filename(transcript.source)})
    if brief is not None and brief.quotes and transcript.speakers:
        from videobrief.stages.brief.speakers import name_quotes

        brief = brief.model_copy(update={"quotes": tuple(name_quotes(brief.quotes, transcript))})
    return {
        "t": transcript,
        "brief": brief,
        "check": check,
        "language_name": language_name,
        # Two columns only when there is an English track that differs from the original.
        "dual": any(s.english and s.english_source != "original" for s in transcript.segments),
        "languages": [language_name(code) for code in transcript.languages],
        "low_conf": LOW_CONF,
        "seg_start": {s.id: s.start for s in transcript.segments},
        "seekable": False,
    }


def render_page(
    transcript: Transcript, brief: Brief | None = None, check: CheckResult | None = None
) -> str:
    """Render the static, self-contained page for one transcript."""
    return _ENV.get_template("page.html").render(page_context(transcript, brief, check))
