"""Every verifier kind declares its checks the same way (``CheckSpec`` rows run by ``run_checks``):
names unique, hints that are real topics, prerequisites that skip what cannot run, and an error
inside a check that is one failed check, never a traceback."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from backend_mentor.checkpoints import pytest_bugs, sql_queries, sql_schema
from backend_mentor.checkpoints.base import (
    Check,
    CheckSpec,
    NotChecked,
    Outcome,
    VerifierInputError,
    VerifyOptions,
    index_specs,
    run_checks,
    verdict,
)
from backend_mentor.checkpoints.registry import declared_checks, verifier_module
from backend_mentor.curriculum.catalog import load_catalog
from backend_mentor.curriculum.schema import VERIFIER_KINDS

DATA = Path(__file__).parent / "data"


def variants() -> list[tuple[str, VerifyOptions]]:
    """(label, options) for every shipped checkpoint with each profile, language and engine it takes."""
    found = []
    for checkpoint in load_catalog().checkpoints.values():
        module = verifier_module(checkpoint.kind)
        params = dict(checkpoint.verifier.get("params") or {})
        for profile, language, engine in itertools.product(
            getattr(module, "PROFILES", None) or (None,),
            getattr(module, "LANGUAGES", None) or (None,),
            getattr(module, "ENGINES", None) or ("sqlite",),
        ):
            options = VerifyOptions(params=params, profile=profile, language=language, engine=engine)
            label = "/".join(v for v in (checkpoint.id, profile, language, engine) if v and v != "sqlite")
            found.append((label, options))
    return found


VARIANTS = variants()
BY_ID = {"ids": [label for label, _ in VARIANTS]}


@pytest.mark.parametrize("kind", VERIFIER_KINDS)
def test_every_kind_declares_its_checks(kind: str) -> None:
    specs = declared_checks(kind)
    assert specs and all(isinstance(spec, CheckSpec) for spec in specs)
    assert all(spec.name.strip() and callable(spec.run) for spec in specs)


def test_every_kind_has_a_shipped_checkpoint_to_declare_for() -> None:
    kinds = {load_catalog().checkpoint(label.split("/")[0]).kind for label, _ in VARIANTS}
    assert kinds == set(VERIFIER_KINDS)


@pytest.mark.parametrize(("label", "options"), VARIANTS, **BY_ID)
def test_names_are_unique_and_needs_name_earlier_checks(label: str, options: VerifyOptions) -> None:
    kind = load_catalog().checkpoint(label.split("/")[0]).kind
    specs = declared_checks(kind, options)
    names = [spec.name for spec in specs]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    index_specs(specs)  # raises when a need is not an earlier check


@pytest.mark.parametrize(("label", "options"), VARIANTS, **BY_ID)
def test_every_hint_is_a_topic_of_the_shipped_catalog(label: str, options: VerifyOptions) -> None:
    catalog = load_catalog()
    specs = declared_checks(catalog.checkpoint(label.split("/")[0]).kind, options)
    assert {spec.name: spec.hint for spec in specs if spec.hint not in catalog.topics} == {}


def test_a_declared_table_with_a_repeated_name_or_a_later_need_is_refused() -> None:
    ok = CheckSpec("a", "http-basics", lambda _: Check("a", True))
    with pytest.raises(ValueError, match="two checks are named 'a'"):
        run_checks([ok, ok], None)
    with pytest.raises(ValueError, match="'b' needs 'c', which is not an earlier check"):
        run_checks([ok, CheckSpec("b", "http-basics", ok.run, needs=("c",))], None)


# --- the runner ----------------------------------------------------------------------------------


def passes(_: object) -> Check:
    return Check("", True, "fine")


def fails(_: object) -> Check:
    return Check("", False, "wrong")


def test_a_check_whose_prerequisite_did_not_pass_is_skipped_naming_it() -> None:
    calls: list[str] = []

    def counted(_: object) -> Check:
        calls.append("ran")
        return Check("", True, "ran")

    checks = run_checks(
        [
            CheckSpec("server starts", "http-basics", fails),
            CheckSpec("health answers", "monitoring-alerting", counted, needs=("server starts",)),
            CheckSpec("metrics parse", "metrics", counted, needs=("health answers",)),
            CheckSpec("independent", "metrics", counted),
        ],
        None,
    )

    assert [c.outcome for c in checks] == [Outcome.FAIL, Outcome.SKIP, Outcome.SKIP, Outcome.PASS]
    assert checks[1].message == "not checked: 'server starts' did not pass"
    assert checks[2].message == "not checked: 'health answers' did not pass"  # a skipped need is not a pass
    assert calls == ["ran"]  # only the independent check ran
    assert checks[1].incomplete  # the run could not finish it, so the attempt cannot pass


def test_the_prerequisite_can_say_in_its_own_words_why_the_others_did_not_run() -> None:
    checks = run_checks(
        [
            CheckSpec("schema.sql runs", "sql-constraints", fails, unmet="not checked: schema.sql did not run"),
            CheckSpec("tables", "normalization", passes, needs=("schema.sql runs",)),
        ],
        None,
    )
    assert (checks[1].outcome, checks[1].message) == (Outcome.SKIP, "not checked: schema.sql did not run")


def test_the_first_unmet_need_is_the_one_named() -> None:
    checks = run_checks(
        [
            CheckSpec("first", "http-basics", passes),
            CheckSpec("second", "http-basics", fails),
            CheckSpec("third", "http-basics", passes, needs=("first", "second")),
        ],
        None,
    )
    assert checks[2].message == "not checked: 'second' did not pass"


def test_what_follows_a_check_that_does_not_apply_does_not_apply_either() -> None:
    """A skip that does not apply (a PostgreSQL plan check under a C collation) must not turn the
    checks that need it into unfinished work, or a run with nothing left to do could never pass."""

    def not_here(_: object) -> Check:
        return Check.skip("", "does not apply to this database", incomplete=False)

    def time_up(_: object) -> Check:
        return Check.skip("", "the time limit ran out")

    checks = run_checks(
        [
            CheckSpec("plan", "indexes", not_here),
            CheckSpec("speed", "indexes", passes, needs=("plan",)),
            CheckSpec("other", "indexes", passes),
        ],
        None,
    )
    assert [c.outcome for c in checks] == [Outcome.SKIP, Outcome.SKIP, Outcome.PASS]
    assert [c.incomplete for c in checks[:2]] == [False, False]
    assert verdict(checks)["passed"] and verdict(checks)["score"] == 1.0

    unfinished = run_checks(
        [CheckSpec("plan", "indexes", time_up), CheckSpec("speed", "indexes", passes, needs=("plan",))], None
    )
    assert [c.incomplete for c in unfinished] == [True, True] and not verdict(unfinished)["passed"]


def test_an_exception_in_a_check_is_one_failed_check_and_the_run_goes_on() -> None:
    def crashes(_: object) -> Check:
        raise KeyError("line one\nline two \x1b[2J")

    checks = run_checks(
        [
            CheckSpec("crashes", "http-basics", crashes),
            CheckSpec("needs it", "http-basics", passes, needs=("crashes",)),
            CheckSpec("after", "http-basics", passes),
        ],
        None,
    )

    crash = checks[0]
    assert crash.outcome is Outcome.FAIL and crash.name == "crashes" and crash.hint_topic == "http-basics"
    assert crash.message == "the check stopped on an unexpected error (KeyError: 'line one\\nline two \\x1b[2J')"
    assert "\n" not in crash.message and "\x1b" not in crash.message
    assert [c.outcome for c in checks[1:]] == [Outcome.SKIP, Outcome.PASS]


def test_a_long_error_is_cut_to_one_short_line() -> None:
    def crashes(_: object) -> Check:
        raise RuntimeError("x" * 5000)

    (check,) = run_checks([CheckSpec("crashes", "http-basics", crashes)], None)
    assert len(check.message) < 300 and check.message.endswith("…)")


def test_a_check_that_returns_no_check_is_a_failed_check() -> None:
    (check,) = run_checks([CheckSpec("a", "http-basics", lambda _: "fine")], None)
    assert check.outcome is Outcome.FAIL
    assert check.message == "the check stopped on an unexpected error (TypeError: the check returned 'fine')"


def test_an_input_error_or_an_abort_ends_the_run() -> None:
    def cannot_start(_: object) -> Check:
        raise VerifierInputError("nothing is listening")

    with pytest.raises(VerifierInputError):
        run_checks([CheckSpec("a", "http-basics", cannot_start)], None)

    def server_gone(_: object) -> Check:
        raise ConnectionError("the server went away")

    with pytest.raises(ConnectionError):
        run_checks([CheckSpec("a", "http-basics", server_gone)], None, aborts=(ConnectionError,))


def test_not_checked_is_a_skip_with_its_reason() -> None:
    def does_not_apply(_: object) -> Check:
        raise NotChecked("no counter to watch")

    (check,) = run_checks([CheckSpec("grows", "metrics", does_not_apply)], None)
    assert (check.outcome, check.message, check.hint_topic) == (Outcome.SKIP, "no counter to watch", "metrics")


def test_every_check_gets_its_declared_name_and_hint_unless_it_names_its_own() -> None:
    def titled(_: object) -> Check:
        return Check("caught 3/4 seeded bugs", True, "3 of 4", "pytest")

    checks = run_checks(
        [CheckSpec("plain", "http-basics", passes), CheckSpec("summary", "unit-testing", titled)],
        None,
    )
    assert [(c.name, c.hint_topic) for c in checks] == [("plain", "http-basics"), ("caught 3/4 seeded bugs", "pytest")]


def test_the_context_reaches_every_check() -> None:
    seen: list[object] = []
    context = object()
    run_checks([CheckSpec("a", "http-basics", lambda ctx: seen.append(ctx) or Check("", True))], context)
    assert seen == [context]


# --- the verifiers run their declared tables ------------------------------------------------------


def test_an_error_inside_a_schema_check_fails_that_check_only(tmp_path: Path, monkeypatch) -> None:
    """A bug in one check function (or a schema nobody expected) costs one check, not the attempt."""
    folder = DATA / "sql_schema"
    for name in ("schema.sql", "load.sql"):
        (tmp_path / name).write_text((folder / name).read_text(encoding="utf-8"), encoding="utf-8")

    def broken(review: object) -> Check:
        raise KeyError("students")

    monkeypatch.setattr(sql_schema, "check_not_null", broken)
    checks = sql_schema.verify(VerifyOptions(file=tmp_path / "schema.sql"))

    failed = {c.name: c.message for c in checks if not c.passed}
    assert failed == {"NOT NULL where required": "the check stopped on an unexpected error (KeyError: 'students')"}


def test_a_test_run_that_cannot_start_fails_the_first_check_and_skips_the_bugs(tmp_path: Path) -> None:
    path = tmp_path / "test_pricing.py"
    path.write_text("def test_ok():\n    pass\n")

    def runner(source: str, timeout: float) -> pytest_bugs.RunResult:
        raise OSError("[Errno 7] Argument list too long")

    checks = pytest_bugs.verify(VerifyOptions(file=path), runner=runner)

    assert checks[0].outcome is Outcome.FAIL
    assert checks[0].message == "the check stopped on an unexpected error (OSError: [Errno 7] Argument list too long)"
    assert {c.message for c in checks[1:-1]} == {"not run: your tests must pass on the correct module first"}
    assert all(c.skipped for c in checks[1:-1]) and checks[-1].outcome is Outcome.FAIL


def report(checks: list[Check]) -> list[tuple[str, str | None]]:
    return [(c.name, c.hint_topic) for c in checks]


def declared(kind: str, options: VerifyOptions | None = None) -> list[tuple[str, str | None]]:
    return [(spec.name, spec.hint) for spec in declared_checks(kind, options)]


def test_a_report_lists_the_declared_checks_in_order_with_their_hints(tmp_path: Path) -> None:
    answers = tmp_path / "answers.sql"
    answers.write_text("-- name: q1\nSELECT 1;\n")
    assert report(sql_queries.verify(VerifyOptions(file=answers))) == declared("sql-queries")

    (tmp_path / "schema.sql").write_text((DATA / "sql_schema" / "schema.sql").read_text(encoding="utf-8"))
    (tmp_path / "load.sql").write_text("INSERT INTO nowhere SELECT 1;\n")
    assert report(sql_schema.verify(VerifyOptions(file=tmp_path / "schema.sql"))) == declared("sql-schema")

    tests = tmp_path / "test_pricing.py"
    tests.write_text("def test_ok():\n    pass\n")

    def runner(source: str, timeout: float) -> pytest_bugs.RunResult:
        return pytest_bugs.RunResult(0 if source == pytest_bugs.module_source() else 1, "1 passed in 0.01s")

    checks = pytest_bugs.verify(VerifyOptions(file=tests), runner=runner)
    *rows, (summary, hint) = declared("pytest-bugs")
    bugs = len(rows) - 1  # after the run on the correct module
    assert report(checks) == [*rows, (f"caught {bugs}/{bugs} seeded bugs (need >= 80%)", hint)]
    assert summary == "seeded bugs caught (need >= 80%)"


def test_checkpoint_show_lists_the_declared_checks_and_their_hints(invoke, mini) -> None:
    result = invoke("checkpoint", "show", "sql-check")

    specs = declared_checks("sql-queries")
    assert result.exit_code == 0
    assert f"Checks ({len(specs)}):" in result.stdout
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert all(f"{spec.name}  · study: {spec.hint}" in lines for spec in specs), result.stdout
