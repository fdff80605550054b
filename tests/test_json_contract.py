"""Every command's ``--json`` document keeps its keys: scripts depend on them.

Each command runs on a small prepared home (a path started, topics done and skipped, a checkpoint
passed by hand, a review card due) and the keys of its document are compared with the contract
below: top-level keys, the keys of nested objects, and (as ``name[].key``) the keys of list items.
Renaming or removing a key fails here; adding one means adding it to the contract on purpose.
Maps keyed by data (category ids) are pinned by the shape of their values (``name.*.key``); free
objects (event data, reports, career facts, technologies, search corrections) only by their name.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

EXPORT = "{export}"
OPAQUE = {"data", "report", "career", "technologies", "topics_by_category", "corrected"}
KEYED = {"by_category"}


def shape(value: Any, prefix: str = "") -> set[str]:
    """The dotted key paths of a JSON document (``a.b``, ``a[].c``, ``by_category.*.done``)."""
    keys: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{prefix}{key}"
            keys.add(name)
            if key in OPAQUE:
                continue
            if key in KEYED and isinstance(item, dict):
                for inner in item.values():
                    keys |= shape(inner, f"{name}.*.")
                continue
            keys |= shape(item, name + ".")
    elif isinstance(value, list):
        for item in value:
            keys |= shape(item, prefix.rstrip(".") + "[].")
    return keys


def progress_keys(prefix: str) -> set[str]:
    """A path's progress and its stages' progress, under ``prefix`` (the same shape everywhere)."""
    stage = ("covered", "done", "hours", "known", "level", "months", "skipped", "topics")
    return {
        prefix,
        *(f"{prefix}.{key}" for key in ("covered", "done", "known", "percent", "stages", "topics")),
        *(f"{prefix}.stages[].{key}" for key in stage),
    }


# The active path's progress, in the dashboard and in `progress` alike.
PATH_PROGRESS = {"path.id", "path.title", *progress_keys("path")}

CONTRACTS: dict[tuple[str, ...], set[str]] = {
    ("--json",): {
        "checkpoints",
        "checkpoints.attempted",
        "checkpoints.passed",
        "checkpoints.total",
        "commands",
        "new_user",
        "next",
        "next.id",
        "next.title",
        *PATH_PROGRESS,
        "reviews_due",
        "streak",
        "streak.active_days",
        "streak.current",
        "streak.longest",
    },
    ("learn", "--json"): {
        "missing_prerequisites",
        "path",
        "reviews_due",
        "stages_to_prove",
        "topic",
        "topic.aliases",
        "topic.category",
        "topic.examples",
        "topic.exercise",
        "topic.exercise.done_when",
        "topic.exercise.steps",
        "topic.exercise.title",
        "topic.hours",
        "topic.id",
        "topic.key_points",
        "topic.languages",
        "topic.lesson",
        "topic.level",
        "topic.pitfalls",
        "topic.prerequisites",
        "topic.quiz",
        "topic.quiz[].answer",
        "topic.quiz[].choices",
        "topic.quiz[].q",
        "topic.quiz[].why",
        "topic.related",
        "topic.resources",
        "topic.resources[].kind",
        "topic.resources[].title",
        "topic.resources[].url",
        "topic.source",
        "topic.status",
        "topic.summary",
        "topic.title",
    },
    ("mentor", "--json"): {
        "categories",
        "categories[].id",
        "categories[].title",
        "categories[].topics",
        "categories[].topics[].id",
        "categories[].topics[].level",
        "categories[].topics[].status",
        "categories[].topics[].title",
    },
    ("mentor", "jwt", "--json"): {
        "clear",
        "corrected",
        "match",
        "match.aliases",
        "match.category",
        "match.examples",
        "match.exercise",
        "match.exercise.done_when",
        "match.exercise.steps",
        "match.exercise.title",
        "match.hours",
        "match.id",
        "match.key_points",
        "match.languages",
        "match.lesson",
        "match.level",
        "match.pitfalls",
        "match.prerequisites",
        "match.quiz",
        "match.quiz[].answer",
        "match.quiz[].choices",
        "match.quiz[].q",
        "match.quiz[].why",
        "match.related",
        "match.resources",
        "match.resources[].kind",
        "match.resources[].title",
        "match.resources[].url",
        "match.source",
        "match.status",
        "match.summary",
        "match.title",
        "missing_prerequisites",
        "missing_prerequisites[].id",
        "missing_prerequisites[].title",
        "query",
        "results",
        "results[].exact",
        "results[].id",
        "results[].score",
        "results[].title",
    },
    ("path", "list", "--json"): {
        "active",
        "groups",
        "groups[].group",
        "groups[].paths",
        "groups[].paths[].covered",
        "groups[].paths[].done",
        "groups[].paths[].id",
        "groups[].paths[].kind",
        "groups[].paths[].known",
        "groups[].paths[].next",
        "groups[].paths[].percent",
        "groups[].paths[].stages",
        "groups[].paths[].stages[].covered",
        "groups[].paths[].stages[].done",
        "groups[].paths[].stages[].hours",
        "groups[].paths[].stages[].known",
        "groups[].paths[].stages[].level",
        "groups[].paths[].stages[].months",
        "groups[].paths[].stages[].skipped",
        "groups[].paths[].stages[].topics",
        "groups[].paths[].summary",
        "groups[].paths[].title",
        "groups[].paths[].topics",
    },
    ("path", "show", "--json"): {
        "career",
        "frameworks",
        "group",
        "id",
        "kind",
        "languages",
        "next",
        *progress_keys("progress"),
        "resources",
        "resources[].kind",
        "resources[].title",
        "resources[].url",
        "stages",
        "stages[].checkpoints",
        "stages[].goals",
        "stages[].level",
        "stages[].modules",
        "stages[].modules[].title",
        "stages[].modules[].topics",
        "stages[].modules[].topics[].hours",
        "stages[].modules[].topics[].id",
        "stages[].modules[].topics[].status",
        "stages[].modules[].topics[].title",
        "stages[].months",
        "stages[].projects",
        "stages[].title",
        "success_metrics",
        "summary",
        "technologies",
        "title",
    },
    ("path", "plan", "--json"): {
        "hours_per_week",
        "path",
        "weeks",
        "weeks[].hours",
        "weeks[].topics",
        "weeks[].topics[].continues",
        "weeks[].topics[].hours",
        "weeks[].topics[].id",
        "weeks[].topics[].stage",
        "weeks[].topics[].title",
        "weeks[].week",
    },
    ("checkpoint", "list", "--json"): {
        "checkpoints",
        "checkpoints[].attempts",
        "checkpoints[].automatic",
        "checkpoints[].best_score",
        "checkpoints[].id",
        "checkpoints[].kind",
        "checkpoints[].last_attempt",
        "checkpoints[].passed",
        "checkpoints[].status",
        "checkpoints[].title",
    },
    ("checkpoint", "show", "rest-check", "--json"): {
        "attempts",
        "attempts[].at",
        "attempts[].checkpoint_id",
        "attempts[].evidence",
        "attempts[].id",
        "attempts[].manual",
        "attempts[].passed",
        "attempts[].report",
        "attempts[].score",
        "attempts[].uid",
        "id",
        "instructions",
        "kind",
        "summary",
        "title",
        "topics",
    },
    ("progress", "--json"): {
        "by_category",
        "by_category.*.done",
        "by_category.*.title",
        "by_category.*.topics",
        "by_level",
        "by_level.advanced",
        "by_level.advanced.done",
        "by_level.advanced.topics",
        "by_level.beginner",
        "by_level.beginner.done",
        "by_level.beginner.topics",
        "by_level.intermediate",
        "by_level.intermediate.done",
        "by_level.intermediate.topics",
        "calendar",
        "calendar[][].date",
        "calendar[][].events",
        "calendar[][].future",
        "checkpoints",
        "checkpoints.attempted",
        "checkpoints.passed",
        "checkpoints.total",
        *PATH_PROGRESS,
        "streak",
        "streak.active_days",
        "streak.current",
        "streak.longest",
        "topics",
        "topics.done",
        "topics.hours_done",
        "topics.known",
        "topics.learning",
        "topics.skipped",
        "topics.total",
        "unknown_topics",
    },
    ("progress", "export", "--format", "json"): {
        "answers",
        "answers[].at",
        "answers[].card_id",
        "answers[].correct",
        "answers[].picked",
        "answers[].question",
        "answers[].rating",
        "answers[].shown",
        "answers[].source",
        "answers[].topic_id",
        "answers[].uid",
        "attempts",
        "attempts[].at",
        "attempts[].checkpoint_id",
        "attempts[].evidence",
        "attempts[].manual",
        "attempts[].passed",
        "attempts[].report",
        "attempts[].score",
        "attempts[].uid",
        "events",
        "events[].at",
        "events[].data",
        "events[].kind",
        "events[].subject",
        "events[].uid",
        "kind",
        "profile",
        "profile.active_path",
        "profile.created_at",
        "profile.experience",
        "profile.goal",
        "profile.hours_per_week",
        "profile.language",
        "profile.updated_at",
        "review_cards",
        "review_cards[].card_id",
        "review_cards[].difficulty",
        "review_cards[].due",
        "review_cards[].lapses",
        "review_cards[].last_review",
        "review_cards[].question",
        "review_cards[].reps",
        "review_cards[].stability",
        "review_cards[].state",
        "review_cards[].step",
        "review_cards[].topic_id",
        "topics",
        "topics[].completed_at",
        "topics[].started_at",
        "topics[].status",
        "topics[].topic_id",
        "topics[].updated_at",
    },
    ("review", "--json"): {
        "cards",
        "due",
        "due[].card_id",
        "due[].due",
        "due[].topic",
    },
    ("curriculum", "info", "--json"): {
        "cache",
        "cache.built_at",
        "cache.directory",
        "cache.file",
        "cache.fingerprint",
        "cache.from_cache",
        "counts",
        "counts.categories",
        "counts.checkpoints",
        "counts.paths",
        "counts.projects",
        "counts.topics",
        "database",
        "files",
        "sources",
        "topics_by_category",
        "version",
    },
    ("project", "list", "--json"): {
        "projects",
        "projects[].id",
        "projects[].level",
        "projects[].paths",
        "projects[].summary",
        "projects[].title",
    },
    ("project", "show", "todo-api", "--json"): {
        "checkpoints",
        "features",
        "id",
        "level",
        "milestones",
        "milestones[].acceptance",
        "milestones[].title",
        "paths",
        "stretch",
        "summary",
        "title",
        "topics",
    },
    ("curriculum", "validate", "--json"): {
        "counts",
        "counts.checkpoint",
        "counts.path",
        "counts.project",
        "counts.topic",
        "files",
        "problems",
        "valid",
    },
    ("progress", "import", EXPORT, "--json"): {
        "file",
        "merged",
        "merged.answers_added",
        "merged.attempts_added",
        "merged.cards_added",
        "merged.cards_updated",
        "merged.events_added",
        "merged.profile",
        "merged.topics_added",
        "merged.topics_updated",
    },
    ("path", "start", "backend-developer", "--json"): {
        "active",
        *progress_keys("progress"),
    },
    ("learn", "done", "jwt", "--json"): {
        "status",
        "topics",
    },
}


@pytest.fixture
def home(invoke, mini, monkeypatch, tmp_path):
    """A learner three days in: a path, a topic done, one skipped, a checkpoint passed, a card due."""
    from backend_mentor import services
    from backend_mentor.curriculum.catalog import load_catalog
    from backend_mentor.progress.store import open_store

    for day, args in (
        ("2026-03-01", ("learn", "--path", "backend-developer", "--yes", "--json")),
        ("2026-03-01", ("learn", "done", "http-basics")),
        ("2026-03-02", ("learn", "skip", "kafka")),
        ("2026-03-03", ("checkpoint", "done", "rest-check", "--evidence", "repo link")),
    ):
        monkeypatch.setenv("BACKEND_MENTOR_NOW", f"{day}T12:00:00+00:00")
        assert invoke(*args).exit_code == 0
    store = open_store()
    try:
        services.grade_answers(store, load_catalog().topics["jwt"], [(0, 99, None)], "quiz")  # a wrong answer
    finally:
        store.close()
    export = tmp_path / "export.json"
    assert invoke("progress", "export", "-o", str(export)).exit_code == 0
    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-03-10T12:00:00+00:00")
    return export


@pytest.mark.parametrize("command", list(CONTRACTS), ids=lambda c: " ".join(c).replace(EXPORT, "FILE"))
def test_each_json_document_keeps_its_keys(invoke, home, command):
    args = [str(home) if a == EXPORT else a for a in command]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    keys = shape(document) - {"schema_version"}
    expected = CONTRACTS[command]
    assert keys == expected, f"missing: {sorted(expected - keys)}; not in the contract: {sorted(keys - expected)}"


def test_the_contract_is_checked_on_documents_that_fill_their_lists(invoke, home):
    """The prepared home makes the lists the contract pins non-empty (else their item keys go unchecked)."""
    assert json.loads(invoke("review", "--json").stdout)["due"]
    assert json.loads(invoke("path", "plan", "--json").stdout)["weeks"]
    assert json.loads(invoke("checkpoint", "show", "rest-check", "--json").stdout)["attempts"]
    exported = json.loads(invoke("progress", "export", "--format", "json").stdout)
    assert all(exported[section] for section in ("topics", "attempts", "review_cards", "events", "answers"))


def test_shape_names_nested_and_list_keys():
    doc = {"a": {"b": 1}, "c": [{"d": 1}, {"e": [{"f": 1}]}], "by_category": {"x": {"done": 1}}, "data": {"z": 1}}
    assert shape(doc) == {"a", "a.b", "c", "c[].d", "c[].e", "c[].e[].f", "by_category", "by_category.*.done", "data"}


def test_a_renamed_key_fails_the_contract(invoke, home, monkeypatch):
    """The check bites: a command whose document renames a key no longer matches."""
    import backend_mentor.output as output

    real = output.Output.json

    def renaming(self, payload):
        real(self, {("reviews" if k == "reviews_due" else k): v for k, v in payload.items()})

    monkeypatch.setattr(output.Output, "json", renaming)
    keys = shape(json.loads(invoke("--json").stdout)) - {"schema_version"}
    assert keys != CONTRACTS[("--json",)] and "reviews_due" in CONTRACTS[("--json",)] - keys
