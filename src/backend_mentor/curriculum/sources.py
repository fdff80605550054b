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
    root = source.root
    for special in ("pack", "categories"):
        for suffix in YAML_SUFFIXES:
            candidate = root / f"{special}{suffix}"
            if os.path.lexists(candidate) and not candidate.is_dir():
                yield special, candidate
    for kind, folder in ENTITY_DIRS.items():
        base = root / folder
        if not base.is_dir():
            continue
        # Everything named *.yaml that is not a folder: a FIFO, a device link or a symlink loop is
        # reported by the loader ("cannot read file"), never skipped silently.
        found = [p for p in base.rglob("*") if p.suffix in YAML_SUFFIXES and not p.is_dir()]
        for path in sorted(found):
            yield kind, path


def file_signature(path: Path) -> str:
    """(size, mtime) of a file for the cache fingerprint; what cannot be read still changes it."""
    try:
        info = path.stat()
    except OSError as exc:
        return f"unreadable:{exc.errno}"
    return f"{info.st_mode}\0{info.st_size}\0{info.st_mtime_ns}"


def check_source_dir(root: Path) -> None:
    if not root.is_dir():
        raise MentorError(f"curriculum directory not found: {root}")
