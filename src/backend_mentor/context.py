"""What every command shares: the extra curriculum directories, the catalog and the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .curriculum.catalog import Catalog
    from .progress.store import Store


@dataclass
class AppContext:
    curriculum_dirs: list[Path] = field(default_factory=list)
    _catalog: Catalog | None = None
    _store: Store | None = None

    def catalog(self) -> Catalog:
        if self._catalog is None:
            from .curriculum.catalog import load_catalog

            self._catalog = load_catalog(self.curriculum_dirs)
        return self._catalog

    def store(self) -> Store:
        if self._store is None:
            from .progress.store import open_store

            self._store = open_store()
        return self._store


def app_context(ctx) -> AppContext:  # ctx: click.Context
    root = ctx.find_root()
    if root.obj is None:
        root.obj = AppContext()
    return root.obj
