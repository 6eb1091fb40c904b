"""The `videobrief` command line: one module per command group; `app` assembles them.

`app` (the Typer app) and `main` (the console script's entry point) are exported here.
"""

from videobrief.cli.app import app, main

__all__ = ["app", "main"]
