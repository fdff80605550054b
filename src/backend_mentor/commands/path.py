"""`backend-mentor path`: the roadmaps, your progress on them, and a week-by-week plan."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import typer

from ..context import app_context
from ..pager import NoPagerOption
from ._common import JsonOption, group

app = group(
    "Learning paths: list them, show one as a tree with your progress, switch, plan your weeks.\n\n"
    "Example: backend-mentor path show backend-developer",
    no_args_is_help=False,
)


@app.callback(invoke_without_command=True)
def path_root(ctx: typer.Context) -> None:
    """Learning paths (without a subcommand: the active path).

    Example: backend-mentor path list
    """
    if ctx.invoked_subcommand is None:
        show(ctx, None, False, False, False)


@app.command("list")
def list_paths(ctx: typer.Context, no_pager: NoPagerOption = False, json_output: JsonOption = False) -> None:
    """All paths, grouped: core roles, specialized roles, data roles, language tracks, specializations.

    Example: backend-mentor path list --json
    """
    from .. import services
    from ..output import Output
    from ..render import show_path_list

    state = app_context(ctx)
    store = state.store()
    overview = services.path_overview(state.catalog(), store.statuses(), (store.profile() or {}).get("active_path"))
    Output(json_output).emit(overview, human=partial(show_path_list, pager=not no_pager))


@app.command("show")
def show(
    ctx: typer.Context,
    path_id: Annotated[str | None, typer.Argument(help="A path id (default: your active path).")] = None,
    expand_all: Annotated[
        bool, typer.Option("--all", help="Show every stage in full, not only the current one.")
    ] = False,
    no_pager: NoPagerOption = False,
    json_output: JsonOption = False,
) -> None:
    """A path as a tree: your current stage in full with your status, the other stages summarised, career facts.

    Example: backend-mentor path show python-developer --all
    """
    from .. import services
    from ..output import Output
    from ..render import show_path

    state = app_context(ctx)
    catalog, store = state.catalog(), state.store()
    path = catalog.path(path_id) if path_id else services.require_active_path(catalog, store)
    passed = frozenset(cid for cid, summary in services.checkpoint_summaries(store).items() if summary.passed)
    detail = services.path_detail(catalog, path, store.statuses(), passed)
    Output(json_output).emit(
        detail, human=partial(show_path, catalog=catalog, expand_all=expand_all, pager=not no_pager)
    )


@app.command("start")
def start(
    ctx: typer.Context,
    path_id: Annotated[str, typer.Argument(help="The path to make active.")],
    json_output: JsonOption = False,
) -> None:
    """Make a path your active one; progress is per topic, so it carries over.

    Example: backend-mentor path start go-developer
    """
    from .. import services
    from ..output import Output
    from ..render import show_path_started

    state = app_context(ctx)
    Output(json_output).emit(services.switch_path(state.catalog(), state.store(), path_id), human=show_path_started)


@app.command("plan")
def plan(
    ctx: typer.Context,
    hours: Annotated[
        float | None, typer.Option("--hours", min=0.5, max=80, help="Hours per week (default: your profile's).")
    ] = None,
    path_id: Annotated[str | None, typer.Option("--path", help="Plan this path instead of the active one.")] = None,
    json_output: JsonOption = False,
) -> None:
    """A week-by-week schedule of the topics left, from your hours per week.

    Example: backend-mentor path plan --hours 8
    """
    from .. import services
    from ..output import Output
    from ..render import show_plan

    state = app_context(ctx)
    catalog, store = state.catalog(), state.store()
    path = catalog.path(path_id) if path_id else services.require_active_path(catalog, store)
    weekly = hours or (store.profile() or {}).get("hours_per_week") or 6.0
    Output(json_output).emit(services.plan(catalog, path, store.statuses(), weekly), human=show_plan)
