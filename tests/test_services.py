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


# --- placement ---------------------------------------------------------------------------------


def test_a_module_stops_at_its_second_miss_and_passes_early_when_clearly_known():
    from backend_mentor.services import module_verdict

    assert module_verdict([True, True], 4) is None
    assert module_verdict([True, True, True], 4) == "known"  # skip ahead: no fourth question
    assert module_verdict([False, True, True], 4) is None
    assert module_verdict([False, True, True, True], 4) == "known"  # one miss is allowed
    assert module_verdict([False, False], 4) == "not-yet"  # stop after two misses
    assert module_verdict([True, False, True, False], 4) == "not-yet"
    assert module_verdict([True, True], 2) == "known" and module_verdict([True, False], 2) == "not-yet"


def test_placement_asks_about_the_early_stages_by_experience_and_never_a_beginner(mini):
    from backend_mentor.services import placement_modules

    catalog = load_catalog()
    path = catalog.paths["backend-developer"]
    assert placement_modules(catalog, path, {}, "new") == []
    some = placement_modules(catalog, path, {}, "some")
    assert [(m.stage, m.title) for m in some] == [("beginner", "Server fundamentals")]
    assert some[0].topics == ["http-basics", "http-status-codes", "rest-principles"]  # study order
    assert some[0].questions == [
        ("http-basics", 0),
        ("http-status-codes", 0),
        ("rest-principles", 0),
        ("http-basics", 1),
    ]
    backend = placement_modules(catalog, path, {"http-basics": "done"}, "backend")
    assert [m.title for m in backend] == ["Server fundamentals", "Security"]
    assert "http-basics" not in backend[0].topics


def test_a_passed_module_is_known_covered_and_feeds_review_cards(mini, store, monkeypatch):
    from backend_mentor import services

    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-05-01T12:00:00+00:00")
    catalog = load_catalog()
    path = catalog.paths["backend-developer"]
    with store.transaction() as db:
        store.save_profile(db, active_path=path.id)
    module = services.placement_modules(catalog, path, {}, "some")[0]
    answered = [(t, i, catalog.topics[t].quiz[i]["answer"], [0, 1, 2]) for t, i in module.questions[:3]]
    known = services.record_placement(catalog, store, module.title, module.topics, answered, "known")
    assert known == module.topics and all(store.statuses()[t] == "known" for t in known)
    assert [(a["source"], a["correct"]) for a in store.answers()] == [("placement", True)] * 3
    assert {c["card_id"] for c in store.review_cards()} == {"http-basics#0", "http-status-codes#0", "rest-principles#0"}
    progress = services.path_progress(catalog, path, store.statuses())
    assert (progress.known, progress.covered, progress.done) == (3, 3, 0)
    assert services.next_topic(catalog, path, store.statuses()).id == "authentication-basics"
    assert services.missing_prerequisites(catalog, catalog.topics["authentication-basics"], store.statuses()) == []


def test_a_failed_module_keeps_its_topics_but_keeps_the_answers(mini, store):
    from backend_mentor import services

    catalog = load_catalog()
    module = services.placement_modules(catalog, catalog.paths["backend-developer"], {}, "some")[0]
    wrong = [(t, i, (catalog.topics[t].quiz[i]["answer"] + 1) % 2, None) for t, i in module.questions[:2]]
    assert services.record_placement(catalog, store, module.title, module.topics, wrong, "not-yet") == []
    assert store.statuses() == {} and len(store.answers("placement")) == 2
    event = [e for e in store.iter_events() if e["kind"] == "placement.module"][0]
    assert event["subject"] == "Server fundamentals" and event["data"]["verdict"] == "not-yet"


def test_known_is_a_status_the_store_accepts_after_migration(tmp_path, monkeypatch):
    import sqlite3

    from backend_mentor.errors import StoreError
    from backend_mentor.progress import migrations
    from backend_mentor.progress.store import Store

    path = tmp_path / "old.db"
    monkeypatch.setattr("backend_mentor.progress.store.MIGRATIONS", migrations.MIGRATIONS[:2])
    old = Store(path)
    with old.transaction() as db:
        old.set_status(db, "git", "done")
        try:
            old.set_status(db, "dns", "known")
            raise AssertionError("the old schema accepted 'known'")
        except (sqlite3.IntegrityError, StoreError) as exc:  # the store names the file around SQLite's error
            assert "CHECK constraint" in str(exc)
    old.close()
    monkeypatch.undo()
    store = Store(path)
    with store.transaction() as db:
        store.set_status(db, "dns", "known")
    assert store.statuses() == {"git": "done", "dns": "known"}
    store.close()
