"""The static, self-contained `page.html`: the seed page done honestly.

Rendered from a Jinja2 template with autoescaping on, so transcript text (which may come from
an imported file) can never inject markup. The later web app renders the same template.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from videobrief.records import Brief, Transcript

_ENV = Environment(
    loader=PackageLoader("videobrief", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "uk": "Ukrainian", "be": "Belarusian"}


def clock(seconds: float) -> str:
    """Format seconds as MM:SS, or H:MM:SS from one hour on (the seed page's form)."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def glued(word: str) -> bool:
    """True for a word token that attaches to the previous one ("80" "-е", "2024" "-2026.").

    Words are stored without Whisper's leading space; punctuation and hyphen-led tokens are the
    ones that had none.
    """
    return bool(word) and word[0] in "-–,.;:!?)»”%"


_ENV.filters["clock"] = clock
_ENV.filters["glued"] = glued


def render_page(transcript: Transcript, brief: Brief | None = None) -> str:
    """Render the page for one transcript, with its grounded brief on top when there is one."""
    template = _ENV.get_template("page.html")
    starts = {s.id: s.start for s in transcript.segments}
    return template.render(
        t=transcript,
        brief=brief,
        starts=starts,
        language_name=lambda code: LANGUAGE_NAMES.get(code, code) if code else "unknown",
        languages=[LANGUAGE_NAMES.get(code, code) for code in transcript.languages],
        low_conf=0.5,
        # Two columns only when there is an English track that differs from the original.
        dual=any(s.english and s.english_source != "original" for s in transcript.segments),
    )
