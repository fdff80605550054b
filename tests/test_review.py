"""Review cards: FSRS-6 scheduling (the ``fsrs`` package), quiz answers grading cards, shuffling, migration."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from backend_mentor.review import AGAIN, EASY, GOOD, HARD, due_cards, is_correct, new_card, option_order, schedule

NOW = datetime(2026, 5, 1, 12, tzinfo=timezone.utc)


def test_scheduling_is_the_fsrs_package_with_its_default_parameters():
    from fsrs import Card, Rating, Scheduler

    reference, _ = Scheduler(learning_steps=(timedelta(minutes=10),), enable_fuzzing=False).review_card(
        Card(card_id=1, due=NOW), Rating.Good, review_datetime=NOW
    )
    card = schedule(new_card("jwt", 0, NOW), GOOD, NOW)
    assert card["stability"] == pytest.approx(reference.stability, abs=1e-4)
    assert card["difficulty"] == pytest.approx(reference.difficulty, abs=1e-4)
    assert datetime.fromisoformat(card["due"]) == reference.due


def test_a_right_first_answer_waits_days_and_a_wrong_one_ten_minutes():
    right = schedule(new_card("jwt", 0, NOW), GOOD, NOW)
    wrong = schedule(new_card("jwt", 0, NOW), AGAIN, NOW)
    assert right["state"] == "review" and datetime.fromisoformat(right["due"]) - NOW >= timedelta(days=1)
    assert wrong["state"] == "learning" and datetime.fromisoformat(wrong["due"]) - NOW == timedelta(minutes=10)
    assert right["reps"] == wrong["reps"] == 1


def test_successful_reviews_push_the_due_date_further_out():
    card = schedule(new_card("jwt", 0, NOW), GOOD, NOW)
    gaps = []
    for _ in range(4):
        moment = datetime.fromisoformat(card["due"])
        card = schedule(card, GOOD, moment)
        gaps.append(datetime.fromisoformat(card["due"]) - moment)
    assert gaps == sorted(gaps) and gaps[-1] > timedelta(days=30)


def test_a_lapse_cuts_stability_and_comes_back_soon():
    card = schedule(new_card("jwt", 0, NOW), GOOD, NOW)
    card = schedule(card, GOOD, datetime.fromisoformat(card["due"]))
    before = card["stability"]
    lapsed = schedule(card, AGAIN, datetime.fromisoformat(card["due"]))
    assert lapsed["stability"] < before and lapsed["lapses"] == 1 and lapsed["state"] == "relearning"
    assert datetime.fromisoformat(lapsed["due"]) - datetime.fromisoformat(lapsed["last_review"]) == timedelta(
        minutes=10
    )


def test_difficulty_stays_between_1_and_10():
    card = schedule(new_card("jwt", 0, NOW), AGAIN, NOW)
    for _ in range(20):
        card = schedule(card, AGAIN, datetime.fromisoformat(card["due"]))
    assert 1 <= card["difficulty"] <= 10
    for grade in (HARD, EASY):
        assert 1 <= schedule(card, grade, datetime.fromisoformat(card["due"]))["difficulty"] <= 10


def test_bad_grade():
    with pytest.raises(ValueError):
        schedule(new_card("jwt", 0), 5, NOW)


def test_due_cards_are_sorted_and_filtered():
    early = {**new_card("a", 0), "due": (NOW - timedelta(days=2)).isoformat()}
    late = {**new_card("b", 0), "due": (NOW - timedelta(days=1)).isoformat()}
    future = {**new_card("c", 0), "due": (NOW + timedelta(days=1)).isoformat()}
    assert [c["topic_id"] for c in due_cards([late, future, early], NOW)] == ["a", "b"]


# --- shuffled options, graded by content --------------------------------------------------------

QUESTION = {"q": "Which one?", "choices": ["alpha", "beta", "gamma", "delta"], "answer": 2, "why": "because"}


def test_every_presentation_gets_its_own_order_and_every_order_is_a_permutation():
    rng = random.Random(7)
    orders = [tuple(option_order(QUESTION, rng)) for _ in range(30)]
    assert all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert len(set(orders)) > 5  # not one fixed order
    assert {o.index(2) for o in orders} == {0, 1, 2, 3}  # the right answer moves around


def test_grading_is_by_content_not_by_position():
    assert is_correct(QUESTION, 2) and not is_correct(QUESTION, 0)
    twin = {**QUESTION, "choices": ["alpha", "gamma ", "gamma", "delta"]}
    assert is_correct(twin, 1)  # the same text in another slot is the same answer


def test_a_shuffled_quiz_is_graded_by_what_was_picked(invoke, mini, store, monkeypatch):
    """Typing the position of the right text is right, whatever position it was shown in."""
    from quizkeys import keys

    from backend_mentor.curriculum.catalog import load_catalog

    for module in ("learn", "mentor", "review"):
        monkeypatch.setattr(f"backend_mentor.commands.{module}.interactive", lambda no_input=False: not no_input)
    monkeypatch.setenv("BACKEND_MENTOR_SEED", "11")
    quiz = load_catalog().topics["jwt"].quiz
    typed = keys(quiz, [True, False, True], 11)
    result = invoke("mentor", "jwt", "--quiz", input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    assert "2/3 correct" in result.stdout
    answers = store.answers("quiz")
    assert [a["correct"] for a in answers] == [True, False, True]
    rng = random.Random(11)
    for answer, question, number in zip(answers, quiz, typed):
        assert answer["shown"] == option_order(question, rng)  # the mapping is stored
        assert answer["picked"] == answer["shown"][int(number) - 1]


# --- quiz answers schedule the cards -------------------------------------------------------------


def test_quiz_then_review_starts_from_the_quiz_answers(invoke, mini, store, monkeypatch):
    from backend_mentor.curriculum.catalog import load_catalog
    from backend_mentor.services import record_quiz

    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-05-01T12:00:00+00:00")
    topic = load_catalog().topics["jwt"]
    right, wrong = topic.quiz[0]["answer"], (topic.quiz[1]["answer"] + 1) % len(topic.quiz[1]["choices"])
    result = record_quiz(store, topic, [right, wrong, topic.quiz[2]["answer"]])
    assert result.correct == 2
    cards = {c["card_id"]: c for c in store.review_cards()}
    assert cards["jwt#0"]["state"] == "review" and cards["jwt#0"]["reps"] == 1
    assert cards["jwt#1"]["state"] == "learning" and cards["jwt#1"]["due"] == "2026-05-01T12:10:00+00:00"
    assert [a["rating"] for a in store.answers("quiz")] == [GOOD, AGAIN, GOOD]
    # right after the quiz nothing is due; ten minutes later only the missed question is
    assert json.loads(invoke("review", "--json").stdout)["due"] == []
    later = invoke("review", "--json", env={"BACKEND_MENTOR_NOW": "2026-05-01T12:11:00+00:00"})
    assert [c["card_id"] for c in json.loads(later.stdout)["due"]] == ["jwt#1"]
    # the right answers come back once FSRS says so, days later
    days = invoke("review", "--json", env={"BACKEND_MENTOR_NOW": cards["jwt#0"]["due"]})
    assert {c["card_id"] for c in json.loads(days.stdout)["due"]} == {"jwt#0", "jwt#1", "jwt#2"}


def test_review_without_a_terminal_reports_due_cards(invoke, mini, monkeypatch):
    from backend_mentor.curriculum.catalog import load_catalog
    from backend_mentor.progress.store import open_store
    from backend_mentor.services import record_quiz

    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-05-01T12:00:00+00:00")
    store = open_store()
    quiz = load_catalog().topics["jwt"].quiz
    wrong = [(q["answer"] + 1) % len(q["choices"]) for q in quiz]
    record_quiz(store, load_catalog().topics["jwt"], wrong)
    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-05-01T12:30:00+00:00")
    doc = json.loads(invoke("review", "--json").stdout)
    assert doc["cards"] == 3 and len(doc["due"]) == 3
    assert [e["kind"] for e in store.iter_events()] == ["quiz.taken"]
    assert "3 questions due of 3" in invoke("review").stdout


# --- migration of the previous schema -----------------------------------------------------------


def test_cards_of_the_previous_schema_migrate_with_every_review_kept(tmp_path, monkeypatch):
    from backend_mentor.progress import migrations
    from backend_mentor.progress.store import Store

    path = tmp_path / "old.db"
    old = Store(path)
    monkeypatch.setattr("backend_mentor.progress.store.MIGRATIONS", migrations.MIGRATIONS[:1])
    with old.transaction() as db:  # what the FSRS-4.5 version wrote
        db.execute(
            "INSERT INTO review_cards VALUES ('jwt#0', 'jwt', 0, 'review', '2026-05-20T12:00:00+00:00', "
            "12.5, 4.2, 3, 0, '2026-05-08T12:00:00+00:00')"
        )
        db.execute(
            "INSERT INTO review_cards VALUES ('jwt#1', 'jwt', 1, 'learning', '2026-05-08T12:10:00+00:00', "
            "1.1, 7.0, 3, 1, '2026-05-08T12:00:00+00:00')"
        )
        db.execute(
            "INSERT INTO review_cards VALUES ('jwt#2', 'jwt', 2, 'new', '2026-05-01T12:00:00+00:00', 0, 0, 0, 0, NULL)"
        )
        for at, card, right in [
            ("2026-05-01T12:00:00+00:00", "jwt#0", True),
            ("2026-05-01T12:00:05+00:00", "jwt#1", True),
            ("2026-05-03T12:00:00+00:00", "jwt#0", True),
            ("2026-05-03T12:00:05+00:00", "jwt#1", True),
            ("2026-05-08T12:00:00+00:00", "jwt#0", True),
            ("2026-05-08T12:00:05+00:00", "jwt#1", False),
        ]:
            db.execute(
                "INSERT INTO events (at, kind, subject, data) VALUES (?, 'review.answered', ?, ?)",
                (at, card, json.dumps({"correct": right})),
            )
    old.close()
    monkeypatch.undo()
    monkeypatch.setenv("BACKEND_MENTOR_HOME", str(tmp_path / "home"))

    store = Store(path)
    assert "m002_review_answers" in store.applied_migrations()
    cards = {c["card_id"]: c for c in store.review_cards()}
    assert {
        k: cards["jwt#0"][k] for k in ("state", "stability", "difficulty", "reps", "lapses", "due", "last_review")
    } == {
        "state": "review",
        "stability": 12.5,
        "difficulty": 4.2,
        "reps": 3,
        "lapses": 0,
        "due": "2026-05-20T12:00:00+00:00",
        "last_review": "2026-05-08T12:00:00+00:00",
    }
    assert (cards["jwt#1"]["state"], cards["jwt#1"]["step"], cards["jwt#1"]["lapses"]) == ("relearning", 0, 1)
    assert cards["jwt#2"]["state"] == "new"
    history = store.answers("review")
    assert [(a["card_id"], a["correct"], a["rating"]) for a in history] == [
        ("jwt#0", True, GOOD),
        ("jwt#1", True, GOOD),
        ("jwt#0", True, GOOD),
        ("jwt#1", True, GOOD),
        ("jwt#0", True, GOOD),
        ("jwt#1", False, AGAIN),
    ]
    assert history[0]["at"] == "2026-05-01T12:00:00+00:00"
    # the migrated card keeps its memory: a review on its due date grows its stability further
    after = schedule(cards["jwt#0"], GOOD, datetime(2026, 5, 20, 12, tzinfo=timezone.utc))
    assert after["stability"] > 12.5 and after["reps"] == 4
    relearned = schedule(cards["jwt#1"], GOOD, datetime(2026, 5, 8, 12, 10, tzinfo=timezone.utc))
    assert relearned["state"] == "review" and relearned["lapses"] == 1
    store.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] >= 2
