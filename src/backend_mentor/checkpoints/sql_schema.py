"""Verifier for ``sql-schema``: the learner's normalized design for the enrollment spreadsheet.

``schema.sql`` and ``load.sql`` run in a fresh temporary SQLite database with foreign keys on;
``load.sql`` moves the sample rows from ``staging_report`` (created and filled here, dropped
afterwards) into the learner's tables. The checks read the schema through PRAGMAs, probe the
foreign keys with an orphan insert inside a savepoint, and look for 2NF/3NF violations in the
loaded data.
"""

from __future__ import annotations

import csv
import functools
import importlib
import io
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from types import ModuleType
from typing import Any

from ._sqlite import (
    Deadline,
    Row,
    SqlRunError,
    authorizer,
    compare_rows,
    ddl_authorizer,
    first_words,
    limit_value_size,
    normalize_rows,
    read_learner_file,
    run_error_message,
    run_query,
    split_statements,
)
from .base import Check, CheckSpec, VerifyOptions, run_checks
from .params import load_params

ENGINES = ("sqlite", "postgres")
ASSETS = Path(__file__).parent / "assets" / "sql_schema"
MAX_PAGES = 10_000  # caps the temporary database at about 40 MB
STAGING = "staging_report"
VIEW = "enrollment_report"
REPORT_COLUMNS = [
    "student_name",
    "student_email",
    "course_code",
    "course_title",
    "instructor_name",
    "instructor_email",
    "enrolled_on",
    "grade",
]
REQUIRED_COLUMNS = {
    "students": ["name", "email"],
    "instructors": ["name", "email"],
    "courses": ["code", "title"],
    "enrollments": ["enrolled_on", "grade"],
}
RELATIONSHIPS = [("enrollments", "students"), ("enrollments", "courses"), ("courses", "instructors")]
NULLABLE = {("enrollments", "grade")}
UNIQUE_COLUMNS = [("students", "email"), ("instructors", "email"), ("courses", "code")]
ALLOWED = "ATTACH, DETACH and VACUUM INTO are not allowed"
SENTINEL_ID = -987_654_321


# --- reading the learner's schema ----------------------------------------------------------------


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    notnull: bool
    pk: int


@dataclass(frozen=True)
class ForeignKey:
    columns: list[str]
    parent: str


def user_tables(conn: sqlite3.Connection) -> dict[str, str]:
    """Lower-case name -> real name of the learner's tables."""
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'").fetchall()
    return {name.lower(): name for (name,) in rows if name.lower() != STAGING}


def table_columns(conn: sqlite3.Connection, table: str) -> list[Column]:
    rows = conn.execute(f"PRAGMA table_info({quote(table)})").fetchall()
    return [Column(name, (type_ or "").upper(), bool(notnull), pk) for _, name, type_, notnull, _, pk in rows]


