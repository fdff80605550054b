"""PostgreSQL engine of the SQL checkpoints: ``checkpoint verify ID --engine postgres --dsn postgresql://...``.

Every run works in a scratch schema of its own (``backend_mentor_<random>``), created at the start
and dropped with everything in it at the end, so the learner's own tables are never touched. The
learner's answers run one statement at a time as a server-side cursor (a single query, fetched in
bounded batches) inside a READ ONLY transaction with a ``statement_timeout``; their indexes run as
single ``CREATE INDEX`` statements with a timeout. The driver is psycopg 3, an optional extra:
``pip install 'backend-mentor[postgres]'``.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from . import sql_explain
from ._sqlite import Row, normalize_rows
from .base import VerifierInputError, run_checks

MAX_ROWS = 10_000  # rows fetched from one answer; more is a failed check, never a full read
MAX_RESULT_BYTES = 16 * 1024 * 1024
FETCH_BATCH = 500
CONNECT_TIMEOUT = 5


class PostgresRunError(Exception):
    """A learner's statement failed; the message is one line for the report."""


def require_driver() -> Any:
    try:
        import psycopg
    except ImportError:
        raise VerifierInputError(
            "--engine postgres needs the PostgreSQL driver: run \"pip install 'backend-mentor[postgres]'\""
        ) from None
    return psycopg


def host_is_local(host: str) -> bool:
    """A unix-socket directory, localhost, or a loopback address."""
    if not host or host.startswith("/") or host.startswith("@"):
        return True
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def connect(dsn: str | None, allow_remote: bool = False) -> Any:
    """A connection to the learner's server, or one clear ``VerifierInputError``."""
    if not dsn:
        raise VerifierInputError("--engine postgres needs --dsn, e.g. --dsn postgresql://me@127.0.0.1:5432/learning")
    psycopg = require_driver()
    try:
        info = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        raise VerifierInputError(f"--dsn is not a PostgreSQL connection string: {one_line(exc)}") from None
    hosts = str(info.get("host") or info.get("hostaddr") or "").split(",")
    remote = [h for h in hosts if not host_is_local(h)]
    if remote and not allow_remote:
        raise VerifierInputError(
            f"--dsn points at {remote[0]}, not this machine; add --allow-remote if you really mean it"
        )
    try:
        conn = psycopg.connect(dsn, connect_timeout=CONNECT_TIMEOUT, application_name="backend-mentor")
    except psycopg.Error as exc:
        raise VerifierInputError(f"cannot connect to PostgreSQL: {one_line(exc)}") from None
    conn.autocommit = True
    return conn


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


@contextlib.contextmanager
def scratch_schema(conn: Any) -> Iterator[str]:
    """A schema of this run's own, dropped with everything in it at the end (even after an error)."""
    name = f"backend_mentor_{secrets.token_hex(6)}"
    psycopg = require_driver()
    try:
        conn.execute(f'CREATE SCHEMA "{name}"')
    except psycopg.Error as exc:
        raise VerifierInputError(f"cannot create a scratch schema in that database: {one_line(exc)}") from None
    try:
        yield name
    finally:
        with contextlib.suppress(psycopg.Error):
            if conn.info.transaction_status != 0:  # not idle: end whatever is open first
                conn.rollback()
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')


def setup(conn: Any, schema: str, script: str) -> None:
    """Run our own trusted DDL/DML in the scratch schema."""
    with conn.transaction():
        conn.execute(f'SET LOCAL search_path = "{schema}"')
        conn.execute(script)


