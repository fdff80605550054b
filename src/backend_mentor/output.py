"""All printing goes through here: results to stdout, messages and errors to stderr.

Human output is Rich (plain when ``NO_COLOR`` is set or stdout is not a terminal); ``--json``
output is one JSON document with a ``schema_version``, written without Rich so no width or
markup can break it.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

JSON_SCHEMA_VERSION = 1


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    interactive = stream.isatty()
    return Console(
        file=stream,
        no_color=bool(os.environ.get("NO_COLOR")) or not interactive,
        force_terminal=None if interactive else False,
        highlight=False,
        emoji=False,
    )


class Output:
    def __init__(self, json_mode: bool = False):
        self.json_mode = json_mode
        self._out: Console | None = None
        self._err: Console | None = None

    @property
    def console(self) -> Console:
        if self._out is None:
            self._out = _console()
        return self._out

    @property
    def err(self) -> Console:
        if self._err is None:
            self._err = _console(stderr=True)
        return self._err

    def json(self, payload: dict[str, Any]) -> None:
        document = {"schema_version": JSON_SCHEMA_VERSION, **payload}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")

    def print(self, *renderables: Any, **kwargs: Any) -> None:
        self.console.print(*renderables, **kwargs)

    def line(self, text: str = "") -> None:
        """A plain line of text on stdout, no markup interpretation."""
        self.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def message(self, text: str, style: str | None = None) -> None:
        self.err.print(text, style=style, markup=False, highlight=False, soft_wrap=True)

    def hint(self, text: str) -> None:
        self.message(text, style="dim")

    def success(self, text: str) -> None:
        self.message(text, style="green")

    def clear(self) -> None:
        """Clear the screen before a fresh report (only on a terminal: a pipe keeps every run)."""
        if self.console.is_terminal:
            self.console.clear()


def print_error(message: str) -> None:
    """One line on stderr; used by the CLI's single error mapping."""
    color = sys.stderr.isatty() and not os.environ.get("NO_COLOR")
    prefix = "\x1b[31merror:\x1b[0m" if color else "error:"
    sys.stderr.write(f"{prefix} {message}\n")
