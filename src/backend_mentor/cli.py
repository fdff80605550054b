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
from .context import AppContext
from .errors import MentorError
from .output import print_error

DEBUG_ENV = "BACKEND_MENTOR_DEBUG"
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


# The order commands are listed in `--help`: the everyday ones first.
COMMAND_ORDER = ("learn", "mentor", "review", "path", "checkpoint", "project", "progress", "curriculum")


def plain_metavar(param) -> str:  # param: a Typer option or argument
    """What a learner reads after an option in --help: nothing for a flag, a word for a value.

    Replaces Typer's type display (``<bool>``, ``<list[str]>``, ``<int range> [1<=x<=50]``).
    """
    from datetime import datetime
    from typing import get_args

    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    desc = getattr(param, "type_descriptor", None)
    annotation = getattr(desc, "annotation", None)
    if desc is not None and desc.is_list and get_args(annotation):
        annotation = get_args(annotation)[0]
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if desc is not None and desc.is_choice:
        word = "|".join(str(getattr(c, "value", c)) for c in desc.choices or ())
    elif annotation in (int, float) and low is not None and high is not None:
        word = f"{low:g}-{high:g}"
    elif annotation in (int, float):
        word = "NUMBER"
    elif desc is not None and (desc.is_path or annotation is Path):
        info = desc.parameter_info
        word = "DIR" if info.file_okay is False else "FILE" if info.dir_okay is False else "PATH"
    elif annotation is datetime:
        word = "DATE"
    elif param.param_type_name == "argument":
        word = (param.name or "value").upper()
    else:
        word = "TEXT"
    return word + ("..." if getattr(param, "multiple", False) or param.nargs != 1 else "")


def _display_type(self, ctx) -> str | None:  # replaces Typer's "<type>" column in --help
    if self.metavar is not None:
        return self.metavar or None
    word = plain_metavar(self)
    if self.param_type_name == "argument" and word.rstrip(".") == (self.name or "").upper():
        return None  # the argument's name column says it already
    return word or None


def _configure_help_display() -> None:
    """Typer has no setting for its type column, so its two display hooks are replaced here."""
    from typer import core

    for cls in (core.TyperOption, core.TyperArgument):
        setattr(cls, "display_type_rich", _display_type)  # noqa: B010  (mypy: a method is replaced on purpose)
        setattr(cls, "_get_number_range_help_str", lambda self: None)  # noqa: B010  the range is in the word itself


_configure_help_display()


def flow_help(text: str | None) -> str | None:
    """A docstring's paragraphs as flowing text: Typer's rich help keeps the source's line breaks
    (recent releases do), so a paragraph wrapped at 100 columns in the code broke early on an 80-column
    terminal. Paragraphs that start with ``\\b`` (click's "keep as is") stay untouched."""
    if not text:
        return text
    from inspect import cleandoc

    paragraphs = cleandoc(text).split("\n\n")
    return "\n\n".join(p if p.startswith("\b") else " ".join(p.split()) for p in paragraphs)


def _flow_tree(command) -> None:  # command: a click command or group
    command.help = flow_help(command.help)
    for sub in getattr(command, "commands", {}).values():
        _flow_tree(sub)


class MentorGroup(TyperGroup):
    """Turns every user-facing error anywhere below it into one line and an exit code."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _flow_tree(self)  # Typer hands the root the whole built tree: every help text flows

    def list_commands(self, ctx):  # type: ignore[override]
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: (COMMAND_ORDER.index(n) if n in COMMAND_ORDER else len(COMMAND_ORDER), n))

    def invoke(self, ctx):  # type: ignore[override]
        debug = os.environ.get(DEBUG_ENV) == "1"
        try:
            _check_query_length([*(getattr(ctx, "_protected_args", None) or []), *ctx.args])
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
        except OSError as exc:  # the environment, not a bug: a full disk, a permission, a vanished file
            import errno

            if debug or exc.errno == errno.EPIPE:  # the reader went away (`| head`): click exits quietly
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            print_error(f"{where}{exc.strerror or exc} (nothing was saved from the unfinished step)")
            raise typer.Exit(1) from None
        except Exception as exc:
            if _is_framework_signal(exc) or debug:
                raise
            print_error(f"internal error: {type(exc).__name__}: {exc} (set {DEBUG_ENV}=1 for the traceback)")
            raise typer.Exit(1) from None


MAX_QUERY_CHARS = 500  # a search over longer text only gets slower, never better


def _check_query_length(args: list[str]) -> None:
    """Refuse an overlong 'mentor' query before any work: the search time grows with its words."""
    if not args or args[0] != "mentor":
        return
    words = [a for a in args[1:] if not a.startswith("-")]
    length = len(" ".join(words))
    if length > MAX_QUERY_CHARS:
        raise MentorError(
            f"the query is too long ({length} characters; at most {MAX_QUERY_CHARS}): ask about one topic, "
            'e.g. backend-mentor mentor "kafka vs rabbitmq"'
        )


def _is_framework_signal(exc: BaseException) -> bool:
    """Exit, Abort and usage errors of Typer (or the click it wraps) pass through untouched."""
    return type(exc).__module__.split(".")[0] in {"typer", "click"}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"backend-mentor {__version__}")
        raise typer.Exit()


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


def _register(application: typer.Typer, name: str) -> None:
    """Add one command (group) to the root; its module is imported only now."""
    from importlib import import_module

    module = import_module(f".commands.{name}", __package__)
    if name in ("mentor", "review"):  # single commands; the others are groups of subcommands
        application.command(name, context_settings=CONTEXT_SETTINGS)(getattr(module, name))
    else:
        application.add_typer(module.app, name=name)


def build_app(only: str | None = None) -> typer.Typer:
    """The root app with every command, or with just ``only``: Typer builds the whole command tree
    (every option of every command) before running one, so a run that names its command gets a tree
    of that command alone. Help, errors and behaviour of that command are the same either way."""
    application = typer.Typer(
        cls=MentorGroup,
        name="backend-mentor",
        help="A terminal mentor for learning backend development.\n\nExample: backend-mentor learn",
        context_settings=CONTEXT_SETTINGS,
        no_args_is_help=False,
        add_completion=True,
        rich_markup_mode="rich",
        pretty_exceptions_enable=False,
    )
    application.callback(invoke_without_command=True)(root)
    for name in COMMAND_ORDER:
        if only in (None, name):
            _register(application, name)
    return application


def __getattr__(name: str) -> typer.Typer:
    """``cli.app``: the root with every command, built on first use (``main`` builds only what it runs)."""
    if name == "app":
        globals()["app"] = application = build_app()
        return application
    raise AttributeError(name)


ROOT_FLAGS = {"--json"}  # root options that take no value; --curriculum takes one


def invoked_command(argv: list[str]) -> str | None:
    """The command a command line runs, if it is plainly one of ours; None means: build them all
    (no command, an unknown one, help or completion of the root, a root option we do not know)."""
    if "_BACKEND_MENTOR_COMPLETE" in os.environ:  # shell completion walks the whole tree
        return None
    args = iter(argv)
    for arg in args:
        if arg == "--curriculum":
            next(args, None)
        elif arg.startswith("--curriculum=") or arg in ROOT_FLAGS:
            continue
        else:
            return arg if arg in COMMAND_ORDER else None
    return None


def main() -> None:
    import sys

    build_app(invoked_command(sys.argv[1:]))(prog_name="backend-mentor")
