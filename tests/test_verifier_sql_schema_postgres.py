"""The sql-schema verifier on PostgreSQL (design-normalized-schema --engine postgres), against a real
throwaway cluster: the same reference designs and defects as the SQLite tests, PostgreSQL's own
mistakes, and the learner's objects outside the scratch schema left alone."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from postgres_server import server_bin

from backend_mentor.checkpoints import postgres_schema, sql_schema
from backend_mentor.checkpoints._sqlite import first_words
from backend_mentor.checkpoints.base import Check, Outcome, VerifierInputError

DATA = Path(__file__).parent / "data" / "sql_schema_postgres"
SCHEMA = (DATA / "schema.sql").read_text(encoding="utf-8")
LOAD = (DATA / "load.sql").read_text(encoding="utf-8")
NATURAL_SCHEMA = (DATA / "natural" / "schema.sql").read_text(encoding="utf-8")
NATURAL_LOAD = (DATA / "natural" / "load.sql").read_text(encoding="utf-8")


def edited(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def options(folder: Path, dsn: str, **params: object) -> SimpleNamespace:
    return SimpleNamespace(file=folder / "schema.sql", directory=None, params=dict(params), dsn=dsn, allow_remote=False)


def run(tmp_path: Path, dsn: str, schema: str = SCHEMA, load: str = LOAD, **params: object) -> dict[str, Check]:
    (tmp_path / "schema.sql").write_text(schema, encoding="utf-8")
    (tmp_path / "load.sql").write_text(load, encoding="utf-8")
    checks = postgres_schema.verify_schema(options(tmp_path, dsn, **params))
    assert [c.name for c in checks] == ["schema.sql runs", *sql_schema.CHECK_NAMES_AFTER_SCHEMA]
    return {c.name: c for c in checks}


def failed(checks: dict[str, Check]) -> dict[str, str]:
    return {name: c.message for name, c in checks.items() if not c.passed}


@pytest.mark.parametrize("design", ["surrogate keys", "natural keys"])
def test_reference_designs_pass_every_check(tmp_path: Path, postgres_dsn: str, design: str) -> None:
    schema, load = (SCHEMA, LOAD) if design == "surrogate keys" else (NATURAL_SCHEMA, NATURAL_LOAD)

    checks = run(tmp_path, postgres_dsn, schema, load)

    assert failed(checks) == {}
    assert checks["view enrollment_report reproduces the report"].message == "all 22 report rows, same columns"
    for child, parent in sql_schema.RELATIONSHIPS:
        assert checks[f"foreign key {child} → {parent}"].message.endswith("; an orphan insert is rejected")
    assert checks["one row per student, instructor, course and enrollment"].message == (
        "students: 8, instructors: 4, courses: 6, enrollments: 22"
    )


def test_postgresql_flavoured_design_passes(tmp_path: Path, postgres_dsn: str) -> None:
    """Everything schema.sql may hold: an enum type, a sequence used by a DEFAULT, an index, a
    comment with a semicolon in it, an ALTER TABLE; /* nested /* comments */ */ are read correctly."""
    schema = edited(SCHEMA, "grade       text,", "grade       letter_grade,")
    schema = edited(
        schema,
        "CREATE TABLE students (\n    id    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,",
        "CREATE TYPE letter_grade AS ENUM ('A', 'A-', 'B+', 'B', 'C');\n"
        "CREATE SEQUENCE student_numbers START 1000;\n"
        "CREATE TABLE students (\n    id    integer DEFAULT nextval('student_numbers') PRIMARY KEY, /* a /* nested */ note */",
    )
    schema += (
        "CREATE INDEX enrollments_course ON enrollments (course_id);\n"
        "ALTER TABLE courses ADD CONSTRAINT title_not_blank CHECK (title <> '');\n"
        "COMMENT ON COLUMN enrollments.grade IS 'E''s the grade; NULL while the course runs';\n"
    )
    load = edited(LOAD, "r.enrolled_on::date, r.grade", "r.enrolled_on::date, r.grade::letter_grade")

    checks = run(tmp_path, postgres_dsn, schema, load)

    assert failed(checks) == {}


def test_a_schema_that_does_not_run_skips_the_rest(tmp_path: Path, postgres_dsn: str) -> None:
    checks = run(tmp_path, postgres_dsn, edited(SCHEMA, "CREATE TABLE instructors", "CREATE TABEL instructors"))

    assert checks["schema.sql runs"].message == (
        "schema.sql statement 2 (CREATE TABEL instructors ( ...): refused, nothing ran: schema.sql may only hold "
        "CREATE TABLE, CREATE INDEX, CREATE VIEW, CREATE TYPE, CREATE SEQUENCE, ALTER TABLE, INSERT and COMMENT ON"
    )
    assert set(failed(checks).values()) == {checks["schema.sql runs"].message, "not checked: schema.sql did not run"}


def test_a_syntax_error_is_postgresql_s_own_message(tmp_path: Path, postgres_dsn: str) -> None:
    checks = run(
        tmp_path,
        postgres_dsn,
        edited(
            SCHEMA,
            "name  text NOT NULL,\n    email text NOT NULL UNIQUE\n);\n\nCREATE TABLE instructors",
            "name  text NOT NULL,\n    email text NOT NULL UNIQUE\n;\n\nCREATE TABLE instructors",
        ),
    )

    assert checks["schema.sql runs"].message.startswith(
        "schema.sql statement 1 (CREATE TABLE students ( ...): PostgreSQL error: syntax error at end of input"
    )


def test_missing_column_is_named(tmp_path: Path, postgres_dsn: str) -> None:
    schema = edited(SCHEMA, "title         text NOT NULL,", "name          text NOT NULL,")
    schema = edited(schema, "c.title AS course_title", "c.name AS course_title")
    load = edited(LOAD, "INSERT INTO courses (code, title,", "INSERT INTO courses (code, name,")

    checks = run(tmp_path, postgres_dsn, schema, load)

    assert failed(checks) == {
        "required tables and columns": "courses has no column title",
        "NOT NULL where required": "missing NOT NULL on: courses.title",
    }


def test_table_without_primary_key(tmp_path: Path, postgres_dsn: str) -> None:
    schema = edited(SCHEMA, "    id          bigserial PRIMARY KEY,\n    student_id", "    student_id")
    schema = edited(schema, "UNIQUE (student_id, course_id)", "CHECK (grade <> '')")

    checks = run(tmp_path, postgres_dsn, schema)

    assert failed(checks) == {
        "every table has a primary key": "no PRIMARY KEY in: enrollments",
        "UNIQUE enrollment per student and course": "no PRIMARY KEY or UNIQUE on enrollments(course_id, student_id)",
    }


def test_missing_foreign_key(tmp_path: Path, postgres_dsn: str) -> None:
    checks = run(tmp_path, postgres_dsn, edited(SCHEMA, "integer NOT NULL REFERENCES students(id)", "integer NOT NULL"))

    assert failed(checks) == {
        "foreign key enrollments → students": "enrollments has no FOREIGN KEY ... REFERENCES students",
        "UNIQUE enrollment per student and course": "cannot tell: enrollments needs foreign keys to students and courses",
    }


def test_foreign_key_to_a_column_that_is_not_unique_does_not_run(tmp_path: Path, postgres_dsn: str) -> None:
    checks = run(tmp_path, postgres_dsn, edited(SCHEMA, "REFERENCES instructors(id)", "REFERENCES instructors(name)"))

    assert checks["schema.sql runs"].message == (
        "schema.sql statement 3 (CREATE TABLE courses ( ...): PostgreSQL error: there is no unique constraint "
        'matching given keys for referenced table "instructors"'
    )


def test_missing_not_null(tmp_path: Path, postgres_dsn: str) -> None:
    schema = edited(
        SCHEMA,
        "name  text NOT NULL,\n    email text NOT NULL UNIQUE\n);\n\nCREATE TABLE instructors",
        "name  text,\n    email text NOT NULL UNIQUE\n);\n\nCREATE TABLE instructors",
    )
    schema = edited(schema, "course_id   integer NOT NULL", "course_id   integer")

    checks = run(tmp_path, postgres_dsn, schema)

    assert failed(checks) == {"NOT NULL where required": "missing NOT NULL on: students.name, enrollments.course_id"}


def test_missing_unique_email(tmp_path: Path, postgres_dsn: str) -> None:
    schema = edited(
        SCHEMA,
        "name  text NOT NULL,\n    email text NOT NULL UNIQUE\n);\n\nCREATE TABLE instructors",
        "name  text NOT NULL,\n    email text NOT NULL\n);\n\nCREATE TABLE instructors",
    )

    checks = run(tmp_path, postgres_dsn, schema)

    assert failed(checks) == {"UNIQUE students.email": "students.email is not UNIQUE (nor the PRIMARY KEY)"}
    assert checks["UNIQUE students.email"].hint_topic == "sql-constraints"


def test_missing_unique_enrollment(tmp_path: Path, postgres_dsn: str) -> None:
    checks = run(tmp_path, postgres_dsn, edited(SCHEMA, ",\n    UNIQUE (student_id, course_id)", ""))

    assert failed(checks) == {
        "UNIQUE enrollment per student and course": "no PRIMARY KEY or UNIQUE on enrollments(course_id, student_id)",
    }


def test_sample_data_that_does_not_load_is_rolled_back_whole(tmp_path: Path, postgres_dsn: str) -> None:
    load = edited(LOAD, "SELECT s.id, c.id, r.enrolled_on", "SELECT s.id + 1000, c.id, r.enrolled_on")

    checks = run(tmp_path, postgres_dsn, load=load)

    problems = failed(checks)
    assert problems.pop("sample data loads (load.sql)").startswith(
        "load.sql statement 5 (INSERT INTO enrollments (student_id, ...): PostgreSQL error: insert or update on "
        'table "enrollments" violates foreign key constraint "enrollments_student_id_fkey"'
    )
    assert problems == {
        "one row per student, instructor, course and enrollment": "not checked: the sample data did not load",
        "view enrollment_report reproduces the report": "not checked: the sample data did not load",
        "no partial or transitive dependencies (2NF/3NF)": "not checked: the sample data did not load",
    }
    assert checks["foreign key courses → instructors"].message == (
        "courses(instructor_id) REFERENCES instructors declared (not probed: the sample data did not load)"
    )


def test_row_counts_reveal_missing_rows(tmp_path: Path, postgres_dsn: str) -> None:
    load = edited(
        LOAD,
        "JOIN courses c ON c.code = r.course_code;",
        "JOIN courses c ON c.code = r.course_code\nWHERE r.grade IS NOT NULL;",
    )

    checks = run(tmp_path, postgres_dsn, load=load)

    assert (
        failed(checks)["one row per student, instructor, course and enrollment"]
        == "enrollments has 18 rows, expected 22"
    )
    assert failed(checks)["view enrollment_report reproduces the report"].startswith(
        "expected 22 rows, got 18; 4 expected rows missing, e.g. ('Alex Kim', 'alex.kim@mail.example', 'SEC220'"
    )


def test_view_with_wrong_column_names(tmp_path: Path, postgres_dsn: str) -> None:
    checks = run(tmp_path, postgres_dsn, edited(SCHEMA, "s.email AS student_email", "s.email"))

    assert set(failed(checks)) == {"view enrollment_report reproduces the report"}
    check = checks["view enrollment_report reproduces the report"]
    assert check.message.startswith("columns differ: expected (student_name, student_email, course_code")
    assert check.actual.startswith("student_name, email, course_code")


def test_view_with_timestamps_instead_of_dates_differs(tmp_path: Path, postgres_dsn: str) -> None:
    checks = run(
        tmp_path,
        postgres_dsn,
        edited(SCHEMA, "e.enrolled_on, e.grade", "e.enrolled_on::timestamp AS enrolled_on, e.grade"),
    )

    assert set(failed(checks)) == {"view enrollment_report reproduces the report"}
    message = checks["view enrollment_report reproduces the report"].message
    assert message.startswith("22 expected rows missing") and "22 unexpected rows" in message


def test_missing_view(tmp_path: Path, postgres_dsn: str) -> None:
    checks = run(tmp_path, postgres_dsn, SCHEMA[: SCHEMA.index("CREATE VIEW")])

    assert failed(checks) == {
        "view enrollment_report reproduces the report": "no view named enrollment_report in schema.sql"
    }


def test_transitive_dependency_is_found(tmp_path: Path, postgres_dsn: str) -> None:
    schema = edited(
        SCHEMA,
        "instructor_id integer NOT NULL REFERENCES instructors(id)",
        "instructor_id integer NOT NULL REFERENCES instructors(id),\n    instructor_name text",
    )
    load = edited(
        LOAD,
        "INSERT INTO courses (code, title, instructor_id)\nSELECT DISTINCT r.course_code, r.course_title, i.id",
        "INSERT INTO courses (code, title, instructor_id, instructor_name)\n"
        "SELECT DISTINCT r.course_code, r.course_title, i.id, i.name",
    )

    checks = run(tmp_path, postgres_dsn, schema, load)

    assert failed(checks) == {
        "no partial or transitive dependencies (2NF/3NF)": (
            "courses.instructor_id and courses.instructor_name repeat together but are not a key "
            "(3NF: they describe something else; give it its own table)"
        )
    }


def test_partial_dependency_is_found(tmp_path: Path, postgres_dsn: str) -> None:
    schema = edited(NATURAL_SCHEMA, "grade         text,", "grade text, student_name text,")
    load = edited(
        NATURAL_LOAD,
        "INSERT INTO enrollments SELECT student_email, course_code, enrolled_on, grade FROM",
        "INSERT INTO enrollments SELECT student_email, course_code, enrolled_on, grade, student_name FROM",
    )

    checks = run(tmp_path, postgres_dsn, schema, load)

    assert failed(checks) == {
        "no partial or transitive dependencies (2NF/3NF)": (
            "enrollments.student_name depends on student_email, only part of the key (student_email, course_code) "
            "(2NF: move it to the table keyed by student_email)"
        )
    }


def test_flat_table_fails_many_checks(tmp_path: Path, postgres_dsn: str) -> None:
    schema = (
        "CREATE TABLE enrollments (student_name text, student_email text, course_code text, course_title text,\n"
        "  instructor_name text, instructor_email text, enrolled_on text, grade text,\n"
        "  PRIMARY KEY (student_email, course_code));\n"
        "CREATE VIEW enrollment_report AS SELECT * FROM enrollments;\n"
    )

    checks = run(tmp_path, postgres_dsn, schema, "INSERT INTO enrollments SELECT * FROM staging_report;")

    problems = failed(checks)
    assert problems["required tables and columns"].startswith("missing table students; missing table instructors")
    assert (
        "enrollments.student_name depends on student_email, only part of the key"
        in problems["no partial or transitive dependencies (2NF/3NF)"]
    )
    assert checks["view enrollment_report reproduces the report"].passed


def test_endless_recursive_cte_stops_at_the_statement_timeout(tmp_path: Path, postgres_dsn: str) -> None:
    endless = (
        "INSERT INTO students (name, email) WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x > 0) "
        "SELECT count(*)::text, 'e' FROM r;\n"
    )

    checks = run(tmp_path, postgres_dsn, SCHEMA, endless + LOAD, time_limit_seconds=0.5)

    assert failed(checks)["sample data loads (load.sql)"] == (
        "load.sql statement 1 (INSERT INTO students (name, ...): stopped after the 0.5 s statement timeout"
    )


# --- PostgreSQL's own mistakes ---------------------------------------------------------------------


def test_deferred_foreign_key_counts_because_the_orphan_is_rejected_at_commit(
    tmp_path: Path, postgres_dsn: str
) -> None:
    schema = edited(SCHEMA, "REFERENCES courses(id)", "REFERENCES courses(id) DEFERRABLE INITIALLY DEFERRED")

    checks = run(tmp_path, postgres_dsn, schema)

    assert failed(checks) == {}
    assert checks["foreign key enrollments → courses"].message == (
        "enrollments(course_id) REFERENCES courses; an orphan insert is rejected at commit (DEFERRABLE INITIALLY DEFERRED)"
    )


def test_not_valid_foreign_key_counts_only_when_every_row_has_its_parent(tmp_path: Path, postgres_dsn: str) -> None:
    unchecked = edited(
        SCHEMA, "instructor_id integer NOT NULL REFERENCES instructors(id)", "instructor_id integer NOT NULL"
    )
    unchecked = edited(
        unchecked,
        "CREATE VIEW",
        "ALTER TABLE courses ADD CONSTRAINT courses_instructor_fk FOREIGN KEY (instructor_id)\n"
        "    REFERENCES instructors (id) NOT VALID;\n\nCREATE VIEW",
    )

    clean = run(tmp_path, postgres_dsn, unchecked)

    assert failed(clean) == {}
    assert clean["foreign key courses → instructors"].message == (
        "courses(instructor_id) REFERENCES instructors; an orphan insert is rejected "
        "(declared NOT VALID, but every row has its parent)"
    )

    orphan_first = edited(
        unchecked,
        "ALTER TABLE courses ADD CONSTRAINT",
        "INSERT INTO courses (code, title, instructor_id) VALUES ('ZZ999', 'Nobody teaches this', 999);\n"
        "ALTER TABLE courses ADD CONSTRAINT",
    )

    checks = run(tmp_path, postgres_dsn, orphan_first)

    assert failed(checks) == {
        "foreign key courses → instructors": (
            "courses(instructor_id) REFERENCES instructors: declared NOT VALID, and rows it never checked break it "
            '(insert or update on table "courses" violates foreign key constraint "courses_instructor_fk" '
            'DETAIL: Key (instructor_id)=(999) is not present in table "instructors".)'
        ),
        "one row per student, instructor, course and enrollment": "courses has 7 rows, expected 6",
    }


def test_probe_stopped_by_another_rule_falls_back_to_the_catalog(tmp_path: Path, postgres_dsn: str) -> None:
    schema = edited(SCHEMA, "REFERENCES courses(id),", "REFERENCES courses(id) CHECK (course_id <= 6),")

    checks = run(tmp_path, postgres_dsn, schema)

    assert failed(checks) == {}
    assert checks["foreign key enrollments → courses"].message.startswith(
        "enrollments(course_id) REFERENCES courses; declared and its checks are enabled (the orphan probe was "
        'stopped first by: new row for relation "enrollments" violates check constraint "enrollments_course_id_check" '
        "DETAIL: Failing row contains ("
    )


def test_the_probe_credits_only_the_foreign_key_under_test(tmp_path: Path, postgres_dsn: str) -> None:
    """Two keys on enrollments.course_id: the deferred one is judged, the immediate twin fires first.
    The orphan was stopped, but not by the key under test, so the catalog decides and says so."""
    schema = edited(
        SCHEMA,
        "REFERENCES courses(id),",
        "REFERENCES courses(id) DEFERRABLE INITIALLY DEFERRED,\n    FOREIGN KEY (course_id) REFERENCES courses (id),",
    )

    checks = run(tmp_path, postgres_dsn, schema)

    assert failed(checks) == {}
    assert checks["foreign key enrollments → courses"].message.startswith(
        "enrollments(course_id) REFERENCES courses; declared and its checks are enabled (the orphan probe was "
        'stopped first by: insert or update on table "enrollments" violates foreign key constraint '
        '"enrollments_course_id_fkey1"'
    )


def test_a_unique_key_apart_from_the_probed_column_does_not_stop_the_probe(tmp_path: Path, postgres_dsn: str) -> None:
    schema = edited(
        SCHEMA,
        "UNIQUE (student_id, course_id)",
        "UNIQUE (student_id, course_id),\n    UNIQUE (student_id, enrolled_on, grade)",
    )

    checks = run(tmp_path, postgres_dsn, schema)

    assert failed(checks) == {}
    for parent in ("students", "courses"):
        assert checks[f"foreign key enrollments → {parent}"].message.endswith("; an orphan insert is rejected")


def test_disabled_foreign_key_triggers_let_orphans_in(tmp_path: Path, postgres_dsn: str) -> None:
    schema = edited(SCHEMA, "COMMENT ON TABLE", "ALTER TABLE enrollments DISABLE TRIGGER ALL;\n\nCOMMENT ON TABLE")

    checks = run(tmp_path, postgres_dsn, schema)

    assert failed(checks) == {
        f"foreign key enrollments → {parent}": (
            f"enrollments({parent[:-1]}_id) REFERENCES {parent}: a row pointing at a missing {parent} row was "
            "accepted (its check triggers are disabled: ENABLE TRIGGER ALL)"
        )
        for parent in ("students", "courses")
    }


@pytest.mark.parametrize(
    "columns", ["student_id, course_id, enrolled_on", "id, course_id", "course_id, student_id, grade"]
)
def test_unique_on_a_wider_column_set_does_not_stop_a_second_enrollment(
    tmp_path: Path, postgres_dsn: str, columns: str
) -> None:
    checks = run(tmp_path, postgres_dsn, edited(SCHEMA, "UNIQUE (student_id, course_id)", f"UNIQUE ({columns})"))

    assert failed(checks) == {
        "UNIQUE enrollment per student and course": "no PRIMARY KEY or UNIQUE on enrollments(course_id, student_id)",
    }


def test_unique_on_the_wrong_pair_rejects_the_sample_data(tmp_path: Path, postgres_dsn: str) -> None:
    checks = run(
        tmp_path, postgres_dsn, edited(SCHEMA, "UNIQUE (student_id, course_id)", "UNIQUE (student_id, enrolled_on)")
    )

    problems = failed(checks)
    assert problems.pop("UNIQUE enrollment per student and course") == (
        "no PRIMARY KEY or UNIQUE on enrollments(course_id, student_id)"
    )
    assert problems.pop("sample data loads (load.sql)").startswith(
        "load.sql statement 5 (INSERT INTO enrollments (student_id, ...): PostgreSQL error: duplicate key value "
        'violates unique constraint "enrollments_student_id_enrolled_on_key"'
    )
    assert set(problems.values()) == {"not checked: the sample data did not load"}


def test_partial_or_expression_unique_index_is_not_a_unique_column(tmp_path: Path, postgres_dsn: str) -> None:
    schema = edited(
        SCHEMA,
        "name  text NOT NULL,\n    email text NOT NULL UNIQUE\n);\n\nCREATE TABLE instructors",
        "name  text NOT NULL,\n    email text NOT NULL\n);\n"
        "CREATE UNIQUE INDEX students_email_with_at ON students (email) WHERE email LIKE '%@%';\n"
        "CREATE UNIQUE INDEX students_email_lower ON students (lower(email));\n\nCREATE TABLE instructors",
    )

    checks = run(tmp_path, postgres_dsn, schema)

    assert failed(checks) == {"UNIQUE students.email": "students.email is not UNIQUE (nor the PRIMARY KEY)"}


# --- the learner's own objects, and statements that may not run ------------------------------------


@pytest.fixture(scope="module")
def learner_database(postgres_dsn: str) -> Iterator[str]:
    """The learner's own tables next to the verifier's scratch schema: public.students (the same name
    the exercise uses) and a schema of their own, with rows."""
    import psycopg

    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE public.students (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE);"
            "INSERT INTO public.students (name, email) VALUES ('Mine', 'mine@example.org'), ('Also mine', NULL);"
            "CREATE SCHEMA shop; CREATE TABLE shop.orders (id int PRIMARY KEY, total numeric);"
            "INSERT INTO shop.orders VALUES (1, 9.99);"
            "CREATE VIEW public.enrollment_report AS SELECT name FROM public.students;"
        )
    try:
        yield postgres_dsn
    finally:
        with psycopg.connect(postgres_dsn, autocommit=True) as conn:
            conn.execute("DROP SCHEMA shop CASCADE; DROP VIEW public.enrollment_report; DROP TABLE public.students")


def dump(dsn: str) -> bytes:
    """pg_dump of everything in the database (schemas, tables, rows, grants): byte-comparable."""
    bin_dir = server_bin()
    assert bin_dir is not None  # the cluster fixture skipped otherwise
    found = [p for p in (bin_dir / "pg_dump", (bin_dir / "initdb").resolve().parent / "pg_dump") if p.exists()]
    if not found:
        pytest.skip("pg_dump is not installed next to initdb (it comes with the postgresql client package)")
    pg_dump = found[0]
    result = subprocess.run([str(pg_dump), "--no-sync", "-d", dsn], capture_output=True, timeout=60, check=True)
    # pg_dump >= 15.14 brackets its output with \\restrict / \\unrestrict <random key>: the only lines that differ
    lines = result.stdout.splitlines(keepends=True)
    return b"".join(line for line in lines if not line.startswith((b"\\restrict ", b"\\unrestrict ")))


def scratch_schemas(dsn: str) -> list[str]:
    import psycopg

    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'backend_mentor_%'").fetchall()
    return [name for (name,) in rows]


def test_the_learner_s_own_objects_are_untouched(tmp_path: Path, learner_database: str) -> None:
    before = dump(learner_database)
    assert b"mine@example.org" in before and b"shop.orders" in before

    checks = run(tmp_path, learner_database, SCHEMA, LOAD + "\nINSERT INTO students (name, email) VALUES ('x', 'y');\n")

    assert failed(checks)["one row per student, instructor, course and enrollment"] == "students has 9 rows, expected 8"
    assert dump(learner_database) == before
    assert scratch_schemas(learner_database) == []


HOSTILE = {
    "drop public": ("DROP SCHEMA public CASCADE;", "schema.sql may only hold " + postgres_schema.SCHEMA_KINDS),
    "search_path": ("SET search_path = public;", "schema.sql may only hold " + postgres_schema.SCHEMA_KINDS),
    "role": ("SET ROLE nobody;", "schema.sql may only hold " + postgres_schema.SCHEMA_KINDS),
    "reset": ("RESET ALL;", "schema.sql may only hold " + postgres_schema.SCHEMA_KINDS),
    "qualified": (
        "CREATE TABLE public.students (id int);",
        "it names the schema public: leave names unqualified, they land in the scratch schema",
    ),
    "quoted qualified": (
        'INSERT INTO "shop"."orders" VALUES (2, 0);',
        "it names the schema shop: leave names unqualified, they land in the scratch schema",
    ),
    "database qualified": (
        "ALTER TABLE postgres.public.students DROP COLUMN email;",
        "it names the schema public: leave names unqualified, they land in the scratch schema",
    ),
    "set schema": (
        "ALTER TABLE students SET SCHEMA public;",
        "SET SCHEMA would move your object out of the scratch schema the verifier judges",
    ),
    "set_config": (
        "CREATE TABLE t AS SELECT set_config('search_path', 'public', false) AS p;",
        "set_config() changes the session or reaches outside it, so it does not run here",
    ),
    "set_config after a dash-dash string": (
        "CREATE TABLE t (a text DEFAULT '--', b text DEFAULT set_config('role', 'postgres', false));",
        "set_config() changes the session or reaches outside it, so it does not run here",
    ),
    "pg function": (
        "CREATE TABLE t AS SELECT pg_terminate_backend(pid) FROM pg_stat_activity;",
        "pg_terminate_backend() changes the session or reaches outside it, so it does not run here",
    ),
    "xml reader of another schema": (
        "CREATE TABLE t AS SELECT schema_to_xml('shop', true, false, '') AS x;",
        "schema_to_xml() changes the session or reaches outside it, so it does not run here",
    ),
    "regclass string": (
        "CREATE TABLE t (n bigint DEFAULT nextval('public.students_id_seq'));",
        "it names the schema public in a string: leave names unqualified",
    ),
    "comment on schema": (
        "COMMENT ON SCHEMA public IS 'mine now';",
        "schema.sql may only hold " + postgres_schema.SCHEMA_KINDS,
    ),
    "temporary": (
        "CREATE TEMP TABLE t (a int);",
        "temporary objects live outside the scratch schema the verifier judges: drop TEMP",
    ),
    "quote read differently": (
        "CREATE TABLE t (a text DEFAULT E'it\\'s'); DROP SCHEMA public CASCADE; SELECT 'x');",
        "a quoted string or name is never closed",
    ),
    "second command hidden in brackets": (
        "CREATE TABLE t (a int) [; DROP SCHEMA public CASCADE; ];",
        "it holds more than one statement (a quote the splitter read differently?)",
    ),
    "unicode escape": (
        'CREATE TABLE U&"\\0070ublic".t (a int);',
        "Unicode-escaped names and strings (U&'...') are not accepted here",
    ),
    "function": (
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ DROP SCHEMA public CASCADE; SELECT 1 $$;",
        "dollar-quoted strings ($$ ... $$) belong to functions, which this checkpoint does not run",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_schema_is_refused_without_running(tmp_path: Path, learner_database: str, case: str) -> None:
    statement, reason = HOSTILE[case]
    before = dump(learner_database)

    checks = run(tmp_path, learner_database, statement + "\n" + SCHEMA)

    assert checks["schema.sql runs"].message == (
        f"schema.sql statement 1 ({first_words(statement)}): refused, nothing ran: {reason}"
    )
    assert set(failed(checks).values()) == {checks["schema.sql runs"].message, "not checked: schema.sql did not run"}
    assert dump(learner_database) == before
    assert scratch_schemas(learner_database) == []


def test_a_refused_statement_late_in_the_file_stops_the_whole_file(tmp_path: Path, learner_database: str) -> None:
    before = dump(learner_database)

    checks = run(tmp_path, learner_database, SCHEMA + "\nDROP SCHEMA public CASCADE;\n")

    assert checks["schema.sql runs"].message.startswith("schema.sql statement 7 (DROP SCHEMA public CASCADE): refused")
    assert dump(learner_database) == before


def test_load_sql_may_only_insert(tmp_path: Path, learner_database: str) -> None:
    before = dump(learner_database)

    checks = run(tmp_path, learner_database, SCHEMA, LOAD + "\nDELETE FROM students;\n")

    problems = failed(checks)
    assert problems.pop("sample data loads (load.sql)") == (
        "load.sql statement 7 (DELETE FROM students): refused, nothing ran: load.sql may only hold "
        "INSERT statements (INSERT INTO your_table ... SELECT ... FROM staging_report)"
    )
    assert set(problems.values()) == {"not checked: the sample data did not load"}
    assert dump(learner_database) == before


def test_the_server_runs_one_command_per_statement_even_past_the_screen(learner_database: str) -> None:
    """Second layer under the screen: each statement goes through the extended protocol, so a
    second command the splitter and the screen both missed is refused by PostgreSQL itself."""
    import contextlib

    from backend_mentor.checkpoints import postgres

    before = dump(learner_database)
    conn = postgres.connect(learner_database)
    with (
        contextlib.closing(conn),
        postgres.scratch_schema(conn) as schema,
        pytest.raises(postgres_schema.StatementFailed, match="cannot insert multiple commands"),
        conn.transaction(force_rollback=True),
    ):
        postgres_schema.run_statements(
            conn, schema, [(1, "CREATE TABLE t (a int); DROP SCHEMA public CASCADE")], "schema.sql", 5.0
        )
    assert dump(learner_database) == before


def test_search_path_is_the_scratch_schema_for_every_statement(tmp_path: Path, learner_database: str) -> None:
    """public.students exists; the learner's unqualified students must still be their own table."""
    checks = run(tmp_path, learner_database)

    assert failed(checks) == {}


