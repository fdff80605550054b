"""Human views (Rich) and JSON shapes of curriculum and progress data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from .curriculum.schema import CAREER_FIELDS, PATH_GROUPS, TECHNOLOGY_LEVELS, TopicStatus
from .text import escape_markup as esc

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    from .checkpoints.base import Check
    from .curriculum.catalog import Catalog
    from .curriculum.models import Checkpoint, LearningPath, Topic
    from .curriculum.search import Hit
    from .output import Output
    from .results import (
        CalendarDay,
        Categories,
        CheckpointDetail,
        CheckpointList,
        CurriculumInfo,
        Dashboard,
        ImportResult,
        Lesson,
        ManualCompletion,
        Marked,
        NextStep,
        PathDetail,
        PathFinished,
        PathOverview,
        PathStarted,
        Plan,
        Portfolio,
        ProjectDetail,
        ProjectList,
        SearchHit,
        StarterFiles,
        Stats,
        Validation,
        VerifyResult,
    )

MARKS: dict[str, str] = {
    TopicStatus.DONE: "✓",
    TopicStatus.KNOWN: "◆",
    TopicStatus.LEARNING: "▶",
    TopicStatus.SKIPPED: "–",
    TopicStatus.NOT_STARTED: "·",
}
STYLES: dict[str, str] = {
    TopicStatus.DONE: "green",
    TopicStatus.KNOWN: "cyan",
    TopicStatus.LEARNING: "yellow",
    TopicStatus.SKIPPED: "dim",
    TopicStatus.NOT_STARTED: "",
}
NOT_STARTED = TopicStatus.NOT_STARTED.value  # the status of a topic the store has no row for


def bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)


def percent(done: int, total: int) -> str:
    return f"{round(100 * done / total) if total else 0:3d}%"


def plural(count: int | float, word: str, many: str | None = None) -> str:
    """``1 day``, ``2 days``, ``0 days``."""
    return f"{count:g} {word if count == 1 else (many or word + 's')}"


def sentence(text: str) -> str:
    """Text ending in exactly one full stop (or its own ! or ?), for joining sentences."""
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else text + "."


def local_time(value: str | None) -> str:
    """An ISO timestamp as local date and time (``2026-03-01 14:05``); other text unchanged."""
    if not value:
        return "—"
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


CAREER_WORDING = {"demand": "Market demand", "remote": "Remote work"}  # where the label is not the field's name
CAREER_LABELS = {key: CAREER_WORDING.get(key) or key.replace("_", " ").capitalize() for key in CAREER_FIELDS}


def career_facts(career: Mapping[str, str], keys: tuple[str, ...] = tuple(CAREER_LABELS)) -> list[tuple[str, str]]:
    """(label, value) pairs of a path's career facts, each value without trailing punctuation."""
    return [(CAREER_LABELS[key], str(career[key]).strip().rstrip(".;, ")) for key in keys if career.get(key)]


def show_career(
    out: Output, career: Mapping[str, str], keys: tuple[str, ...] = tuple(CAREER_LABELS), indent: int = 2
) -> None:
    """One fact per line, its label first, long values wrapping under the label."""
    hanging(out, [("•", f"{label}: {value}") for label, value in career_facts(career, keys)], indent=indent)


class Code:
    """Code that is never wrapped: each line stays whole (the terminal or pager scrolls it)."""

    def __init__(self, code: str, lexer: str = "text"):
        self.code = code.rstrip()
        self.lexer = lexer or "text"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        if console.no_color or console.color_system is None:  # no colour: plain lines, no Pygments lexer
            for plain in self.code.split("\n"):
                yield Segment(plain.rstrip("\r"))
                yield Segment.line()
            return
        from rich.syntax import Syntax

        text = Syntax(self.code, self.lexer, theme="ansi_dark").highlight(self.code)
        text.rstrip()
        for line in text.split("\n", allow_blank=True):
            yield from line.render(console)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        width = max((len(line) for line in self.code.splitlines()), default=0)
        return Measurement(min(width, options.max_width), min(width, options.max_width))


def show_markdown(out: Output, blocks: list[Any]) -> None:
    """Compiled Markdown (``curriculum.markup``): prose wraps to the terminal with hanging indents
    in lists; code blocks are never wrapped and never cut."""
    from rich.console import Group

    out.print(Group(*_blocks_view(blocks)), crop=False)  # crop=False: long code lines pass whole


INLINE_STYLES = {"b": "bold", "i": "italic", "c": "bold cyan", "s": "strike", "u": "underline", "h": "dim"}


def _inline_text(runs: list[list[str]], style: str = "") -> Any:
    from rich.text import Text

    text = Text(style=style)
    for chunk, flags in runs:
        text.append(chunk, " ".join(INLINE_STYLES[f] for f in flags if f in INLINE_STYLES) or None)
    return text


def _blocks_view(blocks: list[Any], nested: bool = False) -> list[Any]:
    """Rich renderables for blocks, one blank line between blocks (none inside a tight list item)."""
    from rich.text import Text

    views: list[Any] = []
    for block in blocks:
        if views and not nested:
            views.append(Text())
        kind = block[0]
        if kind == "heading":
            views.append(_inline_text(block[2], "bold underline" if block[1] == 1 else "bold"))
        elif kind == "paragraph":
            views.append(_inline_text(block[1]))
        elif kind == "code":
            views.append(Code(block[2], block[1]))
        elif kind == "list":
            views.append(_list_view(*block[1:]))
        elif kind == "table":
            views.append(_table_view(*block[1:]))
        elif kind == "quote":
            views.append(Hanging([("▌", _group(_blocks_view(block[1])))]))
        elif kind == "rule":
            from rich.rule import Rule

            views.append(Rule())
        elif kind == "html":
            views.append(Text(block[1]))
    return views


