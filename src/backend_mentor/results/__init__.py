"""What the use-cases in ``services`` return: small frozen dataclasses, one per result.

A command hands its result to ``Output.emit``: with ``--json`` it becomes one JSON document
(``output.to_json``: the field names are the keys), otherwise a view in ``render`` draws it from
the same typed fields. Three field markers shape the JSON side:

- ``VIEW_ONLY``: something only the view needs (a title, a count) — not in the document;
- ``OMIT_NONE``: a key that documents leave out while there is nothing to say;
- ``FLATTEN``: a nested result whose keys sit in its parent's object (``{"id", "title", **progress}``).

The documents are a published contract (``tests/test_json_contract.py``): a new field here is a
new key in a document, so mark it ``VIEW_ONLY`` unless the key is meant to be added.

Each result lives in a module of its area (``paths``, ``stats``, ``answers``, ``lessons``,
``checkpoints``, ``curriculum``), imported only when one of its results is first used: creating a
frozen dataclass costs as much as a small import, and a command needs the few of its own area
(``mentor`` loads ``answers`` alone). ``from backend_mentor.results import Answer`` works as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._fields import FLATTEN, OMIT_NONE, VIEW_ONLY, JsonObject

if TYPE_CHECKING:
    from .answers import (
        Answer,
        SearchHit,
        TopicRef,
        TopicView,
    )
    from .checkpoints import (
        Attempt,
        CheckpointDetail,
        CheckpointList,
        CheckpointRow,
        ManualCompletion,
        StarterFiles,
        VerifyResult,
    )
    from .curriculum import (
        CacheInfo,
        CurriculumInfo,
        ProjectDetail,
        ProjectEntry,
        ProjectList,
        Validation,
    )
    from .lessons import (
        Categories,
        CategoryTopics,
        DueReview,
        FinishedStage,
        GradedAnswer,
        Lesson,
        Marked,
        NextStep,
        PathFinished,
        QuizResult,
        ReviewQueue,
        TopicBrief,
    )
    from .paths import (
        PathDetail,
        PathEntry,
        PathGroup,
        PathModule,
        PathOverview,
        PathProgress,
        PathStage,
        PathStarted,
        PathSummary,
        PathTopic,
        Plan,
        PlanTopic,
        PlanWeek,
        StageProgress,
    )
    from .stats import (
        CalendarDay,
        CatalogSize,
        CategoryCount,
        CheckpointCounts,
        CheckpointSummary,
        Dashboard,
        ImportResult,
        LevelCount,
        NextLesson,
        Portfolio,
        Stats,
        Streak,
        StreakSummary,
        TopicCounts,
    )

MODULES = {
    "StageProgress": "paths",
    "PathProgress": "paths",
    "PathSummary": "paths",
    "PathEntry": "paths",
    "PathGroup": "paths",
    "PathOverview": "paths",
    "PathTopic": "paths",
    "PathModule": "paths",
    "PathStage": "paths",
    "PathDetail": "paths",
    "PathStarted": "paths",
    "PlanTopic": "paths",
    "PlanWeek": "paths",
    "Plan": "paths",
    "Streak": "stats",
    "StreakSummary": "stats",
    "TopicCounts": "stats",
    "LevelCount": "stats",
    "CategoryCount": "stats",
    "CheckpointCounts": "stats",
    "CalendarDay": "stats",
    "Stats": "stats",
    "CheckpointSummary": "stats",
    "Portfolio": "stats",
    "NextLesson": "stats",
    "CatalogSize": "stats",
    "Dashboard": "stats",
    "ImportResult": "stats",
    "TopicView": "answers",
    "SearchHit": "answers",
    "TopicRef": "answers",
    "Answer": "answers",
    "FinishedStage": "lessons",
    "Lesson": "lessons",
    "PathFinished": "lessons",
    "NextStep": "lessons",
    "Marked": "lessons",
    "TopicBrief": "lessons",
    "CategoryTopics": "lessons",
    "Categories": "lessons",
    "QuizResult": "lessons",
    "GradedAnswer": "lessons",
    "DueReview": "lessons",
    "ReviewQueue": "lessons",
    "CheckpointRow": "checkpoints",
    "CheckpointList": "checkpoints",
    "Attempt": "checkpoints",
    "CheckpointDetail": "checkpoints",
    "StarterFiles": "checkpoints",
    "VerifyResult": "checkpoints",
    "ManualCompletion": "checkpoints",
    "ProjectEntry": "curriculum",
    "ProjectList": "curriculum",
    "ProjectDetail": "curriculum",
    "CacheInfo": "curriculum",
    "CurriculumInfo": "curriculum",
    "Validation": "curriculum",
}

__all__ = [
    "FLATTEN",
    "OMIT_NONE",
    "VIEW_ONLY",
    "JsonObject",
    "StageProgress",
    "PathProgress",
    "PathSummary",
    "PathEntry",
    "PathGroup",
    "PathOverview",
    "PathTopic",
    "PathModule",
    "PathStage",
    "PathDetail",
    "PathStarted",
    "PlanTopic",
    "PlanWeek",
    "Plan",
    "Streak",
    "StreakSummary",
    "TopicCounts",
    "LevelCount",
    "CategoryCount",
    "CheckpointCounts",
    "CalendarDay",
    "Stats",
    "CheckpointSummary",
    "Portfolio",
    "NextLesson",
    "CatalogSize",
    "Dashboard",
    "ImportResult",
    "TopicView",
    "SearchHit",
    "TopicRef",
    "Answer",
    "FinishedStage",
    "Lesson",
    "PathFinished",
    "NextStep",
    "Marked",
    "TopicBrief",
    "CategoryTopics",
    "Categories",
    "QuizResult",
    "GradedAnswer",
    "DueReview",
    "ReviewQueue",
    "CheckpointRow",
    "CheckpointList",
    "Attempt",
    "CheckpointDetail",
    "StarterFiles",
    "VerifyResult",
    "ManualCompletion",
    "ProjectEntry",
    "ProjectList",
    "ProjectDetail",
    "CacheInfo",
    "CurriculumInfo",
    "Validation",
]


def __getattr__(name: str) -> Any:
    """A result class, loading the module of its area on first use."""
    area = MODULES.get(name)
    if area is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{area}"), name)
    globals()[name] = value
    return value
