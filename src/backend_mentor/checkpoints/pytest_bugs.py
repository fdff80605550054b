"""Verifier for ``pytest-bugs``: the learner's tests must pass on ``pricing.py`` and fail on seeded bugs.

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
import re
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
from pathlib import Path
from typing import IO

import yaml

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

from .base import Check, VerifierInputError, VerifyOptions
from .params import load_params

ASSETS = Path(__file__).parent / "assets" / "pytest_bugs"
MODULE_NAME = "pricing.py"
OUTPUT_KEEP = 8_000  # bytes kept from the start and from the end of a run's output
MAX_FILE_BYTES = 64 * 2**20  # no file a test writes may grow past this (RLIMIT_FSIZE)
MODULE_MTIME = 1_700_000_000  # every version of the module carries the same modification time
MARKER_ENV = "BACKEND_MENTOR_PYTEST_RUN"  # marks every process of a run, so escapees can be found
TEST_FILE = re.compile(r"^(test_.*|.*_test)\.py$")
PYTEST_ARGS = ["-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "--color=no"]
PYTHON_ENV = "BACKEND_MENTOR_PYTHON"  # what `checkpoint verify --python PATH` sets
ERROR_LINE = re.compile(r"^E[ \t]+(\S.*)$", re.M)  # pytest's "E   ModuleNotFoundError: ..." lines


@dataclass(frozen=True)
class Bug:
    id: str
    title: str
    area: str
    old: str
    new: str


@dataclass
class RunResult:
    """How one pytest run ended: ``exit_code`` is None when it was killed or never started."""

    exit_code: int | None
    output: str
    timed_out: bool = False
    skipped: bool = False

    @property
    def summary(self) -> str:
        """The first failure, the error pytest reported for it and pytest's final line, on one line."""
        lines = [line.strip() for line in self.output.splitlines() if line.strip()]
        failures = [line for line in lines if line.startswith(("FAILED ", "ERROR "))][:1]
        parts = [*failures]
        error = self.first_error
        if error and not any(error in part for part in parts):
            parts.append(error)
        return " | ".join([*parts, *lines[-1:]])[:600]

    @property
    def first_error(self) -> str | None:
        """The real reason of the first failure or error, e.g. "fixture 'mocker' not found" or
        "ModuleNotFoundError: No module named 'requests'" (the short summary line only names the test)."""
        match = ERROR_LINE.search(self.output)
        return match.group(1).strip()[:300] if match else None

    @property
    def failed_test(self) -> str | None:
        """The node id of the first failing test, e.g. ``test_pricing.py::test_tax``."""
        match = re.search(r"^(?:FAILED|ERROR) (\S+)", self.output, re.M)
        return match.group(1) if match else None


def module_source() -> str:
    return (ASSETS / MODULE_NAME).read_text(encoding="utf-8")


def load_bugs() -> list[Bug]:
    data = yaml.safe_load((ASSETS / "bugs.yaml").read_text(encoding="utf-8"))
    return [Bug(**item) for item in data["bugs"]]


def buggy_source(bug: Bug) -> str:
    source = module_source()
    if source.count(bug.old) != 1:
        raise RuntimeError(f"seeded bug {bug.id}: its text must occur exactly once in {MODULE_NAME}")
    return source.replace(bug.old, bug.new)


# --- the learner's tests -------------------------------------------------------------------------


def learner_tests(options: VerifyOptions) -> dict[str, bytes]:
    """File name -> content of the learner's test files (and helpers such as conftest.py)."""
    if options.file is not None:
        path = Path(options.file)
        if not path.is_file():
            raise VerifierInputError(f"test file not found: {path}")
        if path.name == MODULE_NAME:
            raise VerifierInputError(f"--file must be your test file, not {MODULE_NAME}")
        return {path.name: read_bytes(path)}
    if options.directory is None:
        raise VerifierInputError("this checkpoint needs --file test_pricing.py (or --dir with your test files)")
    directory = Path(options.directory)
    if not directory.is_dir():
        raise VerifierInputError(f"test directory not found: {directory}")
    files = {p.name: read_bytes(p) for p in sorted(directory.glob("*.py")) if p.is_file() and p.name != MODULE_NAME}
    if not any(TEST_FILE.match(name) for name in files):
        raise VerifierInputError(f"no test_*.py files in {directory}")
    return files


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise VerifierInputError(f"cannot read {path}: {exc.strerror or exc}") from exc


def pytest_targets(files: dict[str, bytes]) -> list[str]:
    """The files pytest is asked to run: the test files, or the only file given with --file."""
    matching = [name for name in files if TEST_FILE.match(name)]
    return matching or list(files)


# --- running pytest ------------------------------------------------------------------------------


