"""PostgreSQL judge of ``design-normalized-schema`` (kind sql-schema): ``--engine postgres --dsn ...``.

The same checks, names and hint topics as ``sql_schema`` (the SQLite judge), read from PostgreSQL's
catalogs instead of PRAGMAs. Everything happens in a scratch schema of the run's own
(``postgres.scratch_schema``) inside ONE transaction that is rolled back at the end:

- every statement of ``schema.sql`` and ``load.sql`` is screened before anything runs: only the
  allowed kinds (see ``SCHEMA_KINDS`` / ``LOAD_KINDS``), no name qualified with another schema, no
  ``SET SCHEMA``, no functions that change the session or reach outside it (``set_config``,
  ``pg_*``, ``lo_*``, ``dblink``, ``*_to_xml*``), no dollar quotes or Unicode escapes; a refused
  statement fails the file and nothing of that file runs;
- each accepted statement runs alone (extended protocol: the server refuses a second command hidden
  in it) with ``search_path`` set to the scratch schema just before it and a ``statement_timeout``;
- foreign keys are proven by inserting an orphan in a savepoint. A ``DEFERRABLE INITIALLY DEFERRED``
  key lets the orphan in at the moment of the insert but rejects it at commit: the probe asks for the
  commit-time check (``SET CONSTRAINTS ALL IMMEDIATE``) and counts that as enforced, as the SQLite
  judge does with deferred keys. A key added ``NOT VALID`` rejects new orphans; the probe also
  validates it (in a savepoint that is rolled back) and fails the check if rows that were there
  before break it. Disabled triggers (``ALTER TABLE ... DISABLE TRIGGER ALL``) let the orphan in,
  and the check says so.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from . import postgres as pg
from . import sql_schema as lite
from ._sqlite import Row, compare_rows, first_words, normalize_rows, read_learner_file, split_statements
from .base import Check, VerifierInputError, run_checks
from .params import load_params

MAX_ROWS = 10_000  # rows read from one table or from the view; more is reported, never read in full
MAX_DEPENDENCY_WORK = 2_000_000  # row visits spent on the 2NF/3NF search across all tables
FETCH_BATCH = 500

SCHEMA_KINDS = (
    "CREATE TABLE, CREATE INDEX, CREATE VIEW, CREATE TYPE, CREATE SEQUENCE, ALTER TABLE, INSERT and COMMENT ON"
)
LOAD_KINDS = f"INSERT statements (INSERT INTO your_table ... SELECT ... FROM {lite.STAGING})"
TRANSACTION_WORDS = {("begin",), ("commit",), ("end",), ("start", "transaction")}
COMMENT_TARGETS = {(w,) for w in ("table", "column", "view", "index", "type", "sequence", "constraint")}
DENIED_FUNCTIONS = {"set_config", "dblink"}
DENIED_PREFIXES = ("pg_", "lo_", "dblink_")
DENIED_INFIXES = ("_to_xml",)  # query_to_xml runs SQL from a string; schema_to_xml reads another schema


# --- screening the learner's statements before anything runs -------------------------------------


class Refused(Exception):
    """A statement that will not run; the message says why, in one line."""


@dataclass(frozen=True)
class Token:
    kind: str  # word, name (double-quoted), string, number, op
    value: str  # words lower case, names and strings as written (unescaped)


_SIMPLE = re.compile(
    r"""(?P<space>\s+)
      | (?P<line>--[^\n]*)
      | (?P<unicode>[uU]&["'])
      | (?P<estring>[eE]'(?:[^'\\]|\\.|'')*')
      | (?P<string>'(?:[^']|'')*')
      | (?P<dollar>\$(?:[A-Za-z_\x80-\uffff][A-Za-z_0-9\x80-\uffff]*)?\$)
      | (?P<name>"(?:[^"]|"")*")
      | (?P<word>[A-Za-z_\x80-\uffff][A-Za-z_0-9$\x80-\uffff]*)
      | (?P<number>\d[\d.eE]*)
      | (?P<op>.)""",
    re.X | re.S,
)


SEMICOLON, DOT, OPEN = Token("op", ";"), Token("op", "."), Token("op", "(")


def tokens(sql: str) -> list[Token]:
    """PostgreSQL's lexical structure, enough to see every name and function a statement uses
    (nested block comments, E'' strings with backslashes, quoted names); anything this cannot
    read with certainty is refused rather than guessed at."""
    out: list[Token] = []
    pos = 0
    while pos < len(sql):
        if sql.startswith("/*", pos):
            depth, pos = 1, pos + 2
            while depth and pos < len(sql):
                if sql.startswith("/*", pos):
                    depth, pos = depth + 1, pos + 2
                elif sql.startswith("*/", pos):
                    depth, pos = depth - 1, pos + 2
                else:
                    pos += 1
            if depth:
                raise Refused("a /* comment is never closed")
            continue
        match = _SIMPLE.match(sql, pos)
        assert match is not None  # the last alternative matches any character
        kind, text = match.lastgroup or "op", match.group()
        pos = match.end()
        if kind in ("space", "line"):
            continue
        if kind == "unicode":
            raise Refused("Unicode-escaped names and strings (U&'...') are not accepted here")
        if kind == "dollar":
            raise Refused("dollar-quoted strings ($$ ... $$) belong to functions, which this checkpoint does not run")
        if kind == "op" and text in "'\"":
            raise Refused("a quoted string or name is never closed")
        if kind == "estring":
            out.append(Token("string", re.sub(r"\\(.)", r"\1", text[2:-1]).replace("''", "'")))
        elif kind == "string":
            out.append(Token("string", text[1:-1].replace("''", "'")))
        elif kind == "name":
            out.append(Token("name", text[1:-1].replace('""', '"')))
        elif kind == "word":
            out.append(Token("word", text.lower()))
        else:
            out.append(Token(kind, text))
    return out


def leading_words(toks: list[Token], count: int = 4) -> tuple[str, ...]:
    words = []
    for tok in toks[:count]:
        if tok.kind != "word":
            break
        words.append(tok.value)
    return tuple(words)


def statement_kind_problem(words: tuple[str, ...], for_load: bool) -> str | None:
    """None when a statement starting with these words may run, else what the file may hold."""
    allowed = LOAD_KINDS if for_load else SCHEMA_KINDS
    what = f"{'load.sql' if for_load else 'schema.sql'} may only hold {allowed}"
    if words[:2] == ("insert", "into"):
        return None
    if for_load:
        return what
    rest = list(words)
    if rest[:1] == ["create"]:
        rest = rest[1:]
        if rest[:2] == ["or", "replace"]:
            rest = rest[2:]
        if rest[:1] and rest[0] in ("temp", "temporary"):
            return "temporary objects live outside the scratch schema the verifier judges: drop TEMP"
        if rest[:1] and rest[0] in ("unlogged", "unique", "recursive"):
            rest = rest[1:]
        if rest[:1] and rest[0] in ("table", "index", "view", "type", "sequence"):
            return None
    elif words[:2] == ("alter", "table") or (words[:2] == ("comment", "on") and words[2:3] in COMMENT_TARGETS):
        return None
    return what


def screen(statement: str, for_load: bool, other_schemas: set[str]) -> bool:
    """True when the statement runs, False for a transaction statement the verifier ignores
    (it runs each file in a transaction of its own); ``Refused`` otherwise."""
    toks = tokens(statement)
    words = leading_words(toks)
    is_transaction = words[:2] in TRANSACTION_WORDS or words[:1] in TRANSACTION_WORDS
    if is_transaction and len([t for t in toks if t != SEMICOLON]) <= 3:  # BEGIN; START TRANSACTION; COMMIT WORK;
        return False
    if any(t == SEMICOLON for t in toks[:-1]):
        raise Refused("it holds more than one statement (a quote the splitter read differently?)")
    problem = statement_kind_problem(words, for_load)
    if problem:
        raise Refused(problem)
    for index, tok in enumerate(toks):
        following = toks[index + 1] if index + 1 < len(toks) else None
        if tok.kind in ("word", "name") and following == DOT:
            schema = tok.value  # a word is folded to lower case, a "quoted name" kept as written
            if schema in other_schemas:
                raise Refused(f"it names the schema {schema}: leave names unqualified, they land in the scratch schema")
        if tok.kind == "string":
            qualified = re.match(r'\s*"?([^".]+)"?\s*\.', tok.value)
            if qualified and qualified.group(1).lower() in {s.lower() for s in other_schemas}:
                raise Refused(f"it names the schema {qualified.group(1)} in a string: leave names unqualified")
        if tok == Token("word", "set") and following == Token("word", "schema"):
            raise Refused("SET SCHEMA would move your object out of the scratch schema the verifier judges")
        if (
            tok.kind in ("word", "name")
            and following == OPEN
            and (
                tok.value.lower() in DENIED_FUNCTIONS
                or tok.value.lower().startswith(DENIED_PREFIXES)
                or any(part in tok.value.lower() for part in DENIED_INFIXES)
            )
        ):
            raise Refused(f"{tok.value}() changes the session or reaches outside it, so it does not run here")
    return True


def screened(sql: str, label: str, for_load: bool, other_schemas: set[str]) -> list[tuple[int, str]]:
    """The statements that will run, numbered as in the file; ``Refused`` (with the statement named)
    for the first one that may not run: then nothing of the file runs."""
    runnable = []
    for number, statement in enumerate(split_statements(sql), 1):
        try:
            if screen(statement, for_load, other_schemas):
                runnable.append((number, statement))
        except Refused as exc:
            raise Refused(
                f"{label} statement {number} ({first_words(statement)}): refused, nothing ran: {exc}"
            ) from None
    return runnable


def other_schema_names(conn: Any, scratch: str) -> set[str]:
    rows = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname <> %s", (scratch,)).fetchall()
    return {name for (name,) in rows} | {"public", "pg_catalog", "pg_temp", "information_schema"}


# --- running the learner's statements ------------------------------------------------------------


class StatementFailed(Exception):
    pass


def run_statements(conn: Any, schema: str, statements: list[tuple[int, str]], label: str, time_limit: float) -> None:
    """Each statement alone, search_path reset to the scratch schema just before it; the first
    failure raises ``StatementFailed`` with a one-line message (the caller's savepoint undoes the file)."""
    psycopg = pg.require_driver()
    for number, statement in statements:
        try:
            with conn.transaction(), conn.cursor() as cur:
                cur.execute(f'SET LOCAL search_path = "{schema}"')
                cur.execute(statement.strip().rstrip(";"), prepare=True)  # extended protocol: one command only
        except psycopg.errors.QueryCanceled:
            reason = f"stopped after the {time_limit:g} s statement timeout"
            raise StatementFailed(f"{label} statement {number} ({first_words(statement)}): {reason}") from None
        except psycopg.Error as exc:
            reason = f"PostgreSQL error: {pg.one_line(exc)}"
            raise StatementFailed(f"{label} statement {number} ({first_words(statement)}): {reason}") from None


def run_file(conn: Any, schema: str, statements: list[tuple[int, str]], label: str, time_limit: float) -> str | None:
    """All of a file or none of it: the error message, or None."""
    try:
        with conn.transaction():
            run_statements(conn, schema, statements, label, time_limit)
    except StatementFailed as exc:
        return str(exc)
    return None


def load_sample_data(conn: Any, schema: str, statements: list[tuple[int, str]], time_limit: float) -> str | None:
    """Create and fill the staging table, run load.sql, drop the staging table."""
    if lite.STAGING in relations(conn, schema, "rvmpf"):
        return f"schema.sql must not create {lite.STAGING}: the verifier creates and fills it before load.sql"
    columns = ", ".join(f"{name} text{'' if name == 'grade' else ' NOT NULL'}" for name in lite.REPORT_COLUMNS)
    conn.execute(f'CREATE TABLE "{schema}".{lite.STAGING} ({columns})')
    pg.copy_rows(conn, schema, lite.STAGING, lite.report_rows(), lite.REPORT_COLUMNS)
    error = run_file(conn, schema, statements, "load.sql", time_limit)
    psycopg = pg.require_driver()
    try:
        with conn.transaction():
            conn.execute(f'DROP TABLE "{schema}".{lite.STAGING}')
    except psycopg.Error as exc:
        return (
            error
            or f"{lite.STAGING} could not be dropped after load.sql ({pg.one_line(exc)}): do your tables reference it?"
        )
    return error


# --- reading the learner's schema from the catalogs ----------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # format_type(): integer, text, character varying(80) ...
    category: str  # pg_type.typcategory: N numeric, S string, D date/time, U user (uuid) ...
    notnull: bool
    generated: bool  # identity, serial (nextval default) or GENERATED ALWAYS AS: the server fills it


@dataclass(frozen=True)
class ForeignKey:
    oid: int
    name: str
    columns: list[str]
    parent: str
    parent_columns: list[str]
    validated: bool
    deferred: bool


def relations(conn: Any, schema: str, kinds: str) -> dict[str, str]:
    """Lower-case name -> real name of the relations of these pg_class.relkind letters."""
    rows = conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind = ANY(%s)",
        (schema, list(kinds)),
    ).fetchall()
    return {name.lower(): name for (name,) in rows}


