"""``checkpoint verify ID --watch``: run the check again whenever the learner saves, until Ctrl-C.

File-based checkpoints watch the ``--file`` or the files of ``--dir`` (polling their size and
modification time: no extra dependency, works on every file system); server checkpoints re-run
every N seconds, or when the learner presses Enter. A run is recorded as an attempt only when its
outcome differs from the previous run's, so leaving the loop open for an hour does not fill the
history with identical attempts. Everything that waits or reads the clock is injected, so tests
drive the loop without sleeping.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

IGNORED_DIRS = {".git", "__pycache__", "node_modules", ".venv", "venv", ".pytest_cache", ".mypy_cache"}
MAX_WATCHED = 2_000
POLL_SECONDS = 0.5

Snapshot = tuple[tuple[str, int, int], ...]


def snapshot(paths: Iterable[Path]) -> Snapshot:
    """(path, size, mtime_ns) of every watched file; a missing file is part of the picture too."""
    entries: list[tuple[str, int, int]] = []
    for root in paths:
        for path in walk(Path(root)):
            try:
                stat = path.stat()
            except OSError:
                entries.append((str(path), -1, -1))
                continue
            entries.append((str(path), stat.st_size, stat.st_mtime_ns))
            if len(entries) >= MAX_WATCHED:
                return tuple(sorted(entries))
    return tuple(sorted(entries))


def walk(root: Path) -> Iterable[Path]:
    if not root.is_dir():
        yield root
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def fingerprint(checks: Sequence[Any]) -> tuple[tuple[str, str, str], ...]:
    """What makes two runs "the same": every check's name, outcome and message."""
    return tuple((c.name, str(getattr(c, "outcome", c.passed)), c.message) for c in checks)


@dataclass
class Watch:
    """One watch session. ``verify`` runs the check once and returns its checks (or raises the
    tool's own errors, which are shown and waited out like a failed run); ``show`` draws a run;
    ``record`` stores an attempt; ``wait_for_change`` blocks until the next run is due."""

    verify: Callable[[], Sequence[Any]]
    show: Callable[[Sequence[Any] | None, str | None, int], None]
    record: Callable[[Sequence[Any]], None]
    wait_for_change: Callable[[], None]
    recorded: int = 0
    runs: int = 0
    last: tuple[tuple[str, str, str], ...] | None = field(default=None, repr=False)

    def run_once(self) -> None:
        from .errors import MentorError

        self.runs += 1
        try:
            checks = self.verify()
        except MentorError as exc:
            self.show(None, str(exc), self.runs)
            return
        current = fingerprint(checks)
        if current != self.last:
            self.record(checks)
            self.recorded += 1
            self.last = current
        self.show(checks, None, self.runs)

    def loop(self, max_runs: int | None = None) -> None:
        """Run, then wait for a change and run again, until Ctrl-C (or ``max_runs``, for tests)."""
        while True:
            self.run_once()
            if max_runs is not None and self.runs >= max_runs:
                return
            self.wait_for_change()


def file_waiter(
    paths: Sequence[Path],
    sleep: Callable[[float], None],
    interval: float = POLL_SECONDS,
    settle: float = POLL_SECONDS,
) -> Callable[[], None]:
    """Wait until a watched file changes, then a moment more so an editor's save has finished."""
    state = {"seen": snapshot(paths)}

    def wait() -> None:
        while True:
            sleep(interval)
            now = snapshot(paths)
            if now != state["seen"]:
                sleep(settle)
                state["seen"] = snapshot(paths)
                return

    return wait


def timer_waiter(every: float | None, read_line: Callable[[float | None], bool]) -> Callable[[], None]:
    """For servers: wait until the learner presses Enter (``read_line``), or at most ``every`` seconds."""

    def wait() -> None:
        read_line(every)

    return wait


def stdin_line(timeout: float | None) -> bool:
    """True when the learner pressed Enter within ``timeout`` seconds (None: wait for it)."""
    import select
    import sys

    try:
        ready, _, _ = select.select([sys.stdin], [], [], timeout)
    except (OSError, ValueError):
        return False
    if not ready:
        return False
    if not sys.stdin.readline():  # end of input: nobody will press Enter again
        raise KeyboardInterrupt
    return True