def column_names(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    return {c.name.lower(): c.name for c in table_columns(conn, table)}


def without_rowid(conn: sqlite3.Connection, table: str) -> bool:
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    return bool(re.search(r"\bWITHOUT\s+ROWID\b", sql or "", re.I))


def rowid_alias(conn: sqlite3.Connection, table: str) -> str | None:
    """The column that is an alias of the rowid (``id INTEGER PRIMARY KEY``), if any."""
    pk = [c for c in table_columns(conn, table) if c.pk]
    if len(pk) == 1 and pk[0].type == "INTEGER" and not without_rowid(conn, table):
        return pk[0].name
    return None


def primary_key(conn: sqlite3.Connection, table: str) -> list[str]:
    return [c.name for c in sorted((c for c in table_columns(conn, table) if c.pk), key=lambda c: c.pk)]


def unique_sets(conn: sqlite3.Connection, table: str) -> list[frozenset[str]]:
    """Column sets (lower case) that a PRIMARY KEY or UNIQUE constraint/index makes unique."""
    sets = []
    alias = rowid_alias(conn, table)
    if alias:
        sets.append(frozenset([alias.lower()]))
    for _, index, unique, _, partial in conn.execute(f"PRAGMA index_list({quote(table)})").fetchall():
        if unique and not partial:
            names = [name for _, _, name in conn.execute(f"PRAGMA index_info({quote(index)})").fetchall()]
            if names and None not in names:
                sets.append(frozenset(n.lower() for n in names))
    return sets


def find_foreign_key(conn: sqlite3.Connection, child: str, parent: str) -> ForeignKey | None:
    groups: dict[int, ForeignKey] = {}
    for fk_id, _, target, from_col, *_ in conn.execute(f"PRAGMA foreign_key_list({quote(child)})").fetchall():
        if target.lower() == parent:
            groups.setdefault(fk_id, ForeignKey([], target)).columns.append(from_col)
    return next(iter(groups.values()), None)


# --- running the learner's files -----------------------------------------------------------------


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA max_page_count = {MAX_PAGES}")
    limit_value_size(conn)
    return conn


def run_script(conn: sqlite3.Connection, sql: str, label: str, time_limit: float) -> str | None:
    """Run each statement of a learner file; the error message for the first that fails, else None."""
    deadline = Deadline(conn, time_limit)
    error = None
    with authorizer(conn, ddl_authorizer), deadline:
        for number, statement in enumerate(split_statements(sql), 1):
            try:
                conn.execute(statement)
            except (sqlite3.Error, ValueError, MemoryError) as exc:
                reason = run_error_message(exc, deadline, ALLOWED)
                error = f"{label} statement {number} ({first_words(statement)}): {reason}"
                break
    if conn.in_transaction:
        conn.execute("ROLLBACK" if error else "COMMIT")
    return error


def report_rows() -> list[Row]:
    text = (ASSETS / "report.csv").read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    next(reader)
    return [tuple(value or None for value in row) for row in reader if row]


def load_sample_data(conn: sqlite3.Connection, load_sql: str, time_limit: float) -> str | None:
    """Create and fill the staging table, run load.sql, drop the staging table."""
    if STAGING in {n.lower() for (n,) in conn.execute("SELECT name FROM sqlite_master")}:
        return f"schema.sql must not create {STAGING}: the verifier creates and fills it before load.sql"
    columns = ", ".join(f"{name} TEXT{'' if name == 'grade' else ' NOT NULL'}" for name in REPORT_COLUMNS)
    conn.execute(f"CREATE TABLE {STAGING} ({columns})")
    conn.executemany(f"INSERT INTO {STAGING} VALUES ({', '.join('?' * len(REPORT_COLUMNS))})", report_rows())
    error = run_script(conn, load_sql, "load.sql", time_limit)
    try:
        conn.execute(f"DROP TABLE IF EXISTS {STAGING}")
    except sqlite3.Error as exc:
        return error or f"{STAGING} could not be dropped after load.sql ({exc}): do your tables reference it?"
    return error


# --- the checks ----------------------------------------------------------------------------------


@dataclass
class Review:
    conn: sqlite3.Connection
    time_limit: float
    clock: Callable[[], float] = time.monotonic
    schema_error: str | None = None  # why schema.sql did not run
    load_error: str | None = None  # why load.sql did not load the sample data

    @property
    def loaded(self) -> bool:
        return self.load_error is None

    def missing_tables(self, names: Iterable[str]) -> list[str]:
        tables = user_tables(self.conn)
        return [n for n in names if n not in tables]

    def table(self, name: str) -> str:
        return user_tables(self.conn)[name]


def check_tables(review: Review) -> Check:
    name = "required tables and columns"
    tables = user_tables(review.conn)
    problems = []
    for table, required in REQUIRED_COLUMNS.items():
        if table not in tables:
            problems.append(f"missing table {table}")
            continue
        have = column_names(review.conn, tables[table])
        problems += [f"{table} has no column {col}" for col in required if col not in have]
    if problems:
        return Check(name, False, "; ".join(problems), "normalization")
    return Check(name, True, ", ".join(REQUIRED_COLUMNS) + " have their required columns")


def check_primary_keys(review: Review) -> Check:
    name = "every table has a primary key"
    tables = user_tables(review.conn)
    lacking = [real for real in tables.values() if not primary_key(review.conn, real)]
    if not tables:
        return Check(name, False, "schema.sql creates no tables", "sql-constraints")
    if lacking:
        return Check(name, False, f"no PRIMARY KEY in: {', '.join(lacking)}", "sql-constraints")
    return Check(name, True, ", ".join(f"{t}({', '.join(primary_key(review.conn, t))})" for t in tables.values()))


def check_foreign_key(review: Review, child: str, parent: str) -> Check:
    name = f"foreign key {child} → {parent}"
    missing = review.missing_tables([child, parent])
    if missing:
        return Check(name, False, f"missing table {', '.join(missing)}", "sql-constraints")
    child_table = review.table(child)
    fk = find_foreign_key(review.conn, child_table, parent)
    if fk is None:
        return Check(name, False, f"{child} has no FOREIGN KEY ... REFERENCES {parent}", "sql-constraints")
    declared = f"{child}({', '.join(fk.columns)}) REFERENCES {fk.parent}"
    try:
        review.conn.execute(f"PRAGMA foreign_key_check({quote(child_table)})").fetchall()
    except sqlite3.DatabaseError as exc:
        return Check(
            name, False, f"{exc}: {declared} must point at the PRIMARY KEY or a UNIQUE column", "sql-constraints"
        )
    if not review.loaded:
        return Check(name, True, f"{declared} declared (not probed: the sample data did not load)")
    problem = probe_orphan(review, child_table, fk)
    if problem:
        return Check(name, False, f"{declared}: {problem}", "sql-constraints")
    return Check(name, True, f"{declared}; an orphan insert is rejected")


def probe_orphan(review: Review, table: str, fk: ForeignKey) -> str | None:
    """Copy a loaded row, point its foreign key at a missing parent, insert it, roll back."""
    conn = review.conn
    columns = [c for c in table_columns(conn, table) if c.name != rowid_alias(conn, table)]
    fk_columns = {c.lower() for c in fk.columns}
    names = ", ".join(quote(c.name) for c in columns)
    template = conn.execute(f"SELECT {names} FROM {quote(table)} LIMIT 1").fetchone()
    if template is None:
        return f"{table} is empty after load.sql, so the foreign key could not be probed"
    values = [
        (SENTINEL_ID if "INT" in c.type else "no-such-row") if c.name.lower() in fk_columns else v
        for c, v in zip(columns, template)
    ]
    deadline = Deadline(conn, review.time_limit)
    conn.execute("SAVEPOINT orphan_probe")
    try:
        with authorizer(conn, ddl_authorizer), deadline:
            conn.execute(f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join('?' * len(values))})", values)
        dangling = conn.execute(f"PRAGMA foreign_key_check({quote(table)})").fetchall()
    except sqlite3.Error:
        if deadline.expired:
            return "the probe insert ran past the time limit (a trigger that never ends?)"
        return None  # FOREIGN KEY constraint failed, or another constraint fired first
    finally:
        conn.execute("ROLLBACK TO orphan_probe")
        conn.execute("RELEASE orphan_probe")
    if dangling:
        return None  # deferred foreign key: the violation would stop the commit
    return f"a row pointing at a missing {fk.parent} row was accepted"