def qualified(schema: str, name: str) -> str:
    return f"{lite.quote(schema)}.{lite.quote(name)}"


def table_columns(conn: Any, schema: str, table: str) -> list[Column]:
    rows = conn.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typcategory, a.attnotnull, "
        "a.attidentity <> '' OR a.attgenerated <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%%', false) "
        "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        (qualified(schema, table),),
    ).fetchall()
    return [Column(name, type_, category, notnull, generated) for name, type_, category, notnull, generated in rows]


def primary_key(conn: Any, schema: str, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT a.attname FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, n) "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
        "WHERE c.conrelid = %s::regclass AND c.contype = 'p' ORDER BY k.n",
        (qualified(schema, table),),
    ).fetchall()
    return [name for (name,) in rows]


def unique_sets(conn: Any, schema: str, table: str) -> list[frozenset[str]]:
    """Column sets (lower case) that a valid, non-partial PRIMARY KEY or UNIQUE index on plain
    columns makes unique (INCLUDE columns are not part of the key)."""
    rows = conn.execute(
        "SELECT array_agg(a.attname ORDER BY k.n) FROM pg_index i "
        "CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n) "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
        "WHERE i.indrelid = %s::regclass AND i.indisunique AND i.indisvalid AND i.indpred IS NULL "
        "AND i.indexprs IS NULL AND k.n <= i.indnkeyatts GROUP BY i.indexrelid ORDER BY i.indexrelid",
        (qualified(schema, table),),
    ).fetchall()
    return [frozenset(n.lower() for n in names) for (names,) in rows]


