"""SQLite guards shared by the SQL verifiers: deadlines, authorizers, statement splitting, row comparison.

Learner SQL never runs without these: an authorizer limits what a statement may do, a progress
handler ends it at a deadline, value sizes are capped, and results are compared normalised.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .base import VerifierInputError

MAX_ROWS = 10_000
SAMPLE_ROWS = 3
MAX_LENGTH = 1_000_000  # bytes in one string or blob value: stops zeroblob(1e9) from eating memory
MAX_RESULT_BYTES = 16 * 2**20  # text and blob bytes in one result: 9,000 rows of 1 MB are refused, not fetched
MEMORY_LIMIT = 256 * 2**20  # bytes SQLite may hold (PRAGMA hard_heap_limit): sorts and temp tables live in it
TEMP_PAGES = 10_000  # pages of the temp database (temp tables and indexes): about 40 MB

Row = tuple[Any, ...]
Authorizer = Callable[[int, "str | None", "str | None", "str | None", "str | None"], int]


# --- SQLite guards shared by the SQL verifiers ---------------------------------------------------


class SqlRunError(Exception):
    """A learner statement that did not run; the message is ready for a Check."""


class Deadline:
    """Aborts whatever runs on ``conn`` once ``seconds`` have passed (SQLite progress handler)."""

    def __init__(self, conn: sqlite3.Connection, seconds: float):
        self.conn = conn
        self.seconds = seconds
        self.expired = False
        self._end = 0.0

    def __enter__(self) -> Deadline:
        self.expired = False
        self._end = time.monotonic() + self.seconds
        self.conn.set_progress_handler(self._tick, 1000)
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.set_progress_handler(None, 0)

    def _tick(self) -> int:
        if time.monotonic() > self._end:
            self.expired = True
            return 1
        return 0


SQLITE_RECURSIVE = getattr(sqlite3, "SQLITE_RECURSIVE", 33)  # not exported by every Python build
READ_ONLY_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, SQLITE_RECURSIVE}
ESCAPE_ACTIONS = {sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH}


BLOB_MAKERS = {"zeroblob", "randomblob"}  # one call can allocate a gigabyte where setlimit() is missing (3.10)


def read_only_authorizer(action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
    """Allow reading queries only: no writes, no ATTACH/DETACH, no PRAGMA, no transactions."""
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in BLOB_MAKERS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK if action in READ_ONLY_ACTIONS else sqlite3.SQLITE_DENY


def ddl_authorizer(action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
    """Allow DDL and DML in the temporary database but never leave it: ATTACH (also behind
    ``VACUUM INTO``) and DETACH are denied, PRAGMAs are silently ignored so a learner's
    ``PRAGMA foreign_keys = OFF`` cannot switch enforcement off."""
    if action in ESCAPE_ACTIONS or (action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in BLOB_MAKERS):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA:
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


def allow_all(*_: object) -> int:
    return sqlite3.SQLITE_OK


@contextmanager
def authorizer(conn: sqlite3.Connection, callback: Authorizer) -> Iterator[None]:
    conn.set_authorizer(callback)
    try:
        yield
    finally:
        conn.set_authorizer(None if sys.version_info >= (3, 11) else allow_all)  # None clears it from 3.11 on


def limit_value_size(conn: sqlite3.Connection) -> None:
    """Bound what learner SQL can make this connection hold or write: one value (MAX_LENGTH), the temp
    database (TEMP_PAGES, kept in memory) and all of SQLite's memory (MEMORY_LIMIT). Past a limit the
    statement fails with "database or disk is full" or "out of memory" (see ``run_error_message``)."""
    if hasattr(conn, "setlimit"):  # Python >= 3.11
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_LENGTH)  # type: ignore[attr-defined,unused-ignore]
    conn.execute("PRAGMA temp_store = MEMORY")  # sorts and temp tables never spill to disk ...
    conn.execute(f"PRAGMA temp.max_page_count = {TEMP_PAGES}")  # ... and a temp table has a ceiling
    # Process-wide and it can only be lowered: fine for a command that runs one verification.
    conn.execute(f"PRAGMA hard_heap_limit = {MEMORY_LIMIT}")


def limit_database_growth(conn: sqlite3.Connection, extra_pages: int) -> None:
    """Let the main database grow by at most ``extra_pages`` pages from its current size."""
    (pages,) = conn.execute("PRAGMA main.page_count").fetchone()
    conn.execute(f"PRAGMA main.max_page_count = {pages + extra_pages}")


def megabytes(size: int) -> str:
    return f"{size / 2**20:g} MB"


def split_statements(sql: str) -> list[str]:
    """Split a script into complete statements (semicolons inside strings and triggers are kept)."""
    statements: list[str] = []
    current = ""
    for line in sql.splitlines(keepends=True):
        for piece in re.split(r"(?<=;)", line):
            current += piece
            if piece.endswith(";") and sqlite3.complete_statement(current):
                statements.append(current)
                current = ""
    if has_code(current):
        statements.append(current)
    return [s.strip() for s in statements if has_code(s)]


def strip_comments(sql: str) -> str:
    """Remove ``--`` and ``/* */`` comments (good enough to see what a statement starts with)."""
    sql = re.sub(r"/\*.*?(\*/|$)", " ", sql, flags=re.S)
    return re.sub(r"--[^\n]*", " ", sql)


def has_code(sql: str) -> bool:
    return bool(strip_comments(sql).strip(" \t\r\n;"))


def first_words(sql: str, count: int = 4) -> str:
    words = strip_comments(sql).strip(" \t\r\n;").split()
    text = " ".join(words[:count])
    return text + (" ..." if len(words) > count else "")


def run_error_message(
    exc: BaseException, deadline: Deadline, allowed: str, slow: str = "a recursive CTE that never ends?"
) -> str:
    """A one-line reason for a failed statement; ``allowed`` says what may run instead, ``slow``
    what usually makes a statement of this kind run out of time."""
    if deadline.expired:
        return f"stopped after the {deadline.seconds:g} s time limit ({slow})"
    if isinstance(exc, MemoryError):
        return (
            f"stopped at the {megabytes(MEMORY_LIMIT)} memory limit for SQL "
            "(huge strings, a huge sort or temporary table?)"
        )
    text = str(exc)
    if "database or disk is full" in text:
        return "stopped at the storage limit of this verifier's database (huge rows, a huge temporary table or index?)"
    if "not authorized" in text or "authorization denied" in text:
        return f"refused ({text}): {allowed}"
    return f"SQLite error: {text}"


def read_learner_file(path: Path | None, what: str, option: str = "--file") -> str:
    """The learner's text file, or VerifierInputError when the verifier cannot start."""
    if path is None:
        raise VerifierInputError(f"this checkpoint needs {option} pointing at your {what}")
    path = Path(path)
    if not path.is_file():
        raise VerifierInputError(f"{what} not found: {path}")
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        raise VerifierInputError(f"cannot read {path}: {exc.strerror or exc}") from exc


