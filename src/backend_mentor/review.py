"""Spaced repetition of quiz questions with FSRS-style scheduling.

Each card remembers a stability S (days until recall probability falls to 90%) and a difficulty
D (1-10). A review with grade G (1 again, 2 hard, 3 good, 4 easy) updates both with the FSRS-4.5
formulas and default weights; the next review is due when the predicted recall drops to 90%.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from .progress.store import utcnow

W = (0.4872, 1.4003, 3.7145, 13.8206, 5.1618, 1.2298, 0.8975, 0.031, 1.6474, 0.1367,
     1.0461, 2.1072, 0.0793, 0.3246, 1.587, 0.2272, 2.8755)  # fmt: skip
DECAY = -0.5
FACTOR = 19 / 81  # makes retrievability 0.9 when elapsed days == stability
TARGET_RETENTION = 0.9
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


def new_card(topic_id: str, question: int) -> dict[str, Any]:
    return {
        "card_id": f"{topic_id}#{question}",
        "topic_id": topic_id,
        "question": question,
        "state": "new",
        "due": utcnow().isoformat(timespec="seconds"),
        "stability": 0.0,
        "difficulty": 0.0,
        "reps": 0,
        "lapses": 0,
        "last_review": None,
    }


def _clamp_difficulty(value: float) -> float:
    return min(10.0, max(1.0, value))


def initial_difficulty(grade: int) -> float:
    return _clamp_difficulty(W[4] - math.exp(W[5] * (grade - 1)) + 1)


def retrievability(elapsed_days: float, stability: float) -> float:
    if stability <= 0:
        return 0.0
    return (1 + FACTOR * elapsed_days / stability) ** DECAY


def interval_days(stability: float) -> float:
    return stability / FACTOR * (TARGET_RETENTION ** (1 / DECAY) - 1)


def schedule(card: dict[str, Any], grade: int, now: datetime | None = None) -> dict[str, Any]:
    """The card after a review with ``grade``; returns a new dict."""
    if grade not in (AGAIN, HARD, GOOD, EASY):
        raise ValueError(f"grade must be 1-4, got {grade}")
    now = now or utcnow()
    card = dict(card)
    if card["state"] == "new" or card["stability"] <= 0:
        stability = W[grade - 1]
        difficulty = initial_difficulty(grade)
    else:
        last = datetime.fromisoformat(card["last_review"]) if card["last_review"] else now
        elapsed = max(0.0, (now - last).total_seconds() / 86400)
        r = retrievability(elapsed, card["stability"])
        d = card["difficulty"]
        difficulty = _clamp_difficulty(W[7] * initial_difficulty(EASY) + (1 - W[7]) * (d - W[6] * (grade - 3)))
        if grade == AGAIN:
            stability = W[11] * d ** -W[12] * ((card["stability"] + 1) ** W[13] - 1) * math.exp(W[14] * (1 - r))
            card["lapses"] += 1
        else:
            bonus = W[15] if grade == HARD else W[16] if grade == EASY else 1.0
            growth = math.exp(W[8]) * (11 - d) * card["stability"] ** -W[9] * (math.exp(W[10] * (1 - r)) - 1)
            stability = card["stability"] * (1 + growth * bonus)
    stability = max(0.1, stability)
    days = 0.0 if grade == AGAIN else interval_days(stability)
    due = now + (timedelta(minutes=10) if grade == AGAIN else timedelta(days=max(1.0, round(days))))
    card.update(
        state="learning" if grade == AGAIN else "review",
        stability=round(stability, 4),
        difficulty=round(difficulty, 4),
        reps=card["reps"] + 1,
        last_review=now.isoformat(timespec="seconds"),
        due=due.isoformat(timespec="seconds"),
    )
    return card


def due_cards(cards: list[dict[str, Any]], now: datetime | None = None) -> list[dict[str, Any]]:
    now = now or utcnow()
    return sorted((c for c in cards if datetime.fromisoformat(c["due"]) <= now), key=lambda c: c["due"])
