"""Long output (guides, lessons, path trees, topic lists) goes through a pager on a terminal.

The output is rendered first; if it is taller than the terminal it is handed to ``$PAGER``
(default ``less -R -S -X``: colours kept, long code lines scroll sideways instead of wrapping,
and the last page stays on screen after quitting, above any prompt that follows), so the
learner starts at the title. Never when stdout is not a terminal, never for ``--json``, and
not with ``--no-pager``, ``BACKEND_MENTOR_NO_PAGER=1`` or ``PAGER=cat``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from .output import Output

NO_PAGER_ENV = "BACKEND_MENTOR_NO_PAGER"
DEFAULT_LESS_FLAGS = ["-R", "-S", "-X"]

NoPagerOption = Annotated[
    bool, typer.Option("--no-pager", help=f"Print long output straight to the terminal (or set {NO_PAGER_ENV}=1).")
]


def pager_command() -> list[str] | None:
    """The pager to run, or None when paging is switched off by the environment."""
    if os.environ.get(NO_PAGER_ENV, "").strip() not in ("", "0"):
        return None
    if os.environ.get("TERM") == "dumb":
        return None
    configured = os.environ.get("PAGER")
    if configured is not None:
        import shlex

        try:
            command = shlex.split(configured)
        except ValueError:
            return None
        if not command or os.path.basename(command[0]) == "cat":
            return None
    else:
        command = ["less"]
    if os.path.basename(command[0]) == "less" and len(command) == 1:
        command += DEFAULT_LESS_FLAGS
    return command


def wanted(out: Output, enabled: bool = True) -> bool:
    return enabled and not out.json_mode and out.console.is_terminal and sys.stdout.isatty() and bool(pager_command())


@contextmanager
def paged(out: Output, enabled: bool = True) -> Iterator[None]:
    """Everything printed to ``out`` inside the block is paged if it is taller than the terminal."""
    if not wanted(out, enabled):
        yield
        return
    console = out.console
    with console.capture() as capture:
        yield
    text = capture.get()
    if text.count("\n") < console.height - 1:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    show(text)


def show(text: str) -> None:
    """Run the pager on ``text``; if it cannot start, print the text instead."""
    import subprocess

    command = pager_command() or ["less", *DEFAULT_LESS_FLAGS]
    env = dict(os.environ)
    if os.path.basename(command[0]) == "less":
        env.setdefault("LESS", "-R")
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, env=env, encoding="utf-8", errors="replace")
    except OSError:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        assert process.stdin is not None
        process.stdin.write(text)
        process.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the learner quit the pager before reading everything
    except KeyboardInterrupt:
        pass  # Ctrl-C belongs to the pager while it runs
    while True:
        try:
            process.wait()
            break
        except KeyboardInterrupt:
            continue