def find_foreign_key(conn: Any, schema: str, child: str, parent: str) -> ForeignKey | None:
    rows = conn.execute(
        "SELECT c.oid, c.conname, p.relname, c.convalidated, c.condeferred, "
        "ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a "
        "      ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n), "
        "ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a "
        "      ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n) "
        "FROM pg_constraint c JOIN pg_class p ON p.oid = c.confrelid JOIN pg_namespace n ON n.oid = p.relnamespace "
        "WHERE c.conrelid = %s::regclass AND c.contype = 'f' AND n.nspname = %s ORDER BY c.oid",
        (qualified(schema, child), schema),
    ).fetchall()
    for oid, name, target, validated, deferred, columns, parent_columns in rows:
        if target.lower() == parent:
            return ForeignKey(oid, name, list(columns), target, list(parent_columns), validated, deferred)
    return None


def fetch_rows(conn: Any, sql: str, limit: int = MAX_ROWS) -> tuple[list[str], list[Row], bool]:
    """Columns, at most ``limit`` rows (normalized as the SQLite engine reports them), and whether
    there were more; read through a server-side cursor, so a huge result never reaches memory."""
    rows: list[Row] = []
    with conn.cursor(name=f"read_{secrets.token_hex(4)}") as cur:
        cur.execute(sql)
        columns = [c.name for c in cur.description or []]
        while len(rows) <= limit:
            batch = cur.fetchmany(FETCH_BATCH)
            if not batch:
                break
            rows.extend(tuple(pg.normalize_pg_value(v) for v in row) for row in batch)
    return columns, normalize_rows(rows[:limit]), len(rows) > limit


