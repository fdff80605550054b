"""`project list | show`."""

from __future__ import annotations

import json


def test_list_groups_projects_with_the_paths_that_use_them(invoke, mini):
    doc = json.loads(invoke("project", "list", "--json").stdout)
    assert doc["projects"] == [
        {
            "id": "todo-api",
            "title": "Todo API",
            "level": "beginner",
            "summary": "A fixture project.",
            "paths": ["backend-developer"],
        }
    ]
    assert "Beginner" in invoke("project").stdout


def test_show_has_features_milestones_and_the_checkpoint_to_prove_it(invoke, mini):
    result = invoke("project", "show", "todo-api")
    assert result.exit_code == 0
    for text in (
        "Features",
        "CRUD for todos",
        "Milestones",
        "1. First",
        "✓ GET /todos works",
        "Prove it: Build a REST API (not attempted) — backend-mentor checkpoint verify rest-check",
    ):
        assert text in result.stdout, text
    doc = json.loads(invoke("project", "show", "todo-api", "--json").stdout)
    assert doc["milestones"] == [{"title": "First", "acceptance": ["GET /todos works"]}] and doc["paths"] == [
        "backend-developer"
    ]


def test_unknown_project(invoke, mini):
    result = invoke("project", "show", "todo")
    assert result.exit_code == 1 and "unknown project 'todo' (did you mean 'todo-api'?)" in result.stderr


def test_every_shipped_project_renders(invoke):
    from backend_mentor.curriculum.catalog import load_catalog

    for project_id in load_catalog().projects:
        result = invoke("project", "show", project_id)
        assert result.exit_code == 0 and "Milestones" in result.stdout, project_id
