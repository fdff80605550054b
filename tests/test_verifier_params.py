"""Typed verifier params: `curriculum validate` rejects unknown or mistyped params at their line."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from conftest import topic_yaml

from backend_mentor.checkpoints import params as verifier_params
from backend_mentor.checkpoints import pytest_bugs, sql_explain, sql_queries, sql_schema
from backend_mentor.checkpoints.base import VerifierInputError, VerifyOptions
from backend_mentor.curriculum.schema import VERIFIER_KINDS

SHIPPED = Path(__file__).parent.parent / "curriculum" / "checkpoints"


def checkpoint_yaml(kind: str, params: str) -> str:
    return (
        "id: cp\ntitle: A checkpoint\nsummary: Something to build.\ntopics: [alpha]\n"
        "instructions: Build it.\n"
        f"verifier:\n  kind: {kind}\n  params:\n{params}"
    )


def validate(invoke, make_pack, kind: str, params: str):
    pack = make_pack(
        topics={"alpha": topic_yaml("alpha")},
        files={"checkpoints/cp.yaml": checkpoint_yaml(kind, params)},
        categories=True,
    )
    return invoke("curriculum", "validate", str(pack), "--standalone")


def test_every_kind_declares_its_params_as_a_frozen_dataclass() -> None:
    assert set(verifier_params.PARAMS) == set(VERIFIER_KINDS)
    for cls in verifier_params.PARAMS.values():
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen
        cls()  # every param has a default


def test_a_misspelt_param_is_reported_at_its_line_with_a_suggestion(invoke, make_pack) -> None:
    result = validate(invoke, make_pack, "http-auth", "    ttl_secnds: 5\n")

    assert result.exit_code == 1
    assert result.stdout.strip().endswith(
        "cp.yaml:9: verifier.params: unknown param 'ttl_secnds' for http-auth (did you mean 'ttl_seconds'?); "
        "accepted: ttl_seconds"
    )


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("sql-queries", "    time_limit_seconds: soon\n", "'time_limit_seconds' must be a number; got 'soon'"),
        ("sql-queries", "    time_limit_seconds: .inf\n", "'time_limit_seconds' must be a number; got inf"),
        ("sql-explain", "    runs: 2.5\n", "'runs' must be an integer; got 2.5"),
        ("sql-explain", "    min_speedup: true\n", "'min_speedup' must be a number; got True"),
        ("pytest-bugs", "    run_timeout_seconds: 0\n", "'run_timeout_seconds' must be more than 0; got 0.0"),
        ("pytest-bugs", "    required_share: 1.5\n", "'required_share' must be at most 1; got 1.5"),
        ("pytest-bugs", "    plugins: xdist\n", "'plugins' must be a list of strings; got 'xdist'"),
        ("sql-schema", "    load_file: ''\n", "'load_file' must be a non-empty string; got ''"),
        ("http-monitoring", "    requests: -3\n", "'requests' must be at least 1; got -3"),
        ("http-rest", "    strict: true\n", "unknown param 'strict' for http-rest; accepted: none"),
    ],
)
def test_mistyped_params_are_rejected(invoke, make_pack, kind: str, params: str, message: str) -> None:
    result = validate(invoke, make_pack, kind, params)

    assert result.exit_code == 1
    assert result.stdout.strip().endswith(f"cp.yaml:9: verifier.params: {message}"), result.stdout


def test_good_params_validate(invoke, make_pack) -> None:
    result = validate(
        invoke, make_pack, "pytest-bugs", "    run_timeout_seconds: 5\n    plugins: [xdist]\n    required_share: 1\n"
    )

    assert result.exit_code == 0, result.output


def test_the_shipped_checkpoints_use_only_declared_params(invoke) -> None:
    result = invoke("curriculum", "validate", "--json")

    report = json.loads(result.stdout)
    assert [p for p in report["problems"] if "verifier.params" in str(p)] == []


@pytest.mark.parametrize(
    ("module", "params"),
    [
        (sql_queries, {"time_limit_seconds": "2 s"}),
        (sql_explain, {"runs": "five"}),
        (sql_schema, {"time_limit_seconds": [5]}),
        (pytest_bugs, {"timeout_secnds": 5}),
    ],
)
def test_a_verifier_refuses_bad_params_with_one_clear_error(tmp_path: Path, module, params) -> None:
    answer = tmp_path / "test_pricing.py"
    answer.write_text("-- nothing\n")

    with pytest.raises(VerifierInputError, match="^the checkpoint's verifier.params are invalid: "):
        module.verify(VerifyOptions(file=answer, params=params))
