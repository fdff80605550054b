"""Verifier for ``sql-queries``: the learner's ``-- name: qN`` answers against a generated shop database.

The database is rebuilt from code on every run (seeded, so every run and every learner sees the same
rows); the learner's copy is never read. Answers run on a read-only connection guarded by an
authorizer (SELECT only) and a progress-handler deadline, then are compared with the reference
answers from ``assets/sql_queries/exercises.yaml``, which never leave the package.

The SQLite guards it relies on live in ``_sqlite``, shared with ``sql_schema`` and ``sql_explain``.
"""

from __future__ import annotations

import random
import re
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from ._sqlite import (
    Row,
    SqlRunError,
    compare_rows,
    has_code,
    limit_value_size,
    plural,
    read_learner_file,
    run_query,
)
from .base import Check, CheckSpec, VerifyOptions, run_checks
from .params import load_params

ENGINES = ("sqlite", "postgres")
ASSETS = Path(__file__).parent / "assets" / "sql_queries"


# --- the shop database ---------------------------------------------------------------------------

SHOP_SCHEMA = """\
CREATE TABLE categories (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    category_id INTEGER REFERENCES categories(id),  -- NULL: not categorised yet
    price       REAL NOT NULL                       -- current list price
);
CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    first_name  TEXT NOT NULL,
    last_name   TEXT NOT NULL,
    email       TEXT NOT NULL UNIQUE,
    city        TEXT,                                -- NULL: the customer did not say
    signup_date TEXT NOT NULL                        -- 'YYYY-MM-DD'
);
CREATE TABLE employees (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    title      TEXT NOT NULL,
    manager_id INTEGER REFERENCES employees(id),     -- NULL: the CEO
    salary     INTEGER NOT NULL,
    hire_date  TEXT NOT NULL
);
CREATE TABLE orders (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    employee_id  INTEGER REFERENCES employees(id),   -- NULL: placed on the web shop, no sales rep
    order_date   TEXT NOT NULL,                      -- 'YYYY-MM-DD'
    status       TEXT NOT NULL CHECK (status IN ('pending', 'shipped', 'delivered', 'cancelled')),
    shipped_date TEXT                                -- NULL until shipped
);
CREATE TABLE order_items (
    order_id   INTEGER NOT NULL REFERENCES orders(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    unit_price REAL NOT NULL,                        -- price paid, may differ from products.price
    PRIMARY KEY (order_id, product_id)
);
"""