# --- the checks ----------------------------------------------------------------------------------


@dataclass
class Review:
    conn: Any
    schema: str
    time_limit: float
    schema_error: str | None = None  # why schema.sql did not run
    load_error: str | None = None  # why load.sql did not load the sample data

    @property
    def loaded(self) -> bool:
        return self.load_error is None

    def tables(self) -> dict[str, str]:
        """Lower-case name -> real name of the learner's tables (plain and partitioned)."""
        return {k: v for k, v in relations(self.conn, self.schema, "rp").items() if k != lite.STAGING}

    def missing_tables(self, names: Iterable[str]) -> list[str]:
        tables = self.tables()
        return [n for n in names if n not in tables]

    def table(self, name: str) -> str:
        return self.tables()[name]

    def columns(self, table: str) -> list[Column]:
        return table_columns(self.conn, self.schema, table)


def check_tables(review: Review) -> Check:
    name = "required tables and columns"
    tables = review.tables()
    problems = []
    for table, required in lite.REQUIRED_COLUMNS.items():
        if table not in tables:
            problems.append(f"missing table {table}")
            continue
        have = {c.name.lower() for c in review.columns(tables[table])}
        problems += [f"{table} has no column {col}" for col in required if col not in have]
    if problems:
        return Check(name, False, "; ".join(problems), "normalization")
    return Check(name, True, ", ".join(lite.REQUIRED_COLUMNS) + " have their required columns")


