"""`checkpoint list | show | start | verify | done`."""

from __future__ import annotations

import json
import sys
import types

import pytest

from backend_mentor.checkpoints.base import Check


@pytest.fixture
def fake_verifier(monkeypatch):
    """A stand-in sql-queries verifier module, registered the way real ones are imported."""
    module = types.ModuleType("backend_mentor.checkpoints.sql_queries")
    module.calls = []

    def verify(options):
        module.calls.append(options)
        good = options.file is not None and options.file.read_text() == "SELECT 1;"
        return [
            Check("q1 runs", True, "ok"),
            Check(
                "q2 joins",
                good,
                "" if good else "row 1 differs",
                hint_topic="sql-joins",
                expected="(1, 'a')",
                actual="(2, 'b')",
            ),
        ]

    module.verify = verify
    module.starter_files = lambda params: {"answers.sql": "-- name: q1\n", "data/shop.db": b"\x00\x01"}
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


def test_list_shows_every_checkpoint_with_status(invoke, mini):
    doc = json.loads(invoke("checkpoint", "list", "--json").stdout)
    assert [c["id"] for c in doc["checkpoints"]] == ["rest-check", "sql-check"]
    assert all(c["status"] == "not attempted" and c["attempts"] == 0 for c in doc["checkpoints"])


def test_show_prints_instructions_and_attempts(invoke, mini):
    result = invoke("checkpoint", "show", "sql-check")
    assert result.exit_code == 0 and "Answer the questions." in result.stdout and "sql-queries" in result.stdout
    doc = json.loads(invoke("checkpoint", "show", "sql-check", "--json").stdout)
    assert doc["kind"] == "sql-queries" and doc["attempts"] == []


def test_unknown_checkpoint(invoke, mini):
    result = invoke("checkpoint", "show", "sql-chek")
    assert result.exit_code == 1
    assert "unknown checkpoint 'sql-chek' (did you mean 'sql-check'?)" in result.stderr


def test_verify_failing_work_reports_each_check_and_records_the_attempt(invoke, mini, fake_verifier, tmp_path, store):
    answers = tmp_path / "answers.sql"
    answers.write_text("SELECT 2;")
    result = invoke("checkpoint", "verify", "sql-check", "--file", str(answers))
    assert result.exit_code == 1
    assert "PASS q1 runs" in result.stdout and "FAIL q2 joins" in result.stdout
    assert "expected: (1, 'a')" in result.stdout and "actual:   (2, 'b')" in result.stdout
    assert "study:    backend-mentor mentor sql-joins" in result.stdout
    assert "1 passed, 1 failed" in result.stdout
    (attempt,) = store.attempts("sql-check")
    assert (
        attempt["passed"] is False and attempt["score"] == 0.5 and attempt["report"]["checks"][1]["name"] == "q2 joins"
    )


