"""The curriculum vocabulary, defined once and imported everywhere else."""

from __future__ import annotations

import re
from enum import Enum

SCHEMA_VERSION = 1

LEVELS = ("beginner", "intermediate", "advanced")
TOPIC_LANGUAGES = ("any", "python", "node", "typescript", "go", "java", "php", "csharp", "ruby")
EXAMPLE_LANGUAGES = (
    "python",
    "javascript",
    "typescript",
    "go",
    "java",
    "php",
    "csharp",
    "ruby",
    "sql",
    "bash",
    "http",
    "json",
    "yaml",
    "dockerfile",
    "graphql",
    "protobuf",
    "text",
    "nginx",
    "xml",
    "kotlin",
    "toml",
    "ini",
    "hcl",
    "promql",
)
# The learner's language (the wizard's answer, `--language`) -> example languages, closest first.
# The first entries (PROFILE_EXAMPLE_LANGUAGES) are the learner's own; the rest are the fallbacks
# shown, one of them, when a topic has no example in the learner's language. The one place that
# maps profile languages to example languages.
EXAMPLE_PREFERENCES = {
    "python": ("python", "ruby", "javascript", "typescript", "go", "php", "java", "kotlin", "csharp"),
    "node": ("javascript", "typescript", "python", "go", "java", "php", "csharp", "ruby", "kotlin"),
    "typescript": ("typescript", "javascript", "csharp", "java", "go", "python", "kotlin", "php", "ruby"),
    "go": ("go", "java", "csharp", "python", "typescript", "javascript", "kotlin", "php", "ruby"),
    "java": ("java", "kotlin", "csharp", "go", "typescript", "javascript", "python", "php", "ruby"),
    "php": ("php", "javascript", "python", "ruby", "typescript", "java", "go", "csharp", "kotlin"),
    "csharp": ("csharp", "java", "kotlin", "typescript", "go", "javascript", "python", "php", "ruby"),
    "ruby": ("ruby", "python", "php", "javascript", "typescript", "go", "java", "kotlin", "csharp"),
}
PROFILE_EXAMPLE_LANGUAGES = {
    "python": ("python",),
    "node": ("javascript", "typescript"),
    "typescript": ("typescript", "javascript"),
    "go": ("go",),
    "java": ("java", "kotlin"),
    "php": ("php",),
    "csharp": ("csharp",),
    "ruby": ("ruby",),
}
LANGUAGE_NAMES = {
    "python": "Python",
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "go": "Go",
    "java": "Java",
    "kotlin": "Kotlin",
    "php": "PHP",
    "csharp": "C#",
    "ruby": "Ruby",
    "node": "JavaScript/Node.js",
}
# What `--language` also accepts, for the profile language it means.
LANGUAGE_ALIASES = {
    "javascript": "node",
    "js": "node",
    "nodejs": "node",
    "ts": "typescript",
    "c#": "csharp",
    "py": "python",
    "golang": "go",
}
EXERCISE_TRIED = ("ran", "desk-checked")
# The test-writing checkpoint's languages, and which serves each profile language.
TEST_LANGUAGES = ("python", "node", "go")
TEST_LANGUAGE_FOR_PROFILE = {"python": "python", "node": "node", "typescript": "node", "go": "go"}
SQL_DIALECTS = ("sqlite", "postgres", "mysql", "mariadb", "tsql", "oracle")
# A path's career facts and its key technologies, by level (optional fields, in display order).
CAREER_FIELDS = ("demand", "salary_range", "remote", "time_to_employment", "growth")
TECHNOLOGY_LEVELS = ("essential", "professional", "expert")
RESOURCE_KINDS = ("spec", "docs", "book", "article", "tool", "course", "roadmap")
PATH_KINDS = ("role", "language", "specialization")
PATH_GROUPS = {
    "core": "Core backend roles",
    "specialized": "Specialized backend roles",
    "data": "Data management roles",
    "language": "Language tracks",
    "specialization": "Specialization paths",
}
VERIFIER_KINDS = (
    "http-rest",
    "http-auth",
    "http-cache",
    "http-monitoring",
    "sql-queries",
    "sql-schema",
    "sql-explain",
    "pytest-bugs",
)


class TopicStatus(str, Enum):
    """Where a learner is with a topic; the values are what the store and the JSON output hold."""

    NOT_STARTED = "not-started"
    LEARNING = "learning"
    DONE = "done"
    SKIPPED = "skipped"
    KNOWN = "known"  # shown by a placement check or `learn test-out`; covered like done, but not studied here

    def __str__(self) -> str:  # f-strings and str() give the value on every Python version
        return self.value


TOPIC_STATUSES = tuple(s.value for s in TopicStatus)
# No longer the next lesson.
FINISHED_STATUSES = frozenset({TopicStatus.DONE, TopicStatus.SKIPPED, TopicStatus.KNOWN})
# Counts as learned: path progress, prerequisites.
COVERED_STATUSES = frozenset({TopicStatus.DONE, TopicStatus.KNOWN})

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
URL_PATTERN = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d+)?(/\S*)?$")

# The kinds of entity a curriculum holds and the folder each lives in.
ENTITY_DIRS = {"topic": "topics", "path": "paths", "checkpoint": "checkpoints", "project": "projects"}
