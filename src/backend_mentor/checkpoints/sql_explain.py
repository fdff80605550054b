"""Verifier for ``sql-explain``: the learner's ``indexes.sql`` must make four slow queries fast.

A 200,000-order database is built from ``assets/sql_explain/build_db.sql`` (pure SQL, deterministic,
well under a second) in a temporary file for this run only. Each query is measured before and after
the learner's CREATE INDEX statements: its EXPLAIN QUERY PLAN, its rows and its median run time.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Collection
from contextlib import closing, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from ._sqlite import (
    Deadline,
    Row,
    authorizer,
    compare_rows,
    ddl_authorizer,
    first_words,
    limit_database_growth,
    limit_value_size,
    normalize_rows,
    plural,
    read_learner_file,
    run_error_message,
    split_statements,
    strip_comments,
)
from .base import Check, CheckSpec, VerifyOptions, run_checks
from .params import load_params

ENGINES = ("sqlite", "postgres")
ASSETS = Path(__file__).parent / "assets" / "sql_explain"
ORDERS = 200_000  # rows of orders in build_db.sql: a kept copy with fewer is not whole
INDEX_PAGES = 25_000  # the learner's indexes may add about 100 MB (the reference ones need about 10 MB)
CREATE_INDEX = re.compile(r"^\s*CREATE\s+(UNIQUE\s+)?INDEX\b", re.I)
INDEXES_RUN = "indexes.sql holds only CREATE INDEX statements that run"


@dataclass(frozen=True)
class SlowQuery:
    id: str
    title: str
    topic: str
    story: str
    table: str
    alias: str | None
    ordered: bool
    sql: str


@dataclass
class Measurement:
    plan: list[str]
    rows: list[Row]
    seconds: float


def load_queries() -> list[SlowQuery]:
    data = yaml.safe_load((ASSETS / "queries.yaml").read_text(encoding="utf-8"))
    return [SlowQuery(**item) for item in data["queries"]]


def build_script() -> str:
    return (ASSETS / "build_db.sql").read_text(encoding="utf-8")


def build_database(path: Path) -> sqlite3.Connection:
    """The database at ``path``: a copy of the one built before (kept in the cache folder, checked
    with ``PRAGMA quick_check``), else built from the script. A copy takes 0.05 s, a build 0.4 s."""
    if not _copy_built(path):
        path.unlink(missing_ok=True)
        with closing(_connect(path)) as conn:
            conn.executescript(build_script())
        _keep_built(path)
    conn = _connect(path)
    limit_value_size(conn)
    limit_database_growth(conn, INDEX_PAGES)
    return conn


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    return conn


def _built_file() -> Path:
    from ..paths import cache_dir

    digest = hashlib.sha256(f"{sqlite3.sqlite_version}|{build_script()}".encode()).hexdigest()[:16]
    return cache_dir() / f"bigshop-{digest}.db"


def _copy_built(path: Path) -> bool:
    """Copy the kept database to ``path`` when it is there and whole; a damaged one is removed."""
    built = _built_file()
    try:
        shutil.copyfile(built, path)
        with closing(sqlite3.connect(path)) as conn:
            if conn.execute("PRAGMA quick_check").fetchone() == ("ok",) and conn.execute(
                "SELECT count(*) FROM orders"
            ).fetchone() == (ORDERS,):
                return True
    except (OSError, sqlite3.Error):
        pass
    with suppress(OSError):
        built.unlink(missing_ok=True)
    return False


def _keep_built(path: Path) -> None:
    """Keep a copy of a freshly built database for the next verification (skipped if it cannot be written)."""
    from ..tempfiles import write_cache_file

    write_cache_file(_built_file(), lambda tmp: shutil.copyfile(path, tmp))


Timer = Callable[[], float]  # seconds, like time.perf_counter; tests pass a fake one


def measure(conn: sqlite3.Connection, query: SlowQuery, runs: int, timer: Timer = time.perf_counter) -> Measurement:
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + query.sql)]
    rows = normalize_rows(conn.execute(query.sql).fetchall())  # also warms the page cache
    timings = []
    for _ in range(runs):
        start = timer()
        conn.execute(query.sql).fetchall()
        timings.append(timer() - start)
    return Measurement(plan, rows, statistics.median(timings))


# --- applying the learner's indexes --------------------------------------------------------------


def index_names(conn: sqlite3.Connection) -> set[str]:
    return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}


def apply_indexes(conn: sqlite3.Connection, text: str, time_limit: float) -> Check:
    """Run the CREATE INDEX statements; anything else is reported and skipped."""
    name = INDEXES_RUN
    before = index_names(conn)
    problems = []
    for number, statement in enumerate(split_statements(text), 1):
        if not CREATE_INDEX.match(strip_comments(statement)):
            problems.append(f"statement {number} ({first_words(statement)}) is not a CREATE INDEX, so it was not run")
            continue
        deadline = Deadline(conn, time_limit)
        try:
            with authorizer(conn, ddl_authorizer), deadline:
                conn.execute(statement)
        except (sqlite3.Error, ValueError, MemoryError) as exc:
            reason = run_error_message(exc, deadline, "only CREATE INDEX may run", "a very slow index expression?")
            problems.append(f"statement {number} ({first_words(statement)}) failed: {reason}")
    created = sorted(index_names(conn) - before)
    if problems:
        return Check(name, False, "; ".join(problems), "indexes")
    if not created:
        return Check(name, False, "indexes.sql creates no index", "indexes")
    return Check(name, True, f"created {', '.join(created)}")


# --- judging each query --------------------------------------------------------------------------


def table_lines(plan: list[str], query: SlowQuery) -> list[str]:
    names = "|".join(re.escape(n) for n in (query.table, query.alias) if n)
    return [line for line in plan if re.match(rf"(SCAN|SEARCH) ({names})\b", line)]


def check_plan(query: SlowQuery, before: Measurement, after: Measurement) -> Check:
    name = f"{query.id} uses an index"
    lines = table_lines(after.plan, query)
    scans = [line for line in lines if line.startswith("SCAN")]
    searches = [line for line in lines if re.match(r"SEARCH \S+ USING (COVERING )?INDEX ", line)]
    if scans or not searches:
        reads = scans[0] if scans else "; ".join(lines) or "no line for it"
        return Check(
            name,
            False,
            f"{query.table} is still read in full ({reads}); plan: {' | '.join(after.plan)}",
            "execution-plans",
            expected=f"SEARCH {query.alias or query.table} USING INDEX ...",
            actual=" | ".join(after.plan),
        )
    return Check(name, True, f"{' | '.join(searches)} (was: {' | '.join(table_lines(before.plan, query))})")


def check_rows(query: SlowQuery, before: Measurement, after: Measurement) -> Check:
    name = f"{query.id} returns the same rows"
    diff = compare_rows(before.rows, after.rows, query.ordered)
    if diff:
        return Check(name, False, f"results changed after the indexes: {diff.message}", "indexes")
    return Check(name, True, f"same {plural(len(after.rows), 'row')}")


def speed_change(factor: float) -> str:
    """How the time changed, always read the right way: "3.2x faster", "2.0x slower", "no faster"."""
    if factor >= 1.05:
        return f"{factor:.1f}x faster"
    if factor > 1 / 1.05:
        return "no faster"
    return f"{1 / factor:.1f}x slower"


def check_speed(query: SlowQuery, before: Measurement, after: Measurement, min_speedup: float, runs: int) -> Check:
    name = f"{query.id} is at least {min_speedup:g}x faster"
    factor = before.seconds / max(after.seconds, 1e-7)
    timing = f"{before.seconds * 1000:.2f} ms → {after.seconds * 1000:.2f} ms, median of {runs} runs"
    change = speed_change(factor)
    if factor < min_speedup:
        message = f"only {change} ({timing})" if factor >= 1.05 else f"{change}, not {min_speedup:g}x faster ({timing})"
        return Check(name, False, message, query.topic, f">= {min_speedup:g}x faster", change)
    return Check(name, True, f"{change} ({timing})")


# --- the declared checks, shared by both engines --------------------------------------------------


@dataclass
class Explained:
    """One run on one engine: each query measured before the learner's indexes, the function that
    applies indexes.sql (the first check), and each query measured once after it, when first asked."""

    before: dict[str, Any]
    apply: Callable[[], Check]
    measure: Callable[[SlowQuery], Any]
    min_speedup: float
    runs: int
    after: dict[str, Any] = field(default_factory=dict)

    def measured(self, query: SlowQuery) -> Any:
        if query.id not in self.after:
            self.after[query.id] = self.measure(query)
        return self.after[query.id]

    def seconds(self, query: SlowQuery) -> tuple[Measurement, Measurement]:
        """The query's rows and median time before and after, whatever the engine measured."""
        return as_measurement(self.before[query.id]), as_measurement(self.measured(query))


