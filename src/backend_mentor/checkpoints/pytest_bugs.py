"""Verifier for ``pytest-bugs``: the learner's tests must pass on the pricing module and fail on seeded bugs.

The learner writes the tests in their own language: pytest for ``pricing.py`` (the default),
``node --test`` for ``pricing.js`` or ``go test`` for ``pricing.go`` (``--language node|go``; the
default follows the learner's profile). One specification and one list of seeded bugs serve all
three; ``toolchains`` knows each runner. Below, "pytest" stands for whichever runner runs.

Every run copies the learner's test files next to one version of the module into the same
temporary folder (``Sandbox``: same path, size and date for every version, a random padding so
the hash says nothing) and runs ``python -m pytest`` there, in its own session, with a timeout.
Afterwards every process the run started is killed (its process group, and by a marker in the
environment those that left it with setsid), its output is kept capped, the folder is removed.
The learner's files are only read.

The tests run with the learner's Python, chosen by ``find_python``: ``--python PATH`` (passed in as
``VerifyOptions.python`` or the ``BACKEND_MENTOR_PYTHON`` environment variable), else the active
virtual environment's interpreter or ``python3`` on PATH when it has pytest, the tool's own last.
"""

from __future__ import annotations

import contextlib
import math
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

import yaml

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

from .base import Check, CheckSpec, VerifierInputError, VerifyOptions, run_checks
from .params import load_params
from .toolchains import LANGUAGES, PYTHON, Program, Report, Toolchain, toolchain

ASSETS = Path(__file__).parent / "assets" / "pytest_bugs"
MODULE_NAME = "pricing.py"
__all__ = ["LANGUAGES", "declared_checks", "verify", "starter_files"]
OUTPUT_KEEP = 8_000  # bytes kept from the start and from the end of a run's output
MAX_FILE_BYTES = 64 * 2**20  # no file a test writes may grow past this (RLIMIT_FSIZE)
MODULE_MTIME = 1_700_000_000  # every version of the module carries the same modification time
MARKER_ENV = "BACKEND_MENTOR_PYTEST_RUN"  # marks every process of a run, so escapees can be found
PYTHON_ENV = "BACKEND_MENTOR_PYTHON"  # what `checkpoint verify --python PATH` sets


@dataclass(frozen=True)
class Bug:
    id: str
    title: str
    area: str
    old: str
    new: str


@dataclass
class RunResult:
    """How one run of the learner's tests ended: ``exit_code`` is None when it was killed or never
    started; ``chain`` reads the runner's output."""

    exit_code: int | None
    output: str
    timed_out: bool = False
    skipped: bool = False
    chain: Toolchain = PYTHON

    @property
    def report(self) -> Report:
        return self.chain.read(self.exit_code, self.output)

    @property
    def summary(self) -> str:
        """The first failure, the error the runner reported for it and its final line, on one line."""
        return self.report.summary()

    @property
    def first_error(self) -> str | None:
        """The real reason of the first failure or error, e.g. "fixture 'mocker' not found" or
        "ModuleNotFoundError: No module named 'requests'" (the short summary line only names the test)."""
        return self.report.first_error

    @property
    def failed_test(self) -> str | None:
        """The first failing test, e.g. ``test_pricing.py::test_tax`` or ``TestTax``."""
        return self.report.failed_test


def module_source(chain: Toolchain = PYTHON) -> str:
    return chain.module_source()


def load_bugs(chain: Toolchain = PYTHON) -> list[Bug]:
    """The seeded bugs: titles and areas from the one list, each bug's text change in ``chain``'s language."""
    data = yaml.safe_load((ASSETS / "bugs.yaml").read_text(encoding="utf-8"))
    bugs = [Bug(**item) for item in data["bugs"]]
    if chain is PYTHON:
        return bugs
    mutations = chain.bug_mutations()
    if set(mutations) != {bug.id for bug in bugs}:
        raise RuntimeError(f"the {chain.language} bug list must name exactly the bugs of bugs.yaml")
    return [Bug(bug.id, bug.title, bug.area, *mutations[bug.id]) for bug in bugs]


def buggy_source(bug: Bug, chain: Toolchain = PYTHON) -> str:
    source = module_source(chain)
    if source.count(bug.old) != 1:
        raise RuntimeError(f"seeded bug {bug.id}: its text must occur exactly once in {chain.module_name}")
    return source.replace(bug.old, bug.new)