def copy_rows(conn: Any, schema: str, table: str, rows: list[Row], columns: list[str] | None = None) -> None:
    """Our own rows into a scratch table (COPY: one round trip), in ``columns`` or the table's order."""
    names = f" ({', '.join(columns)})" if columns else ""
    with conn.transaction(), conn.cursor() as cur, cur.copy(f'COPY "{schema}".{table}{names} FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def normalize_pg_value(value: Any) -> Any:
    """PostgreSQL's types as the SQLite engine reports them: numbers as numbers, dates as ISO text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return value


@dataclass
class ResultSet:
    columns: list[str]
    rows: list[Row]


def run_query(conn: Any, schema: str, sql: str, time_limit: float) -> ResultSet:
    """One read-only query of the learner's, bounded in time, rows and bytes."""
    psycopg = require_driver()
    text = sql.strip().rstrip(";").strip()
    if not text:
        raise PostgresRunError("empty answer")
    rows: list[tuple[Any, ...]] = []
    size = 0
    try:
        with conn.transaction():
            conn.execute("SET TRANSACTION READ ONLY")
            conn.execute(f"SET LOCAL statement_timeout = {max(1, int(time_limit * 1000))}")
            conn.execute(f'SET LOCAL search_path = "{schema}"')
            with conn.cursor(name=f"answer_{secrets.token_hex(4)}") as cur:
                cur.execute(text)
                columns = [column.name for column in cur.description or []]
                while True:
                    batch = cur.fetchmany(FETCH_BATCH)
                    if not batch:
                        break
                    rows.extend(batch)
                    size += sum(len(repr(row)) for row in batch)
                    if len(rows) > MAX_ROWS or size > MAX_RESULT_BYTES:
                        raise PostgresRunError(
                            f"stopped: the result is larger than {MAX_ROWS:,} rows or "
                            f"{MAX_RESULT_BYTES // (1024 * 1024)} MB (a missing join condition?)"
                        )
    except psycopg.errors.QueryCanceled:
        raise PostgresRunError(f"stopped after the {time_limit:g} s statement timeout") from None
    except psycopg.errors.ReadOnlySqlTransaction:
        raise PostgresRunError("refused: answers may only read (SELECT or WITH ... SELECT)") from None
    except psycopg.Error as exc:
        raise PostgresRunError(f"PostgreSQL error: {pg_message(exc, text)}") from None
    return ResultSet(columns, normalize_rows([tuple(normalize_pg_value(v) for v in row) for row in rows]))


def pg_message(exc: BaseException, sql: str) -> str:
    """The server's message on one line; a statement that is not a query says so plainly."""
    message = one_line(exc)
    if "multiple commands" in message:
        return "write exactly one query per answer"
    first = re.match(r"\s*(\w+)", sql)
    if first and first.group(1).upper() not in ("SELECT", "WITH", "VALUES", "TABLE", "("):
        return f"{first.group(1).upper()} is not a query: answers may only read (SELECT or WITH ... SELECT)"
    return message


def create_index(conn: Any, schema: str, statement: str, time_limit: float) -> None:
    """One ``CREATE INDEX`` of the learner's, in the scratch schema, with a timeout."""
    psycopg = require_driver()
    try:
        with conn.transaction():
            conn.execute(f"SET LOCAL statement_timeout = {max(1, int(time_limit * 1000))}")
            conn.execute(f'SET LOCAL search_path = "{schema}"')
            with conn.cursor() as cur:
                cur.execute(statement, prepare=True)
    except psycopg.errors.QueryCanceled:
        raise PostgresRunError(f"stopped after the {time_limit:g} s time limit") from None
    except psycopg.Error as exc:
        raise PostgresRunError(f"PostgreSQL error: {pg_message(exc, statement)}") from None


def explain(conn: Any, schema: str, sql: str, analyze: bool = False) -> dict[str, Any]:
    """The top of ``EXPLAIN (FORMAT JSON)``: {"Plan": ..., "Execution Time": ...}."""
    options = "ANALYZE, TIMING OFF, FORMAT JSON" if analyze else "FORMAT JSON"
    with conn.transaction():
        conn.execute(f'SET LOCAL search_path = "{schema}"')
        conn.execute("SET LOCAL max_parallel_workers_per_gather = 0")  # steadier timings on small machines
        (document,) = conn.execute(f"EXPLAIN ({options}) {sql}").fetchone()
    return document[0]


def plan_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def describe_node(node: dict[str, Any]) -> str:
    kind = node.get("Node Type", "?")
    on = node.get("Relation Name") or ""
    index = node.get("Index Name")
    cond = node.get("Index Cond") or node.get("Recheck Cond")
    text = kind + (f" on {on}" if on else "") + (f" using {index}" if index else "")
    return text + (f" ({cond})" if cond else "")


def table_access(plan: dict[str, Any], table: str) -> list[dict[str, Any]]:
    """The plan nodes that read ``table``: scans of it, and the index scans under its bitmap heap scans."""
    nodes = []
    for node in plan_nodes(plan):
        if node.get("Relation Name") == table:
            nodes.append(node)
            if node.get("Node Type") == "Bitmap Heap Scan":
                nodes.extend(n for n in plan_nodes(node) if n.get("Node Type") == "Bitmap Index Scan")
    return nodes


# --- complex-sql-joins on PostgreSQL --------------------------------------------------------------

ASSET_DIR = "postgres"


def asset(name: str) -> str:
    from importlib.resources import files

    return files(__package__).joinpath("assets").joinpath(ASSET_DIR).joinpath(name).read_text(encoding="utf-8")


def load_shop(conn: Any, schema: str) -> None:
    from .sql_queries import shop_rows

    setup(conn, schema, asset("shop.sql"))
    for table, rows in shop_rows().items():
        copy_rows(conn, schema, table, rows)
    conn.execute(f'ANALYZE "{schema}".orders')


def verify_queries(options: Any) -> list[Any]:
    """The answers run on the learner's PostgreSQL; the expected rows come from the reference answers
    on the same data in SQLite, so both engines judge against one truth."""
    from . import sql_queries as queries
    from ._sqlite import read_learner_file
    from .params import load_params

    answers = queries.parse_answers(read_learner_file(options.file, "answers file (answers.sql)"))
    time_limit = load_params("sql-queries", options.params).time_limit_seconds
    exercises = queries.load_exercises()
    expected = queries.reference_results(exercises)
    conn = connect(options.dsn, options.allow_remote)
    with contextlib.closing(conn), scratch_schema(conn) as schema:
        load_shop(conn, schema)

        def run(sql: str) -> Any:
            return run_query(conn, schema, sql, time_limit)

        context = queries.Answers(answers, lambda ex: expected[ex.id], run, PostgresRunError)
        return run_checks(queries.declared_checks(options), context, aborts=(require_driver().Error,))


# --- optimize-queries on PostgreSQL ---------------------------------------------------------------

INDEX_NODES = ("Index Scan", "Index Only Scan", "Bitmap Index Scan")


@dataclass
class PlanMeasurement:
    plan: dict[str, Any]
    rows: list[Row]
    milliseconds: float

    def as_seconds(self) -> sql_explain.Measurement:
        """The rows and median time as ``sql_explain.Measurement``, which the rows and speed checks read."""
        return sql_explain.Measurement([], self.rows, self.milliseconds / 1000)


def measure_pg(conn: Any, schema: str, query: Any, runs: int) -> PlanMeasurement:
    import statistics

    plan = explain(conn, schema, query.sql)["Plan"]
    rows = run_query(conn, schema, query.sql, 30.0).rows  # also warms the cache
    timings = [explain(conn, schema, query.sql, analyze=True)["Execution Time"] for _ in range(runs)]
    return PlanMeasurement(plan, rows, statistics.median(timings))


def learner_indexes(conn: Any, schema: str) -> set[str]:
    rows = conn.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND indexname NOT LIKE %s",
        (schema, "%_pkey"),
    ).fetchall()
    return {name for (name,) in rows} - {"customers_email_key"}


