"""The sql-queries verifier (checkpoint complex-sql-joins)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from backend_mentor.checkpoints import _sqlite, sql_queries
from backend_mentor.checkpoints.base import Check, VerifierInputError, VerifyOptions

DATA = Path(__file__).parent / "data" / "sql_queries"


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def run(tmp_path: Path, answers: str, **params: object) -> dict[str, Check]:
    """Verify ``answers`` written to tmp_path, asserting the learner's files are left untouched."""
    path = tmp_path / "answers.sql"
    path.write_text(answers, encoding="utf-8")
    before = snapshot(tmp_path)
    checks = sql_queries.verify(VerifyOptions(file=path, params=dict(params)))
    assert snapshot(tmp_path) == before
    return {c.name.split()[0]: c for c in checks}


def test_reference_answers_pass_every_check(tmp_path: Path) -> None:
    checks = run(tmp_path, (DATA / "answers.sql").read_text(encoding="utf-8"))

    assert list(checks) == [f"q{i}" for i in range(1, 16)]
    assert [c.name for c in checks.values() if not c.passed] == []
    assert checks["q1"].message == "22 rows match (any order)"
    assert checks["q13"].message == "18 rows match (in order)"


def test_learner_copy_of_the_database_is_never_used(tmp_path: Path) -> None:
    (tmp_path / "shop.db").write_bytes(b"not a database")

    checks = run(tmp_path, (DATA / "answers.sql").read_text(encoding="utf-8"))

    assert all(c.passed for c in checks.values())


WRONG_ANSWERS = {
    "q1": (
        "SELECT o.id FROM orders o WHERE o.status = 'shipped'",
        "expected 2 columns (order_id, email), got 1 (id)",
    ),
    "q2": (
        "SELECT p.name, c.name, i.quantity, i.quantity * i.unit_price FROM order_items i "
        "JOIN products p ON p.id = i.product_id JOIN categories c ON c.id = p.category_id "
        "WHERE i.order_id = 12 ORDER BY p.name",
        "expected 3 rows, got 2; 1 expected row missing, e.g. ('Gift Card', None, 4, 100)",
    ),
    "q3": (
        "SELECT c.id, c.email FROM customers c LEFT JOIN orders o ON o.customer_id = c.id "
        "WHERE o.id IS NULL ORDER BY c.id DESC",
        "right rows in the wrong order: row 1 should be (7, 'lena.meyer7@example.com'), "
        "got (26, 'kofi.rossi26@example.com')",
    ),
    "q4": (
        "SELECT c.id, c.first_name, COUNT(*) AS n FROM customers c LEFT JOIN orders o ON o.customer_id = c.id "
        "GROUP BY c.id ORDER BY n DESC, c.id",
        "row 21 differs: expected (25, 'Farah', 1), got (7, 'Lena', 1)",
    ),
    "q5": (
        "SELECT p.id, p.name FROM products p JOIN order_items i ON i.product_id = p.id WHERE i.quantity IS NULL",
        "expected 1 row, got 0; 1 expected row missing, e.g. (11, 'Solar Lantern')",
    ),
    "q6": (
        "SELECT e.name, m.name FROM employees e JOIN employees m ON m.id = e.manager_id ORDER BY e.name",
        "expected 10 rows, got 9; 1 expected row missing, e.g. ('Grace Okafor', None)",
    ),
    "q7": (
        "SELECT e.name, e.salary, m.name, m.salary FROM employees e JOIN employees m ON m.id = e.manager_id "
        "WHERE e.salary < m.salary",
        "expected 2 rows, got 6; 2 expected rows missing, e.g. ('Tom Becker', 101000, 'Luis Moreno', 98000)",
    ),
    "q8": (
        "SELECT c.name, SUM(i.quantity * i.unit_price) AS revenue FROM order_items i "
        "JOIN products p ON p.id = i.product_id JOIN categories c ON c.id = p.category_id "
        "GROUP BY c.name ORDER BY revenue DESC",
        "5 expected rows missing, e.g. ('Electronics', 16334.92)",
    ),
    "q9": (
        "SELECT o.customer_id, COUNT(*), SUM(i.quantity * i.unit_price) FROM orders o "
        "JOIN order_items i ON i.order_id = o.id WHERE o.status <> 'cancelled' "
        "GROUP BY o.customer_id HAVING COUNT(*) >= 5",
        "expected 7 rows, got 16; 7 expected rows missing, e.g. (1, 9, 3559.64)",
    ),
    "q10": (
        "SELECT city, COUNT(*) AS n FROM customers GROUP BY city ORDER BY n DESC, city",
        "row 4 differs: expected ('Izmir', 3), got (None, 3)",
    ),
    "q11": (
        "SELECT p.name, c.name, p.price FROM products p JOIN categories c ON c.id = p.category_id "
        "WHERE p.price > (SELECT AVG(price) FROM products) ORDER BY p.name",
        "expected 9 rows, got 7; 4 expected rows missing",
    ),
    "q12": (
        "SELECT strftime('%Y-%m', o.order_date) AS month, COUNT(*), SUM(i.quantity * i.unit_price) "
        "FROM orders o JOIN order_items i ON i.order_id = o.id "
        "WHERE o.status <> 'cancelled' AND o.order_date LIKE '2024%' GROUP BY month ORDER BY month",
        "row 1 differs: expected ('2024-01', 6, 1740.46), got ('2024-01', 14, 1740.46)",
    ),
    "q13": (
        "SELECT c.name, p.name, p.price, ROW_NUMBER() OVER (PARTITION BY c.id ORDER BY p.price DESC) AS r "
        "FROM products p JOIN categories c ON c.id = p.category_id ORDER BY c.name, r, p.name",
        "row 12 differs: expected ('Kitchen', 'Cast Iron Pan', 49.9, 1), got ('Kitchen', 'Chef Knife', 49.9, 1)",
    ),
    "q14": (
        "SELECT o.id, o.order_date, SUM(i.quantity * i.unit_price), SUM(i.quantity * i.unit_price) "
        "FROM orders o JOIN order_items i ON i.order_id = o.id "
        "WHERE o.customer_id = 3 AND o.status <> 'cancelled' GROUP BY o.id ORDER BY o.order_date, o.id",
        "row 2 differs: expected (91, '2024-02-03', 65, 80.9), got (91, '2024-02-03', 65, 65)",
    ),
    "q15": (
        "SELECT customer_id, MIN(id), MIN(order_date) FROM orders GROUP BY customer_id",
        "20 expected rows missing, e.g. (1, 92, '2024-09-19')",
    ),
}


