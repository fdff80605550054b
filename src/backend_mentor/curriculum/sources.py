"""Curriculum sources and their files, without parsing anything (no YAML import here).

The catalog cache needs only this to decide whether it is still valid.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import MentorError
from .schema import ENTITY_DIRS

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class Source:
    """One curriculum directory: the shipped one or an extra pack."""

    root: Path
    shipped: bool = False

    @property
    def label(self) -> str:
        return "shipped curriculum" if self.shipped else f"pack {self.root}"


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return rel if not rel.startswith("..") else str(path)


def source_files(source: Source) -> Iterator[tuple[str, Path]]:
    """(kind, file) for every curriculum file of a source, in a stable order."""
    for kind, path, _ in source_entries(source, signatures=False):
        yield kind, Path(path)


def source_entries(source: Source, signatures: bool = True) -> list[tuple[str, str, str]]:
    """(kind, path, signature) for every curriculum file of a source, in a stable order: what the
    catalog cache's fingerprint is made of. One ``os.scandir`` walk and at most one ``stat`` a file,
    as this runs on every command."""
    root = str(source.root)
    found: list[tuple[str, str, str]] = []
    for special in ("pack", "categories"):
        for suffix in YAML_SUFFIXES:
            candidate = os.path.join(root, f"{special}{suffix}")
            if os.path.lexists(candidate) and not os.path.isdir(candidate):
                found.append((special, candidate, file_signature(Path(candidate)) if signatures else ""))
    for kind, folder in ENTITY_DIRS.items():
        base = os.path.join(root, folder)
        if not os.path.isdir(base):
            continue
        # Everything named *.yaml that is not a folder: a FIFO, a device link or a symlink loop is
        # reported by the loader ("cannot read file"), never skipped silently. Symlinked folders
        # are not followed (as pathlib's rglob did).
        files = sorted(_yaml_files(base), key=lambda path: path.split(os.sep))
        found += [(kind, path, _signature(path) if signatures else "") for path in files]
    return found


def _yaml_files(folder: str) -> Iterator[str]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _yaml_files(entry.path)
        elif entry.name.endswith(YAML_SUFFIXES) and not _is_dir(entry):
            yield entry.path


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # a symlink to a folder is not a file (a symlink loop raises: it is one)
    except OSError:
        return False


def _signature(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError as exc:
        return f"unreadable:{exc.errno}"
    return f"{info.st_mode}\0{info.st_size}\0{info.st_mtime_ns}"


def file_signature(path: Path) -> str:
    """(size, mtime) of a file for the cache fingerprint; what cannot be read still changes it."""
    return _signature(str(path))


def check_source_dir(root: Path) -> None:
    if not root.is_dir():
        raise MentorError(f"curriculum directory not found: {root}")
