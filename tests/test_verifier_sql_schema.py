"""The sql-schema verifier (checkpoint design-normalized-schema)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from backend_mentor.checkpoints import sql_schema
from backend_mentor.checkpoints.base import Check, VerifierInputError, VerifyOptions

DATA = Path(__file__).parent / "data" / "sql_schema"
SCHEMA = (DATA / "schema.sql").read_text(encoding="utf-8")
LOAD = (DATA / "load.sql").read_text(encoding="utf-8")


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def edited(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def run(tmp_path: Path, schema: str = SCHEMA, load: str = LOAD, **params: object) -> dict[str, Check]:
    """Verify the two files written to tmp_path, asserting they are left untouched."""
    (tmp_path / "schema.sql").write_text(schema, encoding="utf-8")
    (tmp_path / "load.sql").write_text(load, encoding="utf-8")
    before = snapshot(tmp_path)
    checks = sql_schema.verify(VerifyOptions(file=tmp_path / "schema.sql", params=dict(params)))
    assert snapshot(tmp_path) == before
    assert [c.name for c in checks] == ["schema.sql runs", *sql_schema.CHECK_NAMES_AFTER_SCHEMA]
    return {c.name: c for c in checks}


def failed(checks: dict[str, Check]) -> dict[str, str]:
    return {name: c.message for name, c in checks.items() if not c.passed}


@pytest.mark.parametrize("design", ["surrogate keys", "natural keys"])
def test_reference_designs_pass_every_check(tmp_path: Path, design: str) -> None:
    folder = DATA if design == "surrogate keys" else DATA / "natural"
    schema = (folder / "schema.sql").read_text(encoding="utf-8")
    load = (folder / "load.sql").read_text(encoding="utf-8")

    checks = run(tmp_path, schema, load)

    assert failed(checks) == {}
    assert checks["view enrollment_report reproduces the report"].message == "all 22 report rows, same columns"


def test_a_schema_that_does_not_run_skips_the_rest(tmp_path: Path) -> None:
    checks = run(tmp_path, edited(SCHEMA, "CREATE TABLE instructors", "CREATE TABEL instructors"))

    assert checks["schema.sql runs"].message == (
        'schema.sql statement 3 (CREATE TABEL instructors ( ...): SQLite error: near "TABEL": syntax error'
    )
    assert set(failed(checks).values()) == {checks["schema.sql runs"].message, "not checked: schema.sql did not run"}
    assert [c.name for c in checks.values() if c.skipped] == sql_schema.CHECK_NAMES_AFTER_SCHEMA


def test_missing_column_is_named(tmp_path: Path) -> None:
    schema = edited(SCHEMA, "title         TEXT NOT NULL,", "name          TEXT NOT NULL,")
    schema = edited(schema, "c.title AS course_title", "c.name AS course_title")
    load = edited(LOAD, "INSERT INTO courses (code, title,", "INSERT INTO courses (code, name,")

    checks = run(tmp_path, schema, load)

    assert failed(checks) == {
        "required tables and columns": "courses has no column title",
        "NOT NULL where required": "missing NOT NULL on: courses.title",
    }


def test_table_without_primary_key(tmp_path: Path) -> None:
    schema = edited(SCHEMA, "    id          INTEGER PRIMARY KEY,\n    student_id", "    student_id")
    schema = edited(schema, "UNIQUE (student_id, course_id)", "CHECK (grade <> '')")

    checks = run(tmp_path, schema)

    assert failed(checks) == {
        "every table has a primary key": "no PRIMARY KEY in: enrollments",
        "UNIQUE enrollment per student and course": "no PRIMARY KEY or UNIQUE on enrollments(course_id, student_id)",
    }


def test_missing_foreign_key(tmp_path: Path) -> None:
    checks = run(tmp_path, edited(SCHEMA, "INTEGER NOT NULL REFERENCES students(id)", "INTEGER NOT NULL"))

    assert failed(checks) == {
        "foreign key enrollments → students": "enrollments has no FOREIGN KEY ... REFERENCES students",
        "UNIQUE enrollment per student and course": "cannot tell: enrollments needs foreign keys to students and courses",
    }


def test_foreign_key_to_a_column_that_is_not_unique(tmp_path: Path) -> None:
    schema = edited(SCHEMA, "REFERENCES instructors(id)", "REFERENCES instructors(name)")

    message = failed(run(tmp_path, schema))["foreign key courses → instructors"]

    assert message == (
        'foreign key mismatch - "courses" referencing "instructors": '
        "courses(instructor_id) REFERENCES instructors must point at the PRIMARY KEY or a UNIQUE column"
    )


def test_learner_pragma_cannot_switch_foreign_keys_off(tmp_path: Path) -> None:
    checks = run(tmp_path, "PRAGMA foreign_keys = OFF;\n" + SCHEMA)

    fk = checks["foreign key enrollments → courses"]
    assert fk.passed and fk.message == "enrollments(course_id) REFERENCES courses; an orphan insert is rejected"


def test_missing_not_null(tmp_path: Path) -> None:
    schema = edited(
        SCHEMA,
        "name  TEXT NOT NULL,\n    email TEXT NOT NULL UNIQUE\n);\n\nCREATE TABLE instructors",
        "name  TEXT,\n    email TEXT NOT NULL UNIQUE\n);\n\nCREATE TABLE instructors",
    )
    schema = edited(schema, "course_id   INTEGER NOT NULL", "course_id   INTEGER")

    checks = run(tmp_path, schema)

    assert failed(checks) == {"NOT NULL where required": "missing NOT NULL on: students.name, enrollments.course_id"}


def test_missing_unique_email(tmp_path: Path) -> None:
    schema = edited(
        SCHEMA,
        "name  TEXT NOT NULL,\n    email TEXT NOT NULL UNIQUE\n);\n\nCREATE TABLE instructors",
        "name  TEXT NOT NULL,\n    email TEXT NOT NULL\n);\n\nCREATE TABLE instructors",
    )

    checks = run(tmp_path, schema)

    assert failed(checks) == {"UNIQUE students.email": "students.email is not UNIQUE (nor the PRIMARY KEY)"}
    assert checks["UNIQUE students.email"].hint_topic == "sql-constraints"


def test_missing_unique_enrollment(tmp_path: Path) -> None:
    checks = run(tmp_path, edited(SCHEMA, ",\n    UNIQUE (student_id, course_id)", ""))

    assert failed(checks) == {
        "UNIQUE enrollment per student and course": "no PRIMARY KEY or UNIQUE on enrollments(course_id, student_id)",
    }


def test_sample_data_that_does_not_load(tmp_path: Path) -> None:
    load = edited(LOAD, "SELECT s.id, c.id, r.enrolled_on", "SELECT s.id + 1000, c.id, r.enrolled_on")

    checks = run(tmp_path, load=load)

    assert failed(checks) == {
        "sample data loads (load.sql)": (
            "load.sql statement 5 (INSERT INTO enrollments (student_id, ...): SQLite error: FOREIGN KEY constraint failed"
        ),
        "one row per student, instructor, course and enrollment": "not checked: the sample data did not load",
        "view enrollment_report reproduces the report": "not checked: the sample data did not load",
        "no partial or transitive dependencies (2NF/3NF)": "not checked: the sample data did not load",
    }


def test_row_counts_reveal_missing_rows(tmp_path: Path) -> None:
    load = edited(
        LOAD,
        "JOIN courses c ON c.code = r.course_code;",
        "JOIN courses c ON c.code = r.course_code\nWHERE r.grade IS NOT NULL;",
    )

    checks = run(tmp_path, load=load)

    assert (
        failed(checks)["one row per student, instructor, course and enrollment"]
        == "enrollments has 18 rows, expected 22"
    )
    assert failed(checks)["view enrollment_report reproduces the report"].startswith(
        "expected 22 rows, got 18; 4 expected rows missing, e.g. ('Alex Kim', 'alex.kim@mail.example', 'SEC220'"
    )


def test_view_with_wrong_column_names(tmp_path: Path) -> None:
    checks = run(tmp_path, edited(SCHEMA, "s.email AS student_email", "s.email"))

    check = checks["view enrollment_report reproduces the report"]
    assert not check.passed
    assert check.message.startswith("columns differ: expected (student_name, student_email, course_code")
    assert check.actual.startswith("student_name, email, course_code")


def test_missing_view(tmp_path: Path) -> None:
    schema = SCHEMA[: SCHEMA.index("CREATE VIEW")]

    checks = run(tmp_path, schema)

    assert failed(checks) == {
        "view enrollment_report reproduces the report": "no view named enrollment_report in schema.sql"
    }


def test_view_over_the_staging_table(tmp_path: Path) -> None:
    schema = SCHEMA[: SCHEMA.index("CREATE VIEW")] + "CREATE VIEW enrollment_report AS SELECT * FROM staging_report;\n"

    message = failed(run(tmp_path, schema))["view enrollment_report reproduces the report"]

    assert message == (
        "enrollment_report does not run: SQLite error: no such table: main.staging_report "
        "(staging_report exists only while load.sql runs)"
    )


def test_transitive_dependency_is_found(tmp_path: Path) -> None:
    schema = edited(
        SCHEMA,
        "instructor_id INTEGER NOT NULL REFERENCES instructors(id)",
        "instructor_id INTEGER NOT NULL REFERENCES instructors(id),\n    instructor_name TEXT",
    )
    load = edited(
        LOAD,
        "INSERT INTO courses (code, title, instructor_id)\nSELECT DISTINCT r.course_code, r.course_title, i.id",
        "INSERT INTO courses (code, title, instructor_id, instructor_name)\n"
        "SELECT DISTINCT r.course_code, r.course_title, i.id, i.name",
    )

    checks = run(tmp_path, schema, load)

    assert failed(checks) == {
        "no partial or transitive dependencies (2NF/3NF)": (
            "courses.instructor_id and courses.instructor_name repeat together but are not a key "
            "(3NF: they describe something else; give it its own table)"
        )
    }


def test_partial_dependency_is_found(tmp_path: Path) -> None:
    natural = DATA / "natural"
    schema = edited(
        (natural / "schema.sql").read_text(encoding="utf-8"), "grade         TEXT,", "grade TEXT, student_name TEXT,"
    )
    load = edited(
        (natural / "load.sql").read_text(encoding="utf-8"),
        "INSERT INTO enrollments SELECT student_email, course_code, enrolled_on, grade FROM",
        "INSERT INTO enrollments SELECT student_email, course_code, enrolled_on, grade, student_name FROM",
    )

    checks = run(tmp_path, schema, load)

    assert failed(checks) == {
        "no partial or transitive dependencies (2NF/3NF)": (
            "enrollments.student_name depends on student_email, only part of the key (student_email, course_code) "
            "(2NF: move it to the table keyed by student_email)"
        )
    }


WIDE = 40


def wide_table(partial: bool) -> tuple[str, str]:
    """A table keyed by a 40-column UNIQUE, and rows for it; ``partial``: its ``note`` depends on c1 only."""
    cols = [f"c{i}" for i in range(1, WIDE + 1)]
    schema = f"CREATE TABLE wide (id INTEGER PRIMARY KEY, {', '.join(c + ' TEXT' for c in cols)}, note TEXT, "
    schema += f"UNIQUE ({', '.join(cols)}));\n"
    rows = []
    for r in range(24):
        values = [f"'{(r * (i + 3)) % 5}'" for i in range(WIDE)]
        values[0], values[1] = f"'{r % 4}'", f"'row {r}'"
        note = f"'n{r % 4}'" if partial else f"'n{r}'"
        rows.append(f"({', '.join(values)}, {note})")
    load = f"INSERT INTO wide ({', '.join(cols)}, note) VALUES {', '.join(rows)};\n"
    return schema, load


def test_a_forty_column_key_is_analysed_in_polynomial_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """2^40 subsets would run for hours; every dependency test is counted and capped here."""
    calls = 0

    def counting(real):
        def counted(*args):
            nonlocal calls
            calls += 1
            assert calls < 20_000, "the normal-form search is exponential in the key width"
            return real(*args)

        return counted

    for name in ("determines", "holds"):  # every test of a functional dependency on the rows
        if hasattr(sql_schema, name):
            monkeypatch.setattr(sql_schema, name, counting(getattr(sql_schema, name)))
    schema, load = wide_table(partial=True)

    checks = run(tmp_path, SCHEMA + schema, LOAD + load)

    message = failed(checks)["no partial or transitive dependencies (2NF/3NF)"]
    assert message.startswith("wide.note depends on c1, only part of the key (c1, c2, ")


def test_a_wide_key_without_a_partial_dependency_passes(tmp_path: Path) -> None:
    schema, load = wide_table(partial=False)

    checks = run(tmp_path, SCHEMA + schema, LOAD + load)

    assert checks["no partial or transitive dependencies (2NF/3NF)"].passed


def test_the_dependency_analysis_stops_at_its_deadline(tmp_path: Path) -> None:
    class Clock:
        now = 0.0

        def __call__(self) -> float:
            self.now += 1.0  # every look at the clock costs a second
            return self.now

    schema, load = wide_table(partial=True)
    (tmp_path / "schema.sql").write_text(SCHEMA + schema, encoding="utf-8")
    (tmp_path / "load.sql").write_text(LOAD + load, encoding="utf-8")

    checks = sql_schema.verify(
        VerifyOptions(file=tmp_path / "schema.sql", params={"time_limit_seconds": 5}), clock=Clock()
    )

    check = next(c for c in checks if c.name == "no partial or transitive dependencies (2NF/3NF)")
    assert not check.passed
    assert check.message.startswith("the dependency analysis stopped after the 5 s time limit at table ")


def test_flat_table_fails_many_checks(tmp_path: Path) -> None:
    schema = (
        "CREATE TABLE enrollments (student_name TEXT, student_email TEXT, course_code TEXT, course_title TEXT,\n"
        "  instructor_name TEXT, instructor_email TEXT, enrolled_on TEXT, grade TEXT,\n"
        "  PRIMARY KEY (student_email, course_code));\n"
        "CREATE VIEW enrollment_report AS SELECT * FROM enrollments;\n"
    )

    checks = run(tmp_path, schema, "INSERT INTO enrollments SELECT * FROM staging_report;")

    problems = failed(checks)
    assert problems["required tables and columns"].startswith("missing table students; missing table instructors")
    assert (
        "enrollments.student_name depends on student_email, only part of the key"
        in problems["no partial or transitive dependencies (2NF/3NF)"]
    )
    assert checks["view enrollment_report reproduces the report"].passed


HOSTILE_SCHEMAS = {
    "attach": (
        "ATTACH DATABASE '{evil}' AS evil;",
        "refused (not authorized): ATTACH, DETACH and VACUUM INTO are not allowed",
    ),
    "vacuum": (
        "VACUUM INTO '{evil}';",
        "refused (authorization denied): ATTACH, DETACH and VACUUM INTO are not allowed",
    ),
    "prose": (
        "Students have many courses, and courses have one teacher.",
        'SQLite error: near "Students": syntax error',
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_SCHEMAS))
def test_hostile_schema_fails_cleanly(tmp_path: Path, case: str) -> None:
    evil = tmp_path / "evil.db"
    statement, message = HOSTILE_SCHEMAS[case]

    checks = run(tmp_path, statement.format(evil=evil) + "\n" + SCHEMA)

    assert (
        checks["schema.sql runs"].message
        == f"schema.sql statement 1 ({_first_words(statement.format(evil=evil))}): {message}"
    )
    assert not evil.exists()


def _first_words(statement: str) -> str:
    words = statement.rstrip(";").split()
    return " ".join(words[:4]) + (" ..." if len(words) > 4 else "")


def test_endless_recursive_cte_stops_at_the_time_limit(tmp_path: Path) -> None:
    endless = "CREATE TABLE numbers AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x > 0) SELECT count(*) AS n FROM r;\n"
    start = time.monotonic()

    checks = run(tmp_path, SCHEMA, endless + LOAD, time_limit_seconds=0.5)

    assert time.monotonic() - start < 60  # generous: only a missing time limit would take longer
    assert failed(checks)["sample data loads (load.sql)"] == (
        "load.sql statement 1 (CREATE TABLE numbers AS ...): "
        "stopped after the 0.5 s time limit (a recursive CTE that never ends?)"
    )


def test_drop_table_in_load_only_hurts_the_temporary_copy(tmp_path: Path) -> None:
    checks = run(tmp_path, SCHEMA, LOAD + "\nDROP TABLE enrollments;\nDROP TABLE staging_report;\n")

    assert failed(checks)["required tables and columns"] == "missing table enrollments"


def test_load_file_can_come_from_another_directory(tmp_path: Path) -> None:
    (tmp_path / "schema.sql").write_text(SCHEMA, encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "inserts.sql").write_text(LOAD, encoding="utf-8")

    options = VerifyOptions(
        file=tmp_path / "schema.sql", directory=tmp_path / "data", params={"load_file": "inserts.sql"}
    )

    assert all(c.passed for c in sql_schema.verify(options))


def test_cannot_start_without_both_files(tmp_path: Path) -> None:
    with pytest.raises(VerifierInputError, match="needs --file"):
        sql_schema.verify(VerifyOptions())
    (tmp_path / "schema.sql").write_text(SCHEMA, encoding="utf-8")
    with pytest.raises(VerifierInputError, match="load file \\(load.sql\\) not found"):
        sql_schema.verify(VerifyOptions(file=tmp_path / "schema.sql"))


def test_starter_files_describe_the_scenario() -> None:
    files = sql_schema.starter_files({})

    assert set(files) == {"SCENARIO.md", "report.csv", "schema.sql", "load.sql"}
    assert "staging_report" in files["SCENARIO.md"] and "enrollment_report" in files["SCENARIO.md"]
    assert files["report.csv"].splitlines()[0] == ",".join(sql_schema.REPORT_COLUMNS)
    assert len(files["report.csv"].splitlines()) == 23


def test_a_temp_table_of_gigabytes_fails_within_limits(tmp_path: Path) -> None:
    """5 GB used to be written in 5 s; now no file may grow past 256 MB and the check fails cleanly."""
    from test_verifier_sql_queries import verify_with_resource_limits

    huge = (
        "CREATE TEMP TABLE junk AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 9000) "
        "SELECT printf('%.*c', 900000, 'a') AS s FROM r;\n"
    )
    (tmp_path / "schema.sql").write_text(huge + SCHEMA, encoding="utf-8")
    (tmp_path / "load.sql").write_text(LOAD, encoding="utf-8")

    messages = verify_with_resource_limits("sql_schema", tmp_path / "schema.sql", time_limit_seconds=60)

    assert messages["schema.sql runs"] == (
        "schema.sql statement 1 (CREATE TEMP TABLE junk ...): stopped at the storage limit of this verifier's "
        "database (huge rows, a huge temporary table or index?)"
    )
