"""`backend-mentor learn`: the wizard on first run, then the next lesson each time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..results import Lesson, QuizResult

from ..context import app_context
from ..curriculum.schema import TopicStatus
from ..pager import NoPagerOption
from ._common import (
    AllLanguagesOption,
    ExampleLanguageOption,
    JsonOption,
    NoInputOption,
    ask,
    ask_number,
    ask_shuffled,
    group,
    interactive,
)

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
MENU_NAMES = {
    "node": "JavaScript on Node.js",
    "typescript": "TypeScript on Node.js",
    "csharp": "C# (.NET)",
    "any": "not sure yet",
}  # the wizard's wording where it differs from LANGUAGE_NAMES


def language_menu() -> dict[str, str]:
    """The wizard's language choices: every profile language (TOPIC_LANGUAGES), "any" last."""
    from ..curriculum.schema import LANGUAGE_NAMES, TOPIC_LANGUAGES

    ordered = [lang for lang in TOPIC_LANGUAGES if lang != "any"] + ["any"]
    return {lang: MENU_NAMES.get(lang) or LANGUAGE_NAMES.get(lang, lang) for lang in ordered}


LESSON_CHOICES = {"d": "done", "q": "quiz", "r": "read again", "s": "skip", "l": "later"}
LESSON_WORDS = {
    "quit": "l",
    "exit": "l",
    "stop": "l",
    "again": "r",
    "read": "r",
    "reread": "r",
    "study": "r",
    "study again": "r",
}


def read_line(prompt: str, default: str) -> str:
    """One line of input with its default shown; end of input counts as Ctrl-C (nothing is saved)."""
    from rich.prompt import Prompt

    try:
        return Prompt.ask(prompt, default=default, show_default=True).strip()
    except EOFError:
        raise KeyboardInterrupt from None


def match_option(answer: str, options: list[str]) -> tuple[str | None, bool]:
    """(option, sure): a number or the exact name is sure; a unique prefix or a close spelling needs a yes."""
    import difflib

    text = answer.strip().lower()
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1], True
    lowered = {o.lower(): o for o in options}
    if text in lowered:
        return lowered[text], True
    prefixed = [o for o in options if o.lower().startswith(text)] if text else []
    if len(prefixed) == 1:
        return prefixed[0], False
    close = difflib.get_close_matches(text, list(lowered), n=2, cutoff=0.75) if text else []
    if len(close) == 1 or (close and not prefixed):
        return lowered[close[0]], False
    return None, False


def choose(out, prompt: str, options: dict[str, str], default: str) -> str:
    """A numbered menu printed once; a number, a name, a unique prefix or a close spelling picks an option."""
    names = list(options)
    for number, (name, label) in enumerate(options.items(), start=1):
        out.print(f"  {number:>2}) [bold]{name}[/bold] — {label}", highlight=False)
    while True:
        answer = read_line(f"{prompt} (number or name)", default)
        picked, sure = match_option(answer, names)
        if picked and not sure:
            sure = ask(f"  Did you mean '{picked}' ({options[picked]})?", ["y", "n"], "y") == "y"
        if picked and sure:
            return picked
        if not picked:
            out.print(
                f"[red]'{answer}' is not one of the options; type 1-{len(names)} or a name from the list.[/red]",
                highlight=False,
            )