def required_not_null(review: Review) -> list[tuple[str, str]]:
    """(table, column) pairs that must be NOT NULL, foreign-key columns included."""
    tables = user_tables(review.conn)
    pairs = [(t, c) for t, cols in REQUIRED_COLUMNS.items() for c in cols if (t, c) not in NULLABLE]
    for child, parent in RELATIONSHIPS:
        fk = find_foreign_key(review.conn, tables[child], parent) if child in tables else None
        pairs += [(child, col) for col in (fk.columns if fk else [])]
    return pairs


def is_not_null(review: Review, table: str, column: str) -> bool:
    for c in table_columns(review.conn, table):
        if c.name.lower() == column.lower():
            implicit = c.pk and (c.name == rowid_alias(review.conn, table) or without_rowid(review.conn, table))
            return c.notnull or bool(implicit)
    return False


def check_not_null(review: Review) -> Check:
    name = "NOT NULL where required"
    tables = user_tables(review.conn)
    missing = [
        f"{t}.{c}" for t, c in required_not_null(review) if t not in tables or not is_not_null(review, tables[t], c)
    ]
    if missing:
        return Check(name, False, f"missing NOT NULL on: {', '.join(missing)}", "sql-constraints")
    return Check(name, True, f"{len(required_not_null(review))} required columns are NOT NULL")


def check_unique(review: Review, table: str, column: str) -> Check:
    name = f"UNIQUE {table}.{column}"
    if review.missing_tables([table]):
        return Check(name, False, f"missing table {table}", "sql-constraints")
    if frozenset([column]) not in unique_sets(review.conn, review.table(table)):
        return Check(name, False, f"{table}.{column} is not UNIQUE (nor the PRIMARY KEY)", "sql-constraints")
    return Check(name, True, f"{table}.{column} is unique")


