"""The pager: chosen from the environment, used only for long output on a terminal."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from rich.console import Console

from backend_mentor import pager
from backend_mentor.output import Output


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("PAGER", "LESS", pager.NO_PAGER_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    return monkeypatch


def test_the_default_pager_is_less_keeping_colours_and_letting_code_scroll(clean_env):
    assert pager.pager_command() == ["less", "-R", "-S", "-X"]
    clean_env.setenv("PAGER", "less")
    assert pager.pager_command() == ["less", "-R", "-S", "-X"]
    clean_env.setenv("PAGER", "less -X")
    assert pager.pager_command() == ["less", "-X"]
    clean_env.setenv("PAGER", "most")
    assert pager.pager_command() == ["most"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("PAGER", "cat"), ("PAGER", "/bin/cat"), ("PAGER", ""), (pager.NO_PAGER_ENV, "1"), ("TERM", "dumb")],
)
def test_the_environment_can_switch_paging_off(clean_env, name, value):
    clean_env.setenv(name, value)
    assert pager.pager_command() is None


def terminal_output(monkeypatch, height: int = 20) -> tuple[Output, io.StringIO]:
    """An Output that believes it writes to a terminal; what bypasses the pager lands in stdout."""
    stdout = io.StringIO()
    stdout.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdout", stdout)
    out = Output()
    out._out = Console(file=stdout, width=60, height=height, force_terminal=True, no_color=True, highlight=False)
    return out, stdout


@pytest.fixture
def recording_pager(clean_env, tmp_path: Path) -> Path:
    """$PAGER is a script that saves what it is given."""
    received = tmp_path / "paged.txt"
    script = tmp_path / "fake-pager"
    script.write_text(f"#!/bin/sh\ncat > {received}\n")
    script.chmod(0o755)
    clean_env.setenv("PAGER", str(script))
    return received


def test_long_output_on_a_terminal_goes_to_the_pager_title_first(monkeypatch, recording_pager):
    out, stdout = terminal_output(monkeypatch)
    with pager.paged(out):
        out.print("The Title")
        for n in range(60):
            out.print(f"line {n}")
    paged = recording_pager.read_text()
    assert paged.splitlines()[0] == "The Title" and "line 59" in paged
    assert stdout.getvalue() == ""


def test_short_output_is_printed_directly(monkeypatch, recording_pager):
    out, stdout = terminal_output(monkeypatch)
    with pager.paged(out):
        out.print("The Title")
    assert not recording_pager.exists() and "The Title" in stdout.getvalue()


@pytest.mark.parametrize("how", ["flag", "json", "pipe"])
def test_no_pager_with_the_flag_with_json_or_when_piped(monkeypatch, recording_pager, how):
    out, stdout = terminal_output(monkeypatch)
    if how == "json":
        out.json_mode = True
    if how == "pipe":
        stdout.isatty = lambda: False  # type: ignore[method-assign]
        out._out = Console(file=stdout, width=60, height=20, force_terminal=False, highlight=False)
    with pager.paged(out, enabled=how != "flag"):
        for n in range(60):
            out.print(f"line {n}")
    assert not recording_pager.exists() and "line 59" in stdout.getvalue()


def test_a_pager_that_cannot_start_falls_back_to_printing(monkeypatch, clean_env):
    clean_env.setenv("PAGER", "/nonexistent/pager")
    out, stdout = terminal_output(monkeypatch)
    with pager.paged(out):
        for n in range(60):
            out.print(f"line {n}")
    assert "line 59" in stdout.getvalue()


def test_commands_accept_no_pager(invoke, mini):
    for args in (("mentor", "jwt"), ("mentor",), ("path", "show", "backend-developer"), ("path", "list")):
        result = invoke(*args, "--no-pager")
        assert result.exit_code == 0, (args, result.output)
