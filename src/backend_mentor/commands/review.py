"""`backend-mentor review`: spaced repetition of quiz questions from topics you studied."""

from __future__ import annotations

from typing import Annotated

import typer

from ..context import app_context
from ._common import JsonOption, NoInputOption, ask_question, interactive


def review(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200, help="Most questions to review now.")] = 20,
    no_input: NoInputOption = False,
    json_output: JsonOption = False,
) -> None:
    """Review the quiz questions that are due: each comes back just before you would forget it.

    Spaced repetition: a question you answer well comes back after a longer gap each time
    (days, then weeks); one you miss comes back soon. The gaps follow FSRS, a published
    memory model for flashcards.

    Example: backend-mentor review --limit 10
    """
    from ..output import Output
    from ..render import plural
    from ..review import AGAIN, GOOD, due_cards, schedule

    state = app_context(ctx)
    catalog, store = state.catalog(), state.store()
    cards = store.review_cards()
    due = [c for c in due_cards(cards) if c["topic_id"] in catalog.topics
           and c["question"] < len(catalog.topics[c["topic_id"]].quiz)][:limit]  # fmt: skip
    out = Output(json_output)
    if json_output or not interactive(no_input):
        if json_output:
            out.json({"cards": len(cards), "due": [{"card_id": c["card_id"], "topic": c["topic_id"], "due": c["due"]} for c in due]})
        else:
            out.line(f"{plural(len(due), 'question')} due of {len(cards)}.")
            if due:
                out.hint("Review them in a terminal: backend-mentor review")
        return
    if not due:
        out.message(f"Nothing due. {plural(len(cards), 'question')} in your deck; take a quiz with 'backend-mentor mentor TOPIC --quiz'.")
        return
    correct = 0
    for number, card in enumerate(due, start=1):
        topic = catalog.topics[card["topic_id"]]
        question = topic.quiz[card["question"]]
        picked = ask_question(out, question, f"[dim]{number}/{len(due)} · {topic.title}[/dim]\n")
        right = picked == question["answer"]
        correct += right
        updated = schedule(card, GOOD if right else AGAIN)
        with store.transaction() as db:
            store.upsert_card(db, updated)
            store.log(db, "review.answered", card["card_id"], correct=right)
    out.print(f"\n[bold]{correct}/{len(due)} correct.[/bold]")