def as_measurement(measured: Any) -> Measurement:
    return measured if isinstance(measured, Measurement) else measured.as_seconds()


def plan_check(query: SlowQuery, run: Explained) -> Check:
    return check_plan(query, run.before[query.id], run.measured(query))


def rows_check(query: SlowQuery, run: Explained) -> Check:
    return check_rows(query, *run.seconds(query))


def speed_check(query: SlowQuery, run: Explained) -> Check:
    return check_speed(query, *run.seconds(query), run.min_speedup, run.runs)


def explain_checks(
    queries: list[SlowQuery],
    min_speedup: float,
    plan: Callable[[SlowQuery, Any], Check] = plan_check,
    plan_only: Collection[str] = (),
) -> list[CheckSpec]:
    """indexes.sql first, then three checks per query: its plan, its rows, its speed. The engine
    brings its own plan check; a query in ``plan_only`` has only that one (it does not apply)."""
    specs = [CheckSpec(INDEXES_RUN, "indexes", lambda run: run.apply())]
    for query in queries:
        specs.append(CheckSpec(f"{query.id} uses an index", "execution-plans", partial(plan, query)))
        if query.id not in plan_only:
            specs += [
                CheckSpec(f"{query.id} returns the same rows", "indexes", partial(rows_check, query)),
                CheckSpec(f"{query.id} is at least {min_speedup:g}x faster", query.topic, partial(speed_check, query)),
            ]
    return specs


