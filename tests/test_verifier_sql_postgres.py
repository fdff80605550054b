"""complex-sql-joins and optimize-queries on a real PostgreSQL server (``--engine postgres``).

The server is a throwaway cluster started for the test session (tests/postgres_server.py). The
answers are judged against the same reference results as on SQLite; the indexes by PostgreSQL's own
plans (EXPLAIN (FORMAT JSON)) and EXPLAIN ANALYZE timings.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_verifier_sql_queries import STATED_RULES

from backend_mentor.checkpoints import postgres, sql_explain, sql_queries
from backend_mentor.checkpoints.base import Outcome, VerifierInputError, VerifyOptions, verdict

DATA = Path(__file__).parent / "data"
SQLITE_ONLY = re.compile(r"\b(strftime|julianday|ifnull|printf|substr)\s*\(|LIKE '20", re.I)


@pytest.fixture(scope="module")
def pg(postgres_dsn: str) -> str:
    return postgres_dsn


def queries(tmp_path: Path, dsn: str, answers: str) -> dict[str, object]:
    path = tmp_path / "answers.sql"
    path.write_text(answers, encoding="utf-8")
    checks = sql_queries.verify(VerifyOptions(file=path, engine="postgres", dsn=dsn))
    return {c.name.split()[0]: c for c in checks}


def scratch_schemas(dsn: str) -> list[str]:
    import psycopg

    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'backend_mentor_%'").fetchall()
    return [name for (name,) in rows]


def test_the_reference_answers_pass_on_postgres_and_nothing_is_left_behind(tmp_path: Path, pg: str) -> None:
    checks = queries(tmp_path, pg, (DATA / "sql_queries_postgres" / "answers.sql").read_text())
    failed = {name: c.message for name, c in checks.items() if not c.passed}
    assert not failed
    assert len(checks) == len(sql_queries.load_exercises())
    assert scratch_schemas(pg) == []


# On PostgreSQL NULLs sort last, so "ORDER BY city" puts the NULL city where the name 'unknown' goes
# anyway: with this data that wrong answer is right there (on SQLite NULLs sort first, and it fails).
NULL_ORDER_EQUIVALENT = {("q10", "ties sorted by the city name shown ('unknown' included)")}
# Wrong answers written in SQLite's dialect that PostgreSQL rejects before judging them ("x IS
# column" for equality, a subquery in FROM without an alias, a bare column beside MAX()).
SQLITE_DIALECT = {
    ("q11", "products without a category are left out"),
    ("q15", "on a tie the higher id (SQLite's bare column with MAX)"),
    ("q15", "on a tie the higher id, not the lower one"),
    ("q15", "any status"),
}
PORTABLE_RULES = [
    rule
    for rule in STATED_RULES
    if not SQLITE_ONLY.search(rule[2]) and (rule[0], rule[1]) not in NULL_ORDER_EQUIVALENT | SQLITE_DIALECT
]


@pytest.mark.parametrize(("qid", "rule", "sql"), PORTABLE_RULES, ids=[f"{q}-{r}" for q, r, _ in PORTABLE_RULES])
def test_an_answer_that_ignores_a_stated_rule_fails_on_postgres_too(
    tmp_path: Path, pg: str, qid: str, rule: str, sql: str
) -> None:
    check = queries(tmp_path, pg, f"-- name: {qid}\n{sql};\n")[qid]
    assert not check.passed, f"{qid}: an answer ignoring '{rule}' passed on PostgreSQL"
    assert not check.message.startswith(("PostgreSQL error", "refused", "not answered")), check.message


def test_most_stated_rules_are_checked_on_postgres() -> None:
    assert len(PORTABLE_RULES) >= len(STATED_RULES) * 0.7
    assert {(q, r) for q, r, _ in STATED_RULES} >= (NULL_ORDER_EQUIVALENT | SQLITE_DIALECT)


def test_answers_may_only_read_and_never_touch_the_learners_own_tables(tmp_path: Path, pg: str) -> None:
    import psycopg

    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS public.orders (id int primary key, note text)")
        conn.execute("INSERT INTO public.orders VALUES (1, 'mine') ON CONFLICT DO NOTHING")
    hostile = {
        "q1": "DELETE FROM orders",
        "q2": "SELECT 1; DROP TABLE public.orders",
        "q3": "SELECT pg_sleep(5)",
        "q4": "SELECT * FROM orders a, orders b, orders c",
        "q5": "UPDATE public.orders SET note = 'gone' RETURNING id",
    }
    answers = "".join(f"-- name: {qid}\n{sql};\n" for qid, sql in hostile.items())
    checks = queries(tmp_path, pg, answers)
    assert "is not a query" in checks["q1"].message
    assert "exactly one query" in checks["q2"].message
    assert "statement timeout" in checks["q3"].message
    assert "larger than" in checks["q4"].message
    assert not checks["q5"].passed
    with psycopg.connect(pg) as conn:
        assert conn.execute("SELECT note FROM public.orders WHERE id = 1").fetchone() == ("mine",)
        conn.execute("DROP TABLE public.orders")
    assert scratch_schemas(pg) == []


def test_a_dsn_elsewhere_is_refused_and_a_dead_server_is_one_line(tmp_path: Path) -> None:
    answers = tmp_path / "answers.sql"
    answers.write_text("-- name: q1\nSELECT 1;\n")
    with pytest.raises(VerifierInputError, match="not this machine"):
        sql_queries.verify(VerifyOptions(file=answers, engine="postgres", dsn="postgresql://me@203.0.113.5/db"))
    with pytest.raises(VerifierInputError, match="cannot connect to PostgreSQL") as raised:
        sql_queries.verify(VerifyOptions(file=answers, engine="postgres", dsn=f"postgresql://me@/db?host={tmp_path}"))
    assert "\n" not in str(raised.value)


# --- optimize-queries ----------------------------------------------------------------------------

PG_QUERIES = [q.id for q in sql_explain.load_queries()] + ["q5"]


def explain(tmp_path: Path, dsn: str, indexes: str, runs: int = 3) -> list:
    path = tmp_path / "indexes.sql"
    path.write_text(indexes, encoding="utf-8")
    return sql_explain.verify(
        VerifyOptions(file=path, engine="postgres", dsn=dsn, params={"runs": runs, "min_speedup": 2})
    )


REFERENCE = (DATA / "sql_explain" / "indexes.sql").read_text() + (
    "CREATE INDEX customers_email_prefix ON customers (email text_pattern_ops);\n"
)


@pytest.mark.slow
def test_reference_indexes_pass_every_check_on_postgres(tmp_path: Path, pg: str) -> None:
    checks = explain(tmp_path, pg, REFERENCE)
    failed = [(c.name, c.message) for c in checks if c.outcome is not Outcome.PASS]
    assert not failed
    assert {c.name.split()[0] for c in checks if c.name.startswith("q")} == set(PG_QUERIES)
    assert scratch_schemas(pg) == []


@pytest.mark.slow
def test_postgres_only_mistakes_fail_their_plan_check(tmp_path: Path, pg: str) -> None:
    """A LIKE-prefix index without text_pattern_ops under a non-C collation, and a composite index
    whose columns are in the wrong order for the join, are not searched through."""
    wrong = (DATA / "sql_explain" / "indexes.sql").read_text().replace(
        "orders (customer_id, created_at)", "orders (created_at, customer_id)"
    ) + "CREATE INDEX customers_email_plain ON customers (email);\n"
    checks = {c.name: c for c in explain(tmp_path, pg, wrong, runs=1)}
    assert checks["q3 uses an index"].outcome is Outcome.FAIL
    assert checks["q5 uses an index"].outcome is Outcome.FAIL
    assert checks["q1 uses an index"].outcome is Outcome.PASS


@pytest.mark.slow
def test_under_a_c_collation_the_unique_index_already_serves_the_prefix_query(
    tmp_path: Path, postgres_c_dsn: str
) -> None:
    run = explain(tmp_path, postgres_c_dsn, REFERENCE, runs=1)
    checks = {c.name: c for c in run}
    assert checks["q5 uses an index"].outcome is Outcome.SKIP
    assert "collation" in checks["q5 uses an index"].message
    # The check does not apply to this database, so it cannot hold the learner back: the reference
    # indexes pass here as they do under any other collation.
    assert not checks["q5 uses an index"].incomplete
    result = verdict(run)
    assert result["passed"], [(c.name, c.outcome, c.message) for c in run if c.outcome is not Outcome.PASS]
    assert result["counts"]["fail"] == 0


def test_the_postgres_shop_has_the_same_rows_as_the_sqlite_one(pg: str) -> None:
    """Both engines judge against one truth: every reference answer gives the same rows on both."""
    import contextlib

    exercises = sql_queries.load_exercises()
    expected = sql_queries.reference_results(exercises)
    conn = postgres.connect(pg)
    with contextlib.closing(conn), postgres.scratch_schema(conn) as schema:
        postgres.load_shop(conn, schema)
        for table, rows in sql_queries.shop_rows().items():
            (count,) = conn.execute(f'SELECT count(*) FROM "{schema}".{table}').fetchone()
            assert count == len(rows), table
        answers = sql_queries.parse_answers((DATA / "sql_queries_postgres" / "answers.sql").read_text())
        for exercise in exercises:
            actual = postgres.run_query(conn, schema, answers[exercise.id], 10)
            assert sorted(map(repr, actual.rows)) == sorted(map(repr, expected[exercise.id].rows)), exercise.id


def test_the_cli_verifies_on_postgres_and_records_the_engine(invoke, tmp_path: Path, pg: str) -> None:
    import json

    answers = tmp_path / "answers.sql"
    answers.write_text((DATA / "sql_queries_postgres" / "answers.sql").read_text())
    result = invoke(
        "checkpoint",
        "verify",
        "complex-sql-joins",
        "--file",
        str(answers),
        "--engine",
        "postgres",
        "--dsn",
        pg,
        "--json",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["passed"] and report["engine"] == "postgres"
    nothing = invoke(
        "checkpoint",
        "verify",
        "complex-sql-joins",
        "--file",
        str(answers),
        "--engine",
        "postgres",
        "--dsn",
        f"postgresql://me@/db?host={tmp_path}",
    )
    assert (
        nothing.exit_code == 1 and nothing.stderr.count("\n") == 1 and "cannot connect to PostgreSQL" in nothing.stderr
    )
    attempts = json.loads(invoke("checkpoint", "show", "complex-sql-joins", "--json").stdout)["attempts"]
    assert len(attempts) == 1  # a server that is not there records nothing


def test_without_the_driver_one_line_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the postgres extra was not installed
    answers = tmp_path / "answers.sql"
    answers.write_text("-- name: q1\nSELECT 1;\n")
    with pytest.raises(VerifierInputError) as raised:
        sql_queries.verify(VerifyOptions(file=answers, engine="postgres", dsn="postgresql://me@127.0.0.1/db"))
    assert (
        str(raised.value)
        == "--engine postgres needs the PostgreSQL driver: run \"pip install 'backend-mentor[postgres]'\""
    )
