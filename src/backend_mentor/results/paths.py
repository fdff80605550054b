"""Results about paths: progress, overviews, a path's detail and its study plan."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ._fields import FLATTEN, VIEW_ONLY


@dataclass(frozen=True)
class StageProgress:
    level: str
    months: str
    topics: int
    done: int
    known: int
    covered: int
    skipped: int
    hours: float


@dataclass(frozen=True)
class PathProgress:
    """Topics of a path: done, known (placement, test-out), covered (both); and per stage."""

    topics: int
    done: int
    known: int
    covered: int
    percent: int
    stages: tuple[StageProgress, ...]


@dataclass(frozen=True)
class PathSummary:
    """A path's id and title with its progress (the active path in the dashboard and the stats)."""

    id: str
    title: str
    progress: PathProgress = field(metadata=FLATTEN)


@dataclass(frozen=True)
class PathEntry:
    id: str
    title: str
    kind: str
    summary: str
    next: tuple[str, ...]
    progress: PathProgress = field(metadata=FLATTEN)


@dataclass(frozen=True)
class PathGroup:
    group: str
    paths: tuple[PathEntry, ...]


@dataclass(frozen=True)
class PathOverview:
    """``path list``: every path by group with its progress, and the active one."""

    active: str | None
    groups: tuple[PathGroup, ...]


@dataclass(frozen=True)
class PathTopic:
    id: str
    title: str
    hours: float
    status: str


@dataclass(frozen=True)
class PathModule:
    title: str
    topics: tuple[PathTopic, ...]


@dataclass(frozen=True)
class PathStage:
    level: str
    months: str
    title: str
    goals: tuple[str, ...]
    modules: tuple[PathModule, ...]
    projects: tuple[str, ...]
    checkpoints: tuple[str, ...]


@dataclass(frozen=True)
class PathDetail:
    """``path show``: the path with every topic's status, its progress, and the stage you are on."""

    id: str
    title: str
    kind: str
    group: str
    summary: str
    languages: tuple[str, ...]
    frameworks: tuple[str, ...]
    career: Mapping[str, str]
    technologies: Mapping[str, list[str]]
    success_metrics: tuple[str, ...]
    resources: tuple[Mapping[str, str], ...]
    next: tuple[str, ...]
    stages: tuple[PathStage, ...]
    progress: PathProgress
    current_stage: int | None = field(default=None, metadata=VIEW_ONLY)
    passed_checkpoints: frozenset[str] = field(default=frozenset(), metadata=VIEW_ONLY)


@dataclass(frozen=True)
class PathStarted:
    active: str
    progress: PathProgress
    title: str = field(default="", metadata=VIEW_ONLY)


@dataclass(frozen=True)
class PlanTopic:
    id: str
    title: str
    hours: float
    stage: str | None
    continues: bool


@dataclass(frozen=True)
class PlanWeek:
    week: int
    hours: float
    topics: tuple[PlanTopic, ...]


@dataclass(frozen=True)
class Plan:
    """``path plan``: the weeks of study left on a path."""

    path: str
    hours_per_week: float
    weeks: tuple[PlanWeek, ...]
    title: str = field(default="", metadata=VIEW_ONLY)
