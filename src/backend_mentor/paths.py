"""Where things live: user data, the cache, and curriculum sources."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "backend-mentor"
HOME_ENV = "BACKEND_MENTOR_HOME"
CURRICULUM_PATH_ENV = "BACKEND_MENTOR_CURRICULUM_PATH"
CACHE_ENV = "BACKEND_MENTOR_CACHE_DIR"


def data_dir() -> Path:
    """The user data directory; ``BACKEND_MENTOR_HOME`` overrides it (tests and scripts use it)."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser()
    import platformdirs

    return platformdirs.user_data_path(APP_NAME)


def cache_dir() -> Path:
    """The compiled-catalog cache; ``BACKEND_MENTOR_CACHE_DIR`` or ``BACKEND_MENTOR_HOME`` override it."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser() / "cache"
    import platformdirs

    return platformdirs.user_cache_path(APP_NAME)


def database_path() -> Path:
    return data_dir() / "progress.db"


def shipped_curriculum_dir() -> Path:
    """The curriculum shipped with the package.

    In a wheel it is packaged as ``backend_mentor/curriculum_data``; in an editable install or a
    checkout that folder does not exist and the repository's top-level ``curriculum/`` is used.
    """
    package_dir = Path(__file__).resolve().parent
    packaged = package_dir / "curriculum_data"
    if (packaged / "categories.yaml").is_file():
        return packaged
    checkout = package_dir.parent.parent / "curriculum"
    if (checkout / "categories.yaml").is_file():
        return checkout
    from .errors import MentorError

    raise MentorError(f"the shipped curriculum is missing (looked in {packaged} and {checkout}); reinstall the package")


def extra_curriculum_dirs(cli_dirs: list[Path] | None = None) -> list[Path]:
    """Extra packs: ``BACKEND_MENTOR_CURRICULUM_PATH`` (os.pathsep separated), then ``--curriculum``."""
    dirs = [Path(p).expanduser() for p in os.environ.get(CURRICULUM_PATH_ENV, "").split(os.pathsep) if p.strip()]
    dirs += list(cli_dirs or [])
    return dirs
