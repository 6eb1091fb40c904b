"""The `videobrief` command.

Commands:

{commands}

Every command takes `--db URL` (env `VIDEOBRIEF_DB`), e.g. `postgresql://user@host/videobrief`;
without it the store is the SQLite file in `--data-dir`.

Exit codes: 0 done, 2 bad input (a one-line reason on stderr), 1 internal error. With several
inputs, a bad one is reported and skipped; the others still run, and the worst code is returned.
"""

from __future__ import annotations

import sys

import typer

from videobrief.cli import archive, batch, check, run, serve, speakers
from videobrief.cli.options import err

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help=__doc__, pretty_exceptions_enable=False
)

# The order here is the order of `videobrief --help`.
app.command()(run.run)
app.command("brief")(run.brief_cmd)
app.command("export")(archive.export_cmd)
app.command("list")(archive.list_cmd)
app.command("check")(check.check_cmd)
app.command()(serve.serve)
app.command()(batch.batch)
app.command()(batch.watch)
app.add_typer(serve.token_app, name="token")
app.add_typer(speakers.voices_app, name="voices")
app.add_typer(speakers.speakers_app, name="speakers")


def _command_list(typer_app: typer.Typer) -> str:
    """The commands as registered, so the top-level help can never fall behind the app."""
    lines = []
    for info in typer_app.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        doc = (info.callback.__doc__ or "").strip().split("\n")[0]
        lines.append(f"  {name:<8} {doc}")
    for group in typer_app.registered_groups:
        lines.append(f"  {group.name:<8} {group.typer_instance.info.help}")
    return "\n\n".join(lines)


app.info.help = (__doc__ or "").replace("{commands}", _command_list(app))


def main() -> None:
    """Entry point: turn unexpected exceptions into exit code 1 with one line, not a traceback."""
    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # last-resort guard: the user gets a line, the code stays 1
        err.print(f"[red]internal error:[/red] {type(exc).__name__}: {exc}", highlight=False)
        sys.exit(1)
