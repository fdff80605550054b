"""Options and helpers the command modules share."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.text import Text

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
            value = float(FloatPrompt.ask(prompt, default=f"{default:g}"))  # a str default is shown: (6)
        except EOFError:
            raise KeyboardInterrupt from None
        if low <= value <= high:
            return value
        from rich import print as rprint

        rprint(f"[red]Please enter a number from {low:g} to {high:g}.[/red]")


def ask_question(out, question: dict, header: str | Text = "", order: list[int] | None = None) -> int:
    """Show one quiz question with its options in ``order`` (original indexes; default as written), read the
    answer and say whether it was right; returns the original index picked.

    Curriculum text is shown as text, never read as markup; a long option wraps under its own start."""
    from rich.text import Text

    from ..render import hanging, sentence
    from ..review import is_correct

    choices = question["choices"]
    shown = list(order) if order is not None else list(range(len(choices)))
    out.print(Text.assemble("\n", header, (question["q"], "bold")))  # header: plain text or a styled Text
    hanging(out, [(f"{number})", choices[original]) for number, original in enumerate(shown, start=1)], indent=3)
    picked = shown[int(ask("Your answer", [str(i) for i in range(1, len(shown) + 1)])) - 1]
    if is_correct(question, picked):
        out.print(Text.assemble(("Correct.", "green"), " ", sentence(question["why"])))
    else:
        right = choices[question["answer"]]
        out.print(
            Text.assemble(("Not quite.", "red"), f" The answer is: {sentence(right)} {sentence(question['why'])}")
        )
    return picked


def ask_shuffled(out, question: dict, header: str | Text, rng) -> tuple[int, list[int]]:
    """The question with its options in a fresh random order; returns (original index picked, order shown)."""
    from ..review import option_order

    shown = option_order(question, rng)
    return ask_question(out, question, header, shown), shown
