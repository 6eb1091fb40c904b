"""videobrief: a news video in, a timestamped, language-safe transcript and a page out — offline."""

__version__ = "0.1.0"