def check_unique_enrollment(review: Review) -> Check:
    name = "UNIQUE enrollment per student and course"
    if review.missing_tables(["enrollments"]):
        return Check(name, False, "missing table enrollments", "sql-constraints")
    table = review.table("enrollments")
    keys = [find_foreign_key(review.conn, table, parent) for parent in ("students", "courses")]
    if None in keys:
        return Check(
            name, False, "cannot tell: enrollments needs foreign keys to students and courses", "sql-constraints"
        )
    wanted = frozenset(c.lower() for fk in keys if fk for c in fk.columns)
    if wanted not in unique_sets(review.conn, table):
        return Check(
            name, False, f"no PRIMARY KEY or UNIQUE on enrollments({', '.join(sorted(wanted))})", "sql-constraints"
        )
    return Check(name, True, f"enrollments({', '.join(sorted(wanted))}) is unique")


def expected_counts() -> dict[str, int]:
    rows = report_rows()
    return {
        "students": len({r[1] for r in rows}),
        "instructors": len({r[5] for r in rows}),
        "courses": len({r[2] for r in rows}),
        "enrollments": len(rows),
    }


def check_counts(review: Review) -> Check:
    name = "one row per student, instructor, course and enrollment"
    tables = user_tables(review.conn)
    problems = []
    for table, expected in expected_counts().items():
        if table not in tables:
            problems.append(f"missing table {table}")
            continue
        (actual,) = review.conn.execute(f"SELECT COUNT(*) FROM {quote(tables[table])}").fetchone()
        if actual != expected:
            problems.append(f"{table} has {actual} rows, expected {expected}")
    if problems:
        return Check(name, False, "; ".join(problems), "normalization")
    return Check(name, True, ", ".join(f"{t}: {n}" for t, n in expected_counts().items()))


