"""`backend-mentor project`: the practice projects — what to build, milestone by milestone."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import typer

from ..context import app_context
from ._common import JsonOption, group

app = group(
    "Practice projects: features, milestones with acceptance criteria, stretch goals.\n\n"
    "Example: backend-mentor project show blog-todo-api",
    no_args_is_help=False,
)


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
    from .. import services
    from ..output import Output
    from ..render import show_projects

    Output(json_output).emit(services.project_list(app_context(ctx).catalog()), human=show_projects)


@app.command("show")
def show(
    ctx: typer.Context,
    project_id: Annotated[str, typer.Argument(help="Project id.")],
    json_output: JsonOption = False,
) -> None:
    """A project: what to build, milestones and their acceptance criteria, stretch goals.

    Example: backend-mentor project show ecommerce-backend
    """
    from .. import services
    from ..output import Output
    from ..render import show_project

    state = app_context(ctx)
    catalog = state.catalog()
    detail = services.project_detail(catalog, state.store(), project_id)
    Output(json_output).emit(detail, human=partial(show_project, catalog=catalog))