def test_each_exercise_fails_a_wrong_answer_with_a_precise_message(tmp_path: Path) -> None:
    answers = "".join(f"-- name: {qid}\n{sql};\n" for qid, (sql, _) in WRONG_ANSWERS.items())

    checks = run(tmp_path, answers)

    for qid, (_, message) in WRONG_ANSWERS.items():
        check = checks[qid]
        assert not check.passed, qid
        assert message in check.message, (qid, check.message)
        assert check.hint_topic in {"sql-joins", "sql-aggregates", "subqueries-ctes", "window-functions"}


# Every rule an exercise states, each with a realistic answer that ignores exactly that rule. The
# sample data must make each of them fail (before the hand-written scenario rows, 15 of these passed).
STATED_RULES = [
    # (exercise, the rule it states, a realistic answer that ignores exactly that rule)
    (
        "q1",
        "only status 'shipped'",
        "SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id "
        "WHERE o.status IN ('shipped', 'delivered')",
    ),
    (
        "q2",
        "a product without a category still appears",
        "SELECT p.name, c.name, i.quantity, i.quantity * i.unit_price FROM order_items i "
        "JOIN products p ON p.id = i.product_id JOIN categories c ON c.id = p.category_id "
        "WHERE i.order_id = 12 ORDER BY p.name",
    ),
    (
        "q2",
        "line total uses unit_price (the price paid)",
        "SELECT p.name, c.name, i.quantity, i.quantity * p.price FROM order_items i "
        "JOIN products p ON p.id = i.product_id LEFT JOIN categories c ON c.id = p.category_id "
        "WHERE i.order_id = 12 ORDER BY p.name",
    ),
    (
        "q2",
        "sorted by product_name",
        "SELECT p.name, c.name, i.quantity, i.quantity * i.unit_price FROM order_items i "
        "JOIN products p ON p.id = i.product_id LEFT JOIN categories c ON c.id = p.category_id "
        "WHERE i.order_id = 12 ORDER BY p.id",
    ),
    (
        "q3",
        "never ordered, of any status",
        "SELECT c.id, c.email FROM customers c LEFT JOIN orders o ON o.customer_id = c.id "
        "AND o.status <> 'cancelled' WHERE o.id IS NULL ORDER BY c.id",
    ),
    (
        "q3",
        "sorted by customer_id",
        "SELECT c.id, c.email FROM customers c LEFT JOIN orders o ON o.customer_id = c.id "
        "WHERE o.id IS NULL ORDER BY c.email",
    ),
    (
        "q4",
        "customers without orders appear with 0",
        "SELECT c.id, c.first_name, COUNT(o.id) AS n FROM customers c JOIN orders o ON o.customer_id = c.id "
        "GROUP BY c.id ORDER BY n DESC, c.id",
    ),
    (
        "q4",
        "all statuses count",
        "SELECT c.id, c.first_name, COUNT(o.id) AS n FROM customers c LEFT JOIN orders o ON o.customer_id = c.id "
        "AND o.status <> 'cancelled' GROUP BY c.id ORDER BY n DESC, c.id",
    ),
    (
        "q4",
        "ties sorted by customer_id",
        "SELECT c.id, c.first_name, COUNT(o.id) AS n FROM customers c LEFT JOIN orders o ON o.customer_id = c.id "
        "GROUP BY c.id ORDER BY n DESC, c.first_name",
    ),
    (
        "q5",
        "in no order line at all (cancelled orders count)",
        "SELECT p.id, p.name FROM products p WHERE p.id NOT IN (SELECT i.product_id FROM order_items i "
        "JOIN orders o ON o.id = i.order_id WHERE o.status <> 'cancelled')",
    ),
    (
        "q6",
        "the employee without a manager appears",
        "SELECT e.name, m.name FROM employees e JOIN employees m ON m.id = e.manager_id ORDER BY e.name",
    ),
    (
        "q6",
        "sorted by employee_name",
        "SELECT e.name, m.name FROM employees e LEFT JOIN employees m ON m.id = e.manager_id ORDER BY e.id",
    ),
    (
        "q7",
        "strictly higher than the manager's salary",
        "SELECT e.name, e.salary, m.name, m.salary FROM employees e JOIN employees m ON m.id = e.manager_id "
        "WHERE e.salary >= m.salary",
    ),
    (
        "q8",
        "cancelled orders are left out",
        "SELECT c.name, SUM(i.quantity * i.unit_price) AS r FROM order_items i JOIN products p ON p.id = i.product_id "
        "JOIN categories c ON c.id = p.category_id GROUP BY c.id ORDER BY r DESC",
    ),
    (
        "q8",
        "categories without sales are left out",
        "SELECT c.name, SUM(CASE WHEN o.status <> 'cancelled' THEN i.quantity * i.unit_price ELSE 0 END) AS r "
        "FROM categories c JOIN products p ON p.category_id = c.id JOIN order_items i ON i.product_id = p.id "
        "JOIN orders o ON o.id = i.order_id GROUP BY c.id ORDER BY r DESC",
    ),
    (
        "q8",
        "products without a category are left out",
        "SELECT c.name, SUM(i.quantity * i.unit_price) AS r FROM order_items i JOIN orders o ON o.id = i.order_id "
        "JOIN products p ON p.id = i.product_id LEFT JOIN categories c ON c.id = p.category_id "
        "WHERE o.status <> 'cancelled' GROUP BY c.id ORDER BY r DESC",
    ),
    (
        "q8",
        "revenue uses unit_price (the price paid)",
        "SELECT c.name, SUM(i.quantity * p.price) AS r FROM order_items i JOIN orders o ON o.id = i.order_id "
        "JOIN products p ON p.id = i.product_id JOIN categories c ON c.id = p.category_id "
        "WHERE o.status <> 'cancelled' GROUP BY c.id ORDER BY r DESC",
    ),
    (
        "q8",
        "sorted by revenue descending",
        "SELECT c.name, SUM(i.quantity * i.unit_price) AS r FROM order_items i JOIN orders o ON o.id = i.order_id "
        "JOIN products p ON p.id = i.product_id JOIN categories c ON c.id = p.category_id "
        "WHERE o.status <> 'cancelled' GROUP BY c.id ORDER BY c.name",
    ),
    (
        "q9",
        "at least 5 (5 counts)",
        "SELECT o.customer_id, COUNT(DISTINCT o.id), SUM(i.quantity * i.unit_price) FROM orders o "
        "JOIN order_items i ON i.order_id = o.id WHERE o.status <> 'cancelled' "
        "GROUP BY o.customer_id HAVING COUNT(DISTINCT o.id) > 5",
    ),
    (
        "q9",
        "cancelled orders do not count",
        "SELECT o.customer_id, COUNT(DISTINCT o.id), SUM(i.quantity * i.unit_price) FROM orders o "
        "JOIN order_items i ON i.order_id = o.id GROUP BY o.customer_id HAVING COUNT(DISTINCT o.id) >= 5",
    ),
    (
        "q9",
        "orders are counted, not order lines",
        "SELECT o.customer_id, COUNT(*), SUM(i.quantity * i.unit_price) FROM orders o "
        "JOIN order_items i ON i.order_id = o.id WHERE o.status <> 'cancelled' "
        "GROUP BY o.customer_id HAVING COUNT(*) >= 5",
    ),
    (
        "q10",
        "customers without a city count as 'unknown'",
        "SELECT city, COUNT(*) AS n FROM customers GROUP BY city ORDER BY n DESC, city",
    ),
    (
        "q10",
        "ties sorted by the city name shown ('unknown' included)",
        "SELECT COALESCE(city, 'unknown'), COUNT(*) AS n FROM customers GROUP BY city ORDER BY n DESC, city",
    ),
    (
        "q11",
        "the average of the same category",
        "SELECT p.name, c.name, p.price FROM products p JOIN categories c ON c.id = p.category_id "
        "WHERE p.price > (SELECT AVG(price) FROM products) ORDER BY p.name",
    ),
    (
        "q11",
        "strictly higher than the average",
        "SELECT p.name, c.name, p.price FROM products p JOIN categories c ON c.id = p.category_id "
        "WHERE p.price >= (SELECT AVG(q.price) FROM products q WHERE q.category_id = p.category_id) ORDER BY p.name",
    ),
    (
        "q11",
        "products without a category are left out",
        "SELECT p.name, c.name, p.price FROM products p LEFT JOIN categories c ON c.id = p.category_id "
        "WHERE p.price > (SELECT AVG(q.price) FROM products q WHERE q.category_id IS p.category_id) ORDER BY p.name",
    ),
    (
        "q12",
        "only 2024",
        "WITH t AS (SELECT o.id, strftime('%Y-%m', o.order_date) AS m, SUM(i.quantity * i.unit_price) AS total "
        "FROM orders o JOIN order_items i ON i.order_id = o.id "
        "WHERE o.status <> 'cancelled' AND o.order_date >= '2024-01-01' GROUP BY o.id) "
        "SELECT m, COUNT(*), SUM(total) FROM t GROUP BY m ORDER BY m",
    ),
    (
        "q12",
        "cancelled orders are left out",
        "WITH t AS (SELECT o.id, strftime('%Y-%m', o.order_date) AS m, SUM(i.quantity * i.unit_price) AS total "
        "FROM orders o JOIN order_items i ON i.order_id = o.id "
        "WHERE o.order_date LIKE '2024-%' GROUP BY o.id) "
        "SELECT m, COUNT(*), SUM(total) FROM t GROUP BY m ORDER BY m",
    ),
    (
        "q12",
        "only months that have orders that are not cancelled",
        "WITH t AS (SELECT o.id, o.status, strftime('%Y-%m', o.order_date) AS m, SUM(i.quantity * i.unit_price) AS total "
        "FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.order_date LIKE '2024-%' GROUP BY o.id) "
        "SELECT m, SUM(status <> 'cancelled'), SUM(CASE WHEN status <> 'cancelled' THEN total ELSE 0 END) "
        "FROM t GROUP BY m ORDER BY m",
    ),
    (
        "q12",
        "orders are counted, not order lines",
        "SELECT strftime('%Y-%m', o.order_date) AS m, COUNT(*), SUM(i.quantity * i.unit_price) "
        "FROM orders o JOIN order_items i ON i.order_id = o.id "
        "WHERE o.status <> 'cancelled' AND o.order_date LIKE '2024-%' GROUP BY m ORDER BY m",
    ),
    (
        "q13",
        "RANK semantics: the rank after a tie is skipped",
        "SELECT c.name, p.name, p.price, DENSE_RANK() OVER (PARTITION BY c.id ORDER BY p.price DESC) AS r "
        "FROM products p JOIN categories c ON c.id = p.category_id ORDER BY c.name, r, p.name",
    ),
    (
        "q13",
        "equal prices share a rank",
        "SELECT c.name, p.name, p.price, ROW_NUMBER() OVER (PARTITION BY c.id ORDER BY p.price DESC) AS r "
        "FROM products p JOIN categories c ON c.id = p.category_id ORDER BY c.name, r, p.name",
    ),
    (
        "q13",
        "most expensive first",
        "SELECT c.name, p.name, p.price, RANK() OVER (PARTITION BY c.id ORDER BY p.price) AS r "
        "FROM products p JOIN categories c ON c.id = p.category_id ORDER BY c.name, r, p.name",
    ),
    (
        "q13",
        "products without a category are left out",
        "SELECT c.name, p.name, p.price, RANK() OVER (PARTITION BY p.category_id ORDER BY p.price DESC) AS r "
        "FROM products p LEFT JOIN categories c ON c.id = p.category_id ORDER BY c.name, r, p.name",
    ),
    (
        "q13",
        "within a rank, sorted by product_name",
        "SELECT c.name, p.name, p.price, RANK() OVER (PARTITION BY c.id ORDER BY p.price DESC) AS r "
        "FROM products p JOIN categories c ON c.id = p.category_id ORDER BY c.name, r, p.name DESC",
    ),
    (
        "q14",
        "cancelled orders are left out",
        "WITH t AS (SELECT o.id, o.order_date, SUM(i.quantity * i.unit_price) AS total FROM orders o "
        "JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = 3 GROUP BY o.id) "
        "SELECT id, order_date, total, SUM(total) OVER (ORDER BY order_date, id) FROM t ORDER BY order_date, id",
    ),
    (
        "q14",
        "running total in (order_date, order_id) order: two orders on one date",
        "WITH t AS (SELECT o.id, o.order_date, SUM(i.quantity * i.unit_price) AS total FROM orders o "
        "JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = 3 AND o.status <> 'cancelled' GROUP BY o.id) "
        "SELECT id, order_date, total, SUM(total) OVER (ORDER BY order_date) FROM t ORDER BY order_date, id",
    ),
    (
        "q14",
        "sorted by order_date, then order_id",
        "WITH t AS (SELECT o.id, o.order_date, SUM(i.quantity * i.unit_price) AS total FROM orders o "
        "JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = 3 AND o.status <> 'cancelled' GROUP BY o.id) "
        "SELECT id, order_date, total, SUM(total) OVER (ORDER BY id) FROM t ORDER BY id",
    ),
    (
        "q15",
        "the latest order_date, not the highest id",
        "SELECT customer_id, MAX(id), MAX(order_date) FROM orders GROUP BY customer_id",
    ),
    (
        "q15",
        "on a tie the higher id (join on the latest date)",
        "SELECT o.customer_id, o.id, o.order_date FROM orders o JOIN (SELECT customer_id, MAX(order_date) AS d "
        "FROM orders GROUP BY customer_id) m ON m.customer_id = o.customer_id AND m.d = o.order_date",
    ),
    (
        "q15",
        "on a tie the higher id (SQLite's bare column with MAX)",
        "SELECT customer_id, id, MAX(order_date) FROM orders GROUP BY customer_id",
    ),
    (
        "q15",
        "on a tie the higher id, not the lower one",
        "SELECT customer_id, id, order_date FROM (SELECT customer_id, id, order_date, ROW_NUMBER() OVER "
        "(PARTITION BY customer_id ORDER BY order_date DESC, id) AS rn FROM orders) WHERE rn = 1",
    ),
    (
        "q15",
        "any status",
        "SELECT customer_id, id, order_date FROM (SELECT customer_id, id, order_date, ROW_NUMBER() OVER "
        "(PARTITION BY customer_id ORDER BY order_date DESC, id DESC) AS rn FROM orders WHERE status <> 'cancelled') "
        "WHERE rn = 1",
    ),
]


