"""Results about your progress: stats, streaks, the portfolio and the dashboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._fields import OMIT_NONE, VIEW_ONLY

if TYPE_CHECKING:
    from .paths import PathSummary


@dataclass(frozen=True)
class Streak:
    current: int = 0
    longest: int = 0
    days: tuple[str, ...] = ()


@dataclass(frozen=True)
class StreakSummary:
    current: int
    longest: int
    active_days: int


@dataclass(frozen=True)
class TopicCounts:
    done: int
    learning: int
    skipped: int
    known: int
    total: int
    hours_done: float


@dataclass(frozen=True)
class LevelCount:
    topics: int
    done: int


@dataclass(frozen=True)
class CategoryCount:
    title: str
    topics: int
    done: int


@dataclass(frozen=True)
class CheckpointCounts:
    passed: int
    total: int
    attempted: int


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    events: int
    future: bool


@dataclass(frozen=True)
class Stats:
    """``progress``: topic counts, by level and category, the active path, checkpoints, streak, calendar."""

    topics: TopicCounts
    by_level: Mapping[str, LevelCount]
    by_category: Mapping[str, CategoryCount]
    path: PathSummary | None
    checkpoints: CheckpointCounts
    streak: StreakSummary
    calendar: tuple[tuple[CalendarDay, ...], ...]
    unknown_topics: tuple[str, ...]


@dataclass(frozen=True)
class CheckpointSummary:
    """A checkpoint's attempts so far (from the store)."""

    passed: bool
    best: float
    attempts: int
    last: str


@dataclass(frozen=True)
class Portfolio:
    """What the Markdown export shows: the stats, checkpoint summaries, and done topics with their dates."""

    stats: Stats
    checkpoints: Mapping[str, CheckpointSummary]
    completed: Mapping[str, str | None]


@dataclass(frozen=True)
class NextLesson:
    id: str
    title: str
    hours: float = field(default=0.0, metadata=VIEW_ONLY)


@dataclass(frozen=True)
class CatalogSize:
    topics: int
    paths: int
    checkpoints: int


@dataclass(frozen=True)
class Dashboard:
    """The no-argument screen; a new learner's document has no streak, reviews or checkpoints."""

    new_user: bool
    path: PathSummary | None
    next: NextLesson | None
    streak: StreakSummary | None = field(default=None, metadata=OMIT_NONE)
    reviews_due: int | None = field(default=None, metadata=OMIT_NONE)
    checkpoints: CheckpointCounts | None = field(default=None, metadata=OMIT_NONE)
    commands: tuple[str, ...] = ()
    catalog: CatalogSize = field(default=CatalogSize(0, 0, 0), metadata=VIEW_ONLY)


@dataclass(frozen=True)
class ImportResult:
    file: str
    merged: Mapping[str, int]
