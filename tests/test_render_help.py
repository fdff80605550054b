"""--help reads like a learner's tool: no type noise, the everyday command first, plain words."""

from __future__ import annotations

import re

import pytest
import typer

from backend_mentor.cli import app

NOISE = re.compile(r"<(bool|int|float|str|text|list|path|int range|float range|datetime)[^>]*>|\[\d[^\]]*<=x", re.I)


def all_commands() -> list[tuple[str, ...]]:
    root = typer.main.get_command(app)
    found: list[tuple[str, ...]] = [()]

    def walk(command, prefix):
        for name, sub in getattr(command, "commands", {}).items():
            found.append((*prefix, name))
            walk(sub, (*prefix, name))

    walk(root, ())
    return found


@pytest.mark.parametrize("command", all_commands(), ids=lambda c: " ".join(c) or "root")
def test_help_shows_no_type_noise(invoke, command):
    result = invoke(*command, "--help", env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert not NOISE.search(result.stdout), NOISE.search(result.stdout).group(0)


def test_values_are_described_in_words(invoke):
    text = invoke("mentor", "--help", env={"COLUMNS": "100"}).stdout
    assert re.search(r"--limit\s+1-50\s", text)
    assert re.search(r"--quiz\s+Take the topic", text)  # a flag shows no type at all
    assert re.search(
        r"--format\s+json\|csv\|md\s", invoke("progress", "export", "--help", env={"COLUMNS": "100"}).stdout
    )
    assert re.search(r"--curriculum\s+DIR\.\.\.", invoke("--help", env={"COLUMNS": "100"}).stdout)


def test_learn_is_listed_first(invoke):
    text = invoke("--help", env={"COLUMNS": "100"}).stdout
    commands = re.findall(r"^│ (\w+)\s{2,}", text.split("Commands")[1], re.M)
    assert commands[0] == "learn", commands


@pytest.mark.parametrize("command", [("learn",), ("mentor",), ("review",), ("progress", "reset")])
def test_every_command_that_can_prompt_accepts_no_input(invoke, command):
    assert "--no-input" in invoke(*command, "--help", env={"COLUMNS": "100"}).stdout


def test_jargon_is_explained(invoke):
    assert "FSRS-style" not in invoke("--help", env={"COLUMNS": "100"}).stdout
    review = " ".join(invoke("review", "--help", env={"COLUMNS": "100"}).stdout.split())
    assert "just before you would forget it" in review and "Spaced repetition" in review


@pytest.mark.parametrize("command", all_commands(), ids=lambda c: " ".join(c) or "root")
def test_help_paragraphs_flow_to_the_terminal_width(invoke, command):
    """A paragraph of help wraps at the terminal's edge, not where its docstring line ended in the source."""
    import inspect

    from backend_mentor.cli import build_app

    click_command = typer.main.get_command(build_app())
    for name in command:
        click_command = click_command.commands[name]
    wide = invoke(*command, "--help", env={"COLUMNS": "400"}).stdout
    lines = [" ".join(line.strip(" │").split()) for line in wide.splitlines()]
    for paragraph in inspect.cleandoc(click_command.help or "").split("\n\n")[1:]:
        flowed = " ".join(paragraph.split())
        if len(flowed) < 380 and not paragraph.startswith("\b"):
            assert flowed in lines, f"{flowed!r} is broken across lines"