def test_every_exercise_has_its_stated_rules_listed() -> None:
    assert {qid for qid, _, _ in STATED_RULES} == {ex.id for ex in sql_queries.load_exercises()}


@pytest.mark.parametrize(("qid", "rule", "sql"), STATED_RULES, ids=[f"{q}-{r}" for q, r, _ in STATED_RULES])
def test_an_answer_that_ignores_a_stated_rule_fails(tmp_path: Path, qid: str, rule: str, sql: str) -> None:
    check = run(tmp_path, f"-- name: {qid}\n{sql};\n")[qid]

    assert not check.passed, f"{qid}: an answer ignoring '{rule}' passed: {check.message}"
    # it ran and returned rows that differ, rather than failing for an unrelated reason
    assert not check.message.startswith(("SQLite error", "refused", "expected 4 columns", "not answered")), (
        check.message
    )
    assert check.hint_topic is not None


def test_the_scenario_rows_are_there() -> None:
    rows = sql_queries.shop_rows()
    orders = rows["orders"]
    latest = max(o[3] for o in orders if o[1] == sql_queries.TIE_CUSTOMER)
    assert len([o for o in orders if o[1] == sql_queries.TIE_CUSTOMER and o[3] == latest]) == 2
    dates = [o[3] for o in orders if o[1] == sql_queries.RUNNING_CUSTOMER and o[4] != "cancelled"]
    assert len(dates) > len(set(dates))
    assert [o[4] for o in orders if o[1] == 25] == ["cancelled"]


