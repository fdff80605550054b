"""The watch loop: re-runs on save, records an attempt only when the outcome changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backend_mentor.checkpoints.base import Check
from backend_mentor.errors import MentorError
from backend_mentor.watch import Watch, file_waiter, snapshot


def touch(path: Path, text: str, tick: int) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(tick * 10**9, tick * 10**9))


def test_a_save_is_seen_and_an_unchanged_folder_is_not(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    touch(work / "answers.sql", "select 1", 1)
    (work / "node_modules").mkdir()
    before = snapshot([work])
    touch(work / "node_modules" / "x.js", "ignored", 2)
    assert snapshot([work]) == before
    touch(work / "answers.sql", "select 2", 3)
    assert snapshot([work]) != before


def test_the_file_waiter_returns_after_a_change_and_polls_without_real_sleeping(tmp_path: Path) -> None:
    answers = tmp_path / "answers.sql"
    touch(answers, "select 1", 1)
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 3:  # the learner saves while we poll
            touch(answers, "select 2", 2)

    file_waiter([answers], sleep, interval=0.5, settle=0.2)()
    assert sleeps == [0.5, 0.5, 0.5, 0.2]


def test_only_runs_that_differ_from_the_last_are_recorded() -> None:
    outcomes = iter([[True, False], [True, False], [True, True], [True, True]])
    shown: list[int] = []
    recorded: list[list[bool]] = []

    def verify() -> list[Check]:
        return [Check(f"check {i}", passed) for i, passed in enumerate(next(outcomes))]

    watch = Watch(
        verify=verify,
        show=lambda checks, error, run: shown.append(run),
        record=lambda checks: recorded.append([c.passed for c in checks]),
        wait_for_change=lambda: None,
    )
    watch.loop(max_runs=4)
    assert shown == [1, 2, 3, 4]
    assert recorded == [[True, False], [True, True]]


def test_an_error_of_one_run_is_shown_and_the_loop_goes_on() -> None:
    results = iter([MentorError("answers file not found: answers.sql"), [Check("q1", True)]])
    shown: list[tuple[object, object]] = []

    def verify() -> list[Check]:
        result = next(results)
        if isinstance(result, Exception):
            raise result
        return result

    watch = Watch(verify, lambda checks, error, run: shown.append((checks, error)), lambda checks: None, lambda: None)
    watch.loop(max_runs=2)
    assert shown[0] == (None, "answers file not found: answers.sql")
    assert watch.recorded == 1


def test_ctrl_c_while_waiting_ends_the_loop() -> None:
    def wait() -> None:
        raise KeyboardInterrupt

    watch = Watch(lambda: [Check("a", True)], lambda *a: None, lambda checks: None, wait)
    with pytest.raises(KeyboardInterrupt):
        watch.loop()
    assert watch.runs == 1


def test_checkpoint_verify_watch_reruns_on_save_and_records_only_changes(invoke, tmp_path: Path, monkeypatch) -> None:
    """The real command: the first run fails q1, the learner saves a fix, the second run passes it;
    a third, unchanged run is shown but not recorded; Ctrl-C ends the loop cleanly."""
    import json
    import time

    answers = tmp_path / "work" / "answers.sql"
    answers.parent.mkdir()
    touch(answers, "-- name: q1\nSELECT 1;\n", 1)
    fixed = "-- name: q1\nSELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status = 'shipped';\n"
    polls = {"n": 0}

    def sleep(seconds: float) -> None:
        polls["n"] += 1
        if polls["n"] == 2:
            touch(answers, fixed, 2)  # the learner saves
        if polls["n"] == 6:
            touch(answers, fixed + "\n", 3)  # saves again without changing the outcome
        if polls["n"] >= 10:
            raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", sleep)
    result = invoke("checkpoint", "verify", "complex-sql-joins", "--file", str(answers), "--watch")
    assert result.output.count("q1 shipped orders") == 3  # three runs shown
    assert "Stopped watching after 3 runs (2 recorded as attempts)." in result.stderr
    assert result.exit_code == 1  # the last run still fails the other exercises
    shown = json.loads(invoke("checkpoint", "show", "complex-sql-joins", "--json").stdout)
    assert len(shown["attempts"]) == 2


def test_watch_refuses_json_and_a_server_watch_needs_a_terminal_or_every(invoke, tmp_path: Path) -> None:
    answers = tmp_path / "answers.sql"
    answers.write_text("-- name: q1\nSELECT 1;\n")
    both = invoke("checkpoint", "verify", "complex-sql-joins", "--file", str(answers), "--watch", "--json")
    assert both.exit_code == 1 and "cannot be combined with --json" in both.stderr
    server = invoke("checkpoint", "verify", "build-rest-api", "--watch")
    assert server.exit_code == 1 and "needs a terminal" in server.stderr
    every = invoke("checkpoint", "verify", "complex-sql-joins", "--file", str(answers), "--every", "5")
    assert every.exit_code == 1 and "--every only works with --watch" in every.stderr