def check_view(review: Review) -> Check:
    name = f"view {VIEW} reproduces the report"
    views = {n.lower() for (n,) in review.conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    if VIEW not in views:
        return Check(name, False, f"no view named {VIEW} in schema.sql", "sql-views")
    try:
        result = run_query(review.conn, f"SELECT * FROM {VIEW}", review.time_limit)
    except SqlRunError as exc:
        extra = f" ({STAGING} exists only while load.sql runs)" if STAGING in str(exc) else ""
        return Check(name, False, f"{VIEW} does not run: {exc}{extra}", "sql-views")
    actual_columns = [c.lower() for c in result.columns]
    if actual_columns != REPORT_COLUMNS:
        return Check(
            name,
            False,
            f"columns differ: expected ({', '.join(REPORT_COLUMNS)}), got ({', '.join(result.columns)})",
            "sql-views",
            expected=", ".join(REPORT_COLUMNS),
            actual=", ".join(result.columns),
        )
    diff = compare_rows(normalize_rows(report_rows()), result.rows, ordered=False)
    if diff:
        return Check(name, False, diff.message, "sql-views", expected=diff.expected, actual=diff.actual)
    return Check(name, True, f"all {len(result.rows)} report rows, same columns")


def check_normal_forms(review: Review) -> Check:
    name = "no partial or transitive dependencies (2NF/3NF)"
    tables = list(user_tables(review.conn).values())
    budget = Budget(review.clock, review.clock() + review.time_limit)
    problems: list[str] = []
    for table in tables:
        try:
            problems += dependency_problems(review.conn, table, budget)
        except AnalysisTimeout:
            return Check(
                name,
                False,
                f"the dependency analysis stopped after the {review.time_limit:g} s time limit at table {table} "
                "(very wide keys or many rows and columns?): keep keys to the columns that identify a row",
                "normalization",
            )
    if problems:
        return Check(name, False, "; ".join(problems[:4]) + ("; ..." if len(problems) > 4 else ""), "normalization")
    return Check(name, True, f"none found in {len(tables)} tables with the sample data")


# --- functional dependencies in the loaded data --------------------------------------------------


EXACT_KEY_WIDTH = 6  # keys up to this wide have every proper subset tried (at most 62); wider ones are searched


class AnalysisTimeout(Exception):
    """The 2NF/3NF analysis ran past its deadline."""


@dataclass
class Budget:
    """The deadline of the 2NF/3NF analysis, read from an injectable clock."""

    clock: Callable[[], float]
    end: float

    def check(self) -> None:
        if self.clock() > self.end:
            raise AnalysisTimeout


def holds(rows: list[Row], left: list[int], right: int) -> bool:
    """True when the functional dependency ``left`` -> ``right`` holds on these rows."""
    seen: dict[Row, object] = {}
    for row in rows:
        key = tuple(row[i] for i in left)
        if seen.setdefault(key, row[right]) != row[right]:
            return False
    return True


def determines(rows: list[Row], left: list[int], right: int) -> bool:
    """True when ``left`` -> ``right`` holds on these rows and some ``left`` value repeats (so the
    dependency is witnessed, not an accident of unique values)."""
    seen: dict[Row, object] = {}
    repeated = False
    for row in rows:
        key = tuple(row[i] for i in left)
        if key in seen:
            repeated = True
            if seen[key] != row[right]:
                return False
        else:
            seen[key] = row[right]
    return repeated


def partial_determinants(rows: list[Row], key: list[int], target: int, budget: Budget) -> list[tuple[int, ...]]:
    """Proper subsets of ``key`` that determine ``target`` (witnessed by a repeated value).

    Narrow keys: every proper subset, smallest first. Wide keys (a 40-column UNIQUE would mean 2^40
    subsets): a dependency holds for every superset of a set it holds for, so some proper subset
    determines ``target`` only if one of the ``len(key)`` maximal ones (the key minus one column)
    does; that one is shrunk column by column to a minimal determinant. O(k^2) checks, not 2^k."""
    if len(key) <= EXACT_KEY_WIDTH:
        found: list[tuple[int, ...]] = []
        for size in range(1, len(key)):
            for subset in combinations(key, size):
                budget.check()
                if determines(rows, list(subset), target):
                    found.append(subset)
        return found
    distinct = {c: len({row[c] for row in rows}) for c in key}
    by_variety = sorted(key, key=lambda c: -distinct[c])  # near-unique columns are dropped first
    part: list[int] | None = None
    for drop in by_variety:
        budget.check()
        candidate = [c for c in key if c != drop]
        if holds(rows, candidate, target):
            part = candidate
            break
    if part is None:
        return []
    for column in [c for c in by_variety if c in part]:
        budget.check()
        smaller = [c for c in part if c != column]
        if smaller and holds(rows, smaller, target):
            part = smaller
    return [tuple(part)] if determines(rows, part, target) else []


def dependency_problems(conn: sqlite3.Connection, table: str, budget: Budget) -> list[str]:
    columns = [c.name for c in table_columns(conn, table)]
    lower = [c.lower() for c in columns]
    keys = [sorted(lower.index(c) for c in key if c in lower) for key in unique_sets(conn, table)]
    prime = {i for key in keys for i in key}
    non_prime = [i for i in range(len(columns)) if i not in prime]
    rows = conn.execute(f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)}").fetchall()
    varying = [i for i in non_prime if len({row[i] for row in rows}) > 1]  # a constant determines nothing
    problems = []
    for key in (k for k in keys if len(k) > 1):
        for target in varying:
            for part in partial_determinants(rows, key, target, budget):
                part_names = ", ".join(columns[i] for i in part)
                key_names = ", ".join(columns[i] for i in key)
                problems.append(
                    f"{table}.{columns[target]} depends on {part_names}, only part of the key "
                    f"({key_names}) (2NF: move it to the table keyed by {part_names})"
                )
    reported: set[frozenset[int]] = set()
    for source in varying:
        for target in varying:
            budget.check()
            pair = frozenset((source, target))
            if source == target or pair in reported or not determines(rows, [source], target):
                continue
            reported.add(pair)
            if determines(rows, [target], source):
                problems.append(
                    f"{table}.{columns[source]} and {table}.{columns[target]} repeat together but are not a key "
                    f"(3NF: they describe something else; give it its own table)"
                )
            else:
                problems.append(
                    f"{table}.{columns[target]} depends on {table}.{columns[source]}, which is not a key "
                    f"(3NF: move {columns[target]} to a table keyed by {columns[source]})"
                )
    return problems


# --- the declared checks, shared by both engines --------------------------------------------------

SCHEMA_RUNS = "schema.sql runs"
DATA_LOADS = "sample data loads (load.sql)"


def check_schema_runs(review: Any) -> Check:
    if review.schema_error:
        return Check(SCHEMA_RUNS, False, review.schema_error, "sql-constraints")
    return Check(SCHEMA_RUNS, True, "every statement ran")