def test_messages_show_a_few_rows_not_a_dump(tmp_path: Path) -> None:
    checks = run(tmp_path, "-- name: q9\n" + WRONG_ANSWERS["q9"][0])

    assert "... (4 more)" in checks["q9"].message
    assert checks["q9"].expected == "(1, 9, 3559.64); (2, 7, 4581.91); (5, 5, 1162.25); ... (4 more)"


def test_missing_blocks_are_not_answered(tmp_path: Path) -> None:
    checks = run(tmp_path, "-- name: q1\n-- only a comment here\n\n-- name: q2\n")

    assert checks["q1"].message == "not answered: write a query under '-- name: q1'"
    assert checks["q2"].message == "not answered: write a query under '-- name: q2'"
    assert checks["q15"].message == "not answered: write a query under '-- name: q15'"
    assert checks["q1"].hint_topic == "sql-joins"


HOSTILE = {
    "q1": ("DROP TABLE orders", "refused (not authorized): only read-only SELECT queries may run"),
    "q2": ("ATTACH DATABASE '{evil}' AS evil", "refused (not authorized): only read-only SELECT queries may run"),
    "q3": (
        "INSERT INTO orders (id, customer_id, order_date, status) VALUES (999, 1, '2024-01-01', 'pending')",
        "refused (not authorized)",
    ),
    "q4": ("PRAGMA query_only = OFF", "refused (not authorized)"),
    "q5": ("VACUUM INTO '{evil}'", "refused (authorization denied)"),
    "q6": ("This is not SQL, just a sentence about joins.", 'SQLite error: near "This": syntax error'),
    "q7": ("SELECT 1; SELECT 2", "one statement per block, found 2: SELECT 1; SELECT 2"),
    "q8": ("SELECT * FROM orders, order_items, customers", "returned more than 10000 rows"),
    "q9": ("SELECT zeroblob(1000000000)", "refused (not authorized to use function: zeroblob)"),
    "q10": ("UPDATE customers SET city = NULL", "refused (not authorized)"),
}