def declared_checks(options: VerifyOptions | None = None) -> list[CheckSpec]:
    options = options or VerifyOptions()
    if options.engine == "postgres":
        from .postgres import explain_declared_checks

        return explain_declared_checks(options)
    return explain_checks(load_queries(), load_params("sql-explain", options.params).min_speedup)


def verify(options: VerifyOptions, *, timer: Timer = time.perf_counter) -> list[Check]:
    """``timer`` measures the query runs (tests pass a fake one so a loaded machine changes nothing)."""
    if options.engine == "postgres":
        from .postgres import verify_explain

        return verify_explain(options)
    text = read_learner_file(options.file, "index file (indexes.sql)")
    params = load_params("sql-explain", options.params)
    queries = load_queries()
    with (
        tempfile.TemporaryDirectory(prefix="backend-mentor-explain-") as tmp,
        closing(build_database(Path(tmp) / "bigshop.db")) as conn,
    ):
        run = Explained(
            before={q.id: measure(conn, q, params.runs, timer) for q in queries},
            apply=lambda: apply_indexes(conn, text, params.time_limit_seconds),
            measure=lambda query: measure(conn, query, params.runs, timer),
            min_speedup=params.min_speedup,
            runs=params.runs,
        )
        return run_checks(explain_checks(queries, params.min_speedup), run)


# --- starter files -------------------------------------------------------------------------------


def queries_markdown(queries: list[SlowQuery]) -> str:
    lines = [
        "# Optimize queries: make these four queries fast",
        "",
        "Build the database (about a second): `sqlite3 bigshop.db < build_db.sql`. The `orders` table",
        "has 200,000 rows and no index besides its primary key; `customers.email` is UNIQUE.",
        "",
        "Write `indexes.sql` with `CREATE INDEX` statements only (anything else is rejected). For each",
        "query the verifier checks that `EXPLAIN QUERY PLAN` searches `orders` through an index instead",
        "of scanning it, that the rows are unchanged, and that the median run time is at least 2x",
        "faster. Look at a plan yourself with `EXPLAIN QUERY PLAN SELECT ...;` in `sqlite3 bigshop.db`.",
    ]
    for q in queries:
        lines += ["", f"## {q.id}. {q.title}", "", " ".join(q.story.split()), "", "```sql", q.sql.strip() + ";", "```"]
    return "\n".join(lines) + "\n"


def starter_files(params: dict) -> dict[str, str | bytes]:
    return {
        "QUERIES.md": queries_markdown(load_queries()),
        "build_db.sql": build_script(),
        "indexes.sql": "-- CREATE INDEX statements only, one per line (see QUERIES.md).\n",
    }
