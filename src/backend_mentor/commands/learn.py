"""`backend-mentor learn`: the wizard on first run, then the next lesson each time."""

from __future__ import annotations

from typing import Annotated

import typer

from ..context import app_context
from ._common import JsonOption, NoInputOption, ask, ask_number, ask_question, group, interactive

app = group(
    "Your personal path: a wizard on first run, then the next lesson, practice task and quiz.\n\n"
    "Example: backend-mentor learn   ·   backend-mentor learn done http-basics",
)

EXPERIENCE = {
    "new": "new to programming",
    "some": "I can program a little",
    "developer": "developer, new to backend",
    "backend": "backend developer levelling up",
}
LANGUAGES = ["python", "node", "typescript", "go", "java", "php", "csharp", "ruby", "any"]


@app.callback(invoke_without_command=True)
def learn(
    ctx: typer.Context,
    path_id: Annotated[str | None, typer.Option("--path", help="Choose this path (with --yes: no questions).")] = None,
    topic_id: Annotated[str | None, typer.Option("--topic", help="Study this topic now instead of the next one.")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Accept the choice without asking.")] = False,
    hours: Annotated[float | None, typer.Option("--hours", min=0.5, max=80, help="Hours per week you can study.")] = None,
    no_input: NoInputOption = False,
    json_output: JsonOption = False,
) -> None:
    """Start or continue your path: the next lesson, its practice task and its quiz.

    Example: backend-mentor learn --path backend-developer --yes
    """
    if ctx.invoked_subcommand is not None:
        return
    from .. import services
    from ..output import Output

    state = app_context(ctx)
    catalog, store = state.catalog(), state.store()
    out = Output(json_output)
    prompts = interactive(no_input) and not json_output

    if path_id is not None:
        if not yes and prompts:
            path = catalog.path(path_id)
            if ask(f"Start the path '{path.title}'?", ["y", "n"], "y") != "y":
                raise typer.Exit(0)
        services.start_path(catalog, store, path_id, hours_per_week=hours)
        if not json_output:
            out.success(f"Active path: {catalog.path(path_id).title} ({path_id})")
    elif services.active_path(catalog, store) is None and topic_id is None:
        if not prompts:
            raise_no_path(catalog)
        run_wizard(out, catalog, store, hours)

    if topic_id is not None:
        topic = services.find_topic_or_raise(catalog, topic_id)
    else:
        path = services.require_active_path(catalog, store)
        topic = services.next_topic(catalog, path, store.statuses())
        if topic is None:
            finished(out, catalog, path, json_output)
            return
    present(out, catalog, store, topic, json_output, prompts)


def raise_no_path(catalog) -> None:
    from ..errors import MentorError

    example = next(iter(catalog.paths), "ID")
    raise MentorError(
        f"no learning path chosen yet; run 'backend-mentor learn' in a terminal, or 'backend-mentor learn --path {example} --yes'"
    )


def run_wizard(out, catalog, store, hours: float | None) -> None:
    """Four questions, one recommendation, and the profile saved in one transaction at the end."""
    from .. import services

    out.print("[bold]Welcome to backend-mentor.[/bold] Four questions, then your personal path.\n")
    for key, label in EXPERIENCE.items():
        out.print(f"  [bold]{key}[/bold]: {label}")
    experience = ask("Your experience", list(EXPERIENCE), "some")
    language = ask("Preferred language ('any' if not sure)", LANGUAGES, "any")
    roles = [p for p in catalog.paths.values() if p.kind == "role"]
    out.print("\nGoal roles:")
    for role in roles:
        out.print(f"  [bold]{role.id}[/bold]: {role.title}")
    goal = ask("Goal role ('not-sure' is fine)", [r.id for r in roles] + ["not-sure"], "not-sure")
    weekly = hours if hours is not None else ask_number("Hours per week you can study", 6, 0.5, 80)
    recommendation = services.recommend_path(catalog, experience, language, None if goal == "not-sure" else goal)
    path = recommendation.path
    total = sum(catalog.topics[t].hours for t in path.topic_ids if t in catalog.topics)
    weeks = services.estimate_weeks(total, weekly)
    out.print(f"\n[bold]Recommended: {path.title}[/bold] ({path.id})")
    for reason in recommendation.reasons:
        out.print(f"  • {reason}", markup=False)
    out.print(f"  • {len(path.topic_ids)} topics, about {total:g} hours: roughly {weeks} weeks at {weekly:g} h/week")
    if path.career:
        from ..render import show_career

        out.print("  • career:")
        show_career(out, path.career, ("demand", "time_to_employment", "salary_range"), indent=4)
    if ask("Start this path?", ["y", "n"], "y") != "y":
        out.message("Nothing saved. Browse the paths with 'backend-mentor path list'.")
        raise typer.Exit(0)
    services.start_path(catalog, store, path.id, experience=experience, language=language,
                        goal=goal, hours_per_week=weekly)  # fmt: skip
    out.success(f"Saved. Your path: {path.title}. Here is your first lesson.\n")


def present(out, catalog, store, topic, json_output: bool, prompts: bool) -> None:
    from .. import services
    from ..render import show_lesson, topic_json

    statuses = store.statuses()
    path = services.active_path(catalog, store)
    missing = services.missing_prerequisites(catalog, topic, statuses)
    passed = {cid for cid, summary in store.checkpoint_summary().items() if summary["passed"]}
    stages = services.finished_stages(path, statuses, passed) if path else []
    if json_output:
        out.json({"path": path.id if path else None, "topic": topic_json(topic, statuses), "missing_prerequisites": missing,
                  "stages_to_prove": stages})  # fmt: skip
        return
    for stage in stages:
        out.print(f"[bold green]You finished the {stage['level']} stage.[/bold green] Prove it before you go on:")
        for cid in stage["checkpoints"]:
            out.print(f"  backend-mentor checkpoint show {cid}", markup=False)
        for pid in stage["projects"]:
            out.print(f"  backend-mentor project show {pid}", markup=False)
    services.begin_topic(store, topic.id)
    position = ""
    if path and topic.id in path.topic_ids:
        order = services.ordered_topics(catalog, path)
        position = f"{path.title} · {order.index(topic.id) + 1}/{len(order)}" if topic.id in order else path.title
    if missing:
        out.print(f"[yellow]Prerequisites not done yet:[/yellow] {', '.join(missing)}")
    show_lesson(out, catalog, topic, path, position)
    if not prompts:
        out.hint(
            f"\nWhen you are done: backend-mentor learn done {topic.id}   ·   quiz: backend-mentor mentor {topic.id} --quiz"
            f"   ·   skip: backend-mentor learn skip {topic.id}"
        )
        return
    while True:
        choice = ask("\n(d)one, (q)uiz, (s)kip or (l)ater", ["d", "q", "s", "l"], "d")
        if choice == "q":
            run_quiz(out, store, topic)
            continue
        if choice == "d":
            services.mark_topics(catalog, store, [topic.id], "done")
            out.success(f"Marked '{topic.title}' done. Run 'backend-mentor learn' for the next lesson.")
        elif choice == "s":
            services.mark_topics(catalog, store, [topic.id], "skipped")
            out.message(f"Skipped '{topic.title}'.")
        else:
            out.message("See you later: 'backend-mentor learn' brings you back here.")
        return


def run_quiz(out, store, topic) -> dict:
    """Ask every question of a topic's quiz; results are saved when the quiz is complete."""
    from .. import services

    answers = [ask_question(out, q, f"Q{n}. ") for n, q in enumerate(topic.quiz, start=1)]
    result = services.record_quiz(store, topic, answers)
    out.print(f"\n[bold]{result['correct']}/{result['questions']} correct.[/bold] These questions are now in 'backend-mentor review'.")
    return result


def finished(out, catalog, path, json_output: bool) -> None:
    if json_output:
        out.json({"path": path.id, "topic": None, "finished": True, "next_paths": path.next})
        return
    out.success(f"You have finished every topic of {path.title}.")
    if path.next:
        names = ", ".join(path.next)
        out.message(f"Continue with a specialization: backend-mentor path start {path.next[0]}  (options: {names})")
    out.hint("Prove your skills: backend-mentor checkpoint list")


@app.command("done")
def done(
    ctx: typer.Context,
    topic_ids: Annotated[list[str], typer.Argument(help="Topic ids to mark done.")],
    json_output: JsonOption = False,
) -> None:
    """Mark topics done (all of them, or none if an id is unknown).

    Example: backend-mentor learn done http-basics rest-principles
    """
    _mark(ctx, topic_ids, "done", json_output)


@app.command("skip")
def skip(
    ctx: typer.Context,
    topic_ids: Annotated[list[str], typer.Argument(help="Topic ids to skip.")],
    json_output: JsonOption = False,
) -> None:
    """Skip topics you already know; they no longer come up as the next lesson.

    Example: backend-mentor learn skip git
    """
    _mark(ctx, topic_ids, "skipped", json_output)


def _mark(ctx: typer.Context, topic_ids: list[str], status: str, json_output: bool) -> None:
    from .. import services
    from ..output import Output

    state = app_context(ctx)
    catalog, store = state.catalog(), state.store()
    marked = services.mark_topics(catalog, store, topic_ids, status)
    out = Output(json_output)
    if json_output:
        out.json({"status": status, "topics": marked})
        return
    out.success(f"Marked {status}: {', '.join(marked)}")
    path = services.active_path(catalog, store)
    if path:
        nxt = services.next_topic(catalog, path, store.statuses())
        if nxt:
            out.hint(f"Next: {nxt.title} — backend-mentor learn")
