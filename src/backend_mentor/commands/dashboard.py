"""The no-argument dashboard."""

from __future__ import annotations


def show_dashboard(state, json_output: bool) -> None:
    from ..output import Output

    Output().message("backend-mentor: run 'backend-mentor --help' to see the commands")
