"""`backend-mentor mentor [QUERY]`: "teach me X" from the shipped curriculum."""

from __future__ import annotations

from typing import Annotated

import typer

from ..context import app_context
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
    from ..curriculum.schema import COVERED_STATUSES, TopicStatus
    from ..curriculum.search import search, suggestions
    from ..errors import NotFound
    from ..output import Output
    from ..render import show_categories, show_hits, show_topic, topic_json

    state = app_context(ctx)
    catalog = state.catalog()
    statuses = state.store().statuses()
    example_language = services.example_language(state.store(), language)
    out = Output(json_output)
    text = " ".join(query or []).strip()
    if not text:
        if json_output:
            by_category = catalog.topics_by_category()
            out.json({
                "categories": [
                    {"id": cid, "title": c.title,
                     "topics": [{"id": t.id, "title": t.title, "level": t.level,
                                 "status": statuses.get(t.id, TopicStatus.NOT_STARTED.value)}
                                for t in by_category.get(cid, [])]}
                    for cid, c in catalog.categories.items()
                ]
            })  # fmt: skip
        else:
            show_categories(out, catalog, statuses, pager=not no_pager)
        return

    result = search(catalog, text, limit=limit)
    if not result.hits:
        close = suggestions(catalog, text)
        hint = f"; did you mean: {', '.join(close)}?" if close else "; list all topics with 'backend-mentor mentor'"
        raise NotFound(f"no topic matches '{text}'{hint}")
    best = result.best
    hits_json = [{"id": h.id, "title": h.title, "score": round(h.score, 3), "exact": h.exact} for h in result.hits]
    if json_output and best is None:
        out.json({"query": text, "match": None, "results": hits_json, "corrected": result.corrected, "clear": False})
        return
    if result.corrected and not json_output:
        out.hint("Searched for: " + ", ".join(f"{a} → {b}" for a, b in result.corrected.items()))
    if not json_output and (best is None or list_only):
        show_hits(out, result.hits, text)
        if list_only or not interactive(no_input):
            return
        from ._common import ask

        picked = ask("Open which one? (number, Enter for 1)", [str(n) for n in range(1, len(result.hits) + 1)],
                     default="1")  # fmt: skip
        best = result.hits[int(picked) - 1]

    assert best is not None  # a clear winner, or the learner's pick from the list
    topic = catalog.topics[best.id]
    # direct prerequisites not covered yet (as services.missing_prerequisites; inlined to spare the import)
    missing = [p for p in topic.prerequisites if statuses.get(p) not in COVERED_STATUSES and p in catalog.topics]
    if quiz:
        if json_output or not interactive(no_input):
            from ..errors import MentorError

            raise MentorError("the quiz needs a terminal to answer in; run it without --json/--no-input")
        from .learn import run_quiz

        run_quiz(out, state.store(), topic)
        return
    if json_output:
        out.json({
            "query": text, "match": topic_json(topic, statuses), "results": hits_json, "corrected": result.corrected,
            "clear": True, "missing_prerequisites": [{"id": m, "title": catalog.topics[m].title} for m in missing],
        })  # fmt: skip
        return
    show_topic(out, catalog, topic, statuses, missing, example_language, all_languages, pager=not no_pager)
    others = [h for h in result.hits[:4] if h.id != topic.id][:3]
    if others:
        out.hint("Also matching: " + ", ".join(h.id for h in others))
