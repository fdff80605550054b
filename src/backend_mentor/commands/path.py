"""`backend-mentor path`: the roadmaps, your progress on them, and a week-by-week plan."""

from __future__ import annotations

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
    catalog, store = state.catalog(), state.store()
    statuses = store.statuses()
    profile = store.profile() or {}
    overview = services.path_overview(catalog, statuses)
    out = Output(json_output)
    if json_output:
        out.json({
            "active": profile.get("active_path"),
            "groups": [
                {"group": g, "paths": [{"id": p.id, "title": p.title, "kind": p.kind, "summary": p.summary, "next": p.next,
                                        **progress} for p, progress in entries]}
                for g, entries in overview
            ],
        })  # fmt: skip
        return
    show_path_list(out, overview, profile.get("active_path"), pager=not no_pager)


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
    from ..render import path_json, show_path

    state = app_context(ctx)
    catalog, store = state.catalog(), state.store()
    path = catalog.path(path_id) if path_id else services.require_active_path(catalog, store)
    statuses = store.statuses()
    view = services.path_view(catalog, path, statuses)
    out = Output(json_output)
    if json_output:
        out.json({**path_json(catalog, path, statuses), "progress": view.progress})
        return
    show_path(out, catalog, path, statuses, store.checkpoint_summary(), view, expand_all=expand_all, pager=not no_pager)


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

    state = app_context(ctx)
    catalog, store = state.catalog(), state.store()
    path = services.start_path(catalog, store, path_id)
    progress = services.path_progress(catalog, path, store.statuses())
    out = Output(json_output)
    if json_output:
        out.json({"active": path.id, "progress": progress})
        return
    out.success(f"Active path: {path.title} — {progress['done']}/{progress['topics']} topics already done.")
    out.hint("Continue with: backend-mentor learn")


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
    weeks = services.plan(catalog, path, store.statuses(), weekly)
    out = Output(json_output)
    if json_output:
        out.json({"path": path.id, "hours_per_week": weekly, "weeks": weeks})
        return
    if not weeks:
        out.success(f"Nothing left to plan: every topic of {path.title} is done or skipped.")
        return
    show_plan(out, path, weeks, weekly)
