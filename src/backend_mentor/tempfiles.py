"""Files written whole or not at all, and the clean-up of what killed runs left behind.

A temporary file is named ``.<target>.<pid>.<random>.tmp`` beside its target, so a later run can
tell a leftover of a dead process (removed) from the file of a run still writing (kept).
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import MentorError

STALE_AFTER_SECONDS = 24 * 3600  # a temporary file this old is stale even if its pid was reused


def temp_prefix(name: str) -> str:
    return f".{name}.{os.getpid()}."


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but belongs to someone else
        return True
    return True


_TEMP_NAME = re.compile(r"\.(?P<target>.+)\.(?P<pid>\d+)\.[a-z0-9_]{8}\.tmp")  # what temp_prefix + mkstemp make


def clean_stale(directory: Path, target: str | None = None) -> list[Path]:
    """Remove our temporary files (``.NAME.PID.xxxxxxxx.tmp``) whose process is gone.

    With ``target`` only those for that file name are considered: a folder of the user's (an
    export's destination) keeps every other file.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TEMP_NAME.fullmatch(entry.name)
        if not match or (target is not None and match["target"] != target):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_SECONDS
            if old or not _pid_alive(int(match["pid"])):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _write_error(path: Path, exc: OSError) -> MentorError:
    reason = exc.strerror or str(exc)
    return MentorError(f"cannot write {path}: {reason}; nothing was written")


@contextmanager
def atomic_writer(path: Path, *, overwrite: bool = True) -> Iterator[IO[str]]:
    """Write to a temporary file beside ``path`` and move it into place only when complete.

    With ``overwrite=False`` an existing ``path`` is never replaced (``FileExistsError``).
    """
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise MentorError(f"cannot write {path}: it is a folder; give a file name (e.g. {path / 'progress.json'})")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        clean_stale(directory, target=path.name)
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=".tmp", dir=directory)
    except OSError as exc:
        raise _write_error(path, exc) from None
    try:
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            if overwrite:
                os.replace(tmp, path)
            else:
                os.link(tmp, path)  # fails when path exists: never overwrites
                os.unlink(tmp)
        except FileExistsError:
            raise
        except OSError as exc:
            raise _write_error(path, exc) from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def write_cache_file(path: Path, write: Callable[[str], object]) -> bool:
    """A disposable file (a cache) written whole or not at all: ``write(temporary_name)`` fills a
    temporary file beside ``path``, which then replaces it. False when the folder or the file cannot
    be written (an ``OSError`` from ``write`` included); nothing is left behind then."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError:
        return False
    try:
        write(tmp_name)
        os.replace(tmp_name, path)
        return True
    except OSError:
        Path(tmp_name).unlink(missing_ok=True)
        return False