def check_primary_keys(review: Review) -> Check:
    name = "every table has a primary key"
    tables = review.tables()
    keys = {real: primary_key(review.conn, review.schema, real) for real in tables.values()}
    lacking = [real for real, key in keys.items() if not key]
    if not tables:
        return Check(name, False, "schema.sql creates no tables", "sql-constraints")
    if lacking:
        return Check(name, False, f"no PRIMARY KEY in: {', '.join(lacking)}", "sql-constraints")
    return Check(name, True, ", ".join(f"{t}({', '.join(key)})" for t, key in keys.items()))


def check_foreign_key(review: Review, child: str, parent: str) -> Check:
    name = f"foreign key {child} → {parent}"
    missing = review.missing_tables([child, parent])
    if missing:
        return Check(name, False, f"missing table {', '.join(missing)}", "sql-constraints")
    child_table = review.table(child)
    fk = find_foreign_key(review.conn, review.schema, child_table, parent)
    if fk is None:
        return Check(name, False, f"{child} has no FOREIGN KEY ... REFERENCES {parent}", "sql-constraints")
    declared = f"{child}({', '.join(fk.columns)}) REFERENCES {fk.parent}"
    if not review.loaded:
        return Check(name, True, f"{declared} declared (not probed: the sample data did not load)")
    problem, how = probe_orphan(review, child_table, fk)
    if problem:
        return Check(name, False, f"{declared}: {problem}", "sql-constraints")
    return Check(name, True, f"{declared}; {how}")


def fresh_value(column: Column, table: str, source: str) -> str | None:
    """An SQL expression for a value of ``column``'s type that ``source`` (a quoted column of
    ``table``) does not hold yet, or None when this type has no simple one."""
    if column.category == "N":
        return f"(SELECT coalesce(max({source}), 0) + 1 FROM {table})"
    if column.category == "S":
        return "'~' || substr(md5(random()::text), 1, 8)"
    if column.type == "uuid":
        return "gen_random_uuid()"
    if column.type == "date":
        return f"(SELECT coalesce(max({source}), DATE '2000-01-01') + 1 FROM {table})"
    return None


def probe_orphan(review: Review, table: str, fk: ForeignKey) -> tuple[str | None, str]:
    """Copy a loaded row, point its foreign key at a missing parent, give its own keys fresh values,
    insert it in a savepoint that is always rolled back. (problem or None, how it was rejected)."""
    psycopg = pg.require_driver()
    conn, schema = review.conn, review.schema
    target = qualified(schema, table)
    if conn.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {target})").fetchone()[0]:
        return f"{table} is empty after load.sql, so the foreign key could not be probed", ""
    parent = qualified(schema, fk.parent)
    fk_sources = {c.lower(): lite.quote(p) for c, p in zip(fk.columns, fk.parent_columns)}
    columns = review.columns(table)
    keyed = columns_to_renew(
        columns, unique_sets(conn, schema, table), set(fk_sources), other_fk_columns(review, table)
    )
    names, values = [], []
    for column in columns:
        lower, own = column.name.lower(), lite.quote(column.name)
        if lower in fk_sources:
            value = fresh_value(column, parent, fk_sources[lower])
            if value is None:
                if triggers_enabled(review, fk):
                    return None, f"declared and its checks are enabled (no orphan of type {column.type} to probe it)"
                return "its check triggers are disabled (ALTER TABLE ... ENABLE TRIGGER ALL)", ""
        elif column.generated:
            continue
        elif lower in keyed:
            value = fresh_value(column, target, own) or f"template.{own}"
        else:
            value = f"template.{own}"
        names.append(own)
        values.append(value)
    insert = (
        f"INSERT INTO {target} ({', '.join(names)}) SELECT {', '.join(values)} "
        f"FROM (SELECT * FROM {target} LIMIT 1) AS template"
    )
    note = ""
    if not fk.validated:  # NOT VALID: PostgreSQL checks the existing rows now, in a savepoint rolled back
        try:
            with conn.transaction(force_rollback=True):
                conn.execute(f"ALTER TABLE {target} VALIDATE CONSTRAINT {lite.quote(fk.name)}")
        except psycopg.errors.ForeignKeyViolation as exc:
            return f"declared NOT VALID, and rows it never checked break it ({pg.one_line(exc)})", ""
        note = " (declared NOT VALID, but every row has its parent)"
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(insert)
            conn.execute("SET CONSTRAINTS ALL IMMEDIATE")  # a deferred key checks now what it checks at commit
    except psycopg.errors.ForeignKeyViolation as exc:
        if exc.diag.constraint_name != fk.name:  # another foreign key fired: this one was never asked
            return stopped_first(review, fk, exc)
        when = "rejected at commit (DEFERRABLE INITIALLY DEFERRED)" if fk.deferred else "rejected"
        return None, f"an orphan insert is {when}{note}"
    except psycopg.errors.QueryCanceled:
        return "the probe insert ran past the time limit", ""
    except psycopg.Error as exc:
        return stopped_first(review, fk, exc)
    disabled = "" if triggers_enabled(review, fk) else " (its check triggers are disabled: ENABLE TRIGGER ALL)"
    return f"a row pointing at a missing {fk.parent} row was accepted{disabled}", ""


