"""Errors a user can act on. The CLI maps `BadInput` to exit code 2 with a one-line message."""


class VideobriefError(Exception):
    """Base for errors that videobrief raises on purpose."""


class BadInput(VideobriefError):
    """The input cannot be processed as given (corrupt, empty, wrong type, malformed).

    The message is one line a user can read; nothing is stored when this is raised.
    """