def check_pg_plan(query: Any, before: PlanMeasurement, after: PlanMeasurement, created: set[str]) -> Any:
    from .base import Check

    name = f"{query.id} uses an index"
    was = "; ".join(describe_node(n) for n in table_access(before.plan, query.table)) or "?"
    nodes = table_access(after.plan, query.table)
    searches = [
        n for n in nodes if n.get("Node Type") in INDEX_NODES and n.get("Index Name") in created and n.get("Index Cond")
    ]
    now = "; ".join(describe_node(n) for n in nodes) or "no node reads it"
    if not searches:
        hint = ""
        if any(n.get("Node Type") in INDEX_NODES and not n.get("Index Cond") for n in nodes):
            hint = (
                " (an index is read from end to end, without a condition on its first column: check the column order)"
            )
        return Check(
            name,
            False,
            f"{query.table} is not searched through one of your indexes: {now}{hint}",
            "execution-plans",
            expected=f"Index Scan / Index Only Scan / Bitmap Index Scan on {query.table} using your index",
            actual=now,
        )
    return Check(name, True, f"{'; '.join(describe_node(n) for n in searches)} (was: {was})")


def indexed_before(query: Any, before: PlanMeasurement) -> list[dict[str, Any]]:
    """The nodes that already read the query's table through an index before the learner's indexes."""
    return [n for n in table_access(before.plan, query.table) if n.get("Node Type") in INDEX_NODES]


