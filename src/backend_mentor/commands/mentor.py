"""`backend-mentor mentor [QUERY]`: "teach me X" from the shipped curriculum."""

from __future__ import annotations

from typing import Annotated

import typer

from ..context import app_context
from ._common import JsonOption, NoInputOption, interactive


def mentor(
    ctx: typer.Context,
    query: Annotated[list[str] | None, typer.Argument(help="What you want to learn; loose words and typos are fine.")] = None,
    quiz: Annotated[bool, typer.Option("--quiz", help="Take the topic's quiz.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=50, help="How many close matches to list.")] = 8,
    language: Annotated[str | None, typer.Option("--language", help="Show examples in this language first (default: your profile's).")] = None,
    all_languages: Annotated[bool, typer.Option("--all-languages", help="Show the examples in every language.")] = False,
    no_input: NoInputOption = False,
    json_output: JsonOption = False,
) -> None:
    """Find a topic and show its guide; without a query, list the topics by category.

    Example: backend-mentor mentor "kafka vs rabbitmq"
    """
    from .. import services
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
            out.json({
                "categories": [
                    {"id": cid, "title": c.title,
                     "topics": [{"id": t.id, "title": t.title, "level": t.level, "status": statuses.get(t.id, "not-started")}
                                for t in catalog.topics.values() if t.category == cid]}
                    for cid, c in catalog.categories.items()
                ]
            })  # fmt: skip
        else:
            show_categories(out, catalog, statuses)
        return

    result = search(catalog, text, limit=limit)
    if not result.hits:
        close = suggestions(catalog, text)
        hint = f"; did you mean: {', '.join(close)}?" if close else "; list all topics with 'backend-mentor mentor'"
        raise NotFound(f"no topic matches '{text}'{hint}")
    best = result.best
    hits_json = [{"id": h.id, "title": h.title, "score": round(h.score, 3), "exact": h.exact} for h in result.hits]
    if best is None:
        if json_output:
            out.json({"query": text, "match": None, "results": hits_json, "corrected": result.corrected})
        else:
            if result.corrected:
                out.hint("Searched for: " + ", ".join(f"{a} → {b}" for a, b in result.corrected.items()))
            show_hits(out, result.hits, text)
        return

    topic = catalog.topics[best.id]
    missing = services.missing_prerequisites(catalog, topic, statuses)
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
            "missing_prerequisites": [{"id": m, "title": catalog.topics[m].title} for m in missing],
        })  # fmt: skip
        return
    if result.corrected:
        out.hint("Searched for: " + ", ".join(f"{a} → {b}" for a, b in result.corrected.items()))
    show_topic(out, catalog, topic, statuses, missing, example_language, all_languages)
    others = [h for h in result.hits[1:4]]
    if others:
        out.hint("Also matching: " + ", ".join(h.id for h in others))