CATEGORIES = ["Books", "Electronics", "Garden", "Kitchen", "Music", "Toys"]  # Music sells only in a cancelled order
PRODUCTS = [  # name, category (None = uncategorised), price
    ("Clean Code", "Books", 32.50),
    ("Designing Data-Intensive Applications", "Books", 44.90),
    ("The Pragmatic Programmer", "Books", 39.90),
    ("SQL Pocket Guide", "Books", 19.90),
    ("USB-C Hub", "Electronics", 49.90),
    ("Noise-Cancelling Headphones", "Electronics", 199.00),
    ("Mechanical Keyboard", "Electronics", 119.00),
    ("Webcam HD", "Electronics", 59.90),
    ("Garden Hose 20m", "Garden", 27.90),
    ("Pruning Shears", "Garden", 18.50),
    ("Solar Lantern", "Garden", 24.00),  # never ordered
    ("Chef Knife", "Kitchen", 49.90),
    ("Cast Iron Pan", "Kitchen", 49.90),  # ties with Chef Knife for RANK()
    ("Espresso Cups (4)", "Kitchen", 22.00),
    ("Building Blocks Set", "Toys", 34.90),
    ("Puzzle 1000 Pieces", "Toys", 15.90),
    ("Gift Card", None, 25.00),
    # Only in the hand-written scenario orders below, never in the random ones:
    ("Guitar Strings", "Music", 12.00),  # Music: two equal prices, neither above the category average (q11)
    ("Vinyl Cleaner", "Music", 12.00),  # ... and only ever ordered in a cancelled order (q5, q8)
    ("Gift Wrapping", None, 4.50),  # a second product without a category (q11, q13)
]
NEVER_ORDERED = "Solar Lantern"
SCENARIO_ONLY = {"Guitar Strings", "Vinyl Cleaner", "Gift Wrapping"}
EMPLOYEES = [  # name, title, manager (index into this list), salary, hire date
    ("Grace Okafor", "CEO", None, 150000, "2015-03-01"),
    ("Luis Moreno", "Sales Director", 0, 98000, "2016-07-15"),
    ("Mei Tanaka", "Operations Director", 0, 95000, "2017-01-09"),
    ("Ada Novak", "Sales Rep", 1, 52000, "2019-04-01"),
    ("Tom Becker", "Sales Rep", 1, 101000, "2018-02-12"),  # earns more than his manager
    ("Priya Shah", "Sales Rep", 1, 55000, "2020-09-21"),
    ("Omar Haddad", "Support Lead", 2, 61000, "2019-11-04"),
    ("Sara Lind", "Support Agent", 6, 64000, "2021-05-17"),  # earns more than her manager
    ("Jonas Weber", "Support Agent", 6, 43000, "2022-08-29"),
    ("Nina Berg", "Support Agent", 6, 61000, "2023-03-06"),  # earns exactly what her manager earns (q7)
]
SALES_REPS = [4, 5, 6]  # employee ids that take orders
FIRST_NAMES = ["Ana", "Ben", "Chloe", "Diego", "Elif", "Farah", "Goran", "Hana", "Ivan", "Julia", "Kofi", "Lena"]
LAST_NAMES = ["Silva", "Meyer", "Dubois", "Garcia", "Yilmaz", "Khan", "Petrov", "Sato", "Rossi", "Nowak"]
CITIES = ["Lisbon", "Berlin", "Lyon", "Madrid", "Izmir", "Berlin", "Lisbon", None, "Porto", "Lyon"]
CUSTOMER_COUNT = 24
CUSTOMERS_WITHOUT_ORDERS = {7, 15, 22, 24}
ORDER_COUNT = 90
GIFT_CARD_ORDER = 12  # q2 asks about this order, which must contain the uncategorised product
SEED = 20240611

# Every rule an exercise states is exercised by rows written by hand on top of the random ones, so an
# answer that ignores the rule gets a different result (tests/test_verifier_sql_queries.py proves each):
ORDER_12_LINES = [  # q2: name order differs from id order, one line sold on offer (unit_price < price)
    ("SQL Pocket Guide", 2, 17.91),
    ("Chef Knife", 1, 49.90),
    ("Gift Card", 4, 25.00),
]
EXTRA_CUSTOMERS = [  # id, city, signup: both without a city, so 'unknown' ties with other cities (q10)
    (25, None, "2024-11-20"),  # whose only order is cancelled (q3, q4)
    (26, None, "2024-12-01"),
]
TIE_CUSTOMER = 1  # q15: two orders on this customer's latest date; the higher id wins
RUNNING_CUSTOMER = 3  # q14: two orders on one date; a running total by date alone gives both the same value


def shop_rows(seed: int = SEED) -> dict[str, list[Row]]:
    """Every row of the shop database; the same seed gives the same rows on every run."""
    rng = random.Random(seed)
    products = [
        (i, name, CATEGORIES.index(cat) + 1 if cat else None, price) for i, (name, cat, price) in enumerate(PRODUCTS, 1)
    ]
    employees = [
        (i, name, title, manager + 1 if manager is not None else None, salary, hired)
        for i, (name, title, manager, salary, hired) in enumerate(EMPLOYEES, 1)
    ]
    customers = _customers(rng)
    orders = _orders(rng)
    items = _order_items(rng, orders)
    _add_scenarios(customers, orders, items)
    return {
        "categories": [(i, name) for i, name in enumerate(CATEGORIES, 1)],
        "products": products,
        "customers": customers,
        "employees": employees,
        "orders": orders,
        "order_items": items,
    }