def pg_plan_check(query: Any, run: PgExplained) -> Any:
    """The PostgreSQL plan check (``sql_explain.explain_checks`` runs it in place of SQLite's)."""
    from .base import Check

    already = indexed_before(query, run.before[query.id])
    if already:
        reason = (
            f"already searched through an index before your indexes ({describe_node(already[0])}): "
            "this database's collation lets the UNIQUE index serve LIKE prefixes"
        )
        # Not unfinished work: the check does not apply to this database, so it must not hold the run back.
        return Check.skip(f"{query.id} uses an index", reason, query.topic, incomplete=False)
    return check_pg_plan(query, run.before[query.id], run.measured(query), run.created)


def explain_queries() -> list[Any]:
    """The SQLite checkpoint's queries and the PostgreSQL-only ones."""
    import yaml

    extra = yaml.safe_load(asset("explain_queries.yaml"))["queries"]
    return sql_explain.load_queries() + [sql_explain.SlowQuery(**item) for item in extra]


@dataclass
class PgExplained(sql_explain.Explained):
    created: set[str] = field(default_factory=set)  # the learner's indexes, once indexes.sql ran


def explain_declared_checks(options: Any, plan_only: frozenset[str] = frozenset()) -> list[Any]:
    from .params import load_params

    min_speedup = load_params("sql-explain", options.params).min_speedup
    return sql_explain.explain_checks(explain_queries(), min_speedup, pg_plan_check, plan_only)


def apply_pg_indexes(conn: Any, schema: str, text: str, time_limit: float, run: PgExplained) -> Any:
    """Run the CREATE INDEX statements of indexes.sql (anything else is reported, not run); the first check."""
    from ._sqlite import first_words, split_statements, strip_comments
    from .base import Check

    problems = []
    for number, statement in enumerate(split_statements(text), 1):
        if not sql_explain.CREATE_INDEX.match(strip_comments(statement)):
            problems.append(f"statement {number} ({first_words(statement)}) is not a CREATE INDEX, so it was not run")
            continue
        try:
            create_index(conn, schema, statement, time_limit)
        except PostgresRunError as exc:
            problems.append(f"statement {number} ({first_words(statement)}) failed: {exc}")
    conn.execute(f'ANALYZE "{schema}".orders')
    conn.execute(f'ANALYZE "{schema}".customers')
    run.created = learner_indexes(conn, schema)
    name = sql_explain.INDEXES_RUN
    if problems:
        return Check(name, False, "; ".join(problems), "indexes")
    if not run.created:
        return Check(name, False, "indexes.sql creates no index", "indexes")
    return Check(name, True, f"created {', '.join(sorted(run.created))}")


def verify_explain(options: Any) -> list[Any]:
    from ._sqlite import read_learner_file
    from .params import load_params

    text = read_learner_file(options.file, "index file (indexes.sql)")
    params = load_params("sql-explain", options.params)
    queries = explain_queries()
    conn = connect(options.dsn, options.allow_remote)
    with contextlib.closing(conn), scratch_schema(conn) as schema:
        setup(conn, schema, asset("bigshop.sql"))
        run = PgExplained(
            before={q.id: measure_pg(conn, schema, q, params.runs) for q in queries},
            apply=lambda: apply_pg_indexes(conn, schema, text, params.time_limit_seconds, run),
            measure=lambda query: measure_pg(conn, schema, query, params.runs),
            min_speedup=params.min_speedup,
            runs=params.runs,
        )
        # A query whose table an index already served before has only its plan check, skipped.
        plan_only = frozenset(q.id for q in queries if indexed_before(q, run.before[q.id]))
        specs = explain_declared_checks(options, plan_only)
        return run_checks(specs, run, aborts=(require_driver().Error,))
