"""Each piece of vocabulary is defined once: topic statuses, the finished set, languages, categories."""

from __future__ import annotations

import re
from pathlib import Path

import backend_mentor
from backend_mentor import services
from backend_mentor.curriculum.catalog import load_catalog
from backend_mentor.curriculum.schema import (
    COVERED_STATUSES,
    FINISHED_STATUSES,
    TOPIC_LANGUAGES,
    TOPIC_STATUSES,
    TopicStatus,
)

SRC = Path(backend_mentor.__file__).parent
STATUS_WORDS = "|".join(re.escape(s.value) for s in TopicStatus)
# A status literal used as a status: compared, looked up with a default, or listed in a tuple/set.
AS_STATUS = re.compile(
    rf"""(==|!=|\bin|\.get\([^()]*,)\s*["']({STATUS_WORDS})["']"""
    rf"""|[(\[{{,]\s*["']({STATUS_WORDS})["']\s*,\s*["']({STATUS_WORDS})["']"""
    rf"""|mark_topics\([^)]*["']({STATUS_WORDS})["']\)"""
)
# Where the words may stay: the definition, and migrations (history: their SQL must never change).
ALLOWED = {SRC / "curriculum" / "schema.py", SRC / "progress" / "migrations.py"}


def test_statuses_are_defined_once_and_the_derived_sets_come_from_the_enum():
    assert tuple(s.value for s in TopicStatus) == TOPIC_STATUSES
    assert {"done", "skipped", "known"} == FINISHED_STATUSES
    assert {"done", "known"} == COVERED_STATUSES and COVERED_STATUSES < FINISHED_STATUSES
    assert services.FINISHED is FINISHED_STATUSES and services.COVERED is COVERED_STATUSES
    assert f"{TopicStatus.NOT_STARTED}" == str(TopicStatus.NOT_STARTED) == "not-started"


def test_no_status_literal_is_used_as_a_status_outside_the_schema():
    found = []
    for file in sorted(SRC.rglob("*.py")):
        if file in ALLOWED:
            continue
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if AS_STATUS.search(line) and "verdict" not in line:  # a placement verdict 'known' is not a status
                found.append(f"{file.relative_to(SRC)}:{number}: {line.strip()}")
    assert not found, "use TopicStatus / FINISHED_STATUSES instead of status literals:\n" + "\n".join(found)


def test_the_wizard_offers_exactly_the_profile_languages_with_any_last():
    from backend_mentor.commands.learn import language_menu

    menu = language_menu()
    assert sorted(menu) == sorted(TOPIC_LANGUAGES) and list(menu)[-1] == "any"
    assert all(label.strip() for label in menu.values())


def test_topics_by_category_holds_every_topic_once_in_curriculum_order():
    catalog = load_catalog()
    grouped = catalog.topics_by_category()
    assert list(grouped)[: len(catalog.categories)] == list(catalog.categories)
    ids = [t.id for topics in grouped.values() for t in topics]
    assert sorted(ids) == sorted(catalog.topics) and len(ids) == len(set(ids))
    assert all(t.category == cid for cid, topics in grouped.items() for t in topics)


def test_projects_in_paths_is_a_service_listing_each_path_once():
    catalog = load_catalog()
    used = services.projects_in_paths(catalog)
    for pid, path_ids in used.items():
        assert len(path_ids) == len(set(path_ids))
        assert all(
            pid in stage.projects
            for p in path_ids
            for stage in [s for s in catalog.paths[p].stages if pid in s.projects]
        )
    expected = {pid for path in catalog.paths.values() for stage in path.stages for pid in stage.projects}
    assert set(used) == expected


def test_career_fields_and_technology_levels_come_from_the_schema():
    from backend_mentor.curriculum.schema import CAREER_FIELDS, TECHNOLOGY_LEVELS
    from backend_mentor.curriculum.validate import CAREER_SPEC, TECHNOLOGIES_SPEC
    from backend_mentor.render import CAREER_LABELS

    assert tuple(CAREER_SPEC) == tuple(CAREER_LABELS) == CAREER_FIELDS
    assert tuple(TECHNOLOGIES_SPEC) == TECHNOLOGY_LEVELS
    assert CAREER_LABELS["salary_range"] == "Salary range" and CAREER_LABELS["demand"] == "Market demand"