def _product_id(name: str) -> int:
    return next(i for i, (product, _, _) in enumerate(PRODUCTS, 1) if product == name)


def _add_scenarios(customers: list[Row], orders: list[Row], items: list[Row]) -> None:
    """The hand-written rows that make every stated rule matter (see ORDER_12_LINES and below)."""
    for i, city, signup in EXTRA_CUSTOMERS:
        first, last = FIRST_NAMES[(i * 5) % len(FIRST_NAMES)], LAST_NAMES[(i * 3) % len(LAST_NAMES)]
        customers.append((i, first, last, f"{first.lower()}.{last.lower()}{i}@example.com", city, signup))
    items[:] = [row for row in items if row[0] != GIFT_CARD_ORDER]
    items += [(GIFT_CARD_ORDER, _product_id(name), qty, price) for name, qty, price in ORDER_12_LINES]
    latest = max(o[3] for o in orders if o[1] == TIE_CUSTOMER)
    running = sorted(o[3] for o in orders if o[1] == RUNNING_CUSTOMER and o[4] != "cancelled")
    assert len(running) >= 3, "the running-total customer needs orders before and after the shared date"
    shared = running[len(running) // 2 - 1]  # not the last one: the running total must go on after it
    extra = [  # id, customer, employee, date, status, shipped, [(product, quantity, unit_price)]
        (91, RUNNING_CUSTOMER, None, shared, "delivered", shared, [("Clean Code", 2, 32.50)]),
        (92, TIE_CUSTOMER, 5, latest, "shipped", latest, [("Webcam HD", 1, 59.90)]),
        (93, 25, None, "2024-12-02", "cancelled", None, [("Guitar Strings", 3, 12.00), ("Vinyl Cleaner", 1, 12.00)]),
        (94, 2, 4, "2025-01-14", "delivered", "2025-01-16", [("Mechanical Keyboard", 1, 119.00)]),  # q12: not 2024
        (95, 9, None, "2024-06-11", "delivered", "2024-06-12", [("Gift Wrapping", 2, 4.50), ("Clean Code", 1, 32.50)]),
    ]
    for order_id, customer, employee, ordered, status, shipped, lines in extra:
        orders.append((order_id, customer, employee, ordered, status, shipped))
        items += [(order_id, _product_id(name), qty, price) for name, qty, price in lines]
    items.sort(key=lambda row: (row[0], row[1]))


def _customers(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(1, CUSTOMER_COUNT + 1):
        first, last = FIRST_NAMES[(i * 5) % len(FIRST_NAMES)], LAST_NAMES[(i * 3) % len(LAST_NAMES)]
        city = CITIES[rng.randrange(len(CITIES))]
        signup = date(2022, 1, 1) + timedelta(days=rng.randrange(500))
        rows.append((i, first, last, f"{first.lower()}.{last.lower()}{i}@example.com", city, signup.isoformat()))
    return rows


def _orders(rng: random.Random) -> list[Row]:
    buyers = [i for i in range(1, CUSTOMER_COUNT + 1) if i not in CUSTOMERS_WITHOUT_ORDERS]
    rows = []
    for order_id in range(1, ORDER_COUNT + 1):
        customer = rng.choice(buyers)
        employee = rng.choice(SALES_REPS) if rng.random() < 0.7 else None
        ordered = date(2023, 9, 1) + timedelta(days=rng.randrange(420))
        status = rng.choices(["delivered", "shipped", "pending", "cancelled"], [5, 2, 1, 1])[0]
        shipped = (
            (ordered + timedelta(days=rng.randint(1, 5))).isoformat() if status in {"shipped", "delivered"} else None
        )
        rows.append((order_id, customer, employee, ordered.isoformat(), status, shipped))
    return rows


def _order_items(rng: random.Random, orders: list[Row]) -> list[Row]:
    sellable = [i for i, (name, _, _) in enumerate(PRODUCTS, 1) if name != NEVER_ORDERED and name not in SCENARIO_ONLY]
    gift_card = next(i for i, (_, cat, _) in enumerate(PRODUCTS, 1) if cat is None)
    rows = []
    for order in orders:
        picked = rng.sample(sellable, rng.randint(1, 4))
        if order[0] == GIFT_CARD_ORDER and gift_card not in picked:
            picked.append(gift_card)
        for product_id in sorted(picked):
            price = PRODUCTS[product_id - 1][2]
            unit_price = round(price * 0.9, 2) if rng.random() < 0.2 else price  # some sold on offer
            rows.append((order[0], product_id, rng.randint(1, 5), unit_price))
    return rows


def build_shop_db(path: Path, seed: int = SEED) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(SHOP_SCHEMA)
        with conn:
            for table, rows in shop_rows(seed).items():
                marks = ", ".join("?" * len(rows[0]))
                conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def open_read_only(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA query_only = ON")
    limit_value_size(conn)
    return conn


# --- exercises and answers -----------------------------------------------------------------------


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    topic: str
    question: str
    columns: list[str]
    ordered: bool
    solution: str


def load_exercises() -> list[Exercise]:
    data = yaml.safe_load((ASSETS / "exercises.yaml").read_text(encoding="utf-8"))
    return [Exercise(**item) for item in data["exercises"]]


NAME_LINE = re.compile(r"^\s*--\s*name:\s*(\S+)\s*$", re.I)


def parse_answers(text: str) -> dict[str, str]:
    """``-- name: q1`` starts a block that runs to the next ``-- name:`` line; the first block of a name wins."""
    answers: dict[str, str] = {}
    name: str | None = None
    lines: list[str] = []
    for line in [*text.splitlines(), "-- name: <end>"]:
        match = NAME_LINE.match(line)
        if not match:
            lines.append(line)
            continue
        if name is not None and name not in answers:
            answers[name] = "\n".join(lines)
        name, lines = match.group(1).lower(), []
    return answers


@dataclass(frozen=True)
class Answers:
    """What every exercise check needs on one engine: the learner's answers, the expected result of
    an exercise, and how to run a query (raising one of ``errors`` with a one-line message)."""

    given: dict[str, str]
    expected: Callable[[Exercise], Any]
    run: Callable[[str], Any]
    errors: type[Exception] | tuple[type[Exception], ...]


def check_exercise(exercise: Exercise, answers: Answers) -> Check:
    return judge_answer(
        exercise, answers.given.get(exercise.id), answers.expected(exercise), answers.run, answers.errors
    )


def declared_checks(options: VerifyOptions | None = None) -> list[CheckSpec]:
    """One check per exercise of ``exercises.yaml``, the same on every engine."""
    return [CheckSpec(f"{ex.id} {ex.title}", ex.topic, partial(check_exercise, ex)) for ex in load_exercises()]


def reference_results(exercises: list[Exercise]) -> dict[str, Any]:
    """Each exercise's expected result: its reference answer run on a fresh SQLite shop."""
    with tempfile.TemporaryDirectory(prefix="backend-mentor-sql-") as tmp:
        db_path = Path(tmp) / "shop.db"
        build_shop_db(db_path)
        with closing(open_read_only(db_path)) as conn:
            return {ex.id: run_query(conn, ex.solution, 10.0) for ex in exercises}


def judge_answer(
    exercise: Exercise,
    answer: str | None,
    expected: Any,
    run: Callable[[str], Any],
    errors: type[Exception] | tuple[type[Exception], ...],
) -> Check:
    """One exercise judged the same way on every engine: ``run`` runs the learner's answer and
    raises one of ``errors`` with a one-line message when it fails."""
    name = f"{exercise.id} {exercise.title}"
    if answer is None or not has_code(answer):
        return Check(name, False, f"not answered: write a query under '-- name: {exercise.id}'", exercise.topic)
    try:
        actual = run(answer)
    except errors as exc:
        return Check(name, False, str(exc), exercise.topic)
    if len(actual.columns) != len(expected.columns):
        return Check(
            name,
            False,
            f"expected {len(expected.columns)} columns ({', '.join(exercise.columns)}), "
            f"got {len(actual.columns)} ({', '.join(actual.columns)})",
            exercise.topic,
            expected=", ".join(exercise.columns),
            actual=", ".join(actual.columns),
        )
    diff = compare_rows(expected.rows, actual.rows, exercise.ordered)
    if diff is None:
        order = "in order" if exercise.ordered else "any order"
        return Check(name, True, f"{plural(len(actual.rows), 'row')} match ({order})")
    return Check(name, False, diff.message, exercise.topic, expected=diff.expected, actual=diff.actual)


def verify(options: VerifyOptions) -> list[Check]:
    if options.engine == "postgres":
        from .postgres import verify_queries

        return verify_queries(options)
    answers = parse_answers(read_learner_file(options.file, "answers file (answers.sql)"))
    time_limit = load_params("sql-queries", options.params).time_limit_seconds
    with tempfile.TemporaryDirectory(prefix="backend-mentor-sql-") as tmp:
        db_path = Path(tmp) / "shop.db"
        build_shop_db(db_path)
        with closing(open_read_only(db_path)) as conn:
            context = Answers(
                answers,
                lambda ex: run_query(conn, ex.solution, max(time_limit, 10.0)),
                lambda sql: run_query(conn, sql, time_limit),
                SqlRunError,
            )
            return run_checks(declared_checks(options), context)


# --- starter files -------------------------------------------------------------------------------


def exercises_markdown(exercises: list[Exercise]) -> str:
    lines = [
        "# Complex SQL joins: exercises",
        "",
        "`shop.db` is a small online shop (SQLite). Answer every exercise in `answers.sql`, one query",
        "under each `-- name: qN` line. Columns are compared by position (names are up to you), numbers",
        "are compared rounded to 2 decimals, and row order only counts where the exercise says *ordered*.",
        "Each query must finish within the time limit (2 s by default) and may only read.",
        "",
        "Explore first: `sqlite3 shop.db`, then `.tables`, `.schema orders`, `SELECT * FROM orders LIMIT 5;`.",
        "Your copy of `shop.db` is yours to play with: the verifier builds a fresh one on every run.",
        "",
        "## Schema",
        "",
        "```sql",
        SHOP_SCHEMA.rstrip(),
        "```",
        "",
        "NULLs that matter: `products.category_id` (a product not categorised yet), `customers.city`,",
        "`employees.manager_id` (the CEO), `orders.employee_id` (web-shop orders), `orders.shipped_date`.",
        "A line's amount is `quantity * unit_price` (the price paid), not `products.price`.",
        "",
        "## Exercises",
    ]
    for ex in exercises:
        order = "**ordered** as stated" if ex.ordered else "any row order"
        lines += [
            "",
            f"### {ex.id}. {ex.title}",
            "",
            ex.question.strip(),
            "",
            f"Columns: `{', '.join(ex.columns)}` — {order}.",
        ]
    return "\n".join(lines) + "\n"


def answers_template(exercises: list[Exercise]) -> str:
    parts = ["-- Answers for the complex-sql-joins checkpoint: one query under each '-- name:' line.\n"]
    for ex in exercises:
        question = " ".join(ex.question.split())
        parts.append(f"\n-- name: {ex.id}\n-- {ex.title}: {question}\n-- columns: {', '.join(ex.columns)}\n\n")
    return "".join(parts)


def starter_files(params: dict) -> dict[str, str | bytes]:
    exercises = load_exercises()
    with tempfile.TemporaryDirectory(prefix="backend-mentor-sql-") as tmp:
        db_path = Path(tmp) / "shop.db"
        build_shop_db(db_path)
        database = db_path.read_bytes()
    return {
        "shop.db": database,
        "EXERCISES.md": exercises_markdown(exercises),
        "answers.sql": answers_template(exercises),
    }