def columns_to_renew(
    columns: list[Column], keys: list[frozenset[str]], probed: set[str], other_fks: set[str]
) -> set[str]:
    """One column per unique key that the copied row would repeat, to be given a fresh value. A key
    holding a probed or a server-filled column is new already; a plain column is preferred to one that
    feeds another foreign key, which would fire before the key under test is ever asked."""
    by_name = {c.name.lower(): c for c in columns}
    renew: set[str] = set()
    for key in keys:
        if key & probed or key & renew or any(by_name[c].generated for c in key if c in by_name):
            continue
        candidates = sorted(key, key=lambda c: (c in other_fks, c))
        renew.add(candidates[0])
    return renew


def other_fk_columns(review: Review, table: str) -> set[str]:
    rows = review.conn.execute(
        "SELECT a.attname FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) k(attnum) "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
        "WHERE c.conrelid = %s::regclass AND c.contype = 'f'",
        (qualified(review.schema, table),),
    ).fetchall()
    return {name.lower() for (name,) in rows}


def stopped_first(review: Review, fk: ForeignKey, exc: Exception) -> tuple[str | None, str]:
    """Another rule stopped the orphan before this key was asked: judge by the catalog instead."""
    if triggers_enabled(review, fk):
        return None, f"declared and its checks are enabled (the orphan probe was stopped first by: {pg.one_line(exc)})"
    return f"its check triggers are disabled (ALTER TABLE ... ENABLE TRIGGER ALL): {pg.one_line(exc)}", ""


def triggers_enabled(review: Review, fk: ForeignKey) -> bool:
    (enabled,) = review.conn.execute(
        "SELECT coalesce(bool_and(tgenabled IN ('O', 'A')), false) FROM pg_trigger WHERE tgconstraint = %s", (fk.oid,)
    ).fetchone()
    return bool(enabled)


def required_not_null(review: Review) -> list[tuple[str, str]]:
    """(table, column) pairs that must be NOT NULL, foreign-key columns included."""
    tables = review.tables()
    pairs = [(t, c) for t, cols in lite.REQUIRED_COLUMNS.items() for c in cols if (t, c) not in lite.NULLABLE]
    for child, parent in lite.RELATIONSHIPS:
        fk = find_foreign_key(review.conn, review.schema, tables[child], parent) if child in tables else None
        pairs += [(child, col) for col in (fk.columns if fk else [])]
    return pairs


def is_not_null(review: Review, table: str, column: str) -> bool:
    """attnotnull: NOT NULL as declared, and set by PostgreSQL on every PRIMARY KEY column."""
    return any(c.notnull for c in review.columns(table) if c.name.lower() == column.lower())


def check_not_null(review: Review) -> Check:
    name = "NOT NULL where required"
    tables = review.tables()
    required = required_not_null(review)
    missing = [f"{t}.{c}" for t, c in required if t not in tables or not is_not_null(review, tables[t], c)]
    if missing:
        return Check(name, False, f"missing NOT NULL on: {', '.join(missing)}", "sql-constraints")
    return Check(name, True, f"{len(required)} required columns are NOT NULL")


def check_unique(review: Review, table: str, column: str) -> Check:
    name = f"UNIQUE {table}.{column}"
    if review.missing_tables([table]):
        return Check(name, False, f"missing table {table}", "sql-constraints")
    if frozenset([column]) not in unique_sets(review.conn, review.schema, review.table(table)):
        return Check(name, False, f"{table}.{column} is not UNIQUE (nor the PRIMARY KEY)", "sql-constraints")
    return Check(name, True, f"{table}.{column} is unique")


def check_unique_enrollment(review: Review) -> Check:
    name = "UNIQUE enrollment per student and course"
    if review.missing_tables(["enrollments"]):
        return Check(name, False, "missing table enrollments", "sql-constraints")
    table = review.table("enrollments")
    keys = [find_foreign_key(review.conn, review.schema, table, parent) for parent in ("students", "courses")]
    if None in keys:
        return Check(
            name, False, "cannot tell: enrollments needs foreign keys to students and courses", "sql-constraints"
        )
    wanted = frozenset(c.lower() for fk in keys if fk for c in fk.columns)
    if wanted not in unique_sets(review.conn, review.schema, table):
        return Check(
            name, False, f"no PRIMARY KEY or UNIQUE on enrollments({', '.join(sorted(wanted))})", "sql-constraints"
        )
    return Check(name, True, f"enrollments({', '.join(sorted(wanted))}) is unique")


