"""FSRS-style scheduling of review cards."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from backend_mentor.review import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    W,
    due_cards,
    interval_days,
    new_card,
    retrievability,
    schedule,
)

NOW = datetime(2026, 5, 1, 12, tzinfo=timezone.utc)


def test_retrievability_is_90_percent_after_stability_days():
    assert retrievability(10, 10) == pytest.approx(0.9)
    assert interval_days(10) == pytest.approx(10)


def test_first_review_uses_the_initial_stability_of_its_grade():
    for grade in (AGAIN, HARD, GOOD, EASY):
        card = schedule(new_card("jwt", 0), grade, NOW)
        assert card["stability"] == pytest.approx(W[grade - 1], abs=1e-4)
        assert card["reps"] == 1 and card["state"] == ("learning" if grade == AGAIN else "review")


def test_successful_reviews_push_the_due_date_further_out():
    card = schedule(new_card("jwt", 0), GOOD, NOW)
    gaps = []
    moment = NOW
    for _ in range(4):
        moment = datetime.fromisoformat(card["due"])
        card = schedule(card, GOOD, moment)
        gaps.append(datetime.fromisoformat(card["due"]) - moment)
    assert gaps == sorted(gaps) and gaps[-1] > timedelta(days=30)


def test_a_lapse_cuts_stability_and_comes_back_soon():
    card = schedule(new_card("jwt", 0), GOOD, NOW)
    later = datetime.fromisoformat(card["due"])
    card = schedule(card, GOOD, later)
    before = card["stability"]
    lapsed = schedule(card, AGAIN, datetime.fromisoformat(card["due"]))
    assert lapsed["stability"] < before and lapsed["lapses"] == 1
    assert datetime.fromisoformat(lapsed["due"]) - datetime.fromisoformat(lapsed["last_review"]) == timedelta(minutes=10)


def test_difficulty_stays_between_1_and_10():
    card = schedule(new_card("jwt", 0), AGAIN, NOW)
    for _ in range(20):
        card = schedule(card, AGAIN, datetime.fromisoformat(card["due"]))
    assert 1 <= card["difficulty"] <= 10


def test_bad_grade():
    with pytest.raises(ValueError):
        schedule(new_card("jwt", 0), 5, NOW)


def test_due_cards_are_sorted_and_filtered():
    early = {**new_card("a", 0), "due": (NOW - timedelta(days=2)).isoformat()}
    late = {**new_card("b", 0), "due": (NOW - timedelta(days=1)).isoformat()}
    future = {**new_card("c", 0), "due": (NOW + timedelta(days=1)).isoformat()}
    assert [c["topic_id"] for c in due_cards([late, future, early], NOW)] == ["a", "b"]


def test_review_without_a_terminal_reports_due_cards(invoke, mini, monkeypatch):
    import json

    from backend_mentor.curriculum.catalog import load_catalog
    from backend_mentor.progress.store import open_store
    from backend_mentor.services import record_quiz

    store = open_store()
    record_quiz(store, load_catalog().topics["jwt"], [0, 1, 0])
    doc = json.loads(invoke("review", "--json").stdout)
    assert doc["cards"] == 3 and len(doc["due"]) == 3
    assert [e["kind"] for e in store.iter_events()] == ["quiz.taken"]
    assert "3 questions due of 3" in invoke("review").stdout
