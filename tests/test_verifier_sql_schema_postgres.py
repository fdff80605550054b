"""The sql-schema verifier on PostgreSQL (design-normalized-schema --engine postgres), against a real
throwaway cluster: the same reference designs and defects as the SQLite tests, PostgreSQL's own
mistakes, and the learner's objects outside the scratch schema left alone."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from backend_mentor.checkpoints import postgres_schema, sql_schema
from backend_mentor.checkpoints.base import Check

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
    assert checks["foreign key enrollments → courses"].message.endswith("; an orphan insert is rejected")
    assert checks["one row per student, instructor, course and enrollment"].message == (
        "students: 8, instructors: 4, courses: 6, enrollments: 22"
    )