def _group(views: list[Any]) -> Any:
    from rich.console import Group

    return views[0] if len(views) == 1 else Group(*views)


def _list_view(ordered: bool, start: int, tight: bool, items: list[list[Any]]) -> Any:
    from rich.text import Text

    last = start + len(items) - 1
    rows: list[tuple[str, Any]] = []
    for number, item in enumerate(items, start):
        marker = f"{number}.".rjust(len(f"{last}.")) if ordered else "•"
        views = _blocks_view(item, nested=tight)
        if not tight and number < last:
            views.append(Text())
        rows.append((marker, _group(views) if views else Text()))
    return Hanging(rows, indent=1)


def _table_view(header: list[Any], rows: list[list[Any]], aligns: list[str | None]) -> Any:
    justify = [a if a in ("left", "center", "right") else "left" for a in aligns] + ["left"] * len(header)
    return MarkdownTable(
        [_inline_text(cell, "bold") for cell in header],
        [[_inline_text(cell) for cell in row[: len(header)]] for row in rows],
        justify[: len(header)],
    )


class MarkdownTable:
    """A lesson's table: the header in bold, a rule, then the rows, columns two spaces apart.

    Columns keep their natural width when the table fits; otherwise every column keeps room for its
    longest word and the rest is shared out fairly, the columns that need least first, so short
    columns stay whole and the long ones wrap (words fold only when even the longest words do not fit).
    """

    GAP = 2

    def __init__(self, header: list[Any], rows: list[list[Any]], justify: list[str]):
        self.header = header
        self.rows = [row + [type(header[0])("")] * (len(header) - len(row)) for row in rows] if header else []
        self.justify = justify

    def widths(self, available: int) -> list[int]:
        from rich.cells import cell_len

        cells = [self.header, *self.rows]
        columns = range(len(self.header))
        natural = [
            max(max((cell_len(line) for line in row[c].plain.split("\n")), default=0) for row in cells) for c in columns
        ]
        least = [max((cell_len(word) for row in cells for word in row[c].plain.split()), default=1) for c in columns]
        least = [max(1, min(n, w)) for n, w in zip(natural, least)]
        natural = [max(1, n) for n in natural]
        room = available - self.GAP * (len(natural) - 1)
        if sum(natural) <= room:
            return natural
        spare = room - sum(least)
        if spare >= 0:  # every longest word fits: share the rest fairly, smallest needs first (water-filling)
            widths = list(least)
            order = sorted(range(len(natural)), key=lambda c: natural[c] - least[c])
            for place, column in enumerate(order):
                give = min(natural[column] - least[column], spare // (len(order) - place))
                widths[column] += give
                spare -= give
            return widths
        total = sum(natural)
        return [max(1, room * n // total) for n in natural]  # even the longest words do not fit: fold

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.segment import Segment

        if not self.header:
            return
        widths = self.widths(options.max_width)
        gap = Segment(" " * self.GAP)
        rendered = []
        for row in [self.header, *self.rows]:
            cells = []
            for cell, width, justify in zip(row, widths, self.justify):
                cell.justify, cell.overflow = justify, "fold"
                cells.append(console.render_lines(cell, options.update(width=width, max_width=width), pad=True))
            rendered.append(cells)
        spaced = any(len(lines) > 1 for cells in rendered[1:] for lines in cells)  # wrapped rows: a blank line between
        for number, cells in enumerate(rendered):
            if spaced and number > 1:
                yield Segment.line()
            for line in range(max(len(c) for c in cells)):
                for column, lines in enumerate(cells):
                    if column:
                        yield gap
                    yield from lines[line] if line < len(lines) else [Segment(" " * widths[column])]
                yield Segment.line()
            if number == 0:
                yield Segment("─" * (sum(widths) + self.GAP * (len(widths) - 1)))
                yield Segment.line()

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        width = min(options.max_width, sum(self.widths(options.max_width)) + self.GAP * (len(self.header) - 1))
        return Measurement(width, width)


def show_resources(out: Output, resources: Sequence[Mapping[str, str]]) -> None:
    """Each title with a hanging indent, its URL whole on the next line (never folded: it stays
    one line for the terminal to open or copy, and scrolls in the pager)."""
    from rich.text import Text

    for res in resources:
        hanging(out, [("•", res["title"])])
        out.print(Text("    " + res["url"]), soft_wrap=True)


class Hanging:
    """Marker + content rows: wrapped lines align under the content, not under the marker.

    Content is text or any renderable (a list item's blocks); long words fold, never overflow.
    Cheaper than a Rich table grid, which measures every cell of every row twice.
    """

    def __init__(self, rows: list[tuple[str, Any]], indent: int = 0):
        self.rows = rows
        self.indent = indent

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.cells import cell_len
        from rich.segment import Segment
        from rich.text import Text

        marker_width = max((cell_len(marker) for marker, _ in self.rows), default=0)
        width = max(1, options.max_width - self.indent - marker_width - 1)
        inner = options.update(width=width, max_width=width)
        blank = Segment(" " * (self.indent + marker_width + 1))
        for marker, content in self.rows:
            if isinstance(content, str):
                content = Text(content)
            if isinstance(content, Text):  # the common case, wrapped directly (cheaper than render_lines)
                content.overflow = "fold"
                lines: list[list[Segment]] = [list(line.render(console)) for line in content.wrap(console, width)]
            else:
                lines = console.render_lines(content, inner, pad=False, new_lines=False)
            for number, line in enumerate(lines or [[]]):
                if number == 0:
                    yield Segment(" " * self.indent + " " * (marker_width - cell_len(marker)) + marker + " ")
                else:
                    yield blank
                yield from line
                yield Segment.line()

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        return Measurement(options.max_width, options.max_width)


def hanging(out: Output, rows: list[tuple[str, str]], indent: int = 2) -> None:
    """Marker + text rows whose wrapped lines align under the text, not under the marker."""
    if rows:
        out.print(Hanging(list(rows), indent))


# --- topics -----------------------------------------------------------------------------------


def show_topic(
    out: Output,
    catalog: Catalog,
    topic: Topic,
    statuses: dict[str, str],
    missing: list[str],
    language: str | None = None,
    all_languages: bool = False,
    pager: bool = True,
) -> None:
    """The full guide of ``mentor`` (through the pager when it is taller than the terminal)."""
    from .pager import paged

    with paged(out, pager):
        _topic(out, catalog, topic, statuses, missing, language, all_languages)


def _topic(
    out: Output,
    catalog: Catalog,
    topic: Topic,
    statuses: dict[str, str],
    missing: list[str],
    language: str | None,
    all_languages: bool,
) -> None:
    from rich.panel import Panel

    category = catalog.categories.get(topic.category)
    status = statuses.get(topic.id, NOT_STARTED)
    out.print(
        Panel(
            f"{esc(topic.summary)}\n\n[dim]{esc(category.title) if category else topic.category} · {topic.level} · "
            f"about {topic.hours:g} h · status: {status}[/dim]",
            title=f"[bold]{esc(topic.title)}[/bold]",
            title_align="left",
        )
    )
    if missing:
        names = ", ".join(f"{esc(catalog.topics[m].title)} ({m})" for m in missing)
        out.print(f"[yellow]Read first:[/yellow] {names}")
    show_markdown(out, catalog.markup(f"topic:{topic.id}", topic.lesson))
    _bullets(out, "Key points", topic.key_points)
    _bullets(out, "Pitfalls", topic.pitfalls)
    show_examples(out, topic, language, all_languages)
    show_exercise(out, topic)
    if topic.quiz:
        out.print(
            f"\n[bold]Quiz[/bold]: {plural(len(topic.quiz), 'question')} — "
            f"run 'backend-mentor mentor {topic.id} --quiz'"
        )
    if topic.resources:
        out.print("\n[bold]Resources[/bold]")
        show_resources(out, topic.resources)
    if topic.related:
        related = ", ".join(r for r in topic.related if r in catalog.topics)
        out.print(f"\n[bold]Related[/bold]: {related}")
    if topic.prerequisites:
        marks = ", ".join(f"{MARKS[statuses.get(p, NOT_STARTED)]} {p}" for p in topic.prerequisites)
        out.print(f"[bold]Prerequisites[/bold]: {marks}")


def show_lesson(
    out: Output,
    catalog: Catalog,
    topic: Topic,
    path: LearningPath | None,
    position: str,
    language: str | None = None,
    all_languages: bool = False,
    pager: bool = True,
) -> None:
    """What ``learn`` shows: the lesson, its key points and the practice task (paged when long)."""
    from .pager import paged

    with paged(out, pager):
        _lesson(out, catalog, topic, position, language, all_languages)


def _lesson(
    out: Output, catalog: Catalog, topic: Topic, position: str, language: str | None, all_languages: bool
) -> None:
    from rich.rule import Rule

    out.print(Rule(f"[bold]{esc(topic.title)}[/bold]  [dim]{esc(position)}[/dim]", align="left"))
    out.print(f"[dim]{esc(topic.summary)}[/dim]\n")
    show_markdown(out, catalog.markup(f"topic:{topic.id}", topic.lesson))
    _bullets(out, "Key points", topic.key_points)
    _bullets(out, "Watch out for", topic.pitfalls)
    show_examples(out, topic, language, all_languages)
    show_exercise(out, topic, heading="Practice task")


def _bullets(out: Output, title: str, items: Sequence[str]) -> None:
    if items:
        out.print(f"\n[bold]{title}[/bold]")
        hanging(out, [("•", item) for item in items])


def choose_examples(
    examples: list[dict[str, Any]], language: str | None, all_languages: bool = False
) -> tuple[list[dict[str, Any]], int, str]:
    """The examples to show for a learner's language: (shown, hidden count, one-line note).

    Code examples in the learner's language come first and code in other languages is hidden;
    examples that are not code in a programming language (SQL, HTTP, shell, JSON...) are always
    shown. Without an example in the learner's language, the closest one is shown and the note says so.
    """
    from .curriculum.schema import EXAMPLE_PREFERENCES, LANGUAGE_NAMES, PROFILE_EXAMPLE_LANGUAGES

    if all_languages or language not in EXAMPLE_PREFERENCES:
        return list(examples), 0, ""
    preferences = EXAMPLE_PREFERENCES[language]
    own = PROFILE_EXAMPLE_LANGUAGES[language]
    code = [e for e in examples if e["language"] in preferences]
    other = [e for e in examples if e["language"] not in preferences]
    mine = sorted((e for e in code if e["language"] in own), key=lambda e: own.index(e["language"]))
    note = ""
    if code and not mine:
        closest = min(code, key=lambda e: preferences.index(e["language"]))
        mine = [closest]
        note = (
            f"No {LANGUAGE_NAMES[language]} example for this topic; the closest one is in "
            f"{LANGUAGE_NAMES.get(closest['language'], closest['language'])}."
        )
    return mine + other, len(code) - len(mine), note


def show_examples(out: Output, topic: Topic, language: str | None = None, all_languages: bool = False) -> None:
    if not topic.examples:
        return
    shown, hidden, note = choose_examples(topic.examples, language, all_languages)
    if note:
        out.print(f"\n[dim]{note}[/dim]", highlight=False)
    for example in shown:
        dialect = f" ({example['dialect']})" if example.get("dialect") else ""
        out.print(f"\n[bold]Example[/bold]: {esc(example['title'])} [dim]{example['language']}{dialect}[/dim]")
        out.print(Code(example["code"], example["language"]), soft_wrap=True)
    if hidden:
        out.print(f"[dim]{plural(hidden, 'example')} in other languages hidden; --all-languages shows them.[/dim]")


def show_exercise(out: Output, topic: Topic, heading: str = "Exercise") -> None:
    exercise = topic.exercise
    if not exercise:
        return
    out.print(f"\n[bold]{heading}[/bold]: {esc(exercise['title'])}", highlight=False)
    steps = exercise.get("steps", [])
    width = len(str(len(steps)))
    hanging(out, [(f"{number:>{width}}.", step) for number, step in enumerate(steps, start=1)])
    if exercise.get("done_when"):
        out.print("  Done when:")
        hanging(out, [("✓", item) for item in exercise["done_when"]], indent=4)


def show_hits(out: Output, hits: Sequence[SearchHit | Hit], query: str) -> None:
    from rich.table import Table

    table = Table(title=f"Topics matching '{query}'", title_justify="left", box=None, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    side = _side_by_side(out, [h.id for h in hits], 4)
    _id_columns(table, side, [h.id for h in hits])
    for number, hit in enumerate(hits, start=1):
        table.add_row(str(number), *_id_cells(side, hit.id, hit.title))
    out.print(table)
    out.hint(f"Show one with: backend-mentor mentor {hits[0].id}")


def show_categories(out: Output, listing: Categories, pager: bool = True) -> None:
    from .pager import paged

    with paged(out, pager):
        _categories(out, listing)
    out.hint('Show a topic with: backend-mentor mentor TOPIC (loose words work: mentor "n+1 queries")')


def _side_by_side(out: Output, ids: Iterable[str], other: int) -> bool:
    """Whether ids (never cut) and titles (wrapped at spaces) fit as two columns."""
    return max((len(i) for i in ids), default=2) + 2 + 22 + other <= out.console.width


def _id_columns(table: Table, side: bool, ids: Iterable[str], header: bool = True) -> None:
    if side:
        table.add_column("id" if header else "", no_wrap=True, min_width=max((len(i) for i in ids), default=2))
        table.add_column("title" if header else "")
    else:  # narrow terminal: the title goes under its id
        table.add_column("id / title" if header else "")


def _id_cells(side: bool, tid: str, title: str, title_style: str = "") -> tuple[str | Text, ...]:
    from rich.text import Text

    if side:
        return tid, Text(title, style=title_style)
    return (Text.assemble(tid, "\n", (title, title_style or "dim")),)


def _categories(out: Output, listing: Categories) -> None:
    from rich.table import Table

    side = _side_by_side(out, [t.id for c in listing.categories for t in c.topics], 5)
    for category in listing.categories:
        if not category.topics:
            continue
        table = Table(title=f"[bold]{esc(category.title)}[/bold]", title_justify="left", box=None, show_header=False)
        table.add_column(width=2, no_wrap=True)
        _id_columns(table, side, [t.id for t in category.topics], header=False)
        for topic in category.topics:
            table.add_row(MARKS[topic.status], *_id_cells(side, topic.id, topic.title, "dim"))
        out.print(table)


# --- paths ------------------------------------------------------------------------------------


def show_path_list(out: Output, overview: PathOverview, pager: bool = True) -> None:
    """``services.path_overview``: every path by group with its progress; ``*`` marks the active one."""
    from .pager import paged

    with paged(out, pager):
        _path_list(out, overview)
    out.hint("* = your active path · show one: backend-mentor path show ID · switch: backend-mentor path start ID")


def _path_list(out: Output, overview: PathOverview) -> None:
    from rich.table import Table

    wide = out.console.width >= 80  # room for a progress bar
    side = _side_by_side(out, [p.id for group in overview.groups for p in group.paths], 12 + (12 if wide else 0))
    for group in overview.groups:
        table = Table(title=f"[bold]{PATH_GROUPS.get(group.group, group.group)}[/bold]", title_justify="left", box=None)
        table.add_column(" ", width=1, no_wrap=True)
        _id_columns(table, side, [p.id for p in group.paths])
        table.add_column("topics", justify="right", no_wrap=True)
        table.add_column("done", no_wrap=True, justify="right")
        for path in group.paths:
            progress = path.progress
            marker = "*" if path.id == overview.active else ""
            table.add_row(
                marker,
                *_id_cells(side, path.id, path.title),
                str(progress.topics),
                (f"{bar(progress.done, progress.topics, 10)} " if wide else "") + f"{progress.percent}%",
            )
        out.print(table)


def show_path(out: Output, path: PathDetail, catalog: Catalog, expand_all: bool = False, pager: bool = True) -> None:
    """A path as a tree: the current stage in full, the others as one summary line (all with ``expand_all``).

    ``catalog`` names the projects, checkpoints and next paths the path refers to."""
    from .pager import paged

    with paged(out, pager):
        _path(out, catalog, path, expand_all)


def _path(out: Output, catalog: Catalog, path: PathDetail, expand_all: bool) -> None:
    from rich.tree import Tree

    progress = path.progress
    out.print(f"[bold]{esc(path.title)}[/bold] [dim]({path.id} · {PATH_GROUPS.get(path.group, path.group)})[/dim]")
    out.print(path.summary, markup=False)
    if path.languages or path.frameworks:
        out.print(
            f"[dim]languages: {', '.join(path.languages) or 'any'} · frameworks: {', '.join(path.frameworks) or '—'}[/dim]"
        )
    known = f" ({progress.known} known already)" if progress.known else ""
    tree = Tree(f"{bar(progress.covered, progress.topics)} {progress.percent}% of {progress.topics} topics{known}")
    current = path.current_stage
    collapsed = 0
    for index, (stage, stage_progress) in enumerate(zip(path.stages, progress.stages)):
        label = (
            f"[bold]{stage.level.title()}[/bold] ({stage.months} months){': ' + esc(stage.title) if stage.title else ''}  "
            f"{bar(stage_progress.covered, stage_progress.topics, 12)} "
            f"{stage_progress.covered}/{stage_progress.topics} · {stage_progress.hours:g} h"
            + ("  [yellow]← you are here[/yellow]" if index == current else "")
        )
        branch = tree.add(label)
        if not expand_all and index != current:
            collapsed += 1
            parts = [plural(len(stage.modules), "module"), plural(stage_progress.topics, "topic")]
            if stage.projects:
                parts.append(plural(len(stage.projects), "project"))
            if stage.checkpoints:
                parts.append(plural(len(stage.checkpoints), "checkpoint"))
            branch.add(f"[dim]{' · '.join(parts)}[/dim]")
            continue
        if stage.goals:
            goals = branch.add("[dim]Goals[/dim]")
            for goal in stage.goals:
                goals.add(f"[dim]{esc(goal)}[/dim]")
        for module in stage.modules:
            node = branch.add(f"[bold]{esc(module.title)}[/bold]")
            for topic in module.topics:
                status = topic.status
                tag = " (known)" if status == TopicStatus.KNOWN else ""
                node.add(
                    f"[{STYLES[status]}]{MARKS[status]} {esc(topic.title)}{tag}[/] [dim]{topic.id}[/dim]"
                    if STYLES[status]
                    else f"{MARKS[status]} {esc(topic.title)} [dim]{topic.id}[/dim]"
                )
        for pid in stage.projects:
            project = catalog.projects.get(pid)
            branch.add(
                f"◆ project: {esc(project.title) if project else pid} [dim]{pid} · backend-mentor project show {pid}[/dim]"
            )
        for cid in stage.checkpoints:
            checkpoint = catalog.checkpoints.get(cid)
            mark = "✓" if cid in path.passed_checkpoints else "○"
            branch.add(
                f"{mark} checkpoint: {checkpoint.title if checkpoint else cid}{_in_language(checkpoint, path.languages)} "
                f"[dim]{cid}[/dim]"
            )
    out.print(tree)
    if collapsed:
        out.print(f"[dim]Every stage in full: backend-mentor path show {path.id} --all[/dim]")
    _path_extras(out, catalog, path)


def _in_language(checkpoint: Checkpoint | None, path_languages: tuple[str, ...]) -> str:
    """ " (in Go)" for a checkpoint that checks work in the path's own language (the test-writing one)."""
    from .curriculum.schema import LANGUAGE_NAMES, TEST_LANGUAGE_FOR_PROFILE

    if checkpoint is None or checkpoint.kind != "pytest-bugs":
        return ""
    language = next(
        (TEST_LANGUAGE_FOR_PROFILE[lang] for lang in path_languages if lang in TEST_LANGUAGE_FOR_PROFILE), None
    )
    return f" (in {LANGUAGE_NAMES[language]})" if language else ""


def _path_extras(out: Output, catalog: Catalog, path: PathDetail) -> None:
    career = path.career
    if career:
        out.print("\n[bold]Career[/bold]")
        show_career(out, career)
    if path.technologies:
        out.print("\n[bold]Key technologies by level[/bold]")
        for level in TECHNOLOGY_LEVELS:
            if path.technologies.get(level):
                hanging(out, [("•", f"{level.title()}: {', '.join(path.technologies[level])}")])
    _bullets(out, "Success metrics", path.success_metrics)
    if path.resources:
        out.print("\n[bold]Roadmaps and resources[/bold]")
        show_resources(out, path.resources)
    if path.next:
        names = ", ".join(f"{esc(catalog.paths[n].title)} ({n})" for n in path.next if n in catalog.paths)
        out.print(f"\n[bold]Next[/bold]: {names}")


def show_path_finished(out: Output, finished: PathFinished) -> None:
    out.success(f"You have finished every topic of {finished.title}.")
    if finished.next_paths:
        names = ", ".join(finished.next_paths)
        out.message(
            f"Continue with a specialization: backend-mentor path start {finished.next_paths[0]}  (options: {names})"
        )
    out.hint("Prove your skills: backend-mentor checkpoint list")


def show_next_step(out: Output, step: NextStep) -> None:
    """After done or skip: the next step of the path, said the same way."""
    if step.topic:
        out.hint(f"Next: {step.topic.title} ({step.topic.id}) — run 'backend-mentor learn'")
    elif step.finished_path:
        out.hint(f"That was the last topic of {step.finished_path}: run 'backend-mentor learn' to see what comes next.")


def show_marked(out: Output, marked: Marked) -> None:
    out.success(f"Marked {marked.status}: {', '.join(marked.topics)}")
    if marked.next_step:
        show_next_step(out, marked.next_step)


def show_lesson_notes(out: Output, lesson: Lesson) -> None:
    """What comes before a lesson: reviews due and finished stages to prove."""
    if lesson.reviews_due:
        out.print(
            f"[bold]{plural(lesson.reviews_due, 'review')} due[/bold] — keep what you learned: backend-mentor review"
        )
    for stage in lesson.stages_to_prove:
        out.print(f"[bold green]You finished the {stage.level} stage.[/bold green] Prove it before you go on:")
        for cid in stage.checkpoints:
            out.print(f"  backend-mentor checkpoint show {cid}", markup=False)
        for pid in stage.projects:
            out.print(f"  backend-mentor project show {pid}", markup=False)


def show_plan(out: Output, plan: Plan) -> None:
    from rich.table import Table

    if not plan.weeks:
        out.success(f"Nothing left to plan: every topic of {plan.title} is done or skipped.")
        return
    table = Table(
        title=f"{plan.title}: {len(plan.weeks)} weeks at {plan.hours_per_week:g} h/week", title_justify="left"
    )
    table.add_column("week", justify="right")
    table.add_column("hours", justify="right")
    table.add_column("topics")
    for week in plan.weeks:
        names = "; ".join(f"{t.title} ({t.hours:g} h{', continues' if t.continues else ''})" for t in week.topics)
        table.add_row(str(week.week), f"{week.hours:g}", names)
    out.print(table)


def show_path_started(out: Output, started: PathStarted) -> None:
    progress = started.progress
    out.success(f"Active path: {started.title} — {progress.done}/{progress.topics} topics already done.")
    out.hint("Continue with: backend-mentor learn")


# --- checkpoints ------------------------------------------------------------------------------


def show_checkpoints(out: Output, listing: CheckpointList) -> None:
    from rich.table import Table

    rows = listing.checkpoints
    ids, kinds = [r.id for r in rows], [r.kind for r in rows]
    when_width = 16 if any(r.last_attempt for r in rows) else len("last attempt")  # "2026-03-01 14:05"
    facts = max(map(len, kinds), default=8) + len("attempted") + len("attempts") + when_width + 8
    if max(map(len, ids), default=2) + 2 + facts > out.console.width:  # too narrow for columns: one block each
        from rich.text import Text

        for number, row in enumerate(rows):
            out.print(Text.assemble("\n" if number else "", (row.id, "bold"), "  ", (row.kind, "dim")))
            when = f" · last {local_time(row.last_attempt)}" if row.last_attempt else ""
            hanging(out, [("", row.title), ("", f"{row.status} · {plural(row.attempts, 'attempt')}{when}")], indent=1)
        out.hint("Details: backend-mentor checkpoint show ID · check your work: backend-mentor checkpoint verify ID")
        return
    table = Table(box=None, pad_edge=False)
    side = _side_by_side(out, ids, facts)
    _id_columns(table, side, ids)
    table.add_column("verifier", no_wrap=True, min_width=max(map(len, kinds), default=8))  # ids too: never cut
    table.add_column("status")
    table.add_column("attempts", justify="right", no_wrap=True)
    table.add_column("last attempt", no_wrap=True)
    for row in rows:
        table.add_row(
            *_id_cells(side, row.id, row.title), row.kind, row.status, str(row.attempts), local_time(row.last_attempt)
        )
    out.print(table)
    out.hint("Details: backend-mentor checkpoint show ID · check your work: backend-mentor checkpoint verify ID")


def show_checkpoint(out: Output, checkpoint: CheckpointDetail, catalog: Catalog) -> None:
    from rich.panel import Panel
    from rich.text import Text

    out.print(Panel(esc(checkpoint.summary), title=f"[bold]{esc(checkpoint.title)}[/bold]", title_align="left"))
    show_markdown(out, catalog.markup(f"checkpoint:{checkpoint.id}", checkpoint.instructions))
    out.print(f"\n[bold]Verifier[/bold]: {checkpoint.kind} · [bold]Study[/bold]: {', '.join(checkpoint.study)}")
    if checkpoint.checks:
        out.print(f"[bold]Checks[/bold] ({len(checkpoint.checks)}):")
        for name, hint in checkpoint.checks:
            out.print(Text.assemble(f"  {name}", (f"  · study: {hint}", "dim")), soft_wrap=True)
    attempts = checkpoint.attempts
    if attempts:
        out.print(f"[bold]Attempts[/bold]: {len(attempts)}")
        for attempt in attempts[-5:]:
            how = "manual" if attempt.manual else f"{round(100 * attempt.score)}%"
            out.print(f"  {local_time(attempt.at)}  {'passed' if attempt.passed else 'failed'}  {how}", markup=False)


def show_starter_files(out: Output, files: StarterFiles) -> None:
    from pathlib import Path

    for name in files.written:
        out.line(f"wrote {Path(files.directory) / name}")
    for name in files.kept:
        out.message(f"kept  {Path(files.directory) / name} (already exists, not overwritten)")
    out.hint(f"Next: read the instructions with 'backend-mentor checkpoint show {files.checkpoint}'")


def show_verification(out: Output, result: VerifyResult) -> None:
    """The report of a recorded run, and what the record means."""
    show_report(out, result.title, result.kind, result.checks)
    if result.passed:
        out.success("Checkpoint passed and recorded.")
    elif result.counts["skip"] and not result.counts["fail"]:
        out.hint("Recorded as not passed: some checks could not run (SKIP); fix what stopped them and run again.")


def show_manual_completion(out: Output, done: ManualCompletion) -> None:
    out.success(f"Recorded '{done.checkpoint}' as passed, with your evidence.")


def show_report(out: Output, title: str, kind: str, checks: Sequence[Check]) -> None:
    """One line per check (PASS, FAIL or SKIP), details under failures, like a test runner.

    Everything a check says may come from the learner's server or files, so it is printed as
    plain text with control characters escaped; ``reproduce`` keeps one command per line.
    """
    from rich.text import Text

    from .checkpoints.base import printable, verdict

    out.print(Text.assemble((title, "bold"), " ", (f"({kind})", "dim")))
    for check in checks:
        name, message = printable(check.name), printable(check.message or "")
        if check.passed:
            out.print(
                Text.assemble("  ", ("PASS", "green"), f" {name}", (f" — {message}" if message else "", "dim")),
                soft_wrap=True,
            )
            for warning in check.warnings or ():
                out.print(
                    Text.assemble("       ", ("WARN", "yellow"), f" (advice, does not fail) {printable(warning)}"),
                    soft_wrap=True,
                )
            continue
        if check.skipped:
            out.print(
                Text.assemble("  ", ("SKIP", "yellow"), f" {name}", (f" — {message}" if message else "", "dim")),
                soft_wrap=True,
            )
            continue
        out.print(Text.assemble("  ", ("FAIL", "red"), f" {name}"), soft_wrap=True)
        details = [printable(line) for line in (check.message or "").splitlines()]
        if check.expected is not None:
            details.append(f"expected: {printable(check.expected) or '(nothing)'}")
        if check.actual is not None:
            details.append(f"actual:   {printable(check.actual) or '(nothing)'}")
        if check.hint_topic:
            details.append(f"study:    backend-mentor mentor {printable(check.hint_topic)}")
        if check.reproduce:
            commands = [printable(line) for line in check.reproduce.splitlines() if line.strip()]
            if len(commands) == 1:
                details.append(f"reproduce: {commands[0]}")
            else:
                details.append(f"reproduce ({len(commands)} requests, in order):")
                details.extend(f"  {command}" for command in commands)
        for line in details:
            out.print(f"       {line}", markup=False, soft_wrap=True)
    counts = verdict(list(checks))["counts"]
    style = "green" if not counts["fail"] and not counts["skip"] else "red" if counts["fail"] else "yellow"
    summary = f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped"
    if counts["warn"]:
        summary += f", {counts['warn']} warning" + ("s" if counts["warn"] != 1 else "")
    out.print(Text(summary, style=style))


# --- progress ---------------------------------------------------------------------------------


def show_stats(out: Output, data: Stats) -> None:
    from rich.table import Table

    topics = data.topics
    out.print(
        f"[bold]Topics[/bold]: {topics.done} done, {topics.learning} in progress, {topics.skipped} skipped "
        f"of {topics.total} · {topics.hours_done:g} study hours completed"
    )
    streak = data.streak
    out.print(
        f"[bold]Streak[/bold]: {plural(streak.current, 'day')} · longest {plural(streak.longest, 'day')} · "
        f"{plural(streak.active_days, 'active day')}"
    )
    cps = data.checkpoints
    out.print(f"[bold]Checkpoints[/bold]: {cps.passed}/{cps.total} passed ({cps.attempted} attempted)")
    if data.path:
        path, progress = data.path, data.path.progress
        out.print(f"\n[bold]{esc(path.title)}[/bold]  {bar(progress.done, progress.topics)} {progress.percent}%")
        for stage in progress.stages:
            out.print(f"  {stage.level.title():<13} {bar(stage.done, stage.topics, 16)} {stage.done}/{stage.topics}")
    table = Table(title="By category", title_justify="left", box=None, pad_edge=False)
    table.add_column("category")
    table.add_column("done", justify="right")
    table.add_column("")
    for entry in data.by_category.values():
        if entry.topics:
            table.add_row(entry.title, f"{entry.done}/{entry.topics}", bar(entry.done, entry.topics, 12))
    out.print(table)
    show_calendar(out, data.calendar)


def write_markdown_portfolio(stream: IO[str], catalog: Catalog, portfolio: Portfolio) -> None:
    """``progress export --format md``: path progress, checkpoints passed, finished topics by category."""
    data = portfolio.stats
    write = stream.write
    write("# Backend learning progress\n\n")
    topics = data.topics
    write(f"- Topics done: **{topics.done}** of {topics.total} ({topics.hours_done:g} study hours)\n")
    write(f"- In progress: {topics.learning} · skipped: {topics.skipped}\n")
    write(f"- Checkpoints passed: **{data.checkpoints.passed}** of {data.checkpoints.total}\n")
    write(f"- Streak: {plural(data.streak.current, 'day')} (longest {plural(data.streak.longest, 'day')})\n")
    if data.path:
        progress = data.path.progress
        write(f"\n## Path: {data.path.title} — {progress.percent}%\n\n| stage | done | topics |\n|---|---:|---:|\n")
        for stage in progress.stages:
            write(f"| {stage.level} ({stage.months} months) | {stage.done} | {stage.topics} |\n")
    summaries = portfolio.checkpoints
    if summaries:
        write(
            "\n## Checkpoints\n\n| checkpoint | result | best score | attempts | last attempt |\n|---|---|---:|---:|---|\n"
        )
        for cid, summary in sorted(summaries.items()):
            title = catalog.checkpoints[cid].title if cid in catalog.checkpoints else cid
            result = "passed" if summary.passed else "not yet"
            write(f"| {title} | {result} | {round(100 * summary.best)}% | {summary.attempts} | {summary.last[:10]} |\n")
    completed = portfolio.completed
    if completed:
        write("\n## Topics completed\n")
        by_category = catalog.topics_by_category()
        for cid, category in catalog.categories.items():
            inside = sorted((t for t in by_category.get(cid, []) if t.id in completed), key=lambda t: t.title)
            if inside:
                write(f"\n### {category.title}\n\n")
                for topic in inside:
                    when = (completed[topic.id] or "")[:10]
                    write(f"- {topic.title}" + (f" — {when}" if when else "") + "\n")
        unknown = sorted(t for t in completed if t not in catalog.topics)
        if unknown:
            write("\n### Topics no longer in the curriculum\n\n" + "".join(f"- {t}\n" for t in unknown))


def show_calendar(out: Output, grid: tuple[tuple[CalendarDay, ...], ...]) -> None:
    shades = " ░▒▓█"
    out.print("\n[bold]Activity[/bold] (last 12 weeks, a column per week)")
    for day_index, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        cells = []
        for week in grid:
            cell = week[day_index]
            if cell.future:
                cells.append(" ")
            else:
                level = min(4, cell.events) if cell.events < 4 else 4
                cells.append(shades[level] if cell.events else "·")
        out.print(f"  {name:<4}{''.join(cells)}", markup=False)


def show_imported(out: Output, result: ImportResult) -> None:
    counts = result.merged
    out.success(
        f"Imported {result.file}: {counts['topics_added']} topics added, {counts['topics_updated']} updated, "
        f"{counts['attempts_added']} checkpoint attempts, {counts['cards_added'] + counts['cards_updated']} review cards, "
        f"{counts['events_added']} events, {counts['answers_added']} quiz answers."
    )


# --- the dashboard ----------------------------------------------------------------------------


def show_dashboard(out: Output, board: Dashboard) -> None:
    """Where you are and what to run next (a welcome for a new learner)."""
    if board.path is None:
        size = board.catalog
        out.print("[bold]Welcome to backend-mentor[/bold] — a mentor for learning backend development.\n")
        out.print(f"{size.topics} topics, {size.paths} paths and {size.checkpoints} checkpoints ship with it.")
        out.print("\nStart here:   [bold]backend-mentor learn[/bold]        (four questions, then your first lesson)")
        out.print("Browse paths: backend-mentor path list")
        out.print('Ask anything: backend-mentor mentor "what is a jwt"')
        return
    progress = board.path.progress
    out.print(f"[bold]{board.path.title}[/bold]  {bar(progress.covered, progress.topics)} {progress.percent}%")
    for stage in progress.stages:
        out.print(
            f"  {stage.level.title():<13} {stage.months:>5} mo  {bar(stage.covered, stage.topics, 16)} "
            f"{stage.covered}/{stage.topics}"
        )
    streak, checkpoints = board.streak, board.checkpoints
    if streak is not None and checkpoints is not None:
        out.print(
            f"\nStreak: {plural(streak.current, 'day')} · checkpoints passed: {checkpoints.passed}/{checkpoints.total}"
        )
    if board.reviews_due:
        out.print(f"Reviews due: [bold]{board.reviews_due}[/bold] — backend-mentor review")
    if board.next:
        nxt = board.next
        out.print(f"Next: [bold]{nxt.title}[/bold] [dim]({nxt.id}, about {nxt.hours:g} h)[/dim]")
    else:
        out.print("You have finished this path. Pick the next one with 'backend-mentor path list'.")
    out.print("\n" + "\n".join(f"  {c}" for c in board.commands))


# --- projects ---------------------------------------------------------------------------------


def show_projects(out: Output, listing: ProjectList) -> None:
    from rich.table import Table

    from .curriculum.schema import LEVELS

    for level in LEVELS:
        projects = [p for p in listing.projects if p.level == level]
        if not projects:
            continue
        table = Table(title=f"[bold]{level.title()}[/bold]", title_justify="left", box=None, pad_edge=False)
        ids = [p.id for p in listing.projects]  # all levels: the columns line up from table to table
        side = _side_by_side(out, ids, 10)
        _id_columns(table, side, ids)
        table.add_column("used in", style="dim", no_wrap=True)
        for project in projects:
            table.add_row(*_id_cells(side, project.id, project.title), plural(len(project.paths), "path"))
        out.print(table)
    out.hint("Details: backend-mentor project show ID")


def show_project(out: Output, project: ProjectDetail, catalog: Catalog) -> None:
    from rich.panel import Panel

    out.print(
        Panel(
            f"{esc(project.summary)}\n\n[dim]{project.level} project[/dim]",
            title=f"[bold]{esc(project.title)}[/bold]",
            title_align="left",
        )
    )
    _bullets(out, "Features", project.features)
    out.print("\n[bold]Milestones[/bold]")
    for number, milestone in enumerate(project.milestones, start=1):
        hanging(out, [(f"{number}.", str(milestone["title"]))])
        hanging(out, [("✓", criterion) for criterion in milestone["acceptance"]], indent=5)
    _bullets(out, "Stretch goals", project.stretch)
    statuses = project.statuses
    if project.topics:
        marks = ", ".join(f"{MARKS[statuses.get(t, NOT_STARTED)]} {t}" for t in project.topics if t in catalog.topics)
        out.print(f"\n[bold]Topics it exercises[/bold]: {marks}")
    for cid in project.checkpoints:
        checkpoint = catalog.checkpoints.get(cid)
        if checkpoint:
            state = project.checkpoint_states.get(cid, "not attempted")
            out.print(
                f"[bold]Prove it[/bold]: {esc(checkpoint.title)} ({state}) — backend-mentor checkpoint verify {cid}"
            )


# --- the curriculum ---------------------------------------------------------------------------


def show_validation(out: Output, report: Validation) -> None:
    for problem in report.problems:
        out.line(str(problem))
    summary = ", ".join(f"{n} {kind}s" for kind, n in report.counts.items())
    if report.problems:
        out.message(
            f"{plural(len(report.problems), 'problem')} in {plural(report.files, 'file')} ({summary})", style="red"
        )
    else:
        out.success(f"curriculum is valid: {report.files} files ({summary})")


def show_curriculum_info(out: Output, info: CurriculumInfo) -> None:
    from rich.table import Table

    out.print(f"[bold]backend-mentor {info.version}[/bold]")
    for index, source in enumerate(info.sources):
        out.print(f"  {'shipped' if index == 0 else 'pack':8} {source}", markup=False)
    out.print(
        "  "
        + ", ".join(f"{n} {name}" for name, n in info.counts.items())
        + f" from {info.files} files"
        + (" (cached)" if info.cache.from_cache else " (compiled now)"),
        markup=False,
    )
    table = Table("category", "topics", box=None, pad_edge=False)
    for cid, count in info.topics_by_category.items():
        table.add_row(info.category_titles.get(cid, cid), str(count))
    out.print(table)
    out.print(f"  cache    {info.cache.file or 'not written'}", markup=False)
    out.print(f"  progress {info.database}", markup=False)