# --- the learner's tests -------------------------------------------------------------------------


def learner_tests(options: VerifyOptions, chain: Toolchain = PYTHON) -> dict[str, bytes]:
    """File name -> content of the learner's test files (and helpers such as conftest.py)."""
    return chain.learner_files(options.file, options.directory)


# --- running pytest ------------------------------------------------------------------------------


def pytest_env() -> dict[str, str]:
    """The environment a pytest run gets (plugins off; see ``toolchains.PythonToolchain.env``)."""
    return PYTHON.env(dict(os.environ), Path(tempfile.gettempdir()))


class OutputCap:
    """Reads a run's output from a pipe, keeping only its first and last OUTPUT_KEEP bytes: a test
    printing 2 GB costs a little CPU, not gigabytes of disk or memory."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            while chunk := self.stream.read1(65536) if hasattr(self.stream, "read1") else self.stream.read(65536):
                self.total += len(chunk)
                room = OUTPUT_KEEP - len(self.head)
                if room > 0:
                    self.head += chunk[:room]
                    chunk = chunk[room:]
                self.tail += chunk
                if len(self.tail) > 2 * OUTPUT_KEEP:
                    del self.tail[: len(self.tail) - OUTPUT_KEEP]

    def text(self, wait: float = 5.0) -> str:
        self.thread.join(wait)
        tail = self.tail[-OUTPUT_KEEP:]
        left_out = self.total - len(self.head) - len(tail)
        gap = f"\n[... {left_out} bytes of output left out ...]\n".encode() if left_out > 0 else b""
        return (bytes(self.head) + gap + bytes(tail)).decode("utf-8", errors="replace")


def marked_pids(token: str) -> list[int]:
    """Processes (of this user) whose environment carries ``MARKER_ENV=token``: every process a run
    started, also those that left its session with setsid (Linux /proc; empty elsewhere)."""
    needle = f"{MARKER_ENV}={token}".encode() + b"\0"
    pids = []
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                with open(f"/proc/{entry.name}/environ", "rb") as handle:
                    if needle in handle.read() + b"\0":
                        pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def kill_everything(process: subprocess.Popen, token: str) -> None:
    """Kill the run's whole session (process group) and every process carrying its marker, until
    none is left; then reap the run."""
    for _ in range(50):
        if hasattr(os, "killpg"):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        escaped = marked_pids(token)
        for pid in escaped:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            process.wait(timeout=5)
        if not escaped:
            break
        time.sleep(0.02)


def remove_tree(path: Path) -> None:
    """Remove a run's folder even while something still writes into it (retry on ENOTEMPTY)."""
    for _ in range(20):
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            return
        time.sleep(0.05)


def limit_file_size(pid: int) -> None:
    if resource is not None and hasattr(resource, "prlimit"):
        with contextlib.suppress(OSError, ValueError):
            resource.prlimit(pid, resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))


def disguise(source: str, size: int, comment: str = "#") -> str:
    """``source`` padded to ``size`` characters with a random comment: every version of the module
    has the same size and an unpredictable hash."""
    filler = f"\n{comment} {secrets.token_hex(16)}\n{comment} "
    return source + filler + "x" * (size - len(source) - len(filler) - 1) + "\n"


