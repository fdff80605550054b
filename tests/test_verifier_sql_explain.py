"""The sql-explain verifier (checkpoint optimize-queries)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from backend_mentor.checkpoints import sql_explain
from backend_mentor.checkpoints.base import Check, VerifierInputError, VerifyOptions

DATA = Path(__file__).parent / "data" / "sql_explain"
REFERENCE = (DATA / "indexes.sql").read_text(encoding="utf-8")
APPLY = "indexes.sql holds only CREATE INDEX statements that run"


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


class FakeTimer:
    """Each timed run takes ``before`` seconds until ``switch_after`` runs were timed, then ``after``."""

    def __init__(self, before: float, after: float, switch_after: int) -> None:
        self.durations = (before, after)
        self.switch_after = switch_after
        self.calls = 0
        self.now = 100.0

    def __call__(self) -> float:
        run, end = divmod(self.calls, 2)
        self.calls += 1
        if end:
            self.now += self.durations[run >= self.switch_after]
        return self.now


QUERY_COUNT = len(sql_explain.load_queries())


def run(tmp_path: Path, indexes: str, timer: object = None, runs: int = 3, **params: object) -> dict[str, Check]:
    """Verify ``indexes`` written to tmp_path (3 timed runs), asserting the file is left untouched.
    Without ``timer`` every run takes 10 ms before the indexes and 1 ms after them (a fake clock)."""
    path = tmp_path / "indexes.sql"
    path.write_text(indexes, encoding="utf-8")
    before = snapshot(tmp_path)
    timer = timer or FakeTimer(0.010, 0.001, QUERY_COUNT * runs)
    checks = sql_explain.verify(VerifyOptions(file=path, params={"runs": runs, **params}), timer=timer)
    assert snapshot(tmp_path) == before
    return {c.name: c for c in checks}


@pytest.mark.slow
def test_reference_indexes_are_really_faster(tmp_path: Path) -> None:
    """The one real-timing test: with the reference indexes every query is measurably faster."""
    checks = run(tmp_path, REFERENCE, timer=sql_explain.time.perf_counter)

    assert [name for name, c in checks.items() if not c.passed] == []
    assert re.fullmatch(
        r"\d+\.\dx faster \(\d+\.\d\d ms → \d+\.\d\d ms, median of 3 runs\)", checks["q2 is at least 2x faster"].message
    )


def test_reference_indexes_pass_every_check(tmp_path: Path) -> None:
    checks = run(tmp_path, REFERENCE)

    assert [name for name, c in checks.items() if not c.passed] == []
    assert len(checks) == 13
    assert checks[APPLY].message == (
        "created orders_channel_status, orders_created_at, orders_customer_id, orders_payment_ref"
    )
    assert checks["q3 uses an index"].message == (
        "SEARCH o USING INDEX orders_customer_id (customer_id=?) (was: SCAN o)"
    )
    assert checks["q2 is at least 2x faster"].message == "10.0x faster (10.00 ms → 1.00 ms, median of 3 runs)"


def test_a_slowdown_reads_as_a_slowdown(tmp_path: Path) -> None:
    checks = run(tmp_path, REFERENCE, timer=FakeTimer(0.010, 0.020, QUERY_COUNT * 3))

    check = checks["q1 is at least 2x faster"]
    assert not check.passed
    assert check.message == "2.0x slower, not 2x faster (10.00 ms → 20.00 ms, median of 3 runs)"
    assert (check.expected, check.actual) == (">= 2x faster", "2.0x slower")


def test_no_change_reads_as_no_faster(tmp_path: Path) -> None:
    checks = run(tmp_path, REFERENCE, timer=FakeTimer(0.010, 0.010, QUERY_COUNT * 3))

    assert checks["q1 is at least 2x faster"].message == (
        "no faster, not 2x faster (10.00 ms → 10.00 ms, median of 3 runs)"
    )


def test_a_small_speed_up_says_only(tmp_path: Path) -> None:
    checks = run(tmp_path, REFERENCE, timer=FakeTimer(0.015, 0.010, QUERY_COUNT * 3))

    assert checks["q1 is at least 2x faster"].message == "only 1.5x faster (15.00 ms → 10.00 ms, median of 3 runs)"


def test_without_indexes_every_plan_still_scans(tmp_path: Path) -> None:
    checks = run(tmp_path, "-- nothing yet\n", timer=FakeTimer(0.010, 0.010, QUERY_COUNT * 3))

    assert checks[APPLY].message == "indexes.sql creates no index"
    assert checks["q1 uses an index"].message == "orders is still read in full (SCAN orders); plan: SCAN orders"
    assert checks["q3 uses an index"].message.startswith("orders is still read in full (SCAN o); plan: SEARCH c")
    assert checks["q1 uses an index"].hint_topic == "execution-plans"
    assert checks["q1 returns the same rows"].passed
    assert checks["q4 is at least 2x faster"].message == (
        "no faster, not 2x faster (10.00 ms → 10.00 ms, median of 3 runs)"
    )


def test_an_index_that_is_only_scanned_does_not_count(tmp_path: Path) -> None:
    checks = run(tmp_path, "CREATE INDEX orders_total_created ON orders (total_cents, created_at);")

    assert checks["q2 uses an index"].message.startswith(
        "orders is still read in full (SCAN orders USING COVERING INDEX orders_total_created)"
    )


def test_speed_up_below_the_required_factor_fails(tmp_path: Path) -> None:
    checks = run(tmp_path, REFERENCE, min_speedup=1e9)

    check = checks["q1 is at least 1e+09x faster"]
    assert not check.passed
    assert check.message == "only 10.0x faster (10.00 ms → 1.00 ms, median of 3 runs)"
    assert check.expected == ">= 1e+09x faster"
    assert checks["q1 uses an index"].passed


def test_changed_results_fail_the_rows_check() -> None:
    query = sql_explain.load_queries()[1]
    before = sql_explain.Measurement(
        ["SCAN orders"], [(1, "2024-03-01 00:00:10", 500), (2, "2024-03-01 00:02:40", 900)], 0.01
    )
    after = sql_explain.Measurement(
        ["SEARCH orders"], [(2, "2024-03-01 00:02:40", 900), (1, "2024-03-01 00:00:10", 500)], 0.001
    )

    check = sql_explain.check_rows(query, before, after)

    assert not check.passed
    assert check.message == (
        "results changed after the indexes: right rows in the wrong order: "
        "row 1 should be (1, '2024-03-01 00:00:10', 500), got (2, '2024-03-01 00:02:40', 900)"
    )


def test_anything_but_create_index_is_rejected_and_not_run(tmp_path: Path) -> None:
    evil = tmp_path / "evil.db"
    indexes = (
        "DROP TABLE orders;\n"
        f"ATTACH DATABASE '{evil}' AS evil;\n"
        "CREATE TABLE notes (x);\n"
        "CREATE INDEX orders_nope ON orders (nope);\n"
        "This file is not SQL at all\n"
    )

    checks = run(tmp_path, indexes + REFERENCE)

    assert checks[APPLY].message == (
        "statement 1 (DROP TABLE orders) is not a CREATE INDEX, so it was not run; "
        f"statement 2 (ATTACH DATABASE '{evil}' AS ...) is not a CREATE INDEX, so it was not run; "
        "statement 3 (CREATE TABLE notes (x)) is not a CREATE INDEX, so it was not run; "
        "statement 4 (CREATE INDEX orders_nope ON ...) failed: SQLite error: no such column: nope; "
        "statement 5 (This file is not ...) is not a CREATE INDEX, so it was not run"
    )
    assert not evil.exists()
    assert checks["q1 returns the same rows"].passed  # orders was not dropped


def test_index_creation_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    checks = run(tmp_path, "CREATE INDEX orders_created_at ON orders (created_at);", time_limit_seconds=0.001)

    assert checks[APPLY].message == (
        "statement 1 (CREATE INDEX orders_created_at ON ...) failed: "
        "stopped after the 0.001 s time limit (a very slow index expression?)"
    )


def test_cannot_start_without_a_file(tmp_path: Path) -> None:
    with pytest.raises(VerifierInputError, match="needs --file"):
        sql_explain.verify(VerifyOptions())
    with pytest.raises(VerifierInputError, match="not found"):
        sql_explain.verify(VerifyOptions(file=tmp_path / "indexes.sql"))


def test_starter_files_build_the_same_database(tmp_path: Path) -> None:
    files = sql_explain.starter_files({})

    assert set(files) == {"QUERIES.md", "build_db.sql", "indexes.sql"}
    with sqlite3.connect(tmp_path / "bigshop.db") as conn:
        conn.executescript(files["build_db.sql"])
        assert conn.execute("SELECT COUNT(*) FROM orders").fetchone() == (200_000,)
    for query in sql_explain.load_queries():
        assert query.sql.strip() in files["QUERIES.md"]


def test_an_index_of_gigabytes_fails_within_limits(tmp_path: Path) -> None:
    """An expression index of 100 KB strings on 200,000 rows used to fill 6 GB of disk."""
    from test_verifier_sql_queries import verify_with_resource_limits

    path = tmp_path / "indexes.sql"
    path.write_text("CREATE INDEX orders_huge ON orders (printf('%.*c', 100000, id));\n" + REFERENCE, encoding="utf-8")

    messages = verify_with_resource_limits("sql_explain", path, runs=1, time_limit_seconds=60)

    assert messages[APPLY].startswith("statement 1 (CREATE INDEX orders_huge ON ...) failed: stopped at the ")
    assert messages[APPLY].endswith(("(huge rows, a huge temporary table or index?)", "or temporary table?)"))


def test_the_built_database_is_kept_copied_and_rebuilt_when_damaged(tmp_path: Path, monkeypatch) -> None:
    """Building the 200,000 orders takes 0.4 s; each later verification copies the kept database
    (checked first), and a damaged one is built again from the script."""
    monkeypatch.setenv("BACKEND_MENTOR_CACHE_DIR", str(tmp_path / "cache"))
    with sql_explain.closing(sql_explain.build_database(tmp_path / "first.db")):
        pass
    (kept,) = (tmp_path / "cache").glob("bigshop-*.db")
    db = sqlite3.connect(kept)
    db.execute("CREATE TABLE marker (x)")  # a table only the kept copy has
    db.commit()
    db.close()
    with sql_explain.closing(sql_explain.build_database(tmp_path / "second.db")) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'marker'").fetchone() == (1,)
    kept.write_bytes(kept.read_bytes()[: kept.stat().st_size // 2])  # cut in half
    with sql_explain.closing(sql_explain.build_database(tmp_path / "third.db")) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'marker'").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM orders").fetchone() == (200_000,)
    db = sqlite3.connect(kept)
    assert db.execute("PRAGMA quick_check").fetchone() == ("ok",)  # kept again, whole
    db.close()