def check_data_loads(review: Any) -> Check:
    if review.load_error:
        return Check(DATA_LOADS, False, review.load_error, "sql-constraints")
    return Check(DATA_LOADS, True, f"{len(report_rows())} report rows went through load.sql")


def declared_checks(options: VerifyOptions | None = None, judge: ModuleType | None = None) -> list[CheckSpec]:
    """Every check of the schema checkpoint, in report order. ``judge`` is the module whose check
    functions read the schema: this one for SQLite, ``postgres_schema`` for PostgreSQL; both engines
    report the same checks, with the same names, hints and prerequisites. Nothing runs when
    schema.sql did not; what reads the loaded rows needs them loaded."""
    if judge is None:
        engine = options.engine if options is not None else "sqlite"
        judge = (
            importlib.import_module(f"{__package__}.postgres_schema") if engine == "postgres" else sys.modules[__name__]
        )
    schema = (SCHEMA_RUNS,)
    data = (SCHEMA_RUNS, DATA_LOADS)
    return [
        CheckSpec(SCHEMA_RUNS, "sql-constraints", check_schema_runs, unmet="not checked: schema.sql did not run"),
        CheckSpec("required tables and columns", "normalization", judge.check_tables, schema),
        CheckSpec("every table has a primary key", "sql-constraints", judge.check_primary_keys, schema),
        *(
            CheckSpec(
                f"foreign key {child} → {parent}",
                "sql-constraints",
                functools.partial(judge.check_foreign_key, child=child, parent=parent),
                schema,
            )
            for child, parent in RELATIONSHIPS
        ),
        CheckSpec("NOT NULL where required", "sql-constraints", judge.check_not_null, schema),
        *(
            CheckSpec(
                f"UNIQUE {table}.{column}",
                "sql-constraints",
                functools.partial(judge.check_unique, table=table, column=column),
                schema,
            )
            for table, column in UNIQUE_COLUMNS
        ),
        CheckSpec("UNIQUE enrollment per student and course", "sql-constraints", judge.check_unique_enrollment, schema),
        CheckSpec(
            DATA_LOADS, "sql-constraints", check_data_loads, schema, unmet="not checked: the sample data did not load"
        ),
        CheckSpec("one row per student, instructor, course and enrollment", "normalization", judge.check_counts, data),
        CheckSpec(f"view {VIEW} reproduces the report", "sql-views", judge.check_view, data),
        CheckSpec("no partial or transitive dependencies (2NF/3NF)", "normalization", judge.check_normal_forms, data),
    ]


CHECK_NAMES_AFTER_SCHEMA = [spec.name for spec in declared_checks()[1:]]


def locate_load_file(options: VerifyOptions) -> Path | None:
    name = load_params("sql-schema", options.params).load_file
    if options.directory is not None:
        return Path(options.directory) / name
    return Path(options.file).parent / name if options.file is not None else None


def verify(options: VerifyOptions, *, clock: Callable[[], float] = time.monotonic) -> list[Check]:
    """``clock`` times the 2NF/3NF analysis (tests pass a fake one)."""
    if options.engine == "postgres":
        from .postgres_schema import verify_schema

        return verify_schema(options)
    schema_sql = read_learner_file(options.file, "schema file (schema.sql)")
    load_sql = read_learner_file(locate_load_file(options), "load file (load.sql)", "--dir")
    time_limit = load_params("sql-schema", options.params).time_limit_seconds
    with (
        tempfile.TemporaryDirectory(prefix="backend-mentor-schema-") as tmp,
        closing(connect(Path(tmp) / "s.db")) as conn,
    ):
        schema_error = run_script(conn, schema_sql, "schema.sql", time_limit)
        load_error = None if schema_error else load_sample_data(conn, load_sql, time_limit)
        review = Review(conn, time_limit, clock, schema_error, load_error)
        return run_checks(declared_checks(options), review)


def starter_files(params: dict) -> dict[str, str | bytes]:
    return {
        "SCENARIO.md": (ASSETS / "SCENARIO.md").read_text(encoding="utf-8"),
        "report.csv": (ASSETS / "report.csv").read_text(encoding="utf-8"),
        "schema.sql": "-- Your tables and the enrollment_report view (see SCENARIO.md).\n",
        "load.sql": f"-- INSERT ... SELECT statements from {STAGING} into your tables, parents first.\n",
    }