@dataclass
class Sandbox:
    """Where each pytest run happens: one folder, the same path for every version of the module, so
    a test cannot tell the correct module from a buggy one by path, size, date or hash, and never
    finds another version next to its own."""

    root: Path
    files: dict[str, bytes]
    plugins: list[str]
    program: str  # the Python, node or go that runs the tests
    size: int  # every version of the module is padded to this many characters
    chain: Toolchain = PYTHON
    test_timeout: float = 15.0  # how long the tests themselves may run, where the runner enforces it

    @property
    def workdir(self) -> Path:
        return self.root / "work"

    def run(self, source: str, timeout: float) -> RunResult:
        """Write the tests and one version of the module, run pytest there, clean up everything."""
        if timeout <= 0:
            return RunResult(None, "", skipped=True, chain=self.chain)
        workdir = self.workdir
        remove_tree(workdir)
        (workdir / ".tmp").mkdir(parents=True)
        for name, content in self.chain.run_files().items():
            (workdir / name).write_bytes(content)
        for name, content in self.files.items():
            (workdir / name).write_bytes(content)
        self.chain.prepare(workdir)
        module = workdir / self.chain.module_name
        module.write_text(disguise(source, self.size, self.chain.comment), encoding="utf-8")
        os.utime(module, (MODULE_MTIME, MODULE_MTIME))
        token = secrets.token_hex(16)
        env = self.chain.env(dict(os.environ), self.root)
        env.update({"PWD": str(workdir), "TMPDIR": str(workdir / ".tmp"), MARKER_ENV: token})
        process = subprocess.Popen(
            self.chain.command(self.program, self.chain.targets(self.files), self.plugins, self.test_timeout),
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        limit_file_size(process.pid)
        assert process.stdout is not None  # stdout=PIPE
        output = OutputCap(process.stdout)
        try:
            exit_code: int | None = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            exit_code = None
        finally:
            kill_everything(process, token)
        text = output.text()
        process.stdout.close()
        remove_tree(workdir)
        return RunResult(exit_code, text, timed_out=exit_code is None, chain=self.chain)


# --- the checks ----------------------------------------------------------------------------------


def correct_module_check(result: RunResult, timeout: float, program: object | None = None) -> Check:
    chain = result.chain
    name = f"tests pass on the correct {chain.module_name}"
    ran_with = f" (ran with {program})" if program else ""
    report = result.report
    if result.timed_out:
        message = f"killed after {timeout:g} s: your tests did not finish (an endless loop or a wait?)"
    elif report.no_tests:
        message = f"{chain.runner} found no tests: {chain.no_tests_hint}"
    elif result.exit_code == 0:
        return Check(name, True, result.summary + ran_with)
    elif result.exit_code == 1 and not report.build_failed:
        message = (
            "your tests fail on the correct module, so they test something the spec does not say: "
            f"{result.summary}{ran_with}"
        )
    else:
        message = f"{chain.runner} could not run your tests (exit code {result.exit_code}): {result.summary}{ran_with}"
    return Check(name, False, message, "pytest" if chain is PYTHON else "unit-testing")


def bug_check(bug: Bug, result: RunResult) -> Check:
    name = f"bug {bug.id}: {bug.title}"
    if result.skipped:
        return Check.skip(name, "not run: the overall time limit was reached", "unit-testing")
    if result.timed_out:
        return Check(name, True, "caught: your tests did not finish on this version")
    if result.report.no_tests:
        return Check(name, False, f"missed: no tests ran on this version; test {bug.area}", "unit-testing")
    if result.exit_code != 0:
        return Check(name, True, f"caught by {result.failed_test or result.summary}")
    return Check(name, False, f"missed: your tests pass on this version; test {bug.area}", "unit-testing")


def summary_check(caught: int, total: int, share: float) -> Check:
    needed = math.ceil(share * total - 1e-9)
    name = f"caught {caught}/{total} seeded bugs (need >= {share:.0%})"
    if caught >= needed:
        return Check(name, True, f"{caught} of {total} caught, {needed} needed")
    return Check(
        name, False, f"{caught} of {total} caught, {needed} needed", "unit-testing", f">= {needed}", str(caught)
    )


@dataclass
class Limits:
    timeout: float
    run_timeout: float
    share: float
    plugins: list[str]

    @classmethod
    def from_params(cls, params: dict) -> Limits:
        typed = load_params("pytest-bugs", params)
        return cls(typed.timeout_seconds, typed.run_timeout_seconds, typed.required_share, list(typed.plugins))


Runner = Callable[[str, float], RunResult]  # (module source, time limit) -> how the pytest run ended
Clock = Callable[[], float]


@dataclass
class BugHunt:
    """One verification: the learner's tests run on the correct module first, then (the checks that
    need it) on each buggy version, each within ``run_timeout`` and all within the overall
    ``timeout`` read from ``clock``. Counts the bugs caught for the summary."""

    run: Runner
    limits: Limits
    clock: Clock
    chain: Toolchain = PYTHON
    program: object | None = None  # named in the report of the correct run
    end: float = math.inf
    caught: int = 0

    @property
    def first_timeout(self) -> float:
        return min(self.chain.first_run_timeout(self.limits.run_timeout), self.limits.timeout)


def run_on_correct_module(hunt: BugHunt) -> Check:
    hunt.end = hunt.clock() + max(hunt.limits.timeout, hunt.first_timeout)
    result = hunt.run(module_source(hunt.chain), hunt.first_timeout)
    return correct_module_check(result, hunt.first_timeout, hunt.program)


def run_on_bug(bug: Bug, hunt: BugHunt) -> Check:
    result = hunt.run(buggy_source(bug, hunt.chain), min(hunt.limits.run_timeout, hunt.end - hunt.clock()))
    check = bug_check(bug, result)
    hunt.caught += check.passed
    return check


def declared_checks(options: VerifyOptions, chain: Toolchain | None = None) -> list[CheckSpec]:
    """The tests must pass on the correct module; then one check per seeded bug, which needs that;
    then the summary (its line carries the count: "caught 12/16 seeded bugs (need >= 80%)")."""
    chain = chain or toolchain(getattr(options, "language", None), options.directory)
    share = Limits.from_params(options.params).share
    bugs = load_bugs(chain)
    correct = f"tests pass on the correct {chain.module_name}"
    first_needed = "not run: your tests must pass on the correct module first"
    return [
        CheckSpec(correct, "pytest" if chain is PYTHON else "unit-testing", run_on_correct_module, unmet=first_needed),
        *(CheckSpec(f"bug {b.id}: {b.title}", "unit-testing", partial(run_on_bug, b), (correct,)) for b in bugs),
        CheckSpec(
            f"seeded bugs caught (need >= {share:.0%})",
            "unit-testing",
            lambda hunt: summary_check(hunt.caught, len(bugs), share),
        ),
    ]


Interpreter = Program  # the Python that runs the learner's tests, and why it was chosen


def pytest_available(python: str) -> bool:
    """Whether ``python`` runs and can import pytest in the environment the runs get."""
    probe = [python, "-c", "import pytest"]
    try:
        return subprocess.run(probe, env=pytest_env(), capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def find_python(explicit: str | None = None) -> Interpreter:
    """The learner's Python: ``explicit`` (``--python``) or ``$BACKEND_MENTOR_PYTHON`` as given, else
    the active virtual environment's or ``python3`` on PATH when it has pytest, else the tool's own.
    A learner who installed the tool apart from their project (pipx, its own venv) needs nothing
    installed into the tool."""
    chosen = explicit or os.environ.get(PYTHON_ENV)
    if chosen:
        path = shutil.which(chosen) or chosen
        if not Path(path).is_file():
            raise VerifierInputError(f"--python: no such interpreter: {chosen}")
        if not pytest_available(path):
            raise VerifierInputError(f"pytest is not installed for {path}: run '{path} -m pip install pytest'")
        return Interpreter(path, "--python")
    candidates = []
    venv = os.environ.get("VIRTUAL_ENV")
    if venv:
        bin_dir = "Scripts" if os.name == "nt" else "bin"
        candidates.append(
            (
                str(Path(venv) / bin_dir / ("python.exe" if os.name == "nt" else "python")),
                "the active virtual environment",
            )
        )
    on_path = shutil.which("python3") or shutil.which("python")
    if on_path:
        candidates.append((on_path, "python3 on PATH"))
    for path, origin in candidates:
        if Path(path).is_file() and pytest_available(path):
            return Interpreter(path, origin)
    if pytest_available(sys.executable):
        return Interpreter(sys.executable, "the tool's own Python")
    raise VerifierInputError(
        "pytest is not installed for your Python: activate your project's virtual environment and run "
        "'python -m pip install pytest' (or pass --python PATH)"
    )


def verify(options: VerifyOptions, *, clock: Clock = time.monotonic, runner: Runner | None = None) -> list[Check]:
    """``clock`` and ``runner`` are for tests: a fake clock and a fake run make the time-limit
    logic testable on a loaded machine."""
    chain = toolchain(getattr(options, "language", None), options.directory)
    files = learner_tests(options, chain)
    program = chain.find_program(getattr(options, "python", None)) if runner is None else None
    limits = Limits.from_params(options.params)
    bugs = load_bugs(chain)
    with tempfile.TemporaryDirectory(prefix="backend-mentor-tests-", ignore_cleanup_errors=True) as tmp:
        if runner is None:
            assert program is not None
            versions = [module_source(chain), *(buggy_source(bug, chain) for bug in bugs)]
            size = max(map(len, versions)) + 64
            test_timeout = chain.test_timeout(limits.run_timeout)
            runner = Sandbox(Path(tmp), files, limits.plugins, program.path, size, chain, test_timeout).run
        return run_checks(declared_checks(options, chain), BugHunt(runner, limits, clock, chain, program))


def starter_files(params: dict, language: str | None = None) -> dict[str, str | bytes]:
    return toolchain(language).starter_files()
