"""`backend-mentor path`."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="(Being built: see the learner CLI issue.)",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback(invoke_without_command=True)
def main(ctx: typer.Context) -> None:
    """(Being built.)"""
    from ..errors import MentorError

    raise MentorError("'path' is not available in this version yet")