# --- comparing result sets -----------------------------------------------------------------------


def normalize_value(value: Any) -> Any:
    """Numbers compare rounded to 2 decimals, and 3 equals 3.0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        rounded = round(value, 2)
        return int(rounded) if rounded.is_integer() else rounded
    return value


def normalize_rows(rows: Sequence[Sequence[Any]]) -> list[Row]:
    return [tuple(normalize_value(v) for v in row) for row in rows]


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def show_row(row: Row) -> str:
    text = "(" + ", ".join(repr(v) for v in row) + ")"
    return text if len(text) <= 120 else text[:117] + "..."


def show_rows(rows: Sequence[Row]) -> str:
    shown = "; ".join(show_row(r) for r in rows[:SAMPLE_ROWS])
    return shown + (f"; ... ({len(rows) - SAMPLE_ROWS} more)" if len(rows) > SAMPLE_ROWS else "")


@dataclass
class Difference:
    message: str
    expected: str
    actual: str


def compare_rows(expected: list[Row], actual: list[Row], ordered: bool) -> Difference | None:
    """Compare normalized result sets; None when they match."""
    if Counter(expected) == Counter(actual):
        if not ordered or expected == actual:
            return None
        index = next(i for i, (e, a) in enumerate(zip(expected, actual)) if e != a)
        return Difference(
            f"right rows in the wrong order: row {index + 1} should be {show_row(expected[index])}, "
            f"got {show_row(actual[index])}",
            show_rows(expected[index:]),
            show_rows(actual[index:]),
        )
    count = "" if len(expected) == len(actual) else f"expected {plural(len(expected), 'row')}, got {len(actual)}; "
    if ordered and len(expected) == len(actual):
        index = next(i for i, (e, a) in enumerate(zip(expected, actual)) if e != a)
        return Difference(
            f"{count}row {index + 1} differs: expected {show_row(expected[index])}, got {show_row(actual[index])}",
            show_rows(expected[index:]),
            show_rows(actual[index:]),
        )
    missing = list((Counter(expected) - Counter(actual)).elements())
    extra = list((Counter(actual) - Counter(expected)).elements())
    parts = []
    if missing:
        parts.append(f"{plural(len(missing), 'expected row')} missing, e.g. {show_rows(missing)}")
    if extra:
        parts.append(f"{plural(len(extra), 'unexpected row')}, e.g. {show_rows(extra)}")
    return Difference(count + "; ".join(parts), show_rows(missing), show_rows(extra))


@dataclass
class ResultSet:
    columns: list[str]
    rows: list[Row]


def run_query(conn: sqlite3.Connection, sql: str, time_limit: float) -> ResultSet:
    """Run one read-only query under the deadline; SqlRunError carries a message for the learner."""
    statements = split_statements(sql)
    if len(statements) != 1:
        raise SqlRunError(
            f"one statement per block, found {len(statements)}: {'; '.join(map(first_words, statements))}"
        )
    deadline = Deadline(conn, time_limit)
    try:
        with authorizer(conn, read_only_authorizer), deadline:
            cursor = conn.execute(statements[0])
            if cursor.description is None:
                raise SqlRunError(f"'{first_words(sql)}' returns no rows: answer with a SELECT (or WITH ... SELECT)")
            rows = fetch_bounded(cursor)
    except (sqlite3.Error, ValueError, MemoryError) as exc:
        raise SqlRunError(run_error_message(exc, deadline, "only read-only SELECT queries may run")) from exc
    return ResultSet([d[0] for d in cursor.description], normalize_rows(rows))


def value_size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes)) else 8


def fetch_bounded(cursor: sqlite3.Cursor) -> list[Row]:
    """At most MAX_ROWS rows and MAX_RESULT_BYTES bytes, fetched a few rows at a time."""
    rows: list[Row] = []
    size = 0
    while batch := cursor.fetchmany(16):
        rows += batch
        size += sum(value_size(v) for row in batch for v in row)
        if len(rows) > MAX_ROWS:
            raise SqlRunError(f"returned more than {MAX_ROWS} rows: is a join condition missing?")
        if size > MAX_RESULT_BYTES:
            raise SqlRunError(
                f"the result is larger than {megabytes(MAX_RESULT_BYTES)} after {plural(len(rows), 'row')}: "
                "return only the columns the exercise asks for"
            )
    return rows
