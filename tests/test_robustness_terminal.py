"""Terminal safety: text from outside never reaches the terminal as a control sequence, and Rich
markup inside curriculum text never crashes a command."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import topic_yaml

EVIL_TITLE = r'"Evil \e]52;c;cHduZWQ=\a title \e]0;pwned\a \e[2J\e[H\ec [/bold] [red]x \x9b2J \u202e"'
EVIL_TEXT = r'"Read \e]2;owned\a this \e[31m [/dim] \x07\x08\r now"'
RAW = re.compile("\x1b|\x07|\x9b|\x08|\r|\u202e")
# What Rich itself may write on a colour terminal: SGR styles only.
NOT_SGR = re.compile(r"\x1b(?!\[[0-9;]*m)|[\x07\x08\x9b\u202e]")


@pytest.fixture
def evil_pack(make_pack):
    fields = {
        "title": EVIL_TITLE,
        "summary": EVIL_TEXT,
        "lesson": EVIL_TEXT,
        "key_points": f"[{EVIL_TEXT}, two, three]",
        "aliases": "[evil]",
    }
    return make_pack(topics={"evil-topic": topic_yaml("evil-topic", **fields)})


def test_the_sanitizer_makes_every_control_character_visible():
    from backend_mentor.text import clean, escape_markup, json_safe, one_line, repair_markup

    assert clean("a\x1b]52;c;aGk=\x07b") == "a\u241b]52;c;aGk=\u2407b"
    assert clean("x\x9b2J\u202e") == "x\ufffd2J\ufffd"
    assert clean("line\nnext\ttab") == "line\nnext\ttab"
    assert one_line("first\nsecond\r\n  third\x1b[2J") == "first second third\u241b[2J"
    assert len(one_line("x" * 10_000)) == 2000
    assert escape_markup("[/bold]") == "\\[/bold]"
    assert repair_markup("[bold]A [/bold] B[/bold]") == "[bold]A [/bold] B\\[/bold]"
    assert json_safe('"\x9b\u2028"') == '"\\u009b\\u2028"'


@pytest.mark.parametrize(
    "args",
    [
        ("--curriculum", "{pack}", "mentor", "evil-topic"),
        ("--curriculum", "{pack}", "mentor", "evil"),
        ("--curriculum", "{pack}", "mentor", "evil", "--json"),
        ("--curriculum", "{pack}", "mentor", "--json"),
        ("--curriculum", "{pack}", "mentor"),
        ("--curriculum", "{pack}", "learn", "done", "evil-topic"),
    ],
)
def test_curriculum_text_never_prints_raw_escapes(invoke, evil_pack, args):
    result = invoke(*[a.format(pack=evil_pack) for a in args])
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output
    assert not RAW.search(result.output), repr(RAW.search(result.output))
    if "--json" in args:
        json.loads(result.stdout)
    else:
        assert "evil-topic" in result.output or "Evil" in result.output


def test_markup_in_curriculum_text_is_shown_literally_in_tables(invoke, evil_pack):
    result = invoke("--curriculum", str(evil_pack), "mentor", "evil title")
    assert result.exit_code == 0, result.output
    assert "[/bold]" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("mentor", "\x1b]52;c;cHduZWQ=\x07zzqqxxw"),
        ("path", "show", "\x1b]0;pwned\x07\x1b[2J"),
        ("checkpoint", "verify", "no\x9bsuch"),
        ("progress", "import", "/nonexistent/\x1b[2J.json"),
    ],
)
def test_arguments_echoed_in_errors_are_clean_and_on_one_line(invoke, args):
    result = invoke(*args)
    assert result.exit_code != 0 or args[0] == "mentor"  # a loose query may still match a topic
    assert not RAW.search(result.output), repr(result.output)
    assert "internal error" not in result.output


@pytest.mark.parametrize("args", [("path", "show", "line one\nline two\nline three"), ("mentor", "zzqqxxw\nqqzzkkv")])
def test_multi_line_errors_become_one_line(invoke, args):
    result = invoke(*args)
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_progress_export_to_a_terminal_is_clean(invoke, tmp_path, monkeypatch):
    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-01-01T00:00:00+00:00")
    file = tmp_path / "evil.json"
    file.write_text(
        json.dumps(
            {
                "kind": "backend-mentor-progress",
                "schema_version": 1,
                "profile": None,
                "topics": [
                    {
                        "topic_id": "x\x1b]0;t\x07",
                        "status": "done",
                        "started_at": None,
                        "completed_at": None,
                        "updated_at": "2026-01-01T00:00:00+00:00",
                    }
                ],
                "attempts": [],
                "review_cards": [],
                "events": [],
            }
        )
    )
    assert invoke("progress", "import", str(file)).exit_code == 0
    output = run_in_pty([sys.executable, "-m", "backend_mentor", "progress", "export", "--format", "csv"])
    assert "x\u241b]0;t\u2407" in output and not NOT_SGR.search(output)


def run_in_pty(argv: list[str], timeout: float = 60) -> str:
    """Run a command on a real pseudo-terminal (colours on) and return everything it wrote."""
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(TERM="xterm-256color", COLUMNS="100", BACKEND_MENTOR_NO_PAGER="1")  # what reaches the terminal itself
    proc = subprocess.Popen(argv, stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True)
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
@pytest.mark.parametrize("args", [("mentor", "evil-topic"), ("mentor", "evil"), ("learn", "done", "evil-topic")])
def test_on_a_real_terminal_only_colour_codes_are_written(evil_pack, args):
    output = run_in_pty([sys.executable, "-m", "backend_mentor", "--curriculum", str(evil_pack), *args])
    assert "\x1b[" in output or "Evil" in output
    assert "internal error" not in output
    found = NOT_SGR.search(output)
    assert found is None, repr(output[max(0, found.start() - 40) : found.end() + 40])


EVIL = "\x1b]52;c;cHduZWQ=\x07\x1b]0;title\x07\x1b[2J\x9b2J"


class EvilHandler(__import__("http.server").server.BaseHTTPRequestHandler):
    """A learner's server whose reason phrase, headers and body carry escape sequences."""

    def _answer(self) -> None:
        body = json.dumps({"error": EVIL, "id": EVIL}).encode()
        self.send_response(418, "Teapot " + EVIL)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Evil", EVIL)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.mark.parametrize("checkpoint", ["build-rest-api", "caching-layer", "implement-auth", "deploy-with-monitoring"])
