"""A real terminal: tmux runs `backend-mentor learn` for a new user and answers the wizard."""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Tmux:
    def __init__(self, command: str):
        self.socket = f"bm-{uuid.uuid4().hex[:8]}"
        self.run("new-session", "-d", "-s", "main", "-x", "110", "-y", "45", command)

    def run(self, *args: str) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20)
        return result.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-J", "-S", "-200", "-t", "main")

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; screen was:\n{self.screen()}")

    def send(self, *keys: str) -> None:
        self.run("send-keys", "-t", "main", *keys)

    def close(self) -> None:
        self.run("kill-server")


def test_a_new_user_answers_the_wizard_and_finishes_a_lesson(tmp_path):
    home = tmp_path / "home"
    env = {
        "BACKEND_MENTOR_HOME": str(home),
        "TERM": "xterm-256color",
        "NO_COLOR": "1",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = f"env -u CI {exports} {shlex.quote(sys.executable)} -m backend_mentor learn; sleep 60"
    tmux = Tmux(command)
    try:
        tmux.wait_for("Your experience")
        tmux.send("developer", "Enter")
        tmux.wait_for("Preferred language")
        tmux.send("python", "Enter")
        tmux.wait_for("Goal role")
        tmux.send("Enter")  # the default: not sure
        tmux.wait_for("Hours per week")
        tmux.send("7", "Enter")
        screen = tmux.wait_for("Start this path?")
        assert "Recommended:" in screen and "weeks at 7 h/week" in screen
        tmux.send("y", "Enter")
        tmux.wait_for("Take the placement check?")  # offered: the learner is a developer
        tmux.send("n", "Enter")
        screen = tmux.wait_for("Here is your first lesson")
        if "(d)one, (q)uiz" not in screen:  # a long lesson opens in the pager, at its beginning
            tmux.send("G")  # less: to the end, where the practice task is
            tmux.wait_for("Practice task")
            tmux.send("q")
        screen = tmux.wait_for("(d)one, (q)uiz")
        assert "Practice task" in screen
        tmux.send("d", "Enter")
        screen = tmux.wait_for("Marked '")
    finally:
        tmux.close()
    db = sqlite3.connect(home / "progress.db")
    profile = db.execute("SELECT experience, language, goal, hours_per_week, active_path FROM profile").fetchone()
    assert profile[:4] == ("developer", "python", "not-sure", 7.0) and profile[4]
    assert db.execute("SELECT count(*) FROM topic_status WHERE status = 'done'").fetchone()[0] == 1


def test_ctrl_c_in_the_wizard_saves_nothing(tmp_path):
    home = tmp_path / "home"
    command = (
        f"env -u CI BACKEND_MENTOR_HOME={shlex.quote(str(home))} NO_COLOR=1 "
        f"PYTHONPATH={shlex.quote(os.pathsep.join(sys.path))} {shlex.quote(sys.executable)} -m backend_mentor learn; "
        "echo EXIT=$?; sleep 60"
    )
    tmux = Tmux(command)
    try:
        tmux.wait_for("Your experience")
        tmux.send("some", "Enter")
        tmux.wait_for("Preferred language")
        tmux.send("C-c")
        screen = tmux.wait_for("EXIT=")
    finally:
        tmux.close()
    assert "EXIT=130" in screen and "Traceback" not in screen
    db = sqlite3.connect(home / "progress.db")
    assert db.execute("SELECT count(*) FROM profile").fetchone()[0] == 0


def test_a_java_developer_tests_out_in_a_real_terminal(tmp_path):
    """The DevOps persona answers the wizard with loose words and passes two placement modules."""
    import random

    from quizkeys import keys

    from backend_mentor import services
    from backend_mentor.curriculum.catalog import load_catalog

    seed = 5
    catalog = load_catalog()
    modules = services.placement_modules(catalog, catalog.paths["devops-engineer"], {}, "developer")
    rng = random.Random(seed)
    plan = []  # per module: the numbers to type
    for module, knows in zip(modules, [False, True, True]):
        asked = module.questions[:3] if knows else module.questions[:2]
        plan.append(keys([catalog.topics[t].quiz[i] for t, i in asked], [knows] * len(asked), seed, rng))
    home = tmp_path / "home"
    env = {
        "BACKEND_MENTOR_HOME": str(home),
        "TERM": "xterm-256color",
        "NO_COLOR": "1",
        "BACKEND_MENTOR_SEED": str(seed),
        "BACKEND_MENTOR_NO_PAGER": "1",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    tmux = Tmux(f"env -u CI {exports} {shlex.quote(sys.executable)} -m backend_mentor learn; sleep 60")
    try:
        tmux.wait_for("Your experience (number or name)")
        tmux.send("3", "Enter")  # developer, by number
        tmux.wait_for("Preferred language (number or name)")
        tmux.send("JAVA", "Enter")
        tmux.wait_for("Goal role (number or name)")
        tmux.send("devops", "Enter")
        tmux.wait_for("Did you mean 'devops-engineer'")
        tmux.send("Enter")  # yes, the default
        tmux.wait_for("Hours per week")
        tmux.send("8", "Enter")
        tmux.wait_for("Start this path?")
        tmux.send("y", "Enter")
        tmux.wait_for("Take the placement check?")
        tmux.send("y", "Enter")
        answered = 0
        for typed in plan:
            for number in typed:
                answered += 1
                deadline = time.monotonic() + 30
                while tmux.screen().count("Your answer") < answered and time.monotonic() < deadline:
                    time.sleep(0.2)
                tmux.send(number, "Enter")
        screen = tmux.wait_for("(d)one, (q)uiz")
        assert "You know Networking and hosting" in screen or "Placement done: 14 topics" in screen
        assert "Stateless Design" in screen and "Prerequisites not done yet" not in screen
        tmux.send("later", "Enter")
        tmux.wait_for("Stopped here; nothing marked")
    finally:
        tmux.close()
    db = sqlite3.connect(home / "progress.db")
    assert db.execute("SELECT count(*) FROM topic_status WHERE status = 'known'").fetchone()[0] == 14
    assert db.execute("SELECT count(*) FROM answers WHERE source = 'placement'").fetchone()[0] == 8
    assert db.execute("SELECT active_path, language FROM profile").fetchone() == ("devops-engineer", "java")


def test_a_long_guide_opens_in_the_pager_at_its_title_but_never_when_piped(tmp_path):
    """On a 40-row terminal `mentor jwt` starts at the title inside less; piped, the pager is never run."""
    home = tmp_path / "home"
    marker = tmp_path / "pager-ran"
    fake = tmp_path / "fake-pager"
    fake.write_text(f"#!/bin/sh\ntouch {shlex.quote(str(marker))}\ncat\n")
    fake.chmod(0o755)
    piped = tmp_path / "piped.txt"
    env = {
        "BACKEND_MENTOR_HOME": str(home),
        "TERM": "xterm-256color",
        "NO_COLOR": "1",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    mentor = f"{shlex.quote(sys.executable)} -m backend_mentor mentor"
    command = (
        f"env -u PAGER -u LESS -u BACKEND_MENTOR_NO_PAGER {exports} {mentor} 'what is a jwt'; echo FIRST-DONE; "
        f"env PAGER={shlex.quote(str(fake))} {exports} {mentor} 'what is a jwt' | cat > {shlex.quote(str(piped))}; "
        "echo SECOND-DONE; sleep 60"
    )
    tmux = Tmux(command)
    try:
        tmux.run("resize-window", "-t", "main", "-x", "100", "-y", "40")
        deadline = time.monotonic() + 30
        visible = ""
        while time.monotonic() < deadline:  # the visible 40 rows, not the scrollback
            visible = tmux.run("capture-pane", "-p", "-t", "main")
            rows = visible.splitlines()
            if rows and any("JSON Web Tokens (JWT)" in row for row in rows[:3]) and "FIRST-DONE" not in visible:
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"the guide's title is not at the top of the screen:\n{visible}")
        time.sleep(1.0)
        assert "FIRST-DONE" not in tmux.run("capture-pane", "-p", "-t", "main")  # still in the pager
        tmux.send("q")
        tmux.wait_for("SECOND-DONE")
    finally:
        tmux.close()
    assert not marker.exists()  # piped: the pager never ran
    text = piped.read_text()
    assert "JSON Web Tokens (JWT)" in text and "Key points" in text and "Resources" in text


def test_a_close_race_lets_the_learner_pick_by_number_then_opens_that_guide(tmp_path):
    env = {
        "BACKEND_MENTOR_HOME": str(tmp_path / "home"),
        "TERM": "xterm-256color",
        "NO_COLOR": "1",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    listed = subprocess.run(
        [sys.executable, "-m", "backend_mentor", "mentor", "queue", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    ).stdout
    import json

    doc = json.loads(listed)
    assert doc["clear"] is False
    third = doc["results"][2]
    command = (
        f"env -u CI -u PAGER -u BACKEND_MENTOR_NO_PAGER {exports} {shlex.quote(sys.executable)} "
        "-m backend_mentor mentor queue; echo PICK-DONE; sleep 60"
    )
    tmux = Tmux(command)
    try:
        screen = tmux.wait_for("Open which one?")
        assert third["id"] in screen
        tmux.send("3", "Enter")
        tmux.wait_for(f"╭─ {third['title']}")  # the guide's title panel, not the list row
        tmux.send("q")  # leave the pager if the guide was long enough for one
        screen = tmux.wait_for("PICK-DONE")
        also = next(line for line in screen.splitlines() if line.startswith("Also matching:"))
        assert third["id"] not in also  # the guide shown was the one picked
    finally:
        tmux.close()
