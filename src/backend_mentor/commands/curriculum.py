"""`backend-mentor curriculum`: tools for curriculum authors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..context import app_context

app = typer.Typer(
    help="Author tools: validate curriculum packs and show where content comes from.\n\n"
    "Example: backend-mentor curriculum validate ./my-pack",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of text.")]


@app.command()
def validate(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Argument(help="A pack to validate on top of the shipped curriculum (default: everything in use)."),
    ] = None,
    standalone: Annotated[
        bool, typer.Option("--standalone", help="Validate DIRECTORY on its own, without the shipped curriculum.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Validate the curriculum fully and list every problem as file:line: message.

    Example: backend-mentor curriculum validate ./my-pack
    """
    from .. import services
    from ..output import Output
    from ..render import show_validation

    state = app_context(ctx)
    if standalone and directory is None:
        raise typer.BadParameter("--standalone needs a DIRECTORY", param_hint="--standalone")
    report = services.validate_curriculum(state.curriculum_dirs, directory, standalone)
    Output(json_output).emit(report, human=show_validation)
    if not report.valid:
        raise typer.Exit(1)


@app.command()
def info(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Where the curriculum was loaded from, the cache, and what it holds.

    Example: backend-mentor curriculum info --json
    """
    from .. import services
    from ..output import Output
    from ..render import show_curriculum_info

    Output(json_output).emit(services.curriculum_info(app_context(ctx).catalog()), human=show_curriculum_info)