def test_hostile_answers_fail_cleanly_and_touch_nothing(tmp_path: Path) -> None:
    evil = tmp_path / "evil.db"
    answers = "".join(f"-- name: {qid}\n{sql.format(evil=evil)};\n" for qid, (sql, _) in HOSTILE.items())

    checks = run(tmp_path, answers)

    for qid, (_, message) in HOSTILE.items():
        assert not checks[qid].passed
        assert message in checks[qid].message, (qid, checks[qid].message)
    assert not evil.exists()


def test_an_endless_recursive_cte_stops_at_the_time_limit(tmp_path: Path) -> None:
    endless = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r"
    start = time.monotonic()

    checks = run(tmp_path, f"-- name: q1\n{endless};\n", time_limit_seconds=0.3)

    assert time.monotonic() - start < 60  # generous: only a missing time limit would take longer
    assert checks["q1"].message == "stopped after the 0.3 s time limit (a recursive CTE that never ends?)"


def test_a_file_that_is_not_sql_fails_every_check(tmp_path: Path) -> None:
    path = tmp_path / "answers.sql"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")

    checks = sql_queries.verify(VerifyOptions(file=path))

    assert len(checks) == 15
    assert all(not c.passed and c.message.startswith("not answered") for c in checks)


def test_a_block_of_binary_garbage_reports_the_sqlite_error(tmp_path: Path) -> None:
    checks = run(tmp_path, "-- name: q1\n\ufffd\ufffdPNG garbage\n")

    assert checks["q1"].message.startswith("SQLite error: ")


