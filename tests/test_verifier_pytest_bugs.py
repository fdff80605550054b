"""The pytest-bugs verifier (checkpoint unit-integration-tests)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import site
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import first_runs

from backend_mentor.checkpoints import pytest_bugs
from backend_mentor.checkpoints.base import Check, VerifierInputError, VerifyOptions

DATA = Path(__file__).parent / "data" / "pytest_bugs"
CORRECT = "tests pass on the correct pricing.py"
BUG_COUNT = len(pytest_bugs.load_bugs())


@pytest.fixture(autouse=True)
def no_chosen_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pytest_bugs.PYTHON_ENV, raising=False)


def make_venv(path: Path, with_pytest: bool) -> Path:
    """A virtual environment without pip; ``with_pytest`` makes this test run's pytest importable in
    it through a .pth file. Returns the environment's directory."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, timeout=120)
    if with_pytest:
        probe = [str(path / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        purelib = Path(subprocess.run(probe, check=True, capture_output=True, text=True).stdout.strip())
        pytest_home = Path(pytest.__file__).resolve().parent.parent
        (purelib / "learner.pth").write_text(f"{pytest_home}\n" + "".join(f"{p}\n" for p in site.getsitepackages()))
    return path


@pytest.fixture(scope="module")
def venvs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("venvs")
    return {
        "learner": make_venv(root / "learner", with_pytest=True),
        "other": make_venv(root / "other", with_pytest=True),
        "bare": make_venv(root / "bare", with_pytest=False),
    }


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def run(tmp_path: Path, tests: str, clock: pytest_bugs.Clock = time.monotonic, **params: object) -> list[Check]:
    """Verify a learner test file written to tmp_path, asserting it is left untouched."""
    path = tmp_path / "test_pricing.py"
    path.write_text(tests, encoding="utf-8")
    before = snapshot(tmp_path)
    checks = pytest_bugs.verify(VerifyOptions(file=path, params=dict(params)), clock=clock)
    assert snapshot(tmp_path) == before
    assert len(checks) == BUG_COUNT + 2
    return checks


def test_every_seeded_bug_is_a_real_one_line_change() -> None:
    source = pytest_bugs.module_source()
    bugs = pytest_bugs.load_bugs()

    assert len(bugs) >= 10
    assert len({b.id for b in bugs}) == len(bugs)
    for bug in bugs:
        variant = pytest_bugs.buggy_source(bug)
        assert variant != source
        compile(variant, f"pricing-{bug.id}.py", "exec")
        assert bug.new not in bug.area and bug.old not in bug.area  # the hint names an area, not the fix


@pytest.mark.slow
def test_reference_suite_catches_every_bug(tmp_path: Path) -> None:
    checks = run(tmp_path, (DATA / "reference_suite.py").read_text(encoding="utf-8"))

    assert [c.name for c in checks if not c.passed] == []
    assert checks[0].name == CORRECT and checks[0].message.startswith("16 passed")
    by_name = {c.name: c for c in checks}
    assert by_name["bug quantity-ignored: quantities above one"].message == (
        "caught by test_pricing.py::test_subtotal_multiplies_price_by_quantity"
    )
    assert checks[-1].name == f"caught {BUG_COUNT}/{BUG_COUNT} seeded bugs (need >= 80%)"


def test_oversized_inputs_are_defined_and_seeded() -> None:
    readme = pytest_bugs.starter_files({})["README.md"]
    assert "**Oversized**: there is no upper limit" in readme
    oversized = [b for b in pytest_bugs.load_bugs() if b.id.startswith("large-")]
    assert [b.id for b in oversized] == ["large-quantity-refused", "large-price-refused"]


@pytest.mark.slow
def test_the_starter_example_misses_most_bugs(tmp_path: Path) -> None:
    checks = run(tmp_path, pytest_bugs.starter_files({})["test_pricing.py"])

    by_name = {c.name: c for c in checks}
    assert by_name[CORRECT].passed
    missed = by_name["bug free-shipping-threshold: free shipping at the threshold"]
    assert not missed.passed
    assert missed.message == (
        "missed: your tests pass on this version; test a cart whose amount is exactly the free-shipping threshold"
    )
    assert missed.hint_topic == "unit-testing"
    assert by_name["bug shipping-taxed: tax when shipping is charged"].passed
    summary = checks[-1]
    assert summary.name == f"caught 1/{BUG_COUNT} seeded bugs (need >= 80%)"
    assert not summary.passed and summary.message == f"1 of {BUG_COUNT} caught, 13 needed"


def test_tests_that_fail_on_the_correct_module(tmp_path: Path) -> None:
    wrong = (
        "from decimal import Decimal\nfrom pricing import Item, price_cart\n\n"
        "def test_shipping_is_taxed():\n"
        "    assert price_cart([Item('A', Decimal('20.00'))]).tax == Decimal('2.50')\n"
    )

    checks = run(tmp_path, wrong)

    assert not checks[0].passed
    assert checks[0].message.startswith(
        "your tests fail on the correct module, so they test something the spec does not say: "
        "FAILED test_pricing.py::test_shipping_is_taxed - AssertionError: assert Decimal('2.00') == Decimal('2.50')"
    )
    assert re.search(r" \| 1 failed in \d+\.\d+s \(ran with .*python.*\)$", checks[0].message)
    assert {c.message for c in checks[1:-1]} == {"not run: your tests must pass on the correct module first"}
    assert checks[-1].message == f"0 of {BUG_COUNT} caught, 13 needed"


def test_a_file_without_tests(tmp_path: Path) -> None:
    checks = run(tmp_path, "import pricing\n")

    assert checks[0].message == "pytest found no tests: name your test functions test_something"


def test_a_file_that_is_not_python(tmp_path: Path) -> None:
    checks = run(tmp_path, "These are my tests: check the totals.\n")

    assert checks[0].message.startswith("pytest could not run your tests (exit code 2): ")
    assert "ERROR test_pricing.py" in checks[0].message


@pytest.mark.slow
def test_a_test_that_never_ends_is_killed(tmp_path: Path) -> None:
    """The one real-timing test of the run time limit."""
    start = time.monotonic()

    checks = run(tmp_path, "def test_forever():\n    while True:\n        pass\n", run_timeout_seconds=1)

    assert time.monotonic() - start < 60  # generous: only a missing time limit would take longer
    assert checks[0].message == "killed after 1 s: your tests did not finish (an endless loop or a wait?)"
    assert not checks[-1].passed


def first_run_only() -> pytest_bugs.Clock:
    """A clock for tests about the run on the correct module alone."""
    return first_runs(0)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_hanging_only_on_buggy_versions_counts_as_caught_within_the_overall_limit(tmp_path: Path) -> None:
    """The time-limit logic with a fake clock and fake runs: each buggy run hangs until its limit."""
    clock = FakeClock()
    limits_seen = []

    def runner(source: str, timeout: float) -> pytest_bugs.RunResult:
        limits_seen.append(timeout)
        if timeout <= 0:
            return pytest_bugs.RunResult(None, "", skipped=True)
        if source == pytest_bugs.module_source():
            clock.now += 0.5
            return pytest_bugs.RunResult(0, "1 passed in 0.50s")
        clock.now += timeout  # hangs until killed
        return pytest_bugs.RunResult(None, "", timed_out=True)

    path = tmp_path / "test_pricing.py"
    path.write_text("def test_ok():\n    pass\n")
    params = {"run_timeout_seconds": 1, "timeout_seconds": 3}

    checks = pytest_bugs.verify(VerifyOptions(file=path, params=params), clock=clock, runner=runner)

    assert limits_seen[:5] == [1, 1, 1, 0.5, 0]  # the correct run, then three buggy ones share what is left
    messages = [c.message for c in checks[1:-1]]
    assert messages[:3] == ["caught: your tests did not finish on this version"] * 3
    assert set(messages[3:]) == {"not run: the overall time limit was reached"}
    assert all(c.skipped for c in checks[4:-1])
    assert checks[-1].message == f"3 of {BUG_COUNT} caught, 13 needed"


def test_a_test_cannot_recognise_the_correct_module_by_its_hash(tmp_path: Path) -> None:
    digest = hashlib.sha256(pytest_bugs.module_source().encode()).hexdigest()
    tests = (
        "import hashlib, pathlib\n\n"
        "def test_passes_only_on_the_shipped_file():\n"
        f"    assert hashlib.sha256(pathlib.Path('pricing.py').read_bytes()).hexdigest() == '{digest}'\n"
    )

    checks = run(tmp_path, tests)

    assert not checks[0].passed
    assert checks[-1].message == f"0 of {BUG_COUNT} caught, 13 needed"


def test_a_directory_of_tests_runs_against_the_shipped_module(tmp_path: Path) -> None:
    learner = tmp_path / "tests"
    learner.mkdir()
    (learner / "conftest.py").write_text("import pytest\n\n@pytest.fixture\ndef rate():\n    return '0.10'\n")
    (learner / "test_rate.py").write_text(
        "from decimal import Decimal\nimport pricing\n\n"
        "def test_default_rate(rate):\n    assert pricing.DEFAULT_TAX_RATE == Decimal(rate)\n"
    )
    (learner / "pricing.py").write_text("raise RuntimeError('the learner copy must not be used')\n")
    before = snapshot(learner)

    checks = pytest_bugs.verify(VerifyOptions(directory=learner), clock=first_run_only())

    assert checks[0].passed and checks[0].message.startswith("1 passed")
    assert all(c.skipped for c in checks[1:-1])  # only the correct module was run, as this test asks
    assert snapshot(learner) == before


def test_cannot_start_without_tests(tmp_path: Path) -> None:
    with pytest.raises(VerifierInputError, match="needs --file"):
        pytest_bugs.verify(VerifyOptions())
    with pytest.raises(VerifierInputError, match="test file not found"):
        pytest_bugs.verify(VerifyOptions(file=tmp_path / "test_missing.py"))
    with pytest.raises(VerifierInputError, match="no test_\\*.py files in"):
        pytest_bugs.verify(VerifyOptions(directory=tmp_path))


def test_cannot_start_without_pytest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "test_pricing.py").write_text("def test_ok():\n    pass\n")
    monkeypatch.setattr(pytest_bugs, "pytest_available", lambda python: False)

    with pytest.raises(VerifierInputError, match="pytest is not installed for your Python: activate"):
        pytest_bugs.verify(VerifyOptions(file=tmp_path / "test_pricing.py"))


def test_starter_files() -> None:
    files = pytest_bugs.starter_files({})

    assert set(files) == {"pricing.py", "README.md", "test_pricing.py"}
    assert "ROUND_HALF_UP" in files["README.md"]
    assert files["pricing.py"] == pytest_bugs.module_source()


# --- which Python runs the learner's tests ---------------------------------------------------------


def test_the_active_virtual_environment_runs_the_tests(venvs, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(venvs["learner"]))

    python = pytest_bugs.find_python()

    assert python == pytest_bugs.Interpreter(str(venvs["learner"] / "bin" / "python"), "the active virtual environment")


def test_python3_on_path_when_the_virtual_environment_has_no_pytest(venvs, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(venvs["bare"]))
    monkeypatch.setenv("PATH", str(venvs["other"] / "bin"))

    python = pytest_bugs.find_python()

    assert python == pytest_bugs.Interpreter(str(venvs["other"] / "bin" / "python3"), "python3 on PATH")


def test_the_tools_own_python_comes_last(venvs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(venvs["bare"]))
    monkeypatch.setenv("PATH", str(venvs["bare"] / "bin"))

    assert pytest_bugs.find_python() == pytest_bugs.Interpreter(sys.executable, "the tool's own Python")


def test_an_explicit_python_wins_and_must_have_pytest(venvs, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(venvs["learner"]))
    other = str(venvs["other"] / "bin" / "python")

    assert pytest_bugs.find_python(other) == pytest_bugs.Interpreter(other, "--python")
    monkeypatch.setenv(pytest_bugs.PYTHON_ENV, other)
    assert pytest_bugs.find_python() == pytest_bugs.Interpreter(other, "--python")
    bare = str(venvs["bare"] / "bin" / "python")
    with pytest.raises(VerifierInputError, match=f"pytest is not installed for {re.escape(bare)}: run"):
        pytest_bugs.find_python(bare)
    with pytest.raises(VerifierInputError, match="no such interpreter: /nowhere/python"):
        pytest_bugs.find_python("/nowhere/python")


@pytest.mark.slow
def test_the_learners_interpreter_runs_the_tests_and_is_named(venvs, tmp_path: Path, monkeypatch) -> None:
    learner = venvs["learner"]
    monkeypatch.setenv("VIRTUAL_ENV", str(learner))
    tests = (
        "import sys\nfrom decimal import Decimal\nfrom pricing import Item, price_cart\n\n"
        f"def test_runs_in_my_venv():\n    assert sys.prefix == {str(learner)!r}\n\n"
        "def test_quantity():\n    assert price_cart([Item('A', Decimal('2.00'), 3)]).subtotal == Decimal('6.00')\n"
    )

    checks = run(tmp_path, tests, clock=first_run_only())

    assert checks[0].passed, checks[0].message  # test_runs_in_my_venv passed: the run was in the learner's venv
    assert checks[0].message.startswith("2 passed")
    assert checks[0].message.endswith(f"(ran with {learner / 'bin' / 'python'}, the active virtual environment)")


def test_a_missing_fixture_shows_the_real_error(tmp_path: Path) -> None:
    checks = run(tmp_path, "def test_with_a_double(mocker):\n    assert mocker\n")

    assert not checks[0].passed
    assert "ERROR test_pricing.py::test_with_a_double | fixture 'mocker' not found | 1 error in" in checks[0].message


def test_an_import_error_shows_the_missing_module(tmp_path: Path) -> None:
    checks = run(tmp_path, "import requests_not_installed_here\n\ndef test_ok():\n    pass\n")

    assert checks[0].message.startswith("pytest could not run your tests (exit code 2): ERROR test_pricing.py | ")
    assert "ModuleNotFoundError: No module named 'requests_not_installed_here'" in checks[0].message


# --- a hostile test suite cannot harm the machine, the learner's folder or the verdict ----------

HOSTILE_SUITE = """
import hashlib, json, os, pathlib, subprocess, sys
from decimal import Decimal
from pricing import Item, price_cart

OUTSIDE = pathlib.Path({outside!r})
WRITER = "import itertools, time\\nfor i in itertools.count():\\n    open(f'junk{{i}}', 'w').write('x')\\n"


def test_record_spawn_and_scribble():
    module = pathlib.Path('pricing.py').resolve()
    data = module.read_bytes()
    seen = [str(module), len(data), os.stat(module).st_mtime, hashlib.sha256(data).hexdigest(),
            sorted(os.listdir(module.parent.parent)), os.getcwd() == os.environ['PWD']]
    with open(OUTSIDE / 'seen.jsonl', 'a') as handle:
        handle.write(json.dumps(seen) + '\\n')
    child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'])
    escapee = subprocess.Popen([sys.executable, '-c', WRITER], start_new_session=True)  # setsid + writes in cwd
    with open(OUTSIDE / 'pids', 'a') as handle:
        handle.write(f'{{child.pid}} {{escapee.pid}}\\n')
    (pathlib.Path(os.environ['PWD']) / 'pricing.py').write_text('hijacked')


def test_quantity():
    assert price_cart([Item('A', Decimal('2.00'), 3)]).subtotal == Decimal('6.00')
"""


HOSTILE_VERSIONS = 4  # versions of the module the hostile suite runs on (each run starts two processes)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in {"Z", "X"}


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_a_hostile_suite_is_contained(tmp_path: Path, tmp_path_factory, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path_factory.mktemp("outside")
    learner = tmp_path / "learner"
    learner.mkdir()
    monkeypatch.chdir(learner)
    monkeypatch.setenv("PWD", str(learner))  # the learner's shell is in their own folder
    (learner / "pricing.py").write_text(pytest_bugs.module_source())
    before = snapshot(learner)
    pids_file = outside / "pids"
    try:  # the correct module and the first HOSTILE_VERSIONS - 1 buggy ones: each run is contained alike
        checks = run(learner, HOSTILE_SUITE.format(outside=str(outside)), clock=first_runs(HOSTILE_VERSIONS - 1))
        pids = [int(p) for p in pids_file.read_text().split()]
        left_alive = [pid for pid in pids if alive(pid)]
    finally:  # whatever a broken verifier left behind is cleaned up here
        for pid in [int(p) for p in pids_file.read_text().split()] if pids_file.exists() else []:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    assert checks[0].passed, checks[0].message
    # every process a run started is gone, also the setsid writer: nothing left behind after a pass
    assert len(pids) == 2 * HOSTILE_VERSIONS
    assert left_alive == []
    # $PWD and the working directory were the temporary copy: the learner's folder is untouched
    after = snapshot(learner)
    del after["test_pricing.py"]
    assert after == before
    # the correct module and the buggy ones look alike from inside: path, size, date; hashes all differ
    seen = [json.loads(line) for line in (outside / "seen.jsonl").read_text().splitlines()]
    assert len(seen) == HOSTILE_VERSIONS
    assert len({s[0] for s in seen}) == 1 and len({s[1] for s in seen}) == 1 and len({s[2] for s in seen}) == 1
    shipped = hashlib.sha256(pytest_bugs.module_source().encode()).hexdigest()
    assert len({s[3] for s in seen}) == len(seen) and shipped not in {s[3] for s in seen}
    assert {tuple(s[4]) for s in seen} == {("work",)}  # no other version of the module next to it
    assert all(s[5] for s in seen)


def test_output_is_capped(tmp_path: Path) -> None:
    """100 MB of output: only the start and the end are kept, and the failure is still reported."""
    sandbox_root = tmp_path / "sandbox"
    sandbox_root.mkdir()
    files = {
        "test_pricing.py": (
            b"import sys\n\ndef test_noisy():\n    for _ in range(100):\n        sys.stdout.write('x' * 2**20)\n"
            b"    assert 1 == 2\n"
        )
    }
    source = pytest_bugs.module_source()
    sandbox = pytest_bugs.Sandbox(sandbox_root, files, [], sys.executable, len(source) + 64)

    result = sandbox.run(source, 60)

    assert result.exit_code == 1
    assert len(result.output) < 3 * pytest_bugs.OUTPUT_KEEP
    assert "bytes of output left out ..." in result.output
    assert result.failed_test == "test_pricing.py::test_noisy"
    assert list(sandbox_root.iterdir()) == []  # the run's folder is gone