def test_verify_passing_work_is_recorded_as_passed(invoke, mini, fake_verifier, tmp_path, store):
    answers = tmp_path / "answers.sql"
    answers.write_text("SELECT 1;")
    result = invoke("checkpoint", "verify", "sql-check", "--file", str(answers), "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["passed"] is True and doc["score"] == 1.0 and len(doc["checks"]) == 2
    assert fake_verifier.calls[0].timeout == 5.0 and fake_verifier.calls[0].allow_remote is False
    listed = json.loads(invoke("checkpoint", "list", "--json").stdout)["checkpoints"]
    sql = next(c for c in listed if c["id"] == "sql-check")
    assert sql["status"] == "passed" and sql["best_score"] == 1.0 and sql["attempts"] == 1


def test_verify_a_kind_without_a_verifier_says_so(invoke, mini, monkeypatch):
    monkeypatch.setitem(sys.modules, "backend_mentor.checkpoints.http_rest", None)  # import fails like a missing module
    monkeypatch.setattr(
        "backend_mentor.checkpoints.registry.MODULES", {"http-rest": "backend_mentor.checkpoints.not_built_yet"}
    )
    result = invoke("checkpoint", "verify", "rest-check")
    assert result.exit_code == 1
    assert "the 'http-rest' verifier is not available in this version" in result.stderr


def test_start_writes_starter_files_and_never_overwrites(invoke, mini, fake_verifier, tmp_path):
    target = tmp_path / "work"
    target.mkdir()
    (target / "answers.sql").write_text("my own answers")
    result = invoke("checkpoint", "start", "sql-check", str(target), "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["written"] == ["data/shop.db"] and doc["kept"] == ["answers.sql"]
    assert (target / "answers.sql").read_text() == "my own answers"
    assert (target / "data" / "shop.db").read_bytes() == b"\x00\x01"


def test_done_needs_evidence_and_records_it(invoke, mini, store):
    assert invoke("checkpoint", "done", "rest-check").exit_code == 2
    empty = invoke("checkpoint", "done", "rest-check", "--evidence", "  ")
    assert empty.exit_code == 1 and "--evidence must say what you built" in empty.stderr
    result = invoke("checkpoint", "done", "rest-check", "--evidence", "https://example.org/my-api")
    assert result.exit_code == 0
    (attempt,) = store.attempts("rest-check")
    assert (
        attempt["manual"] is True and attempt["evidence"] == "https://example.org/my-api" and attempt["passed"] is True
    )


def test_a_profile_the_verifier_does_not_know_is_refused_before_anything_runs(invoke, store):
    for checkpoint_id in ("implement-auth", "caching-layer", "deploy-with-monitoring", "complex-sql-joins"):
        result = invoke("checkpoint", "verify", checkpoint_id, "--profile", "todo-backend")
        assert result.exit_code == 1
        assert result.stderr.strip() == f"error: {checkpoint_id} has no profile 'todo-backend'"
    result = invoke("checkpoint", "verify", "build-rest-api", "--profile", "todo")
    assert result.stderr.strip() == "error: build-rest-api has no profile 'todo'; choose one of: notes, todo-backend"
    assert store.attempts() == []


@pytest.mark.parametrize(
    "checkpoint_id", ["build-rest-api", "implement-auth", "caching-layer", "deploy-with-monitoring"]
)
def test_verify_with_nothing_listening_prints_one_line_and_records_nothing(invoke, store, checkpoint_id):
    from http_servers import closed_port_url

    url = closed_port_url()
    result = invoke("checkpoint", "verify", checkpoint_id, "--url", url, "--timeout", "0.5")
    assert result.exit_code == 1
    where = url.removeprefix("http://")
    assert result.stderr == f"error: nothing is listening on {where} — start your server, then run this again\n"
    assert result.stdout == ""
    assert store.attempts() == []


@pytest.fixture
def three_outcomes(monkeypatch):
    """A stand-in http-rest verifier whose run ends with the server gone: pass, fail, then skips."""
    module = types.ModuleType("backend_mentor.checkpoints.http_rest")
    module.PROFILES = ("notes",)
    module.verify = lambda options: [
        Check("created", True, "201", warnings=["send Cache-Control: no-store"]),
        Check(
            "read",
            False,
            "no response within 0.5 s to GET /notes/1",
            "rest-resource-design",
            reproduce="curl -i -X POST http://127.0.0.1:8000/notes -d '{}'\ncurl -i http://127.0.0.1:8000/notes/1",
        ),
        Check.skip("deleted", "skipped: server unreachable", "http-methods"),
        Check.skip("paged", "skipped: server unreachable", "pagination"),
    ]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


def test_verify_shows_skip_lines_counts_them_and_never_records_an_unfinished_run_as_passed(
    invoke, mini, store, three_outcomes
):
    result = invoke("checkpoint", "verify", "rest-check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "  PASS created — 201" in lines
    assert "       WARN (advice, does not fail) send Cache-Control: no-store" in lines
    assert (
        "  SKIP deleted — skipped: server unreachable" in lines
        and "  SKIP paged — skipped: server unreachable" in lines
    )
    assert "       reproduce (2 requests, in order):" in lines
    assert "         curl -i http://127.0.0.1:8000/notes/1" in lines
    assert lines[-1] == "1 passed, 1 failed, 2 skipped, 1 warning"
    (attempt,) = store.attempts("rest-check")
    assert attempt["passed"] is False and attempt["score"] == 0.25
    assert [c["outcome"] for c in attempt["report"]["checks"]] == ["pass", "fail", "skip", "skip"]
    assert attempt["report"]["counts"] == {"pass": 1, "fail": 1, "skip": 2, "warn": 1}


def test_a_run_whose_only_problem_is_a_skip_is_not_a_pass(invoke, mini, store, three_outcomes, monkeypatch):
    monkeypatch.setattr(
        three_outcomes,
        "verify",
        lambda options: [
            Check("created", True, "201"),
            Check.skip("paged", "the verifier's time limit of 20 s is used up"),
        ],
    )
    result = invoke("checkpoint", "verify", "rest-check", "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["passed"] is False and doc["score"] == 0.5 and doc["counts"]["skip"] == 1
    assert doc["checks"][1]["outcome"] == "skip" and doc["checks"][1]["incomplete"] is True
    human = invoke("checkpoint", "verify", "rest-check")
    assert human.exit_code == 1 and human.stdout.splitlines()[-1] == "1 passed, 0 failed, 1 skipped"
    assert "Recorded as not passed: some checks could not run (SKIP)" in human.stderr


def test_control_characters_in_a_report_are_escaped_on_the_terminal(invoke, mini, three_outcomes, monkeypatch):
    monkeypatch.setattr(
        three_outcomes,
        "verify",
        lambda options: [Check("read [/bold]", False, "answered 200 OK\x1b]0;pwned\x07", actual="X-Cache: HIT\x1b[2J")],
    )
    result = invoke("checkpoint", "verify", "rest-check")
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "FAIL read [/bold]" in result.stdout and "answered 200 OK\\x1b]0;pwned\\x07" in result.stdout
    assert "actual:   X-Cache: HIT\\x1b[2J" in result.stdout