def test_cannot_start_without_a_readable_file(tmp_path: Path) -> None:
    with pytest.raises(VerifierInputError, match="needs --file"):
        sql_queries.verify(VerifyOptions())
    with pytest.raises(VerifierInputError, match="answers file \\(answers.sql\\) not found"):
        sql_queries.verify(VerifyOptions(file=tmp_path / "missing.sql"))


def test_starter_files_hold_database_questions_and_template_but_no_solutions(tmp_path: Path) -> None:
    files = sql_queries.starter_files({})

    assert set(files) == {"shop.db", "EXERCISES.md", "answers.sql"}
    assert files["shop.db"] == sql_queries.starter_files({})["shop.db"]  # deterministic
    (tmp_path / "shop.db").write_bytes(files["shop.db"])
    with sqlite3.connect(tmp_path / "shop.db") as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"categories", "products", "customers", "employees", "orders", "order_items"}
    assert files["answers.sql"].count("-- name: q") == 15
    assert "### q13. price rank within each category" in files["EXERCISES.md"]
    for exercise in sql_queries.load_exercises():
        assert exercise.solution.strip() not in files["EXERCISES.md"] + files["answers.sql"]


def test_the_starter_template_scores_zero_without_errors(tmp_path: Path) -> None:
    checks = run(tmp_path, sql_queries.starter_files({})["answers.sql"])

    assert all(c.message.startswith("not answered") for c in checks.values())


