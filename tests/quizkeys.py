"""Which number to type for a quiz question whose options are shuffled with a fixed seed.

The commands shuffle with ``review.option_order`` on a ``random.Random(BACKEND_MENTOR_SEED)``
created once per command, one shuffle per question shown, in order; this replays the same draws.
"""

from __future__ import annotations

import random

from backend_mentor.review import option_order


def keys(questions: list[dict], right: list[bool], seed: int, rng: random.Random | None = None) -> list[str]:
    """The numbers to type: the right option where ``right`` says so, a wrong one elsewhere."""
    rng = rng or random.Random(seed)
    typed = []
    for question, want_right in zip(questions, right):
        shown = option_order(question, rng)
        correct_text = question["choices"][question["answer"]]
        for number, original in enumerate(shown, start=1):
            if (question["choices"][original] == correct_text) == want_right:
                typed.append(str(number))
                break
    return typed
