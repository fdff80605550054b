"""`path list | show | start | plan`."""

from __future__ import annotations

import json


def test_list_groups_paths_and_marks_the_active_one(invoke, mini):
    invoke("path", "start", "python-developer")
    doc = json.loads(invoke("path", "list", "--json").stdout)
    assert doc["active"] == "python-developer"
    assert [g["group"] for g in doc["groups"]] == ["core", "language"]
    text = invoke("path", "list").stdout
    assert "Core backend roles" in text and "Language tracks" in text


def test_show_renders_stages_modules_topics_and_career(invoke, mini):
    invoke("learn", "done", "http-basics")
    result = invoke("path", "show", "backend-developer")
    assert result.exit_code == 0
    for text in (
        "Beginner (0-3 months)",
        "Intermediate (3-6 months)",
        "Advanced (6-12 months)",
        "Server fundamentals",
        "✓ HTTP Basics",
        "project: Todo API",
        "checkpoint: Write SQL with joins",
        "Market demand: High",
        "Essential: one language, SQL",
        "Build production-grade APIs",
        "roadmap.sh/backend",
        "Next: Python Developer",
    ):
        assert text in result.stdout, text
    doc = json.loads(invoke("path", "show", "backend-developer", "--json").stdout)
    assert doc["progress"]["done"] == 1 and doc["progress"]["stages"][0]["done"] == 1
    assert doc["stages"][0]["modules"][0]["topics"][1] == {
        "id": "http-basics",
        "title": "HTTP Basics",
        "hours": 2,
        "status": "done",
    }


def test_show_without_id_needs_an_active_path(invoke, mini):
    result = invoke("path", "show")
    assert result.exit_code == 1 and "no learning path chosen yet" in result.stderr


def test_switching_paths_keeps_topic_progress(invoke, mini, store):
    invoke("path", "start", "backend-developer")
    invoke("learn", "done", "http-basics", "jwt")
    doc = json.loads(invoke("path", "start", "python-developer", "--json").stdout)
    assert doc["active"] == "python-developer" and doc["progress"]["done"] == 2
    assert store.statuses() == {"http-basics": "done", "jwt": "done"}


def test_plan_fills_weeks_from_hours(invoke, mini):
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    doc = json.loads(invoke("path", "plan", "--hours", "4", "--json").stdout)
    assert doc["hours_per_week"] == 4
    weeks = doc["weeks"]
    assert all(w["hours"] <= 4 for w in weeks)
    total = sum(t["hours"] for w in weeks for t in w["topics"])
    assert total == 2 + 1 + 3 + 2 + 4 + 3 + 5  # every topic of the path, once
    assert weeks[0]["topics"][0]["id"] == "http-basics"
    # week 1: HTTP basics (2 h), status codes (1 h), then 1 of REST's 3 hours, continued in week 2
    assert [(t["id"], t["hours"], t["continues"]) for t in weeks[0]["topics"]] == [
        ("http-basics", 2, False),
        ("http-status-codes", 1, False),
        ("rest-principles", 1, True),
    ]
    assert weeks[1]["topics"][0] == {
        "id": "rest-principles",
        "title": "REST Principles",
        "hours": 2,
        "stage": "beginner",
        "continues": False,
    }


def test_plan_uses_the_profile_hours_and_skips_done_topics(invoke, mini):
    invoke("learn", "--path", "python-developer", "--yes", "--hours", "3", "--json")
    invoke("learn", "done", "http-basics", "authentication-basics")
    doc = json.loads(invoke("path", "plan", "--json").stdout)
    assert doc["hours_per_week"] == 3
    assert [t["id"] for w in doc["weeks"] for t in w["topics"]] == ["jwt", "jwt"]


def test_unknown_path_id(invoke, mini):
    result = invoke("path", "show", "pythn-developer")
    assert result.exit_code == 1
    assert "unknown path 'pythn-developer' (did you mean 'python-developer'?)" in result.stderr


def test_plan_a_path_that_is_not_the_active_one(invoke, mini):
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    doc = json.loads(invoke("path", "plan", "--path", "python-developer", "--hours", "10", "--json").stdout)
    assert doc["path"] == "python-developer"
    assert [t["id"] for w in doc["weeks"] for t in w["topics"]] == ["http-basics", "authentication-basics", "jwt"]
