"""Use-cases without the CLI: ordering, streaks, recommendations."""

from __future__ import annotations

from datetime import date

from backend_mentor.curriculum.catalog import load_catalog
from backend_mentor.services import ordered_topics, recommend_path, streak


def test_streak_counts_consecutive_days_ending_today_or_yesterday():
    days = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-05", "2026-01-06"]
    assert streak(days, today=date(2026, 1, 6)).current == 2
    assert streak(days, today=date(2026, 1, 7)).current == 2
    assert streak(days, today=date(2026, 1, 8)).current == 0
    assert streak(days, today=date(2026, 1, 8)).longest == 3
    assert streak([], today=date(2026, 1, 8)).current == 0


def test_ordered_topics_put_prerequisites_first(mini):
    catalog = load_catalog()
    order = ordered_topics(catalog, catalog.paths["backend-developer"])
    assert order.index("http-basics") < order.index("http-status-codes") < order.index("rest-principles")
    assert len(order) == len(set(order)) == 7


def test_recommendations_follow_goal_then_language_then_the_generalist_path(mini):
    catalog = load_catalog()
    assert recommend_path(catalog, "some", "go", "backend-developer").path.id == "backend-developer"
    by_language = recommend_path(catalog, "some", "python", None)
    assert by_language.path.id == "python-developer" and "python" in by_language.reasons[0]
    assert recommend_path(catalog, "new", "any", None).path.id == "backend-developer"
    assert recommend_path(catalog, "new", "ruby", None).path.id == "backend-developer"