@pytest.mark.parametrize("json_output", [False, True])
def test_a_servers_escape_sequences_never_reach_the_terminal(invoke, checkpoint, json_output):
    from http_servers import serve

    with serve(EvilHandler) as server:
        args = ["checkpoint", "verify", checkpoint, "--url", server.url] + (["--json"] if json_output else [])
        result = invoke(*args)
    assert "internal error" not in result.output, result.output
    assert not RAW.search(result.output), repr(result.output[:400])
    if json_output:
        json.loads(result.stdout)


def test_valid_looking_markup_in_curriculum_text_is_shown_literally_in_every_view(invoke, tmp_path: Path) -> None:
    """A title like "[red]Red[/red]" is text to show, not a style to apply: guide, lesson, path tree."""
    from conftest import topic_yaml, write

    pack = tmp_path / "pack"
    write(
        pack / "topics" / "internet" / "markup-topic.yaml",
        topic_yaml("markup-topic", title='"[red]Red[/red] title"', summary='"Costs [bold]nothing[/bold] here."'),
    )
    guide = invoke("--curriculum", str(pack), "mentor", "markup-topic", "--no-pager")
    assert guide.exit_code == 0, guide.output
    assert "[red]Red[/red] title" in guide.stdout and "Costs [bold]nothing[/bold] here." in guide.stdout
    lesson = invoke("--curriculum", str(pack), "learn", "--topic", "markup-topic", "--no-input", "--no-pager")
    assert "[red]Red[/red] title" in lesson.stdout and "[bold]nothing[/bold]" in lesson.stdout


@pytest.mark.parametrize("args", [("mentor", "--help"), ("mentor", "jwt", "--no-pager"), ("path", "list")])
def test_a_reader_that_went_away_ends_the_run_quietly(tmp_path, args):
    """`backend-mentor … | head`: when the reader closes the pipe, no error line lands on the terminal."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first write: every write fails with EPIPE
    env = {**os.environ, "BACKEND_MENTOR_HOME": str(tmp_path), "COLUMNS": "80"}
    proc = subprocess.run(
        [sys.executable, "-m", "backend_mentor", *args], stdout=write_end, stderr=subprocess.PIPE, env=env, timeout=60
    )
    os.close(write_end)
    assert proc.stderr == b""
    assert proc.returncode == 1


def test_a_broken_pipe_inside_a_command_is_not_reported_as_an_error(monkeypatch):
    """The reader can go away while a command is still writing (a long guide into `head`): that ends the
    run with exit code 1 like any Unix tool, without the 'nothing was saved' error line."""
    import errno

    import typer
    from typer.testing import CliRunner

    from backend_mentor.cli import MentorGroup

    app = typer.Typer(cls=MentorGroup)

    @app.command()
    def write() -> None:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    @app.command()
    def other() -> None:
        pass

    result = CliRunner().invoke(app, ["write"])
    assert result.exit_code == 1
    assert "error" not in result.output.lower()
