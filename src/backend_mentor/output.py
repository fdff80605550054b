"""All printing goes through here: results to stdout, messages and errors to stderr.

Human output is Rich (plain when ``NO_COLOR`` is set or stdout is not a terminal); ``--json``
output is one JSON document with a ``schema_version``, written without Rich so no width or
markup can break it.

Everything printed is terminal-safe (see ``text``): the consoles made here clean every segment of
text they render, so no control sequence from a curriculum pack, a server or an argument reaches
the terminal, and a markup string broken by text inside it (``[/bold]`` in a title) still prints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Mapping
from enum import Enum
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, TextIO, TypeAlias, TypeVar

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderResult

JSON_SCHEMA_VERSION = 1

Json: TypeAlias = "dict[str, Json] | list[Json] | str | int | float | bool | None"
Result = TypeVar("Result")


def to_json(value: object) -> Json:
    """A result as JSON data: dataclasses (nested too) as objects, enums as their value, dates as ISO
    text, paths as text, tuples as lists.

    A dataclass field marked ``VIEW_ONLY`` (see ``results``) is left out, one marked ``OMIT_NONE`` is
    left out while it is None, and one marked ``FLATTEN`` has its keys merged into its parent's. An
    object with its own ``to_dict`` (a verifier's ``Check``) is written as that.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        own = getattr(value, "to_dict", None)
        if callable(own):
            return to_json(own())
        document: dict[str, Json] = {}
        for spec in dataclasses.fields(value):
            if not spec.metadata.get("json", True):
                continue
            item = getattr(value, spec.name)
            if item is None and spec.metadata.get("omit_none"):
                continue
            converted = to_json(item)
            if spec.metadata.get("flatten") and isinstance(converted, dict):
                document.update(converted)
            else:
                document[spec.name] = converted
        return document
    if isinstance(value, Enum):
        return to_json(value.value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _console(stderr: bool = False) -> Console:
    from rich.console import Console
    from rich.errors import MarkupError
    from rich.segment import Segment

    from .text import clean, repair_markup

    class _Clean:
        """Renders a renderable and makes every text segment terminal-safe (Rich's own styles stay)."""

        def __init__(self, inner: ConsoleRenderable):
            self.inner = inner

        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            line: list[Segment] = []  # the current line, held until its end so its trailing blanks go
            for segment in console.render(self.inner, options):
                if segment.control:
                    yield from line
                    line = []
                    yield segment
                    continue
                text = clean(segment.text)
                if "\n" not in text:
                    if text:
                        line.append(Segment(text, segment.style))
                    continue
                *ended, rest = text.split("\n")
                for part in ended:
                    if part:
                        line.append(Segment(part, segment.style))
                    yield from _without_trailing_blanks(line)
                    yield Segment("\n")
                    line = []
                if rest:
                    line.append(Segment(rest, segment.style))
            yield from line

    def _without_trailing_blanks(line: list[Segment]) -> list[Segment]:
        """Wrapped text and table padding end lines in spaces; a copied line should not. A blank with a
        background colour is drawn, so it stays."""
        while line:
            last = line[-1]
            if last.style is not None and last.style.bgcolor is not None:
                break
            kept = last.text.rstrip(" ")
            if kept:
                line[-1] = Segment(kept, last.style)
                break
            line.pop()
        return line

    class _Hook:
        def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
            return [_Clean(r) for r in renderables]

    class SafeConsole(Console):
        def render_str(self, text: str, **kwargs: Any) -> Any:  # type: ignore[override]
            text = clean(text)
            try:
                return super().render_str(text, **kwargs)
            except MarkupError:
                try:
                    return super().render_str(repair_markup(text), **kwargs)
                except MarkupError:
                    return super().render_str(text, **{**kwargs, "markup": False})

    _guard_markup()
    stream = sys.stderr if stderr else sys.stdout
    interactive = stream.isatty()
    console = SafeConsole(
        file=stream,
        no_color=bool(os.environ.get("NO_COLOR")) or not interactive,
        force_terminal=None if interactive else False,
        highlight=False,
        emoji=False,
    )
    console.push_render_hook(_Hook())  # type: ignore[arg-type]  # Rich's RenderHook is an ABC; this is its protocol
    return console


def _guard_markup() -> None:
    """Make ``rich.markup.render`` (used by ``Text.from_markup``: panel titles and subtitles) survive
    markup broken by the text inside it, like ``SafeConsole.render_str`` does for everything else."""
    import rich.markup
    from rich.errors import MarkupError

    from .text import repair_markup

    original = rich.markup.render
    if getattr(original, "_backend_mentor_guard", False):
        return

    def render(markup: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return original(markup, *args, **kwargs)
        except MarkupError:
            try:
                return original(repair_markup(markup), *args, **kwargs)
            except MarkupError:
                from rich.markup import escape

                return original(escape(markup), *args, **kwargs)

    render._backend_mentor_guard = True  # type: ignore[attr-defined]
    rich.markup.render = render


class Output:
    def __init__(self, json_mode: bool = False):
        self.json_mode = json_mode
        self._out: Console | None = None
        self._err: Console | None = None

    @property
    def console(self) -> Console:
        if self._out is None:
            self._out = _console()
        return self._out

    @property
    def err(self) -> Console:
        if self._err is None:
            self._err = _console(stderr=True)
        return self._err

    def emit(self, result: Result, human: Callable[[Output, Result], object]) -> None:
        """The one way a command prints its result: one JSON document with ``--json``, else its view."""
        if self.json_mode:
            document = to_json(result)
            if not isinstance(document, dict):
                raise TypeError(f"a JSON result must be an object, not {type(result).__name__}")
            self.json(document)
        else:
            human(self, result)

    def json(self, payload: Mapping[str, object]) -> None:
        document = {"schema_version": JSON_SCHEMA_VERSION, **payload}
        from .text import json_safe

        sys.stdout.write(json_safe(json.dumps(document, indent=2, ensure_ascii=False, default=str)) + "\n")

    def print(self, *renderables: Any, **kwargs: Any) -> None:
        self.console.print(*renderables, **kwargs)

    def line(self, text: str = "") -> None:
        """A plain line of text on stdout, no markup interpretation."""
        self.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def message(self, text: str, style: str | None = None) -> None:
        """A message or hint on stderr; none with ``--json`` (stdout holds the document, stderr only errors)."""
        if self.json_mode:
            return
        err = self.err
        if not err.is_terminal:  # a pipe or a log: one line per message, whatever its length
            err.print(text, style=style, markup=False, highlight=False, soft_wrap=True)
            return
        from rich.cells import cell_len

        if cell_len(text) > err.width and " · " in text:  # "do this · or that": one choice per line
            text = "\n".join(part.strip() for part in text.split(" · "))
        err.print(text, style=style, markup=False, highlight=False)  # wraps between words, never inside one

    def hint(self, text: str) -> None:
        self.message(text, style="dim")

    def success(self, text: str) -> None:
        self.message(text, style="green")

    def clear(self) -> None:
        """Clear the screen before a fresh report (only on a terminal: a pipe keeps every run)."""
        if self.console.is_terminal:
            self.console.clear()


def print_error(message: str) -> None:
    """One clean line on stderr, whatever the message holds; used by the CLI's single error mapping."""
    from .text import one_line

    color = sys.stderr.isatty() and not os.environ.get("NO_COLOR")
    prefix = "\x1b[31merror:\x1b[0m" if color else "error:"
    sys.stderr.write(f"{prefix} {one_line(message)}\n")


class CleanWriter:
    """A text stream that writes through ``text.clean``: for file contents shown on a terminal."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> int:
        from .text import clean

        return self.stream.write(clean(text))

    def flush(self) -> None:
        self.stream.flush()
