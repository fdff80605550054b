"""What the use-cases in ``services`` return: small frozen dataclasses, one per result.

A command hands its result to ``Output.emit``: with ``--json`` it becomes one JSON document
(``output.to_json``: the field names are the keys), otherwise a view in ``render`` draws it from
the same typed fields. Three field markers shape the JSON side:

- ``VIEW_ONLY``: something only the view needs (a title, a count) — not in the document;
- ``OMIT_NONE``: a key that documents leave out while there is nothing to say;
- ``FLATTEN``: a nested result whose keys sit in its parent's object (``{"id", "title", **progress}``).

The documents are a published contract (``tests/test_json_contract.py``): a new field here is a
new key in a document, so mark it ``VIEW_ONLY`` unless the key is meant to be added.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .checkpoints.base import Check
    from .curriculum.models import Topic
    from .curriculum.validate import Problem

VIEW_ONLY = MappingProxyType({"json": False})
OMIT_NONE = MappingProxyType({"omit_none": True})
FLATTEN = MappingProxyType({"flatten": True})

JsonObject = Mapping[str, object]  # free-form data passed through as it is (career facts, a report)


# --- progress on paths ------------------------------------------------------------------------


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


# --- stats and the dashboard ------------------------------------------------------------------


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


# --- lessons, topics and reviews --------------------------------------------------------------


@dataclass(frozen=True)
class TopicView:
    """A topic with the learner's status (``mentor`` and ``learn``)."""

    topic: Topic = field(metadata=FLATTEN)
    status: str = ""


@dataclass(frozen=True)
class FinishedStage:
    """A stage whose topics are all done or skipped but whose checkpoints are not all passed."""

    level: str
    projects: tuple[str, ...]
    checkpoints: tuple[str, ...]


@dataclass(frozen=True)
class Lesson:
    """``learn``: the lesson to study now and what to do before it."""

    path: str | None
    topic: TopicView
    missing_prerequisites: tuple[str, ...]
    stages_to_prove: tuple[FinishedStage, ...]
    reviews_due: int


@dataclass(frozen=True)
class PathFinished:
    """``learn`` on a path with no topic left."""

    path: str
    topic: None
    finished: bool
    next_paths: tuple[str, ...]
    title: str = field(default="", metadata=VIEW_ONLY)


@dataclass(frozen=True)
class NextStep:
    """After marking topics: the next lesson, or the path that was just finished."""

    topic: NextLesson | None
    finished_path: str | None


@dataclass(frozen=True)
class Marked:
    """``learn done`` / ``learn skip``."""

    status: str
    topics: tuple[str, ...]
    next_step: NextStep | None = field(default=None, metadata=VIEW_ONLY)


@dataclass(frozen=True)
class TopicBrief:
    id: str
    title: str
    level: str
    status: str


@dataclass(frozen=True)
class CategoryTopics:
    id: str
    title: str
    topics: tuple[TopicBrief, ...]


@dataclass(frozen=True)
class Categories:
    """``mentor`` without a query: every category with its topics and your status."""

    categories: tuple[CategoryTopics, ...]


@dataclass(frozen=True)
class SearchHit:
    id: str
    title: str
    score: float
    exact: bool


@dataclass(frozen=True)
class TopicRef:
    id: str
    title: str


@dataclass(frozen=True)
class Answer:
    """``mentor QUERY``: the matching topic (None when no single one is clear) and the close matches."""

    query: str
    match: TopicView | None
    results: tuple[SearchHit, ...]
    corrected: Mapping[str, str]
    clear: bool
    missing_prerequisites: tuple[TopicRef, ...] | None = field(default=None, metadata=OMIT_NONE)


@dataclass(frozen=True)
class QuizResult:
    topic: str
    questions: int
    correct: int


@dataclass(frozen=True)
class GradedAnswer:
    card: JsonObject
    correct: bool


@dataclass(frozen=True)
class DueReview:
    card_id: str
    topic: str
    due: str
    question: int = field(default=0, metadata=VIEW_ONLY)


@dataclass(frozen=True)
class ReviewQueue:
    """``review``: how many cards you have, and the ones due now (oldest first)."""

    cards: int
    due: tuple[DueReview, ...]
    next_due: str | None = field(default=None, metadata=VIEW_ONLY)


# --- checkpoints ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointRow:
    id: str
    title: str
    kind: str
    automatic: bool
    status: str
    passed: bool
    best_score: float | None
    attempts: int
    last_attempt: str | None


@dataclass(frozen=True)
class CheckpointList:
    checkpoints: tuple[CheckpointRow, ...]


@dataclass(frozen=True)
class Attempt:
    """One recorded checkpoint attempt (a verifier run, or a manual completion with evidence)."""

    id: int
    checkpoint_id: str
    at: str
    passed: bool
    score: float
    manual: bool
    evidence: str | None
    report: JsonObject
    uid: str


@dataclass(frozen=True)
class CheckpointDetail:
    id: str
    title: str
    summary: str
    kind: str
    topics: tuple[str, ...]
    instructions: str
    attempts: tuple[Attempt, ...]
    study: tuple[str, ...] = field(default=(), metadata=VIEW_ONLY)  # its topics that are in the curriculum
    checks: tuple[tuple[str, str], ...] = field(default=(), metadata=VIEW_ONLY)  # (name, hint topic) its verifier runs


@dataclass(frozen=True)
class StarterFiles:
    directory: str
    written: tuple[str, ...]
    kept: tuple[str, ...]
    language: str | None = field(default=None, metadata=OMIT_NONE)
    checkpoint: str = field(default="", metadata=VIEW_ONLY)


@dataclass(frozen=True)
class VerifyResult:
    """A verifier run: the verdict of its checks, and the checks."""

    checkpoint: str
    passed: bool
    score: float
    counts: Mapping[str, int]
    language: str | None = field(default=None, metadata=OMIT_NONE)
    engine: str | None = field(default=None, metadata=OMIT_NONE)
    checks: tuple[Check, ...] = ()  # each written with its own to_dict
    title: str = field(default="", metadata=VIEW_ONLY)
    kind: str = field(default="", metadata=VIEW_ONLY)


@dataclass(frozen=True)
class ManualCompletion:
    checkpoint: str
    passed: bool
    manual: bool
    evidence: str


# --- projects and the curriculum --------------------------------------------------------------


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
