"""The root command: wires the command groups together and maps errors to exit codes.

Exit codes: 0 success; 1 a failed check or a user-facing error (one line on stderr); 2 a usage
error; 130 interrupted. ``BACKEND_MENTOR_DEBUG=1`` shows the traceback of unexpected errors.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from . import __version__
from .commands import checkpoint, curriculum, learn, mentor, path, progress, project, review
from .context import AppContext
from .errors import MentorError
from .output import print_error

DEBUG_ENV = "BACKEND_MENTOR_DEBUG"
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


class MentorGroup(TyperGroup):
    """Turns every user-facing error anywhere below it into one line and an exit code."""

    def invoke(self, ctx):  # type: ignore[override]
        debug = os.environ.get(DEBUG_ENV) == "1"
        try:
            return super().invoke(ctx)
        except MentorError as exc:
            if debug:
                raise
            print_error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            import sys

            sys.stdout.flush()
            sys.stderr.write("\n")  # Ctrl-C lands mid-line (after a prompt); the message gets its own line
            print_error("interrupted; nothing was saved from the unfinished step")
            raise typer.Exit(130) from None
        except Exception as exc:
            if _is_framework_signal(exc) or debug:
                raise
            print_error(f"internal error: {type(exc).__name__}: {exc} (set {DEBUG_ENV}=1 for the traceback)")
            raise typer.Exit(1) from None


def _is_framework_signal(exc: BaseException) -> bool:
    """Exit, Abort and usage errors of Typer (or the click it wraps) pass through untouched."""
    return type(exc).__module__.split(".")[0] in {"typer", "click"}


app = typer.Typer(
    cls=MentorGroup,
    name="backend-mentor",
    help="A terminal mentor for learning backend development.\n\nExample: backend-mentor learn",
    context_settings=CONTEXT_SETTINGS,
    no_args_is_help=False,
    add_completion=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"backend-mentor {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    curriculum_dirs: Annotated[
        list[Path] | None,
        typer.Option(
            "--curriculum",
            help="An extra curriculum pack directory (repeatable); adds to BACKEND_MENTOR_CURRICULUM_PATH.",
            file_okay=False,
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the dashboard as JSON.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Without a command: a short dashboard of your path, progress and next step."""
    ctx.obj = AppContext(curriculum_dirs=list(curriculum_dirs or []))
    if ctx.invoked_subcommand is None:
        from .commands.dashboard import show_dashboard

        show_dashboard(ctx.obj, json_output)


app.add_typer(learn.app, name="learn")
app.command("mentor", context_settings=CONTEXT_SETTINGS)(mentor.mentor)
app.add_typer(path.app, name="path")
app.add_typer(checkpoint.app, name="checkpoint")
app.add_typer(project.app, name="project")
app.add_typer(progress.app, name="progress")
app.command("review", context_settings=CONTEXT_SETTINGS)(review.review)
app.add_typer(curriculum.app, name="curriculum")


def main() -> None:
    app(prog_name="backend-mentor")
