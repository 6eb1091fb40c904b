"""The `videobrief` command line: one module per command group; `app` assembles them."""

from videobrief.cli.app import main

__all__ = ["main"]
