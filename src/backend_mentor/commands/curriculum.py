"""`backend-mentor curriculum`: tools for curriculum authors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..context import app_context

app = typer.Typer(
    help="Author tools: validate curriculum packs and show where content comes from.\n\n"
    "Example: backend-mentor curriculum validate ./my-pack",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of text.")]


@app.command()
def validate(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Argument(help="A pack to validate on top of the shipped curriculum (default: everything in use)."),
    ] = None,
    standalone: Annotated[
        bool, typer.Option("--standalone", help="Validate DIRECTORY on its own, without the shipped curriculum.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Validate the curriculum fully and list every problem as file:line: message.

    Example: backend-mentor curriculum validate ./my-pack
    """
    from ..curriculum.catalog import resolve_sources
    from ..curriculum.loader import load_sources
    from ..curriculum.sources import Source, check_source_dir
    from ..output import Output
    from ..render import plural

    state = app_context(ctx)
    if standalone and directory is None:
        raise typer.BadParameter("--standalone needs a DIRECTORY", param_hint="--standalone")
    sources = resolve_sources(state.curriculum_dirs, include_shipped=not standalone)
    if directory is not None:
        check_source_dir(directory)
        sources.append(Source(directory.resolve()))
    loaded = load_sources(sources)
    out = Output(json_output)
    counts = {kind: len(docs) for kind, docs in loaded.entities.items()}
    if json_output:
        out.json(
            {
                "valid": not loaded.problems,
                "files": loaded.files,
                "counts": counts,
                "problems": [{"file": p.file, "line": p.line, "message": p.message} for p in loaded.problems],
            }
        )
    else:
        for problem in loaded.problems:
            out.line(str(problem))
        summary = ", ".join(f"{n} {kind}s" for kind, n in counts.items())
        if loaded.problems:
            out.message(
                f"{plural(len(loaded.problems), 'problem')} in {plural(loaded.files, 'file')} ({summary})", style="red"
            )
        else:
            out.success(f"curriculum is valid: {loaded.files} files ({summary})")
    if loaded.problems:
        raise typer.Exit(1)


@app.command()
def info(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Where the curriculum was loaded from, the cache, and what it holds.

    Example: backend-mentor curriculum info --json
    """
    from .. import __version__
    from ..output import Output
    from ..paths import cache_dir, database_path

    catalog = app_context(ctx).catalog()
    by_category = {cid: len(topics) for cid, topics in catalog.topics_by_category().items()}
    payload: dict[str, Any] = {
        "version": __version__,
        "sources": catalog.sources,
        "counts": catalog.counts(),
        "topics_by_category": by_category,
        "files": catalog.files,
        "cache": {
            "file": str(catalog.cache_file) if catalog.cache_file else None,
            "directory": str(cache_dir()),
            "from_cache": catalog.from_cache,
            "built_at": catalog.built_at,
            "fingerprint": catalog.fingerprint[:16],
        },
        "database": str(database_path()),
    }
    out = Output(json_output)
    if json_output:
        out.json(payload)
        return
    from rich.table import Table

    out.print(f"[bold]backend-mentor {__version__}[/bold]")
    for index, source in enumerate(catalog.sources):
        out.print(f"  {'shipped' if index == 0 else 'pack':8} {source}", markup=False)
    out.print(
        "  "
        + ", ".join(f"{n} {name}" for name, n in payload["counts"].items())
        + f" from {catalog.files} files"
        + (" (cached)" if catalog.from_cache else " (compiled now)"),
        markup=False,
    )
    table = Table("category", "topics", box=None, pad_edge=False)
    for cid, count in by_category.items():
        category = catalog.categories.get(cid)
        table.add_row(category.title if category else cid, str(count))
    out.print(table)
    out.print(f"  cache    {payload['cache']['file'] or 'not written'}", markup=False)
    out.print(f"  progress {payload['database']}", markup=False)