def test_split_statements_keeps_semicolons_inside_strings() -> None:
    assert _sqlite.split_statements("SELECT ';'; -- done\nSELECT 2") == ["SELECT ';';", "-- done\nSELECT 2"]


# --- answers that try to exhaust the machine -------------------------------------------------------

LIMITED_RUN = """
import json, resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 2**20, 256 * 2**20))  # no file may grow past 256 MB
resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))  # nor the process past 2 GB
from importlib import import_module
from backend_mentor.checkpoints.base import VerifyOptions
module = import_module("backend_mentor.checkpoints." + sys.argv[1])
checks = module.verify(VerifyOptions(file=Path(sys.argv[2]), params=json.loads(sys.argv[3])))
print(json.dumps({c.name: c.message for c in checks}))
"""


def verify_with_resource_limits(module: str, path: Path, **params: object) -> dict[str, str]:
    """Run a verifier in a subprocess that may write no file over 256 MB and use at most 2 GB."""
    import json
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", LIMITED_RUN, module, str(path), json.dumps(params)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"verifier died (exit {result.returncode}): {result.stderr[-2000:]}"
    return json.loads(result.stdout)


HUGE_ROWS = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 9000) "


def test_answers_that_would_take_gigabytes_fail_within_limits(tmp_path: Path) -> None:
    answers = tmp_path / "answers.sql"
    answers.write_text(
        f"-- name: q1\n{HUGE_ROWS}SELECT x, printf('%.*c', 999999, 'a') FROM r;\n"
        f"-- name: q2\n{HUGE_ROWS.replace('9000', '400')}SELECT printf('%.*c', 900000, x) AS s FROM r ORDER BY s;\n"
        f"-- name: q3\n{HUGE_ROWS.replace('9000', '400')}SELECT DISTINCT printf('%.*c', 900000, x), x FROM r;\n",
        encoding="utf-8",
    )

    messages = verify_with_resource_limits("sql_queries", answers, time_limit_seconds=30)

    q1, q2, q3 = (next(m for n, m in messages.items() if n.startswith(q + " ")) for q in ("q1", "q2", "q3"))
    assert q1.startswith("the result is larger than 16 MB after ") and q1.endswith(
        "rows: return only the columns the exercise asks for"
    )
    assert q2 == "stopped at the 256 MB memory limit for SQL (huge strings, a huge sort or temporary table?)"
    assert q3.startswith(("stopped at the 256 MB memory limit", "the result is larger than 16 MB")), q3
