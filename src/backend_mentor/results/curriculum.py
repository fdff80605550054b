"""Results about projects and the curriculum itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._fields import VIEW_ONLY

if TYPE_CHECKING:
    from ..curriculum.validate import Problem


@dataclass(frozen=True)
class ProjectEntry:
    id: str
    title: str
    level: str
    summary: str
    paths: tuple[str, ...]


@dataclass(frozen=True)
class ProjectList:
    projects: tuple[ProjectEntry, ...]


@dataclass(frozen=True)
class ProjectDetail:
    id: str
    title: str
    level: str
    summary: str
    features: tuple[str, ...]
    milestones: tuple[Mapping[str, list[str] | str], ...]
    stretch: tuple[str, ...]
    topics: tuple[str, ...]
    checkpoints: tuple[str, ...]
    paths: tuple[str, ...]
    statuses: Mapping[str, str] = field(default_factory=dict, metadata=VIEW_ONLY)
    checkpoint_states: Mapping[str, str] = field(default_factory=dict, metadata=VIEW_ONLY)


@dataclass(frozen=True)
class CacheInfo:
    file: str | None
    directory: str
    from_cache: bool
    built_at: str | None
    fingerprint: str


@dataclass(frozen=True)
class CurriculumInfo:
    version: str
    sources: tuple[str, ...]
    counts: Mapping[str, int]
    topics_by_category: Mapping[str, int]
    files: int
    cache: CacheInfo
    database: str
    category_titles: Mapping[str, str] = field(default_factory=dict, metadata=VIEW_ONLY)


@dataclass(frozen=True)
class Validation:
    valid: bool
    files: int
    counts: Mapping[str, int]
    problems: tuple[Problem, ...]
