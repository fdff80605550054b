"""`backend-mentor review`: spaced repetition of quiz questions from topics you studied."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..output import Output
    from ..results import ReviewQueue

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

    state = app_context(ctx)
    catalog, store = state.catalog(), state.store()
    queue = services.review_queue(catalog, store, limit)

    def session(out: Output, queue: ReviewQueue) -> None:
        """The interactive view: each due question asked in turn (in a terminal), else how many are due."""
        from rich.text import Text

        from ..render import local_time, plural
        from ..review import make_rng
        from ._common import ask_shuffled

        if not interactive(no_input):
            out.line(f"{plural(len(queue.due), 'question')} due of {queue.cards}.")
            if queue.due:
                out.hint("Review them in a terminal: backend-mentor review")
            return
        if not queue.due:
            when = f" The next one is due {local_time(queue.next_due)}." if queue.next_due else ""
            out.message(
                f"Nothing due. {plural(queue.cards, 'question')} in your deck.{when} Take a quiz with 'backend-mentor mentor TOPIC --quiz'."
            )
            return
        rng = make_rng()
        correct = 0
        for number, card in enumerate(queue.due, start=1):
            topic = catalog.topics[card.topic]
            question = topic.quiz[card.question]
            header = Text(f"{number}/{len(queue.due)} · {topic.title}\n", style="dim")
            picked, shown = ask_shuffled(out, question, header, rng)
            correct += services.answer_review(store, topic, card, picked, shown)
        out.print(f"\n[bold]{correct}/{len(queue.due)} correct.[/bold]")

    Output(json_output).emit(queue, human=session)
