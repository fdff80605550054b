"""The no-argument dashboard: where you are and what to run next."""

from __future__ import annotations

from ..context import AppContext


def show_dashboard(state: AppContext, json_output: bool) -> None:
    from .. import services
    from ..output import Output
    from ..render import show_dashboard as view

    Output(json_output).emit(services.dashboard(state.catalog(), state.store()), human=view)