def test_the_dependency_search_is_bounded() -> None:
    columns = [f"k{i}" for i in range(12)] + ["other"]
    rows = [(0,) * 12 + (i,) for i in range(50)]  # 4,094 parts of the key, each read over 50 rows
    key = frozenset(columns[:12])

    with pytest.raises(postgres_schema.BudgetSpent):
        postgres_schema.dependency_problems("wide", columns, [key], rows, postgres_schema.Budget(10_000))
    assert postgres_schema.dependency_problems("wide", columns, [key], rows, postgres_schema.Budget(10_000_000)) == []


def test_cannot_start_without_a_local_dsn_or_both_files(tmp_path: Path, postgres_dsn: str) -> None:
    (tmp_path / "schema.sql").write_text(SCHEMA, encoding="utf-8")
    with pytest.raises(VerifierInputError, match="load file \\(load.sql\\) not found"):
        postgres_schema.verify_schema(options(tmp_path, postgres_dsn))
    (tmp_path / "load.sql").write_text(LOAD, encoding="utf-8")
    with pytest.raises(VerifierInputError, match="--engine postgres needs --dsn"):
        postgres_schema.verify_schema(options(tmp_path, ""))
    with pytest.raises(VerifierInputError, match="--dsn points at db.example.com, not this machine"):
        postgres_schema.verify_schema(options(tmp_path, "postgresql://me@db.example.com/school"))


