"""`backend-mentor checkpoint`: prove a skill — automatic checks of your own work."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..context import app_context

if TYPE_CHECKING:
    from ..checkpoints.base import Check
    from ..curriculum.catalog import Catalog
    from ..progress.store import Store
    from ..results import VerifyResult
from ..errors import MentorError
from ._common import JsonOption, group

LanguageOption = Annotated[
    str | None,
    typer.Option("--language", metavar="python|node|go", help="The language of your tests (default: your profile's)."),
]

app = group(
    "Verification checkpoints: automatic checks of your own API, SQL, schema and tests.\n\n"
    "Example: backend-mentor checkpoint verify build-rest-api --url http://127.0.0.1:8000",
    no_args_is_help=False,
)


@app.callback(invoke_without_command=True)
def checkpoint_root(ctx: typer.Context) -> None:
    """Checkpoints (without a subcommand: the list).

    Example: backend-mentor checkpoint list
    """
    if ctx.invoked_subcommand is None:
        list_checkpoints(ctx, False)


@app.command("list")
def list_checkpoints(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Every checkpoint with its status, best score and last attempt.

    Example: backend-mentor checkpoint list --json
    """
    from .. import services
    from ..output import Output
    from ..render import show_checkpoints

    state = app_context(ctx)
    listing = services.checkpoint_rows(state.catalog(), services.checkpoint_summaries(state.store()))
    Output(json_output).emit(listing, human=show_checkpoints)


@app.command("show")
def show(
    ctx: typer.Context,
    checkpoint_id: Annotated[str, typer.Argument(help="Checkpoint id.")],
    json_output: JsonOption = False,
) -> None:
    """What a checkpoint asks for, how it is checked, and your attempts.

    Example: backend-mentor checkpoint show build-rest-api
    """
    from .. import services
    from ..output import Output
    from ..render import show_checkpoint

    state = app_context(ctx)
    catalog = state.catalog()
    detail = services.checkpoint_detail(catalog, state.store(), checkpoint_id)
    Output(json_output).emit(detail, human=partial(show_checkpoint, catalog=catalog))


@app.command("start")
def start(
    ctx: typer.Context,
    checkpoint_id: Annotated[str, typer.Argument(help="Checkpoint id.")],
    directory: Annotated[Path | None, typer.Argument(help="Where to write the starter files (default: ./ID).")] = None,
    language: LanguageOption = None,
    json_output: JsonOption = False,
) -> None:
    """Write the checkpoint's starter files into DIRECTORY; existing files are left alone.

    The test-writing checkpoint writes the module and a first test in your language (your profile's,
    or --language python|node|go).

    Example: backend-mentor checkpoint start unit-integration-tests ./tests-work --language node
    """
    from .. import services
    from ..output import Output
    from ..render import show_starter_files

    state = app_context(ctx)
    files = services.write_starter_files(
        state.catalog(), checkpoint_id, directory or Path(checkpoint_id), language, state.store()
    )
    Output(json_output).emit(files, human=show_starter_files)