def check_counts(review: Review) -> Check:
    name = "one row per student, instructor, course and enrollment"
    tables = review.tables()
    problems = []
    expected_counts = lite.expected_counts()
    for table, expected in expected_counts.items():
        if table not in tables:
            problems.append(f"missing table {table}")
            continue
        (actual,) = review.conn.execute(f"SELECT count(*) FROM {qualified(review.schema, tables[table])}").fetchone()
        if actual != expected:
            problems.append(f"{table} has {actual} rows, expected {expected}")
    if problems:
        return Check(name, False, "; ".join(problems), "normalization")
    return Check(name, True, ", ".join(f"{t}: {n}" for t, n in expected_counts.items()))


def check_view(review: Review) -> Check:
    name = f"view {lite.VIEW} reproduces the report"
    views = relations(review.conn, review.schema, "v")
    if lite.VIEW not in views:
        return Check(name, False, f"no view named {lite.VIEW} in schema.sql", "sql-views")
    psycopg = pg.require_driver()
    try:
        with review.conn.transaction(force_rollback=True):
            review.conn.execute("SET LOCAL transaction_read_only = on")
            review.conn.execute(f'SET LOCAL search_path = "{review.schema}"')
            columns, rows, more = fetch_rows(review.conn, f"SELECT * FROM {qualified(review.schema, views[lite.VIEW])}")
    except psycopg.errors.QueryCanceled:
        return Check(
            name,
            False,
            f"{lite.VIEW} does not run: stopped after the {review.time_limit:g} s statement timeout",
            "sql-views",
        )
    except psycopg.Error as exc:
        return Check(name, False, f"{lite.VIEW} does not run: PostgreSQL error: {pg.one_line(exc)}", "sql-views")
    if more:
        return Check(
            name, False, f"{lite.VIEW} returns more than {MAX_ROWS:,} rows (a missing join condition?)", "sql-views"
        )
    actual_columns = [c.lower() for c in columns]
    if actual_columns != lite.REPORT_COLUMNS:
        return Check(
            name,
            False,
            f"columns differ: expected ({', '.join(lite.REPORT_COLUMNS)}), got ({', '.join(columns)})",
            "sql-views",
            expected=", ".join(lite.REPORT_COLUMNS),
            actual=", ".join(columns),
        )
    diff = compare_rows(normalize_rows(lite.report_rows()), rows, ordered=False)
    if diff:
        return Check(name, False, diff.message, "sql-views", expected=diff.expected, actual=diff.actual)
    return Check(name, True, f"all {len(rows)} report rows, same columns")


def check_normal_forms(review: Review) -> Check:
    name = "no partial or transitive dependencies (2NF/3NF)"
    tables = list(review.tables().values())
    budget = Budget(MAX_DEPENDENCY_WORK)
    problems = []
    for table in tables:
        columns = [c.name for c in review.columns(table)]
        names = ", ".join(lite.quote(c) for c in columns)
        _, rows, more = fetch_rows(review.conn, f"SELECT {names} FROM {qualified(review.schema, table)}")
        if more:
            return Check(name, False, f"{table} has more than {MAX_ROWS:,} rows: not searched", "normalization")
        keys = unique_sets(review.conn, review.schema, table)
        try:
            problems += dependency_problems(table, columns, keys, rows, budget)
        except BudgetSpent:
            return Check(
                name,
                False,
                f"not checked: {table} has too many key columns and columns to search within the limit",
                "normalization",
            )
    if problems:
        return Check(name, False, "; ".join(problems[:4]) + ("; ..." if len(problems) > 4 else ""), "normalization")
    return Check(name, True, f"none found in {len(tables)} tables with the sample data")


# --- functional dependencies in the fetched rows (the algorithm of sql_schema, bounded) -----------


class BudgetSpent(Exception):
    pass


class Budget:
    def __init__(self, visits: int) -> None:
        self.left = visits

    def spend(self, visits: int) -> None:
        self.left -= visits
        if self.left < 0:
            raise BudgetSpent


