"""`backend-mentor project`: the practice projects — what to build, milestone by milestone."""

from __future__ import annotations

from typing import Annotated

import typer

from ..context import app_context
from ._common import JsonOption, group

app = group(
    "Practice projects: features, milestones with acceptance criteria, stretch goals.\n\n"
    "Example: backend-mentor project show blog-todo-api",
    no_args_is_help=False,
)


def project_json(project) -> dict:
    return {name: getattr(project, name) for name in project.__slots__ if name != "source"}


@app.callback(invoke_without_command=True)
def project_root(ctx: typer.Context) -> None:
    """Practice projects (without a subcommand: the list).

    Example: backend-mentor project list
    """
    if ctx.invoked_subcommand is None:
        list_projects(ctx, False)


@app.command("list")
def list_projects(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Every practice project, by level, with the paths that use it.

    Example: backend-mentor project list --json
    """
    from ..output import Output
    from ..render import show_projects
    from ..services import projects_in_paths

    catalog = app_context(ctx).catalog()
    used_by = projects_in_paths(catalog)
    out = Output(json_output)
    if json_output:
        out.json({"projects": [{"id": p.id, "title": p.title, "level": p.level, "summary": p.summary,
                                "paths": used_by.get(p.id, [])} for p in catalog.projects.values()]})  # fmt: skip
        return
    show_projects(out, catalog, used_by)


@app.command("show")
def show(
    ctx: typer.Context,
    project_id: Annotated[str, typer.Argument(help="Project id.")],
    json_output: JsonOption = False,
) -> None:
    """A project: what to build, milestones and their acceptance criteria, stretch goals.

    Example: backend-mentor project show ecommerce-backend
    """
    from ..output import Output
    from ..render import show_project
    from ..services import projects_in_paths

    state = app_context(ctx)
    catalog = state.catalog()
    project = catalog.project(project_id)
    out = Output(json_output)
    if json_output:
        out.json({**project_json(project), "paths": projects_in_paths(catalog).get(project.id, [])})
        return
    show_project(out, catalog, project, state.store().statuses(), state.store().checkpoint_summary())
