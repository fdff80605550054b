"""Spaced repetition of quiz questions, scheduled by the maintained ``fsrs`` package (FSRS-6).

A card is one quiz question of one topic. The store keeps each card as a plain row (state, step,
stability, difficulty, due, reps, lapses, last review); this module turns it into an
``fsrs.Card``, lets ``fsrs.Scheduler`` grade it and turns it back. Every answer is also kept in
the store's answer log, so a card's history survives any change of scheduler.

Answer options are shuffled on every presentation: ``option_order`` gives the order shown and
``is_correct`` grades by the content of the picked option, never by its position.
"""

from __future__ import annotations

import os
import random
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from .progress.store import utcnow

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
SEED_ENV = "BACKEND_MENTOR_SEED"  # an integer that makes option shuffling repeatable (scripts and tests)

# One step of ten minutes: a question answered wrong comes back in ten minutes, one answered right
# goes straight to the review schedule (days), instead of returning minutes after the quiz.
LEARNING_STEPS = (timedelta(minutes=10),)
STATES = {"new": 1, "learning": 1, "review": 2, "relearning": 3}
STATE_NAMES = {1: "learning", 2: "review", 3: "relearning"}


@lru_cache(maxsize=1)
def scheduler() -> Any:
    from fsrs import Scheduler

    # no fuzzing: the same answers at the same (injected) time always give the same due date
    return Scheduler(learning_steps=LEARNING_STEPS, relearning_steps=LEARNING_STEPS, enable_fuzzing=False)


def new_card(topic_id: str, question: int, now: datetime | None = None) -> dict[str, Any]:
    return {
        "card_id": f"{topic_id}#{question}",
        "topic_id": topic_id,
        "question": question,
        "state": "new",
        "step": None,
        "due": (now or utcnow()).isoformat(timespec="seconds"),
        "stability": 0.0,
        "difficulty": 0.0,
        "reps": 0,
        "lapses": 0,
        "last_review": None,
    }


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def to_fsrs(card: dict[str, Any]) -> Any:
    """A stored card as an ``fsrs.Card`` (new cards have no stability or difficulty yet)."""
    from fsrs import Card, State

    state = State(STATES.get(card.get("state") or "new", 1))
    fresh = card.get("state") == "new" or not card.get("stability")
    step = card.get("step")
    if state in (State.Learning, State.Relearning) and step is None:
        step = 0
    return Card(
        card_id=0,
        state=state,
        step=None if state == State.Review else step,
        stability=None if fresh else float(card["stability"]),
        difficulty=None if fresh else float(card["difficulty"]),
        due=_utc(datetime.fromisoformat(card["due"])),
        last_review=_utc(datetime.fromisoformat(card["last_review"])) if card.get("last_review") else None,
    )


def schedule(card: dict[str, Any], grade: int, now: datetime | None = None) -> dict[str, Any]:
    """The card after an answer graded ``grade`` (1 again, 2 hard, 3 good, 4 easy); a new dict."""
    from fsrs import Rating

    if grade not in (AGAIN, HARD, GOOD, EASY):
        raise ValueError(f"grade must be 1-4, got {grade}")
    now = _utc(now or utcnow())
    reviewed, _log = scheduler().review_card(to_fsrs(card), Rating(grade), review_datetime=now)
    lapsed = grade == AGAIN and card.get("state") == "review"
    updated = dict(card)
    updated.update(
        state=STATE_NAMES[int(reviewed.state)],
        step=reviewed.step,
        stability=round(float(reviewed.stability), 4),
        difficulty=round(float(reviewed.difficulty), 4),
        reps=int(card.get("reps") or 0) + 1,
        lapses=int(card.get("lapses") or 0) + (1 if lapsed else 0),
        last_review=now.isoformat(timespec="seconds"),
        due=_utc(reviewed.due).isoformat(timespec="seconds"),
    )
    return updated


def retrievability(card: dict[str, Any], now: datetime | None = None) -> float:
    """The predicted chance of recalling the card now (0 for a card never answered)."""
    if card.get("state") == "new" or not card.get("last_review"):
        return 0.0
    return float(scheduler().get_card_retrievability(to_fsrs(card), _utc(now or utcnow())))


def due_cards(cards: list[dict[str, Any]], now: datetime | None = None) -> list[dict[str, Any]]:
    now = _utc(now or utcnow())
    return sorted((c for c in cards if _utc(datetime.fromisoformat(c["due"])) <= now), key=lambda c: c["due"])


# --- answering a question -------------------------------------------------------------------


def make_rng() -> random.Random:
    """Random option order; ``BACKEND_MENTOR_SEED`` makes it repeatable."""
    seed = os.environ.get(SEED_ENV)
    if seed is not None:
        try:
            return random.Random(int(seed))
        except ValueError:
            from .errors import MentorError

            raise MentorError(f"{SEED_ENV} must be an integer; got {seed!r}") from None
    return random.Random()


def option_order(question: dict[str, Any], rng: random.Random) -> list[int]:
    """The order to show a question's options in: original indexes, shuffled."""
    return rng.sample(range(len(question["choices"])), len(question["choices"]))


def is_correct(question: dict[str, Any], picked: int) -> bool:
    """Graded by content: the picked option (an original index) says what the right one says."""
    choices = question["choices"]
    return 0 <= picked < len(choices) and choices[picked].strip() == choices[question["answer"]].strip()
