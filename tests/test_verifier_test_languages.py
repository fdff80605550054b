"""unit-integration-tests in JavaScript (node --test) and Go (go test): the learner's own toolchain.

One specification and one list of seeded bugs serve pytest, Node and Go. These tests run the real
runners on real suites: a thorough suite catches every bug, the starter suite misses most of them
and names what to test, a suite that fails on the correct module shows the runner's real error, a
suite that never ends is killed in time.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import first_runs

from backend_mentor.checkpoints import pytest_bugs, toolchains
from backend_mentor.checkpoints.base import Outcome, VerifierInputError, VerifyOptions

DATA = Path(__file__).parent / "data" / "test_bugs"
GOOD = {"node": "good.test.js", "go": "good_test.go"}
STARTER = {"node": "pricing.test.js", "go": "pricing_test.go"}
needs = {
    "node": pytest.mark.skipif(
        shutil.which("node") is None, reason="Node.js is not installed (apt-get install nodejs)"
    ),
    "go": pytest.mark.skipif(shutil.which("go") is None, reason="Go is not installed (apt-get install golang-go)"),
}
LANGUAGES = [pytest.param(lang, marks=needs[lang]) for lang in ("node", "go")]


def suite(tmp_path: Path, language: str, name: str, text: str) -> Path:
    folder = tmp_path / f"{language}-work"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def verify(folder: Path, language: str, clock: pytest_bugs.Clock = time.monotonic, **params: object) -> list:
    def files() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}

    before = files()
    checks = pytest_bugs.verify(VerifyOptions(directory=folder, language=language, params=dict(params)), clock=clock)
    assert files() == before  # the learner's files are only read
    return checks


def test_one_bug_list_serves_every_language() -> None:
    python = pytest_bugs.load_bugs()
    for chain in (toolchains.NODE, toolchains.GO):
        bugs = pytest_bugs.load_bugs(chain)
        assert [(b.id, b.title, b.area) for b in bugs] == [(b.id, b.title, b.area) for b in python]
        for bug in bugs:
            assert pytest_bugs.buggy_source(bug, chain) != pytest_bugs.module_source(chain)


@needs["node"]
def test_every_node_mutation_still_parses() -> None:
    """A seeded bug must be a behaviour change, never a syntax error any test would 'catch'."""
    with_bugs = [pytest_bugs.buggy_source(b, toolchains.NODE) for b in pytest_bugs.load_bugs(toolchains.NODE)]
    for source in with_bugs:
        result = subprocess.run(["node", "--check", "-"], input=source, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr


@needs["go"]
@pytest.mark.slow
def test_a_thorough_go_suite_passes_and_catches_every_bug(tmp_path: Path) -> None:
    """(Node's thorough suite runs through the CLI below: one full run per runner.)"""
    folder = suite(tmp_path, "go", GOOD["go"], (DATA / "go" / GOOD["go"]).read_text())
    checks = verify(folder, "go")
    assert [c.name for c in checks if c.outcome is not Outcome.PASS] == []
    # each seeded bug is a behaviour change, never a build error any test would "catch": every
    # version compiled, and a test of the suite failed on it
    assert [c.message for c in checks[1:-1] if not re.fullmatch(r"caught by Test\S+", c.message)] == []
    assert checks[0].name == "tests pass on the correct pricing.go"
    assert "on PATH" in checks[0].message  # the report names the program that ran the tests


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_starter_suite_misses_most_bugs_and_names_what_to_test(tmp_path: Path, language: str) -> None:
    chain = toolchains.toolchain(language)
    folder = suite(tmp_path, language, STARTER[language], (chain.asset_dir / STARTER[language]).read_text())
    checks = verify(folder, language)
    assert checks[0].passed
    missed = [c for c in checks[1:-1] if not c.passed]
    assert len(missed) >= len(checks[1:-1]) // 2
    areas = {b.area for b in pytest_bugs.load_bugs(chain)}
    assert all(any(area in c.message for area in areas) for c in missed)  # each names the behaviour, never the fix
    assert checks[-1].outcome is Outcome.FAIL


FAILING_ON_CORRECT = {
    "node": (
        "const test = require('node:test');\nconst assert = require('node:assert/strict');\n"
        "const { item, priceCart } = require('./pricing.js');\n"
        "test('shipping is free for everything', () => {\n"
        "  assert.equal(priceCart([item('A', 100)], { today: '2024-06-01' }).shipping, 0);\n});\n",
        "Expected values to be strictly equal",
    ),
    "go": (
        'package pricing\n\nimport "testing"\n\nfunc TestUsesAHelperThatDoesNotExist(t *testing.T) {\n'
        '\tif Total(nil) != 0 {\n\t\tt.Fatal("no")\n\t}\n}\n',
        "undefined: Total",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_suite_failing_on_the_correct_module_shows_the_real_error(tmp_path: Path, language: str) -> None:
    text, error = FAILING_ON_CORRECT[language]
    folder = suite(tmp_path, language, STARTER[language], text)
    checks = verify(folder, language)
    assert not checks[0].passed and error in checks[0].message
    assert all(c.outcome is Outcome.SKIP for c in checks[1:-1])  # nothing else could run


HANGING = {
    "node": "const test = require('node:test');\ntest('waits forever', () => new Promise(() => setInterval(() => {}, 1000)));\n",
    "go": 'package pricing\n\nimport (\n\t"testing"\n\t"time"\n)\n\nfunc TestWaits(t *testing.T) { time.Sleep(time.Hour) }\n',
}


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_suite_that_never_ends_is_killed_in_time(tmp_path: Path, language: str) -> None:
    folder = suite(tmp_path, language, STARTER[language], HANGING[language])
    started = time.monotonic()
    checks = verify(folder, language, run_timeout_seconds=3, timeout_seconds=120)
    assert not checks[0].passed
    if language == "go":  # go test's own -timeout stops it: the build time never counts against the tests
        assert "test timed out after 3s" in checks[0].message and "never ends" in checks[0].message
    else:
        assert "killed after 3 s" in checks[0].message
    assert time.monotonic() - started < 60  # generous: 3 s of tests plus a cold build on a loaded machine


def test_no_tests_is_said_plainly(tmp_path: Path) -> None:
    report = toolchains.read_node(0, "TAP version 13\n1..0\n# tests 0\n# pass 0\n# fail 0\n")
    assert report.no_tests
    report = toolchains.read_go(0, "?   \texample.com/pricing\t[no test files]\n")
    assert report.no_tests


def test_the_runners_output_is_read_for_the_first_failure_and_its_error() -> None:
    tap = (
        "TAP version 13\n# Subtest: tax of half a cent\nnot ok 1 - tax of half a cent\n  ---\n"
        "  duration_ms: 1.2\n  failureType: 'testCodeFailure'\n  error: |-\n    Expected values to be strictly equal:\n"
        "    \n    100 !== 101\n    \n  code: 'ERR_ASSERTION'\n  ...\n1..1\n# tests 1\n# pass 0\n# fail 1\n"
    )
    report = toolchains.read_node(1, tap)
    assert report.failed_test == "tax of half a cent"
    assert report.first_error == "Expected values to be strictly equal: 100 !== 101"
    go = "--- FAIL: TestTax (0.00s)\n    pricing_test.go:9: Tax(1005) = 100, want 101\nFAIL\nFAIL\texample.com/pricing\t0.01s\n"
    report = toolchains.read_go(1, go)
    assert (report.failed_test, report.first_error) == ("TestTax", "pricing_test.go:9: Tax(1005) = 100, want 101")
    build = "# example.com/pricing [example.com/pricing.test]\n./x_test.go:3:30: undefined: Foo\nFAIL\texample.com/pricing [build failed]\n"
    report = toolchains.read_go(1, build)
    assert report.build_failed and report.first_error == "./x_test.go:3:30: undefined: Foo"


def test_an_unknown_language_and_files_of_another_language_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(VerifierInputError, match="no test runner for language 'rust'"):
        pytest_bugs.verify(VerifyOptions(directory=tmp_path, language="rust"))
    (tmp_path / "test_pricing.py").write_text("def test_x(): pass\n")
    with pytest.raises(VerifierInputError, match=r"no \*\.test\.js files in"):
        pytest_bugs.verify(VerifyOptions(directory=tmp_path, language="node"))


# --- the CLI: the learner's language by default --------------------------------------------------


def a_node_learner(invoke) -> None:
    """A learner on the Node.js path whose profile language is node."""
    from backend_mentor.paths import database_path
    from backend_mentor.progress.store import Store

    invoke("learn", "--path", "nodejs-developer", "--yes", "--json")
    store = Store(database_path())
    with store.transaction() as db:
        store.save_profile(db, language="node")
    store.close()


def test_start_writes_the_starter_of_the_profile_language_or_the_one_asked_for(invoke, tmp_path: Path) -> None:
    a_node_learner(invoke)
    node = invoke("checkpoint", "start", "unit-integration-tests", str(tmp_path / "node"), "--json")
    assert node.exit_code == 0, node.output
    assert json.loads(node.stdout)["language"] == "node"
    assert sorted(p.name for p in (tmp_path / "node").iterdir()) == [
        "README.md",
        "package.json",
        "pricing.js",
        "pricing.test.js",
    ]
    go = invoke("checkpoint", "start", "unit-integration-tests", str(tmp_path / "go"), "--language", "go")
    assert go.exit_code == 0 and (tmp_path / "go" / "pricing_test.go").is_file()
    python = invoke("checkpoint", "start", "unit-integration-tests", str(tmp_path / "py"), "--language", "python")
    assert python.exit_code == 0 and (tmp_path / "py" / "test_pricing.py").is_file()


def test_language_options_are_refused_where_they_mean_nothing(invoke, tmp_path: Path) -> None:
    wrong = invoke("checkpoint", "verify", "unit-integration-tests", "--dir", str(tmp_path), "--language", "cobol")
    assert wrong.exit_code == 1 and "has no language 'cobol'; choose one of: python, node, go" in wrong.stderr
    other = invoke("checkpoint", "verify", "complex-sql-joins", "--file", str(tmp_path / "a.sql"), "--language", "go")
    assert other.exit_code == 1 and "has no --language option" in other.stderr
    python = invoke(
        "checkpoint",
        "verify",
        "unit-integration-tests",
        "--dir",
        str(tmp_path),
        "--language",
        "node",
        "--python",
        "/usr/bin/python3",
    )
    assert python.exit_code == 1 and "--python only applies to tests written in Python" in python.stderr
    engine = invoke("checkpoint", "verify", "build-rest-api", "--engine", "postgres", "--dsn", "postgresql://x@/y")
    assert engine.exit_code == 1 and "has no --engine option" in engine.stderr
    dsn = invoke("checkpoint", "verify", "complex-sql-joins", "--file", str(tmp_path / "a.sql"), "--engine", "postgres")
    assert dsn.exit_code == 1 and "--engine postgres needs --dsn" in dsn.stderr
    for result in (wrong, other, python, engine, dsn):
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


@needs["node"]
@pytest.mark.slow
def test_a_node_learner_verifies_with_node_by_default_and_a_thorough_suite_catches_every_bug(
    invoke, tmp_path: Path
) -> None:
    a_node_learner(invoke)
    folder = tmp_path / "work"
    invoke("checkpoint", "start", "unit-integration-tests", str(folder))
    shutil.copy(DATA / "node" / GOOD["node"], folder / GOOD["node"])
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    result = invoke("checkpoint", "verify", "unit-integration-tests", "--dir", str(folder), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["passed"] and report["language"] == "node"
    checks = report["checks"]
    assert len(checks) == len(pytest_bugs.load_bugs(toolchains.NODE)) + 2
    assert [c["name"] for c in checks if c["outcome"] != Outcome.PASS.value] == []
    assert checks[0]["name"] == "tests pass on the correct pricing.js"
    assert "node on PATH" in checks[0]["message"]  # the report names the program that ran the tests
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # the learner's files are only read


def test_node_typescript_and_go_paths_offer_the_testing_checkpoint_in_their_language(invoke) -> None:
    from backend_mentor.curriculum.catalog import load_catalog

    catalog = load_catalog()
    names = {"node": "JavaScript/Node.js", "typescript": "JavaScript/Node.js", "go": "Go"}
    paths = [p for p in catalog.paths.values() if any(lang in names for lang in p.languages)]
    assert len(paths) >= 9
    for path in paths:
        stages = [s for s in path.stages if "unit-integration-tests" in s.checkpoints]
        assert stages, f"{path.id} has no testing checkpoint"
        shown = invoke("path", "show", path.id, "--all", "--no-pager").stdout
        language = next(names[lang] for lang in path.languages if lang in names)
        assert f"Write unit and integration tests (in {language})" in shown, path.id


# --- Jest, when the learner's folder uses it --------------------------------------------------------

SOLUTIONS = Path(__file__).parent / "solutions"
JEST_PROJECT = SOLUTIONS / "jest-project"
VITEST_PROJECT = SOLUTIONS / "vitest-project"


def needs_runner(project: Path, entry: str, name: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        shutil.which("node") is None or not (project / "node_modules" / entry).is_file(),
        reason=f"{name} is not installed: run 'npm ci' in tests/solutions/{project.name} (.ci/run does)",
    )


needs_jest = needs_runner(JEST_PROJECT, "jest/bin/jest.js", "Jest")
needs_vitest = needs_runner(VITEST_PROJECT, "vitest/vitest.mjs", "Vitest")
JEST_SUITE = (DATA / "node" / "good.jest.test.js").read_text(encoding="utf-8")
# The same thorough suite for Vitest, which wants ES module imports instead of require().
VITEST_SUITE = JEST_SUITE.replace(
    "const { item, coupon, priceCart } = require('./pricing.js');",
    "import { test, expect } from 'vitest';\nimport { item, coupon, priceCart } from './pricing.js';",
)


def project_folder(tmp_path: Path, project: Path, test_text: str) -> Path:
    """A learner's Node project that uses ``project``'s runner: its package.json, node_modules (linked)
    and one test file."""
    folder = tmp_path / f"{project.name}-work"
    folder.mkdir()
    shutil.copy(project / "package.json", folder / "package.json")
    (folder / "node_modules").symlink_to(project / "node_modules", target_is_directory=True)
    (folder / "pricing.test.js").write_text(test_text, encoding="utf-8")
    return folder


# Every seeded bug is shown caught by the same suite under node --test (the CLI test above). With
# Jest and Vitest, whose start costs about a second a run, the correct module and the first
# FRESH_VERSIONS buggy versions are run: enough to show the learner's own runner is used, that each
# version is loaded afresh (same path, size and date every time, behind Jest's cache kept across the
# runs of one verification) and that each failure is read.
FRESH_VERSIONS = 4


def assert_first_versions_caught(checks: list) -> None:
    ran = checks[1 : 1 + FRESH_VERSIONS]
    assert [c.name for c in [checks[0], *ran] if c.outcome is not Outcome.PASS] == []
    assert all(c.message.startswith("caught by ") for c in ran)
    assert all(c.message == "not run: the overall time limit was reached" for c in checks[1 + FRESH_VERSIONS : -1])


@needs_jest
@pytest.mark.slow
def test_a_jest_project_is_run_with_its_own_jest_and_each_version_is_loaded_afresh(tmp_path: Path) -> None:
    folder = project_folder(tmp_path, JEST_PROJECT, JEST_SUITE)
    checks = verify(folder, "node", clock=first_runs(FRESH_VERSIONS))
    assert_first_versions_caught(checks)
    assert "Jest 29" in checks[0].message and "from your node_modules" in checks[0].message
    assert "17 passed, 17 total" in checks[0].message


@needs_jest
def test_a_jest_suite_failing_on_the_correct_module_shows_jests_own_message(tmp_path: Path) -> None:
    text = (
        "const { item, priceCart } = require('./pricing.js');\n"
        "test('shipping is free', () => expect(priceCart([item('A', 100)], { today: '2024-06-01' }).shipping).toBe(0));\n"
    )
    checks = verify(project_folder(tmp_path, JEST_PROJECT, text), "node")
    assert not checks[0].passed
    assert "● shipping is free" in checks[0].message and "Expected: 0 Received: 499" in checks[0].message


def test_a_runner_declared_but_not_installed_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "pricing.test.js").write_text("test('x', () => {});\n")
    for runner in ("jest", "vitest"):
        (tmp_path / "package.json").write_text(json.dumps({"devDependencies": {runner: "*"}}))
        with pytest.raises(VerifierInputError, match=f"uses {runner.title()} but it is not installed"):
            pytest_bugs.verify(VerifyOptions(directory=tmp_path, language="node"))


@needs_vitest
@pytest.mark.slow
def test_a_vitest_project_is_run_with_its_own_vitest_and_each_version_is_loaded_afresh(tmp_path: Path) -> None:
    before = sorted(p.name for p in (VITEST_PROJECT / "node_modules").iterdir())
    folder = project_folder(tmp_path, VITEST_PROJECT, VITEST_SUITE)
    checks = verify(folder, "node", clock=first_runs(FRESH_VERSIONS))
    assert_first_versions_caught(checks)
    assert "Vitest 3" in checks[0].message and "17 passed (17)" in checks[0].message
    assert sorted(p.name for p in (VITEST_PROJECT / "node_modules").iterdir()) == before  # no cache written there


@needs_vitest
def test_a_vitest_suite_failing_on_the_correct_module_shows_vitests_own_message(tmp_path: Path) -> None:
    text = (
        "import { test, expect } from 'vitest';\nimport { item, priceCart } from './pricing.js';\n"
        "test('shipping is free', () => expect(priceCart([item('A', 100)], { today: '2024-06-01' }).shipping).toBe(0));\n"
    )
    checks = verify(project_folder(tmp_path, VITEST_PROJECT, text), "node")
    assert not checks[0].passed
    assert "shipping is free" in checks[0].message and "AssertionError: expected 499 to be +0" in checks[0].message


def test_jests_report_is_read() -> None:
    output = (
        "FAIL ./pricing.test.js\n  ✓ single item (2 ms)\n  ✕ wrong (9 ms)\n\n  ● wrong\n\n"
        "    expect(received).toBe(expected) // Object.is equality\n\n    Expected: 0\n    Received: 499\n\n"
        "Tests:       1 failed, 1 passed, 2 total\n"
    )
    report = toolchains.read_jest(1, output)
    assert report.failed_test == "wrong"
    assert report.first_error == "expect(received).toBe(expected) // Object.is equality Expected: 0 Received: 499"
    assert report.last_line == "1 failed, 1 passed, 2 total"
    broken = "FAIL ./pricing.test.js\n  ● Test suite failed to run\n\n    SyntaxError: Unexpected token (3:1)\n"
    assert toolchains.read_jest(1, broken).build_failed
