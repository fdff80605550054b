"""`backend-mentor progress`: your stats, and export/import/reset of your progress."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..context import app_context
from ._common import JsonOption, NoInputOption, ask, group, interactive

app = group(
    "Your progress: stats, streak and activity; export (json, csv, md), import and reset.\n\n"
    "Example: backend-mentor progress export --format md -o progress.md",
    no_args_is_help=False,
)


class Format(str, Enum):
    json = "json"
    csv = "csv"
    md = "md"


@app.callback(invoke_without_command=True)
def progress_root(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Stats per stage and category, your streak and a small activity calendar.

    Example: backend-mentor progress --json
    """
    if ctx.invoked_subcommand is not None:
        return
    from .. import services
    from ..output import Output
    from ..render import show_stats

    state = app_context(ctx)
    Output(json_output).emit(services.stats(state.catalog(), state.store()), human=show_stats)


@app.command("export")
def export(
    ctx: typer.Context,
    fmt: Annotated[
        Format, typer.Option("--format", help="json (complete, re-importable), csv (a row per topic) or md.")
    ] = Format.json,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout.")
    ] = None,
) -> None:
    """Export your progress for scripts, dashboards and portfolios.

    Example: backend-mentor progress export --format json -o backup.json
    """
    from ..progress import transfer

    state = app_context(ctx)
    store = state.store()

    def write(stream) -> None:
        if fmt is Format.json:
            transfer.export_json(store, stream)
        elif fmt is Format.csv:
            transfer.export_csv(store, state.catalog(), stream)
        else:
            from .. import render, services

            catalog = state.catalog()
            render.write_markdown_portfolio(stream, catalog, services.portfolio(catalog, store))

    if output is None:
        from ..output import CleanWriter

        write(CleanWriter(sys.stdout) if sys.stdout.isatty() else sys.stdout)  # a terminal gets no raw escapes
        return
    with transfer.atomic_writer(output) as stream:
        write(stream)
    from ..output import Output

    Output().success(f"Wrote {output}")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A file written by 'progress export --format json'.")],
    json_output: JsonOption = False,
) -> None:
    """Merge an exported progress file: validated first, then all of it or nothing.

    Example: backend-mentor progress import backup.json
    """
    from .. import services
    from ..output import Output
    from ..render import show_imported

    Output(json_output).emit(services.import_progress(app_context(ctx).store(), file), human=show_imported)


@app.command("reset")
def reset(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Reset without asking.")] = False,
    no_input: NoInputOption = False,
) -> None:
    """Erase all progress (a JSON backup is written in the same step, never overwriting another).

    Example: backend-mentor progress reset --yes
    """
    from ..errors import MentorError
    from ..output import Output
    from ..paths import data_dir
    from ..progress import transfer

    out = Output()
    if not yes:
        if not interactive(no_input):
            raise MentorError("refusing to erase progress without confirmation; add --yes")
        if ask("Erase all your progress? A backup is written first", ["y", "n"], "n") != "y":
            out.message("Nothing changed.")
            return
    backup = transfer.reset_with_backup(app_context(ctx).store(), data_dir() / "backups")
    out.success(f"Progress erased. Backup: {backup} (restore with 'backend-mentor progress import {backup}')")
