"""The prompting forms of learn, mentor --quiz, review and reset, driven through stdin."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def prompts(monkeypatch):
    """Pretend to be in a terminal so the commands prompt; answers come from CliRunner input."""
    monkeypatch.setattr("backend_mentor.commands._common.interactive", lambda no_input=False: not no_input)
    for module in ("learn", "mentor", "review", "progress"):
        monkeypatch.setattr(f"backend_mentor.commands.{module}.interactive", lambda no_input=False: not no_input)


def test_wizard_recommends_and_saves_the_profile(invoke, mini, prompts, store):
    result = invoke("learn", input="developer\npython\nnot-sure\n5\ny\nl\n")
    assert result.exit_code == 0, result.output
    assert "Recommended: Python Developer" in result.stdout
    assert "career — " not in result.stdout  # the fixture path has no career facts
    assert "you prefer python" in result.stdout
    profile = store.profile()
    assert (profile["experience"], profile["language"], profile["goal"], profile["hours_per_week"]) == (
        "developer", "python", "not-sure", 5.0)
    assert profile["active_path"] == "python-developer"


def test_the_recommendation_shows_career_facts(invoke, mini, prompts):
    result = invoke("learn", input="new\nany\nbackend-developer\n6\nn\n")
    assert "Recommended: Backend Developer" in result.stdout
    for fact in ("• Market demand: High", "• Time to employment: 4-8 months", "• Salary range: $92,000 - $130,000+"):
        assert fact in result.stdout, fact  # one fact per line, never run together


def test_declining_the_recommendation_saves_nothing(invoke, mini, prompts, store):
    result = invoke("learn", input="new\nany\nnot-sure\n6\nn\n")
    assert result.exit_code == 0
    assert store.profile() is None and "Nothing saved" in result.stderr


def test_end_of_input_in_the_wizard_is_an_interrupt_with_nothing_saved(invoke, mini, prompts, store):
    result = invoke("learn", input="developer\n")
    assert result.exit_code == 130
    assert "interrupted" in result.stderr and store.profile() is None


def test_lesson_choices_done_skip_later(invoke, mini, prompts, store):
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    assert invoke("learn", input="d\n").exit_code == 0
    assert store.statuses()["http-basics"] == "done"
    invoke("learn", input="s\n")
    assert store.statuses()["http-status-codes"] == "skipped"
    invoke("learn", input="l\n")
    assert store.statuses()["rest-principles"] == "learning"


def test_quiz_from_a_lesson_then_done(invoke, mini, prompts, store):
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    result = invoke("learn", input="q\n1\n1\n2\nd\n")  # right, wrong, right
    assert result.exit_code == 0, result.output
    assert "2/3 correct" in result.stdout and "Not quite." in result.stdout
    assert store.statuses()["http-basics"] == "done"
    taken = [e for e in store.iter_events() if e["kind"] == "quiz.taken"]
    assert taken[0]["data"] == {"correct": 2, "questions": 3}
    assert len(store.review_cards()) == 3


def test_mentor_quiz_and_review(invoke, mini, prompts, store, monkeypatch):
    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-04-01T10:00:00+00:00")
    assert invoke("mentor", "jwt", "--quiz", input="1\n2\n2\n").exit_code == 0
    assert "3/3 correct" in invoke("mentor", "jwt", "--quiz", input="1\n2\n2\n").stdout
    result = invoke("review", input="1\n1\n2\n")  # right, wrong, right
    assert result.exit_code == 0 and "2/3 correct" in result.stdout
    cards = {c["card_id"]: c for c in store.review_cards()}
    assert cards["jwt#1"]["lapses"] == 0 and cards["jwt#1"]["state"] == "learning"
    assert cards["jwt#0"]["state"] == "review" and cards["jwt#0"]["due"] > "2026-04-02"
    assert "Nothing due" in invoke("review").stderr


def test_reset_asks_first(invoke, mini, prompts, store):
    invoke("learn", "done", "jwt")
    assert invoke("progress", "reset", input="n\n").exit_code == 0
    assert store.statuses() == {"jwt": "done"}
    assert invoke("progress", "reset", input="y\n").exit_code == 0
    assert store.statuses() == {}


def test_no_input_overrides_a_terminal(invoke, mini, prompts):
    result = invoke("learn", "--no-input")
    assert result.exit_code == 1 and "no learning path chosen yet" in result.stderr
    assert json.loads(invoke("review", "--no-input", "--json").stdout)["cards"] == 0
