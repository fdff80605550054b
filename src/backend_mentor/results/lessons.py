"""Results of learning: lessons, finished stages, marks, topic lists, quizzes and reviews."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._fields import VIEW_ONLY, JsonObject

if TYPE_CHECKING:
    from .answers import TopicView
    from .stats import NextLesson


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
