"""Options and helpers the command modules share."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

HELP = {"help_option_names": ["-h", "--help"]}

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON document (with schema_version) instead of text.")
]
NoInputOption = Annotated[bool, typer.Option("--no-input", help="Never prompt, even in a terminal.")]
ExampleLanguageOption = Annotated[
    str | None, typer.Option("--language", help="Show examples in this language first (default: your profile's).")
]
AllLanguagesOption = Annotated[bool, typer.Option("--all-languages", help="Show the examples in every language.")]


def group(help_text: str, **kwargs) -> typer.Typer:
    return typer.Typer(help=help_text, context_settings=HELP, **kwargs)


def interactive(no_input: bool = False) -> bool:
    """Prompts are allowed only with a terminal on both ends and without --no-input."""
    if no_input or os.environ.get("CI"):
        return False
    return sys.stdin.isatty() and sys.stdout.isatty()


def ask(prompt: str, choices: list[str], default: str | None = None) -> str:
    """A Rich prompt; end of input counts as Ctrl-C (nothing is saved)."""
    from rich.prompt import Prompt

    try:
        if default is None:
            return Prompt.ask(prompt, choices=choices, show_choices=True)
        return Prompt.ask(prompt, choices=choices, default=default, show_choices=True)
    except EOFError:
        raise KeyboardInterrupt from None


def ask_number(prompt: str, default: float, low: float, high: float) -> float:
    from rich.prompt import FloatPrompt

    while True:
        try:
            value = FloatPrompt.ask(prompt, default=default)
        except EOFError:
            raise KeyboardInterrupt from None
        if low <= value <= high:
            return value
        from rich import print as rprint

        rprint(f"[red]Please enter a number from {low:g} to {high:g}.[/red]")


def ask_question(out, question: dict, header: str) -> int:
    """Show one quiz question, read the answer, say whether it was right; returns the chosen index."""
    out.print(f"\n{header}[bold]{question['q']}[/bold]", highlight=False)
    for index, choice in enumerate(question["choices"], start=1):
        out.print(f"   {index}) {choice}", markup=False)
    picked = int(ask("Your answer", [str(i) for i in range(1, len(question["choices"]) + 1)])) - 1
    from rich.text import Text

    from ..render import sentence

    if picked == question["answer"]:
        out.print(Text.assemble(("Correct.", "green"), " ", sentence(question["why"])))
    else:
        right = question["choices"][question["answer"]]
        out.print(
            Text.assemble(("Not quite.", "red"), f" The answer is: {sentence(right)} {sentence(question['why'])}")
        )
    return picked
