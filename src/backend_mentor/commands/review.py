"""`backend-mentor review`: spaced repetition of quiz questions from topics you studied."""

from __future__ import annotations

from typing import Annotated

import typer

from ..context import app_context
from ._common import JsonOption, NoInputOption, interactive


def review(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200, help="Most questions to review now.")] = 20,
    no_input: NoInputOption = False,
    json_output: JsonOption = False,
) -> None:
    """Review the quiz questions that are due: each comes back just before you would forget it.

    Spaced repetition: a question you answer well comes back after a longer gap each time
    (days, then weeks); one you miss comes back in ten minutes. The gaps follow FSRS-6, a
    published memory model for flashcards (the maintained fsrs package).

    Example: backend-mentor review --limit 10
    """
    from .. import services
    from ..output import Output
    from ..render import local_time, plural
    from ..review import make_rng
    from .learn import ask_shuffled

    state = app_context(ctx)
    catalog, store = state.catalog(), state.store()
    cards = store.review_cards()
    due = services.due_reviews(catalog, store)[:limit]
    out = Output(json_output)
    if json_output or not interactive(no_input):
        if json_output:
            out.json(
                {
                    "cards": len(cards),
                    "due": [{"card_id": c["card_id"], "topic": c["topic_id"], "due": c["due"]} for c in due],
                }
            )
        else:
            out.line(f"{plural(len(due), 'question')} due of {len(cards)}.")
            if due:
                out.hint("Review them in a terminal: backend-mentor review")
        return
    if not due:
        upcoming = min((c["due"] for c in cards), default=None)
        when = f" The next one is due {local_time(upcoming)}." if upcoming else ""
        out.message(
            f"Nothing due. {plural(len(cards), 'question')} in your deck.{when} Take a quiz with 'backend-mentor mentor TOPIC --quiz'."
        )
        return
    rng = make_rng()
    correct = 0
    for number, card in enumerate(due, start=1):
        topic = catalog.topics[card["topic_id"]]
        question = topic.quiz[card["question"]]
        picked, shown = ask_shuffled(out, question, f"[dim]{number}/{len(due)} · {topic.title}[/dim]\n", rng)
        graded = services.grade_answers(store, topic, [(card["question"], picked, shown)], "review")
        correct += graded[0]["correct"]
        with store.transaction() as db:
            store.log(db, "review.answered", card["card_id"], correct=graded[0]["correct"])
    out.print(f"\n[bold]{correct}/{len(due)} correct.[/bold]")