def pytest_env() -> dict[str, str]:
    """Third-party plugins stay off: they slow every run down (about 1 s instead of 0.3 s) and a
    globally installed plugin could change what the learner's tests do."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_ADDOPTS", "PYTHONPATH", "PYTEST_PLUGINS"}}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["COLUMNS"] = "200"  # pytest cuts the FAILED summary lines to the terminal width
    return env


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


def disguise(source: str, size: int) -> str:
    """``source`` padded to ``size`` characters with a random comment: every version of the module
    has the same size and an unpredictable hash."""
    filler = f"\n# {secrets.token_hex(16)}\n"
    return source + filler + "#" * (size - len(source) - len(filler) - 1) + "\n"


@dataclass
class Sandbox:
    """Where each pytest run happens: one folder, the same path for every version of the module, so
    a test cannot tell the correct module from a buggy one by path, size, date or hash, and never
    finds another version next to its own."""

    root: Path
    files: dict[str, bytes]
    plugins: list[str]
    python: str
    size: int  # every version of the module is padded to this many characters

    @property
    def workdir(self) -> Path:
        return self.root / "work"

    def run(self, source: str, timeout: float) -> RunResult:
        """Write the tests and one version of the module, run pytest there, clean up everything."""
        if timeout <= 0:
            return RunResult(None, "", skipped=True)
        workdir = self.workdir
        remove_tree(workdir)
        (workdir / ".tmp").mkdir(parents=True)
        for name, content in self.files.items():
            (workdir / name).write_bytes(content)
        module = workdir / MODULE_NAME
        module.write_text(disguise(source, self.size), encoding="utf-8")
        os.utime(module, (MODULE_MTIME, MODULE_MTIME))
        (workdir / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        token = secrets.token_hex(16)
        env = pytest_env()
        env.update({"PWD": str(workdir), "TMPDIR": str(workdir / ".tmp"), MARKER_ENV: token})
        process = subprocess.Popen(
            [self.python, *PYTEST_ARGS, *(f"-p{name}" for name in self.plugins), *pytest_targets(self.files)],
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        limit_file_size(process.pid)
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
        return RunResult(exit_code, text, timed_out=exit_code is None)


# --- the checks ----------------------------------------------------------------------------------


def correct_module_check(result: RunResult, timeout: float, python: Interpreter | None = None) -> Check:
    name = "tests pass on the correct pricing.py"
    ran_with = f" (ran with {python})" if python else ""
    if result.timed_out:
        message = f"killed after {timeout:g} s: your tests did not finish (an endless loop or a wait?)"
    elif result.exit_code == 0:
        return Check(name, True, result.summary + ran_with)
    elif result.exit_code == 1:
        message = (
            "your tests fail on the correct module, so they test something the spec does not say: "
            f"{result.summary}{ran_with}"
        )
    elif result.exit_code == 5:
        message = "pytest found no tests: name your test functions test_something"
    else:
        message = f"pytest could not run your tests (exit code {result.exit_code}): {result.summary}{ran_with}"
    return Check(name, False, message, "pytest")


def bug_check(bug: Bug, result: RunResult | None) -> Check:
    name = f"bug {bug.id}: {bug.title}"
    if result is None:
        return Check.skip(name, "not run: your tests must pass on the correct module first", "unit-testing")
    if result.skipped:
        return Check.skip(name, "not run: the overall time limit was reached", "unit-testing")
    if result.timed_out:
        return Check(name, True, "caught: your tests did not finish on this version")
    if result.exit_code != 0:
        return Check(name, True, f"caught by {result.failed_test or result.summary}")
    return Check(name, False, f"missed: your tests pass on this version; test {bug.area}", "unit-testing")


def summary_check(bug_checks: list[Check], share: float) -> Check:
    caught = sum(c.passed for c in bug_checks)
    total = len(bug_checks)
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


def run_all(run: Runner, bugs: list[Bug], limits: Limits, clock: Clock) -> tuple[RunResult, list[RunResult | None]]:
    """The correct module first; then, if the tests pass on it, each buggy version, one after the other,
    each within ``run_timeout`` and all within the overall ``timeout`` (read from ``clock``)."""
    end = clock() + limits.timeout
    correct = run(module_source(), min(limits.run_timeout, limits.timeout))
    results: list[RunResult | None] = [None] * len(bugs)
    if correct.exit_code == 0:
        for index, bug in enumerate(bugs):
            results[index] = run(buggy_source(bug), min(limits.run_timeout, end - clock()))
    return correct, results


@dataclass(frozen=True)
class Interpreter:
    """The Python that runs the learner's tests, and why it was chosen."""

    path: str
    origin: str  # "--python", "the active virtual environment", "python3 on PATH", "the tool's own Python"

    def __str__(self) -> str:
        return f"{self.path}, {self.origin}"


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
        candidates.append((str(Path(venv) / bin_dir / ("python.exe" if os.name == "nt" else "python")),
                           "the active virtual environment"))
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
    """``clock`` and ``runner`` are for tests: a fake clock and a fake pytest run make the time-limit
    logic testable on a loaded machine."""
    python = find_python(getattr(options, "python", None)) if runner is None else None
    files = learner_tests(options)
    limits = Limits.from_params(options.params)
    bugs = load_bugs()
    with tempfile.TemporaryDirectory(prefix="backend-mentor-pytest-", ignore_cleanup_errors=True) as tmp:
        if runner is None:
            versions = [module_source(), *(buggy_source(bug) for bug in bugs)]
            size = max(map(len, versions)) + 64
            runner = Sandbox(Path(tmp), files, limits.plugins, python.path, size).run
        correct, results = run_all(runner, bugs, limits, clock)
    first_timeout = min(limits.run_timeout, limits.timeout)
    bug_checks = [bug_check(bug, result) for bug, result in zip(bugs, results)]
    return [correct_module_check(correct, first_timeout, python), *bug_checks, summary_check(bug_checks, limits.share)]


def starter_files(params: dict) -> dict[str, str | bytes]:
    return {
        MODULE_NAME: module_source(),
        "README.md": (ASSETS / "README.md").read_text(encoding="utf-8"),
        "test_pricing.py": (ASSETS / "test_pricing.py").read_text(encoding="utf-8"),
    }