@app.command("verify")
def verify(
    ctx: typer.Context,
    checkpoint_id: Annotated[str, typer.Argument(help="Checkpoint id.")],
    url: Annotated[
        str | None, typer.Option("--url", help="Your running server (HTTP checkpoints; default http://127.0.0.1:8000).")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="Your file: answers.sql, schema.sql, indexes.sql or a test file."),
    ] = None,
    directory: Annotated[
        Path | None, typer.Option("--dir", help="Your working directory (for checkpoints with several files).")
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="A variant of the check, e.g. todo-backend for build-rest-api.")
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, max=120, help="Seconds to wait for each request or query.")
    ] = 5.0,
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="Allow a URL or --dsn that is not on this machine.")
    ] = False,
    language: LanguageOption = None,
    python: Annotated[
        str | None,
        typer.Option(
            "--python",
            metavar="PATH",
            help="The Python that runs your pytest tests (default: your active virtual environment's, or python3 on PATH).",
        ),
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            metavar="sqlite|postgres",
            help="SQL checkpoints: run on SQLite (default) or on your PostgreSQL server.",
        ),
    ] = None,
    dsn: Annotated[
        str | None,
        typer.Option(
            "--dsn", metavar="URL", help="With --engine postgres: your server, e.g. postgresql://me@127.0.0.1/learning."
        ),
    ] = None,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch", help="Run again whenever you save a file (servers: on Enter or --every); Ctrl-C stops."
        ),
    ] = False,
    every: Annotated[
        float | None,
        typer.Option(
            "--every",
            min=1,
            max=3600,
            metavar="SECONDS",
            help="With --watch on a server checkpoint: also run every SECONDS.",
        ),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Check your work automatically; one line per check (PASS, FAIL, SKIP), exit code 1 unless all pass.

    The attempt is recorded, unless the verifier cannot start (no server listening, no file).

    Example: backend-mentor checkpoint verify complex-sql-joins --file ./sql-work/answers.sql
    """
    from .. import services
    from ..output import Output
    from ..render import show_verification

    state = app_context(ctx)
    catalog, store = state.catalog(), state.store()
    options = {
        "url": url,
        "file": file,
        "directory": directory,
        "profile": profile,
        "timeout": timeout,
        "allow_remote": allow_remote,
        "language": language,
        "python": python,
        "engine": engine,
        "dsn": dsn,
    }
    if watch and json_output:  # option check: a live report has no single document to print
        raise MentorError("--watch shows a live report; it cannot be combined with --json")
    if watch:
        watch_checkpoint(catalog, store, checkpoint_id, options, every)
        return
    if every is not None:
        raise MentorError("--every only works with --watch")
    result = services.verify_checkpoint(catalog, store, checkpoint_id, **options)
    Output(json_output).emit(result, human=show_verification)
    if not result.passed:
        raise typer.Exit(1)


def watch_checkpoint(
    catalog: Catalog, store: Store, checkpoint_id: str, options: dict[str, Any], every: float | None
) -> None:
    """The --watch loop: clear, run, show; record only runs whose outcome changed; Ctrl-C ends it."""
    import sys
    import time

    from .. import services
    from ..output import Output
    from ..render import plural, show_report
    from ..watch import Watch, file_waiter, stdin_line, timer_waiter

    checkpoint = catalog.checkpoint(checkpoint_id)
    watched = [p for p in (options.get("file"), options.get("directory")) if p is not None]
    if watched:
        roots = [Path(p).parent if Path(p).is_file() else Path(p) for p in watched]
        wait = file_waiter(roots, time.sleep)
        how = f"watching {', '.join(str(r) for r in roots)}: save a file to run again"
    else:
        if every is None and not sys.stdin.isatty():
            raise MentorError(
                "--watch on a server checkpoint needs a terminal (press Enter to re-run) or --every SECONDS"
            )
        wait = timer_waiter(every, stdin_line)
        how = "press Enter to run again" + (f" (or wait {every:g} s)" if every else "")
    out = Output(False)
    last: list[VerifyResult] = []  # the latest run

    def verify_once() -> Sequence[Check]:
        last[:] = [services.run_checkpoint(catalog, store, checkpoint_id, **options)]
        return last[0].checks

    def record(checks: Sequence[Check]) -> None:
        services.record_verification(store, checkpoint, last[0])

    def show(checks: Sequence[Check] | None, error: str | None, run: int) -> None:
        out.clear()
        if error is not None or checks is None:
            out.message(f"error: {error}", style="red")
        else:
            show_report(out, checkpoint.title, checkpoint.kind, checks)
        out.hint(f"run {run} at {time.strftime('%H:%M:%S')} · {how} · Ctrl-C stops")

    session = Watch(verify_once, show, record, wait)
    try:
        session.loop()
    except KeyboardInterrupt:
        out.line("")
        out.message(f"Stopped watching after {plural(session.runs, 'run')} ({session.recorded} recorded as attempts).")
    if not (last and last[0].passed):
        raise typer.Exit(1)


@app.command("done")
def done(
    ctx: typer.Context,
    checkpoint_id: Annotated[str, typer.Argument(help="Checkpoint id.")],
    evidence: Annotated[str, typer.Option("--evidence", help="What proves it: a link, a commit, a description.")],
    json_output: JsonOption = False,
) -> None:
    """Mark a checkpoint passed by hand, with evidence (for what cannot be checked automatically).

    Example: backend-mentor checkpoint done deploy-with-monitoring --evidence "https://github.com/me/api"
    """
    from .. import services
    from ..output import Output
    from ..render import show_manual_completion

    state = app_context(ctx)
    done = services.complete_checkpoint_manually(state.catalog(), state.store(), checkpoint_id, evidence)
    Output(json_output).emit(done, human=show_manual_completion)