@app.callback(invoke_without_command=True)
def learn(
    ctx: typer.Context,
    path_id: Annotated[str | None, typer.Option("--path", help="Choose this path (with --yes: no questions).")] = None,
    topic_id: Annotated[
        str | None, typer.Option("--topic", help="Study this topic now instead of the next one.")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Accept the choice without asking.")] = False,
    hours: Annotated[
        float | None, typer.Option("--hours", min=0.5, max=80, help="Hours per week you can study.")
    ] = None,
    language: ExampleLanguageOption = None,
    all_languages: AllLanguagesOption = False,
    no_pager: NoPagerOption = False,
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
    from ..render import show_path_finished

    state = app_context(ctx)
    catalog, store = state.catalog(), state.store()
    out = Output(json_output)
    prompts = interactive(no_input) and not json_output
    services.example_language(store, language)  # an unknown --language fails before anything is saved

    if path_id is not None:
        if not yes and prompts:
            path = catalog.path(path_id)
            if ask(f"Start the path '{path.title}'?", ["y", "n"], "y") != "y":
                raise typer.Exit(0)
        services.start_path(catalog, store, path_id, hours_per_week=hours)
        out.success(f"Active path: {catalog.path(path_id).title} ({path_id})")
    elif services.active_path(catalog, store) is None and topic_id is None:
        if not prompts:
            raise_no_path(catalog)
        run_wizard(out, catalog, store, hours)

    if topic_id is not None:
        topic = services.find_topic_or_raise(catalog, topic_id)
    else:
        path = services.require_active_path(catalog, store)
        upcoming = services.next_topic(catalog, path, store.statuses())
        if upcoming is None:
            out.emit(services.path_finished(path), human=show_path_finished)
            return
        topic = upcoming
    examples = (services.example_language(store, language), all_languages, not no_pager)
    out.emit(
        services.lesson(catalog, store, topic),
        human=lambda out, lesson: study(out, catalog, store, topic, lesson, prompts, examples),
    )


def raise_no_path(catalog) -> None:
    from ..errors import MentorError

    example = next(iter(catalog.paths), "ID")
    raise MentorError(
        f"no learning path chosen yet; run 'backend-mentor learn' in a terminal, or 'backend-mentor learn --path {example} --yes'"
    )


def run_wizard(out, catalog, store, hours: float | None) -> None:
    """Four questions, one recommendation, and the profile saved in one transaction at the end."""
    from .. import services

    out.print(
        "[bold]Welcome to backend-mentor.[/bold] Four questions, then your personal path. "
        "Press Enter to take the default shown in brackets.\n"
    )
    out.print("[bold]Your experience[/bold]")
    experience = choose(out, "Your experience", EXPERIENCE, "some")
    out.print("\n[bold]Preferred language[/bold]")
    language = choose(out, "Preferred language", language_menu(), "any")
    roles = {p.id: p.title for p in catalog.paths.values() if p.kind == "role"}
    out.print("\n[bold]Goal role[/bold]")
    goal = choose(out, "Goal role", {**roles, "not-sure": "not sure yet: recommend one"}, "not-sure")
    weekly = hours if hours is not None else ask_number("Hours per week you can study", 6, 0.5, 80)
    recommendation = services.recommend_path(catalog, experience, language, None if goal == "not-sure" else goal)
    path = recommendation.path
    total = sum(catalog.topics[t].hours for t in path.topic_ids if t in catalog.topics)
    weeks = services.estimate_weeks(total, weekly)
    out.print(f"\n[bold]Recommended: {path.title}[/bold] ({path.id})")
    from ..render import hanging, show_career

    size = f"{len(path.topic_ids)} topics, about {total:g} hours: roughly {weeks} weeks at {weekly:g} h/week"
    hanging(
        out, [("•", reason) for reason in [*recommendation.reasons, size]] + ([("•", "career:")] if path.career else [])
    )
    if path.career:
        show_career(out, path.career, ("demand", "time_to_employment", "salary_range"), indent=4)
    if ask("Start this path?", ["y", "n"], "y") != "y":
        out.message("Nothing saved. Browse the paths with 'backend-mentor path list'.")
        raise typer.Exit(0)
    services.start_path(
        catalog, store, path.id, experience=experience, language=language, goal=goal, hours_per_week=weekly
    )
    out.success(f"Saved. Your path: {path.title}.")
    offer_placement(out, catalog, store, path, experience)
    out.success("Here is your first lesson.\n")


def offer_placement(out, catalog, store, path, experience: str) -> None:
    from ..render import plural

    """A learner who is not new may show what they know: passed modules are marked known."""
    from .. import services

    modules = services.placement_modules(catalog, path, store.statuses(), experience)
    if not modules:
        return
    most = sum(len(m.questions) for m in modules)
    out.print(
        f"\n[bold]Placement check[/bold]: you are not new to this, so you can skip what you already know. "
        f"{plural(len(modules), 'module')} of the early stages, up to {services.QUESTIONS_PER_MODULE} questions each "
        f"(at most {most}); a module ends at its second miss, or early when you clearly know it. "
        "Modules you pass are marked known."
    )
    if ask("Take the placement check?", ["y", "n"], "y") != "y":
        out.message(
            "No placement: you start at the beginning. Test out of a module later: backend-mentor learn test-out MODULE"
        )
        return
    known = run_placement(out, catalog, store, modules)
    if known:
        out.print(
            f"\n[bold]Placement done:[/bold] {plural(len(known), 'topic')} marked known; your path starts after them."
        )
    else:
        out.print("\n[bold]Placement done:[/bold] nothing marked known; your path starts at the beginning.")


def run_placement(out, catalog, store, modules, source: str = "placement") -> list[str]:
    from ..render import plural

    """Ask each module's questions adaptively; every answer is stored; returns the topics marked known."""
    from .. import services
    from ..review import is_correct, make_rng

    rng = make_rng()
    known: list[str] = []
    for number, module in enumerate(modules, start=1):
        out.print(
            f"\n[bold]{module.title}[/bold] [dim]({module.stage} · module {number}/{len(modules)})[/dim]",
            highlight=False,
        )
        answered: list[tuple[str, int, int, list[int] | None]] = []
        results: list[bool] = []
        verdict = None
        for topic_id, index in module.questions:
            question = catalog.topics[topic_id].quiz[index]
            picked, shown = ask_shuffled(out, question, "", rng)
            answered.append((topic_id, index, picked, shown))
            results.append(is_correct(question, picked))
            verdict = services.module_verdict(results, len(module.questions))
            if verdict:
                break
        verdict = verdict or "not-yet"
        marked = services.record_placement(catalog, store, module.title, module.topics, answered, verdict, source)
        known += marked
        if verdict == "known":
            out.print(
                f"[green]You know {module.title}:[/green] {plural(len(marked), 'topic')} marked known.", highlight=False
            )
        else:
            out.print(
                f"[yellow]{module.title} is worth studying[/yellow] ({sum(results)}/{len(results)} right); "
                "it stays on your path.",
                highlight=False,
            )
    return known


def study(out, catalog, store, topic, lesson: Lesson, prompts: bool, examples: tuple = (None, False, True)) -> None:
    """The lesson on screen, then (in a terminal) the d/q/r/s/l prompt: the interactive view of ``learn``."""
    from .. import services
    from ..render import show_lesson, show_lesson_notes, show_next_step

    show_lesson_notes(out, lesson)
    services.begin_topic(store, topic.id)
    path = services.active_path(catalog, store)
    position = ""
    if path and topic.id in path.topic_ids:
        order = services.ordered_topics(catalog, path)
        position = f"{path.title} · {order.index(topic.id) + 1}/{len(order)}" if topic.id in order else path.title
    missing = lesson.missing_prerequisites
    if missing:
        out.print(f"[yellow]Prerequisites not done yet:[/yellow] {', '.join(missing)}")
    show_lesson(out, catalog, topic, path, position, *examples)
    if not prompts:
        out.hint(
            f"\nWhen you are done: backend-mentor learn done {topic.id}   ·   quiz: backend-mentor mentor {topic.id} --quiz"
            f"   ·   skip: backend-mentor learn skip {topic.id}"
        )
        return
    default = "d"
    while True:
        choice = lesson_choice(out, default)
        if choice == "q":
            result = run_quiz(out, store, topic)
            default = "d" if result.correct == result.questions else "r"
            if default == "r":
                out.print("[dim]Some answers missed: the default now is to read the lesson again.[/dim]")
            continue
        if choice == "r":
            show_lesson(out, catalog, topic, path, position, *examples)
            default = "q" if topic.quiz else "d"
            continue
        if choice == "d":
            services.mark_topics(catalog, store, [topic.id], TopicStatus.DONE)
            out.success(f"Marked '{topic.title}' done.")
        elif choice == "s":
            services.mark_topics(catalog, store, [topic.id], TopicStatus.SKIPPED)
            out.success(
                f"Skipped '{topic.title}'; it will not come up again (study it any time: "
                f"backend-mentor learn --topic {topic.id})."
            )
        else:
            out.message(
                f"Stopped here; nothing marked. '{topic.title}' stays your next lesson: run 'backend-mentor learn'."
            )
            return
        show_next_step(out, services.next_step(catalog, store))
        return


def lesson_choice(out, default: str) -> str:
    """d/q/r/s/l, or the words (done, quiz, read again, skip, later; quit and exit mean later), any case."""
    menu = ", ".join(f"({key}){word[1:]}" for key, word in LESSON_CHOICES.items())
    while True:
        answer = read_line(f"\n{menu}", default).lower()
        words = {word: key for key, word in LESSON_CHOICES.items()}
        key = answer[:1] if answer[:1] in LESSON_CHOICES and (len(answer) == 1 or answer in words) else None
        key = key or words.get(answer) or LESSON_WORDS.get(answer)
        if key:
            return key
        out.print(
            f"[red]'{answer}' is not a choice; type a letter or a word: {', '.join(LESSON_CHOICES.values())}.[/red]",
            highlight=False,
        )


def run_quiz(out, store, topic) -> QuizResult:
    """Ask every question of a topic's quiz; the answers grade its review cards when the quiz is complete."""
    from .. import services
    from ..review import make_rng

    rng = make_rng()
    asked = [ask_shuffled(out, q, f"Q{n}. ", rng) for n, q in enumerate(topic.quiz, start=1)]
    result = services.record_quiz(store, topic, [a[0] for a in asked], [a[1] for a in asked])
    wrong = result.questions - result.correct
    out.print(
        f"\n[bold]{result.correct}/{result.questions} correct.[/bold] "
        + (
            "Missed questions come back in 'backend-mentor review' in ten minutes; the others in a few days."
            if wrong
            else "These questions come back in 'backend-mentor review' in a few days."
        )
    )
    return result


@app.command("test-out")
def test_out(
    ctx: typer.Context,
    target: Annotated[
        list[str], typer.Argument(help="A module title of your path (or its first words), or a topic id.")
    ],
    no_input: NoInputOption = False,
) -> None:
    """Show you already know a module or a topic: a few quiz questions, and it is marked known.

    Example: backend-mentor learn test-out "Server fundamentals"   ·   backend-mentor learn test-out git
    """
    from .. import services
    from ..errors import MentorError
    from ..output import Output

    state = app_context(ctx)
    catalog, store = state.catalog(), state.store()
    out = Output(False)
    modules = [services.resolve_test_out(catalog, store, " ".join(target))]
    if not interactive(no_input):
        raise MentorError("test-out asks quiz questions; run it in a terminal without --no-input")
    if not modules[0].topics:
        out.message(f"Nothing to test: every topic of {modules[0].title} is already done, skipped or known.")
        return
    run_placement(out, catalog, store, modules, source="test-out")
    path = services.active_path(catalog, store)
    nxt = services.next_topic(catalog, path, store.statuses()) if path else None
    if nxt:
        out.hint(f"Next: {nxt.title} — backend-mentor learn")


@app.command("done")
def done(
    ctx: typer.Context,
    topic_ids: Annotated[
        list[str] | None, typer.Argument(help="Topic ids to mark done (default: your current lesson).")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Mark topics done (all of them, or none if an id is unknown); without ids, your current lesson.

    Example: backend-mentor learn done   ·   backend-mentor learn done http-basics rest-principles
    """
    _mark(ctx, topic_ids, TopicStatus.DONE, json_output)


@app.command("skip")
def skip(
    ctx: typer.Context,
    topic_ids: Annotated[
        list[str] | None, typer.Argument(help="Topic ids to skip (default: your current lesson).")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Skip topics; they no longer come up as the next lesson (to show you know one: learn test-out).

    Example: backend-mentor learn skip git
    """
    _mark(ctx, topic_ids, TopicStatus.SKIPPED, json_output)


def _mark(ctx: typer.Context, topic_ids: list[str] | None, status: TopicStatus, json_output: bool) -> None:
    from .. import services
    from ..output import Output
    from ..render import show_marked

    state = app_context(ctx)
    marked = services.mark(state.catalog(), state.store(), topic_ids, status)
    Output(json_output).emit(marked, human=show_marked)
