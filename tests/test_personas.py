"""Three learners through the wizard, and the rules that make the mentor fit each of them.

Paths are closed under prerequisites: no learner is ever told to study first a topic the path
does not teach.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import topic_yaml

from backend_mentor.curriculum.loader import load_sources
from backend_mentor.curriculum.sources import Source

CLOSURE_PATH = """
id: starter
title: Starter
kind: role
group: core
summary: s
stages:
  - level: beginner
    months: 0-3
    goals: [g]
    modules:
      - {title: First, topics: [beta]}
  - level: intermediate
    months: 3-6
    goals: [g]
    modules:
      - {title: Second, topics: [alpha, gamma]}
"""


def problems_of(root: Path) -> list[str]:
    return [f"{Path(p.file).name}:{p.line}: {p.message}" for p in load_sources([Source(root)]).problems]


def closure_pack(make_pack, path_text: str) -> Path:
    topics = {"alpha": topic_yaml("alpha"), "beta": topic_yaml("beta", prerequisites="[alpha]"),
              "gamma": topic_yaml("gamma", prerequisites="[beta, delta]"), "delta": topic_yaml("delta")}  # fmt: skip
    return make_pack(topics=topics, files={"paths/starter.yaml": path_text}, categories=True)


def test_a_path_that_teaches_a_prerequisite_too_late_or_never_fails_with_file_and_line(make_pack):
    found = problems_of(closure_pack(make_pack, CLOSURE_PATH))
    assert found == [
        "starter.yaml:11: path 'starter' teaches 'beta' (stage beginner) but its prerequisite 'alpha' comes only "
        "in a later stage; add 'alpha' to this stage or an earlier one",
        "starter.yaml:16: path 'starter' teaches 'gamma' (stage intermediate) but its prerequisite 'delta' is not "
        "on the path; add 'delta' to this stage or an earlier one",
    ]


def test_a_prerequisite_in_the_same_stage_or_earlier_is_fine(make_pack):
    text = CLOSURE_PATH.replace("topics: [beta]}", "topics: [beta, alpha, delta]}")
    assert problems_of(closure_pack(make_pack, text)) == []


def test_walking_any_shipped_path_never_meets_a_missing_prerequisite():
    """Like a learner who does every lesson `learn` gives them, on every shipped path."""
    from backend_mentor import services
    from backend_mentor.curriculum.catalog import load_catalog

    catalog = load_catalog()
    for path in catalog.paths.values():
        statuses: dict[str, str] = {}
        seen = 0
        while (topic := services.next_topic(catalog, path, statuses)) is not None:
            assert services.missing_prerequisites(catalog, topic, statuses) == [], (path.id, topic.id)
            statuses[topic.id] = "done"
            seen += 1
        assert seen == len(path.topic_ids)


@pytest.mark.parametrize("track", ["node-track", "typescript-track", "python-track", "go-track", "java-track",
                                   "php-track", "csharp-track", "ruby-track"])  # fmt: skip
def test_language_tracks_start_with_git_and_the_language(track):
    from backend_mentor.curriculum.catalog import load_catalog

    fundamentals = {"node": "nodejs", "typescript": "nodejs", "python": "python-backend", "go": "go-basics",
                    "java": "java-backend", "php": "php-backend", "csharp": "csharp-aspnet-core", "ruby": "ruby-rails"}
    path = load_catalog().paths[track]
    first_stage = path.stages[0].topic_ids
    assert "git" in first_stage and fundamentals[path.languages[0]] in first_stage