def dependency_problems(
    table: str, columns: list[str], key_sets: list[frozenset[str]], rows: list[Row], budget: Budget
) -> list[str]:
    """2NF: a non-key column determined by part of a multi-column key; 3NF: one determined by
    another non-key column. Dependencies must be witnessed by a repeated value (``determines``)."""
    lower = [c.lower() for c in columns]
    keys = [sorted(lower.index(c) for c in key if c in lower) for key in key_sets]
    prime = {i for key in keys for i in key}
    non_prime = [i for i in range(len(columns)) if i not in prime]
    distinct = [len({row[i] for row in rows}) for i in range(len(columns))]

    def determines(left: list[int], right: int) -> bool:
        budget.spend(len(rows) + 1)
        return lite.determines(rows, left, right)

    problems = []
    for key in (k for k in keys if len(k) > 1):
        for size in range(1, len(key)):
            for part in combinations(key, size):
                for target in non_prime:
                    if distinct[target] > 1 and determines(list(part), target):
                        part_names = ", ".join(columns[i] for i in part)
                        key_names = ", ".join(columns[i] for i in key)
                        problems.append(
                            f"{table}.{columns[target]} depends on {part_names}, only part of the key "
                            f"({key_names}) (2NF: move it to the table keyed by {part_names})"
                        )
    varying = [i for i in non_prime if distinct[i] > 1]  # a constant determines nothing
    reported: set[frozenset[int]] = set()
    for source in varying:
        for target in varying:
            pair = frozenset((source, target))
            if source == target or pair in reported or not determines([source], target):
                continue
            reported.add(pair)
            if determines([target], source):
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


# --- entry point ---------------------------------------------------------------------------------


def verify_schema(options: Any) -> list[Check]:
    """``options``: ``file`` (schema.sql), ``directory`` (where load.sql is, else next to it),
    ``params`` (``load_file``, ``time_limit_seconds``), ``dsn``, ``allow_remote``."""
    schema_sql = read_learner_file(options.file, "schema file (schema.sql)")
    load_sql = read_learner_file(lite.locate_load_file(options), "load file (load.sql)", "--dir")
    time_limit = load_params("sql-schema", options.params).time_limit_seconds
    conn = pg.connect(getattr(options, "dsn", None), bool(getattr(options, "allow_remote", False)))
    psycopg = pg.require_driver()
    try:
        with contextlib.closing(conn), pg.scratch_schema(conn) as schema:
            return judge(conn, schema, schema_sql, load_sql, time_limit)
    except psycopg.errors.QueryCanceled:
        raise VerifierInputError(
            f"PostgreSQL stopped the verifier's own reading after the {time_limit:g} s statement timeout "
            "(does load.sql insert far more rows than the report has?)"
        ) from None
    except psycopg.Error as exc:  # the server went away, or refused the verifier itself
        raise VerifierInputError(f"PostgreSQL: {pg.one_line(exc)}") from None


def judge(conn: Any, schema: str, schema_sql: str, load_sql: str, time_limit: float) -> list[Check]:
    """Screen both files, run them in the scratch schema in one transaction rolled back at the end, judge."""
    others = other_schema_names(conn, schema)
    try:
        schema_statements = screened(schema_sql, "schema.sql", False, others)
    except Refused as exc:
        return checks_of(Review(conn, schema, time_limit, schema_error=str(exc)))
    try:
        load_statements: list[tuple[int, str]] | None = screened(load_sql, "load.sql", True, others)
        load_refusal = None
    except Refused as exc:
        load_statements, load_refusal = None, str(exc)
    with conn.transaction(force_rollback=True):  # nothing the learner's files did outlives the run
        milliseconds = max(1, int(time_limit * 1000))
        conn.execute(f"SET LOCAL statement_timeout = {milliseconds}")
        conn.execute(f"SET LOCAL lock_timeout = {milliseconds}")
        conn.execute("SET LOCAL standard_conforming_strings = on")  # the screen reads strings this way
        schema_error = run_file(conn, schema, schema_statements, "schema.sql", time_limit)
        if schema_error:
            return checks_of(Review(conn, schema, time_limit, schema_error=schema_error))
        if load_statements is None:
            load_error = load_refusal
        else:
            load_error = load_sample_data(conn, schema, load_statements, time_limit)
        return checks_of(Review(conn, schema, time_limit, load_error=load_error))


def checks_of(review: Review) -> list[Check]:
    """The schema checkpoint's declared checks (``sql_schema.declared_checks``) judged here; an error
    of the server itself ends the run (``verify_schema`` makes it one line)."""
    judge = sys.modules[__name__]
    return run_checks(lite.declared_checks(judge=judge), review, aborts=(pg.require_driver().Error,))
