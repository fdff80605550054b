"""The curriculum vocabulary, defined once and imported everywhere else."""

from __future__ import annotations

import re

SCHEMA_VERSION = 1

LEVELS = ("beginner", "intermediate", "advanced")
STAGE_MONTHS = {"beginner": "0-3", "intermediate": "3-6", "advanced": "6-12"}
TOPIC_LANGUAGES = ("any", "python", "node", "typescript", "go", "java", "php", "csharp", "ruby")
EXAMPLE_LANGUAGES = (
    "python", "javascript", "typescript", "go", "java", "php", "csharp", "ruby", "sql", "bash",
    "http", "json", "yaml", "dockerfile", "graphql", "protobuf", "text", "nginx", "xml", "kotlin",
    "toml", "ini", "hcl", "promql",
)  # fmt: skip
EXERCISE_TRIED = ("ran", "desk-checked")
SQL_DIALECTS = ("sqlite", "postgres", "mysql", "mariadb", "tsql", "oracle")
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
    "http-rest", "http-auth", "http-cache", "http-monitoring",
    "sql-queries", "sql-schema", "sql-explain", "pytest-bugs",
)  # fmt: skip
TOPIC_STATUSES = ("not-started", "learning", "done", "skipped")

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
URL_PATTERN = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d+)?(/\S*)?$")

# The kinds of entity a curriculum holds and the folder each lives in.
ENTITY_DIRS = {"topic": "topics", "path": "paths", "checkpoint": "checkpoints", "project": "projects"}
