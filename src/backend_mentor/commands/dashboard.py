"""The no-argument dashboard: where you are and what to run next."""

from __future__ import annotations

from typing import Any


def show_dashboard(state: Any, json_output: bool) -> None:
    from .. import services
    from ..output import Output
    from ..render import bar, plural

    catalog, store = state.catalog(), state.store()
    out = Output(json_output)
    path = services.active_path(catalog, store)
    statuses = store.statuses()
    if path is None:
        if json_output:
            out.json(
                {
                    "new_user": True,
                    "path": None,
                    "next": None,
                    "commands": ["backend-mentor learn", "backend-mentor path list"],
                }
            )
            return
        out.print("[bold]Welcome to backend-mentor[/bold] — a mentor for learning backend development.\n")
        out.print(
            f"{len(catalog.topics)} topics, {len(catalog.paths)} paths and {len(catalog.checkpoints)} checkpoints ship with it."
        )
        out.print("\nStart here:   [bold]backend-mentor learn[/bold]        (four questions, then your first lesson)")
        out.print("Browse paths: backend-mentor path list")
        out.print('Ask anything: backend-mentor mentor "what is a jwt"')
        return
    progress = services.path_progress(catalog, path, statuses)
    nxt = services.next_topic(catalog, path, statuses)
    data = services.stats(catalog, store)
    due = len(services.due_reviews(catalog, store))
    commands = [
        "backend-mentor learn",
        f"backend-mentor path show {path.id}",
        "backend-mentor checkpoint list",
        "backend-mentor review",
    ]
    if json_output:
        out.json({"new_user": False, "path": {"id": path.id, "title": path.title, **progress},
                  "next": {"id": nxt.id, "title": nxt.title} if nxt else None,
                  "streak": data["streak"], "reviews_due": due, "checkpoints": data["checkpoints"], "commands": commands})  # fmt: skip
        return
    out.print(f"[bold]{path.title}[/bold]  {bar(progress['covered'], progress['topics'])} {progress['percent']}%")
    for stage in progress["stages"]:
        out.print(f"  {stage['level'].title():<13} {stage['months']:>5} mo  {bar(stage['covered'], stage['topics'], 16)} "
                  f"{stage['covered']}/{stage['topics']}")  # fmt: skip
    out.print(f"\nStreak: {plural(data['streak']['current'], 'day')} · checkpoints passed: "
              f"{data['checkpoints']['passed']}/{data['checkpoints']['total']}")  # fmt: skip
    if due:
        out.print(f"Reviews due: [bold]{due}[/bold] — backend-mentor review")
    if nxt:
        out.print(f"Next: [bold]{nxt.title}[/bold] [dim]({nxt.id}, about {nxt.hours:g} h)[/dim]")
    else:
        out.print("You have finished this path. Pick the next one with 'backend-mentor path list'.")
    out.print("\n" + "\n".join(f"  {c}" for c in commands))
