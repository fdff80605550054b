"""`backend-mentor mentor [QUERY]`: "teach me X" from the shipped curriculum."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..output import Output
    from ..results import Answer

from ..context import app_context
from ..errors import MentorError
from ..pager import NoPagerOption
from ._common import AllLanguagesOption, ExampleLanguageOption, JsonOption, NoInputOption, interactive


def mentor(
    ctx: typer.Context,
    query: Annotated[
        list[str] | None, typer.Argument(help="What you want to learn; loose words and typos are fine.")
    ] = None,
    quiz: Annotated[bool, typer.Option("--quiz", help="Take the topic's quiz.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=50, help="How many close matches to list.")] = 8,
    language: ExampleLanguageOption = None,
    all_languages: AllLanguagesOption = False,
    list_only: Annotated[
        bool, typer.Option("--list", help="Always show the numbered list of matches, never open a guide.")
    ] = False,
    no_pager: NoPagerOption = False,
    no_input: NoInputOption = False,
    json_output: JsonOption = False,
) -> None:
    """Find a topic and show its guide; without a query, list the topics by category.

    Ask the way you would ask a person: when one topic clearly answers, its guide opens;
    when several are close, you get a numbered list and pick one (Enter takes the first).

    Example: backend-mentor mentor "what is a jwt"
    """
    from .. import services
    from ..output import Output
    from ..render import show_categories

    state = app_context(ctx)
    catalog = state.catalog()
    statuses = state.store().statuses()
    example_language = services.example_language(state.store(), language)
    out = Output(json_output)
    text = " ".join(query or []).strip()
    if not text:
        out.emit(services.categories(catalog, statuses), human=partial(show_categories, pager=not no_pager))
        return
    answer = services.answer(catalog, statuses, text, limit)
    if quiz and json_output and answer.match is not None:  # option check: a quiz is answered in a terminal
        raise MentorError("the quiz needs a terminal to answer in; run it without --json/--no-input")

    def guide(out: Output, answer: Answer) -> None:
        """The interactive view: the guide of the clear match, or the list to pick from (then its guide or quiz)."""
        from ..render import show_hits, show_topic

        if answer.corrected:
            out.hint("Searched for: " + ", ".join(f"{a} → {b}" for a, b in answer.corrected.items()))
        if answer.match is None or list_only:
            show_hits(out, list(answer.results), text)
            if list_only or not interactive(no_input):
                return
            from ._common import ask

            picked = ask(
                "Open which one? (number, Enter for 1)",
                [str(n) for n in range(1, len(answer.results) + 1)],
                default="1",
            )
            topic = catalog.topics[answer.results[int(picked) - 1].id]
            answer = services.answer_with(catalog, statuses, text, answer.results, answer.corrected, topic)
        assert answer.match is not None  # a clear winner, or the learner's pick from the list
        topic = answer.match.topic
        if quiz:
            if not interactive(no_input):
                raise MentorError("the quiz needs a terminal to answer in; run it without --json/--no-input")
            from .learn import run_quiz

            run_quiz(out, state.store(), topic)
            return
        missing = [ref.id for ref in answer.missing_prerequisites or ()]
        show_topic(out, catalog, topic, statuses, missing, example_language, all_languages, pager=not no_pager)
        others = [h for h in answer.results[:4] if h.id != topic.id][:3]
        if others:
            out.hint("Also matching: " + ", ".join(h.id for h in others))

    out.emit(answer, human=guide)