def test_load_file_can_come_from_another_directory(tmp_path: Path, postgres_dsn: str) -> None:
    (tmp_path / "schema.sql").write_text(SCHEMA, encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "inserts.sql").write_text(LOAD, encoding="utf-8")
    found = options(tmp_path, postgres_dsn, load_file="inserts.sql")
    found.directory = tmp_path / "data"

    assert all(c.passed for c in postgres_schema.verify_schema(found))


def test_a_server_error_in_the_verifier_s_own_reading_is_one_clear_line(
    tmp_path: Path, learner_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow_count(review: postgres_schema.Review) -> Check:
        review.conn.execute("SELECT pg_sleep(5)")  # past the 0.3 s statement timeout, like a count over millions
        raise AssertionError("the statement timeout did not fire")

    monkeypatch.setattr(postgres_schema, "check_counts", slow_count)
    (tmp_path / "schema.sql").write_text(SCHEMA, encoding="utf-8")
    (tmp_path / "load.sql").write_text(LOAD, encoding="utf-8")

    with pytest.raises(VerifierInputError, match="^PostgreSQL stopped the verifier's own reading after the 0.3 s"):
        postgres_schema.verify_schema(options(tmp_path, learner_database, time_limit_seconds=0.3))
    assert scratch_schemas(learner_database) == []


def test_an_ordinary_role_with_create_on_the_database_is_enough(tmp_path: Path, postgres_dsn: str) -> None:
    """Learners rarely connect as a superuser: a role that may only create schemas gets the same verdict."""
    import psycopg

    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute("CREATE ROLE plain_learner LOGIN")
        conn.execute("GRANT CREATE ON DATABASE postgres TO plain_learner")
    try:
        checks = run(tmp_path, postgres_dsn.replace("postgres@", "plain_learner@"))
    finally:
        with psycopg.connect(postgres_dsn, autocommit=True) as conn:
            conn.execute("REVOKE CREATE ON DATABASE postgres FROM plain_learner")
            conn.execute("DROP ROLE plain_learner")

    assert failed(checks) == {}


def test_checks_that_cannot_run_are_skipped_as_on_sqlite(tmp_path: Path, postgres_dsn: str) -> None:
    """Both engines share one table of checks: what needs schema.sql or the sample data is a SKIP
    (it could not run), not a FAIL of its own."""
    broken_schema = run(tmp_path, postgres_dsn, edited(SCHEMA, "CREATE TABLE instructors", "CREATE TABEL instructors"))
    assert [c.name for c in broken_schema.values() if c.skipped] == sql_schema.CHECK_NAMES_AFTER_SCHEMA

    load = edited(LOAD, "SELECT s.id, c.id, r.enrolled_on", "SELECT s.id + 1000, c.id, r.enrolled_on")
    broken_load = run(tmp_path, postgres_dsn, load=load)
    assert [c.name for c in broken_load.values() if c.skipped] == [
        "one row per student, instructor, course and enrollment",
        "view enrollment_report reproduces the report",
        "no partial or transitive dependencies (2NF/3NF)",
    ]
    assert broken_load["sample data loads (load.sql)"].outcome is Outcome.FAIL
