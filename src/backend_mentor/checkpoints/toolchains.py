"""The learner's own test runners for the test-writing checkpoint: pytest, ``node --test`` and ``go test``.

One pricing specification, one list of seeded bugs; a ``Toolchain`` knows, for one language, which
files of the learner's folder are theirs, how to lay out a run folder around one version of the
module, the command that runs the learner's tests there, and how to read that runner's output (did
it find tests, which test failed first, and the real error behind it). The runs themselves (a
temporary copy, a process group killed at the time limit, capped output) live in ``pytest_bugs``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, fields
from pathlib import Path
from typing import ClassVar

from ..curriculum.schema import TEST_LANGUAGE_FOR_PROFILE as PROFILE_LANGUAGES
from ..curriculum.schema import TEST_LANGUAGES as LANGUAGES
from .base import VerifierInputError

ASSETS = Path(__file__).parent / "assets"

MAX_LEARNER_FILES = 50
MAX_LEARNER_BYTES = 2_000_000


@dataclass(frozen=True)
class Report:
    """What a runner's output says beyond its exit code."""

    no_tests: bool = False
    build_failed: bool = False
    failed_test: str | None = None
    failure_line: str | None = None  # the runner's own line naming the first failure
    first_error: str | None = None
    last_line: str = ""

    def summary(self) -> str:
        """The first failure, the real error behind it and the runner's last line, on one line."""
        parts = [self.failure_line] if self.failure_line else []
        if self.first_error and not any(self.first_error in part for part in parts):
            parts.append(self.first_error)
        if self.last_line and self.last_line not in parts:
            parts.append(self.last_line)
        return " | ".join(parts)[:600]


@dataclass(frozen=True)
class Toolchain:
    language: str
    runner: str  # how the learner would name it: "pytest", "node --test", "go test"
    module_name: str  # the module under test, e.g. pricing.js
    asset_dir: Path
    starter_names: tuple[str, ...]  # asset files `checkpoint start` writes
    run_names: tuple[str, ...]  # asset files every run folder gets besides the module
    test_file: re.Pattern[str]
    source_suffixes: tuple[str, ...]  # the learner's files copied into each run
    comment: str  # how a line comment starts in this language
    no_tests_hint: str  # what to do when the runner found no tests

    # --- how this language's runner is found, started and read (overridden per language) --------

    def find_program(self, explicit: str | None = None) -> Program:
        raise NotImplementedError

    def command(self, program: str, targets: list[str], plugins: list[str], timeout: float) -> list[str]:
        raise NotImplementedError

    def env(self, base: dict[str, str], root: Path) -> dict[str, str]:
        return dict(base)

    def read(self, exit_code: int | None, output: str) -> Report:
        raise NotImplementedError

    def first_run_timeout(self, run_timeout: float) -> float:
        """The first run may need longer (Go compiles the standard library into its cache once)."""
        return run_timeout

    def test_timeout(self, run_timeout: float) -> float:
        """How long the tests themselves may run, when the runner can enforce it (Go: -timeout)."""
        return run_timeout

    def prepare(self, workdir: Path) -> None:
        """Anything a run folder needs besides files (Jest: the learner's node_modules)."""

    def run_files(self) -> dict[str, bytes]:
        """Files every run folder gets before the learner's own (which may replace them)."""
        files = {name: (self.asset_dir / name).read_bytes() for name in self.run_names}
        return files

    def module_source(self) -> str:
        return (self.asset_dir / self.module_name).read_text(encoding="utf-8")

    def bug_mutations(self) -> dict[str, tuple[str, str]]:
        """Bug id -> (old, new) text in this language's module."""
        import yaml

        data = yaml.safe_load((self.asset_dir / "bugs.yaml").read_text(encoding="utf-8"))
        return {item["id"]: (item["old"], item["new"]) for item in data["bugs"]}

    def starter_files(self) -> dict[str, str | bytes]:
        return {name: (self.asset_dir / name).read_text(encoding="utf-8") for name in self.starter_names}

    def learner_files(self, file: Path | None, directory: Path | None) -> dict[str, bytes]:
        """File name -> content of the learner's test files (and helpers), read once, never written."""
        example = next(name for name in self.starter_names if self.test_file.match(name))
        if file is not None:
            path = Path(file)
            if not path.is_file():
                raise VerifierInputError(f"test file not found: {path}")
            if path.name == self.module_name:
                raise VerifierInputError(f"--file must be your test file, not {self.module_name}")
            return {path.name: read_bytes(path)}
        if directory is None:
            raise VerifierInputError(f"this checkpoint needs --file {example} (or --dir with your test files)")
        folder = Path(directory)
        if not folder.is_dir():
            raise VerifierInputError(f"test directory not found: {folder}")
        paths = [
            p
            for p in sorted(folder.iterdir())
            if p.suffix in self.source_suffixes and p.name != self.module_name and p.is_file()
        ]
        if len(paths) > MAX_LEARNER_FILES:
            raise VerifierInputError(f"{folder} has {len(paths)} source files; the limit is {MAX_LEARNER_FILES}")
        files = {p.name: read_bytes(p) for p in paths}
        if sum(len(content) for content in files.values()) > MAX_LEARNER_BYTES:
            raise VerifierInputError(f"the test files in {folder} are larger than {MAX_LEARNER_BYTES // 1_000_000} MB")
        if not any(self.test_file.match(name) for name in files):
            raise VerifierInputError(f"no {self.test_pattern_text()} files in {folder}")
        return files

    def test_pattern_text(self) -> str:
        return {"python": "test_*.py", "node": "*.test.js", "go": "*_test.go"}[self.language]

    def targets(self, files: dict[str, bytes]) -> list[str]:
        matching = [name for name in files if self.test_file.match(name)]
        return sorted(matching or files)


@dataclass(frozen=True)
class Program:
    """The program that runs the learner's tests, and why it was chosen."""

    path: str
    origin: str  # e.g. "--python", "the active virtual environment", "node on PATH"

    def __str__(self) -> str:
        return f"{self.path}, {self.origin}"


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise VerifierInputError(f"cannot read {path}: {exc.strerror or exc}") from exc


# --- Python (pytest) ------------------------------------------------------------------------------

PYTEST_ARGS = ["-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "--color=no"]
PYTEST_ERROR_LINE = re.compile(r"^E[ \t]+(\S.*)$", re.M)  # pytest's "E   ModuleNotFoundError: ..." lines
PYTEST_FAILURE = re.compile(r"^(?:FAILED|ERROR) (\S+).*$", re.M)


class PythonToolchain(Toolchain):
    def find_program(self, explicit: str | None = None) -> Program:
        from .pytest_bugs import find_python

        return find_python(explicit)

    def command(self, program: str, targets: list[str], plugins: list[str], timeout: float) -> list[str]:
        return [program, *PYTEST_ARGS, *(f"-p{name}" for name in plugins), *targets]

    def env(self, base: dict[str, str], root: Path) -> dict[str, str]:
        """Third-party plugins stay off: they slow every run down (about 1 s instead of 0.3 s) and a
        globally installed plugin could change what the learner's tests do."""
        env = {k: v for k, v in base.items() if k not in {"PYTEST_ADDOPTS", "PYTHONPATH", "PYTEST_PLUGINS"}}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        env["COLUMNS"] = "200"  # pytest cuts the FAILED summary lines to the terminal width
        return env

    def run_files(self) -> dict[str, bytes]:
        return {"pytest.ini": b"[pytest]\n"}

    def read(self, exit_code: int | None, output: str) -> Report:
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        failure = PYTEST_FAILURE.search(output)
        error = PYTEST_ERROR_LINE.search(output)
        return Report(
            no_tests=exit_code == 5,
            build_failed=exit_code not in (None, 0, 1, 5),
            failed_test=failure.group(1) if failure else None,
            failure_line=failure.group(0).strip() if failure else None,
            first_error=error.group(1).strip()[:300] if error else None,
            last_line=lines[-1] if lines else "",
        )


PYTHON = PythonToolchain(
    language="python",
    runner="pytest",
    module_name="pricing.py",
    asset_dir=ASSETS / "pytest_bugs",
    starter_names=("pricing.py", "README.md", "test_pricing.py"),
    run_names=(),
    test_file=re.compile(r"^(test_.*|.*_test)\.py$"),
    source_suffixes=(".py",),
    comment="#",
    no_tests_hint="name your test functions test_something",
)


# --- Node.js -------------------------------------------------------------------------------------


class NodeToolchain(Toolchain):
    def find_program(self, explicit: str | None = None) -> Program:
        return Program(find_node(), "node on PATH")

    def command(self, program: str, targets: list[str], plugins: list[str], timeout: float) -> list[str]:
        return node_command(program, targets)

    def env(self, base: dict[str, str], root: Path) -> dict[str, str]:
        env = {k: v for k, v in base.items() if k not in ("NODE_OPTIONS", "NODE_PATH")}
        env["NO_COLOR"] = "1"
        return env

    def read(self, exit_code: int | None, output: str) -> Report:
        return read_node(exit_code, output)


NODE = NodeToolchain(
    language="node",
    runner="node --test",
    module_name="pricing.js",
    asset_dir=ASSETS / "test_bugs" / "node",
    starter_names=("pricing.js", "README.md", "pricing.test.js", "package.json"),
    run_names=("package.json",),
    test_file=re.compile(r"^(.+[.\-_]test|test-.+|.+\.spec)\.[cm]?js$"),
    source_suffixes=(".js", ".cjs", ".mjs", ".json"),
    comment="//",
    no_tests_hint="write tests with test() from node:test in a *.test.js file",
)
NODE_MINIMUM = (18, 15)  # --test-reporter appeared in 18.15 / 19.6
TAP_FAILURE = re.compile(r"^\s*not ok \d+ - (.+?)(?: # .*)?$", re.M)
TAP_TESTS = re.compile(r"^# tests (\d+)$", re.M)


def node_command(node: str, targets: list[str]) -> list[str]:
    return [node, "--test", "--test-reporter=tap", *targets]


def read_node(exit_code: int | None, output: str) -> Report:
    tests = TAP_TESTS.search(output)
    failure = TAP_FAILURE.search(output)
    error = None
    if failure:
        block = output[failure.end() :].split("\n  ...", 1)[0]
        error = tap_error(block)
    if error is None:
        thrown = re.search(r"^(\w*Error\b.*)$", output, re.M)  # e.g. a SyntaxError before any test ran
        error = thrown.group(1).strip() if thrown else None
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return Report(
        no_tests=bool(tests and tests.group(1) == "0") and exit_code == 0,
        failed_test=failure.group(1).strip() if failure else None,
        failure_line=failure.group(0).strip() if failure else None,
        first_error=error[:300] if error else None,
        last_line=tap_counts(output) or (lines[-1] if lines else ""),
    )


def tap_counts(output: str) -> str | None:
    """The TAP summary as a learner reads it: "17 passed, 0 failed"."""
    passed = re.search(r"^# pass (\d+)$", output, re.M)
    failed = re.search(r"^# fail (\d+)$", output, re.M)
    if not (passed and failed):
        return None
    return f"{passed.group(1)} passed, {failed.group(1)} failed"


def tap_error(block: str) -> str | None:
    """The ``error:`` of a TAP failure block, folded onto one line."""
    match = re.search(r"^\s+error: (.*)$", block, re.M)
    if not match:
        return None
    first = match.group(1).strip()
    if first not in ("|-", "|", ">-", ">"):
        return first.strip("'\"")
    following = block[match.end() :].splitlines()
    text = []
    for line in following:
        if re.match(r"^\s{2}\w+:", line):  # the next key of the YAML block
            break
        if line.strip():
            text.append(line.strip())
    return " ".join(text) or None


# --- Go ------------------------------------------------------------------------------------------


class GoToolchain(Toolchain):
    def find_program(self, explicit: str | None = None) -> Program:
        return Program(find_go(), "go on PATH")

    def command(self, program: str, targets: list[str], plugins: list[str], timeout: float) -> list[str]:
        return go_command(program, timeout)

    def env(self, base: dict[str, str], root: Path) -> dict[str, str]:
        env = go_env(base)
        env["GOPATH"] = str(root / "gopath")  # nothing is downloaded; keep even the empty folders out of $HOME
        return env

    def read(self, exit_code: int | None, output: str) -> Report:
        return read_go(exit_code, output)

    def first_run_timeout(self, run_timeout: float) -> float:
        return run_timeout + GO_BUILD_SECONDS

    def test_timeout(self, run_timeout: float) -> float:
        return run_timeout


GO_BUILD_SECONDS = 90.0  # on top of the tests' own time: the first build fills the build cache

GO = GoToolchain(
    language="go",
    runner="go test",
    module_name="pricing.go",
    asset_dir=ASSETS / "test_bugs" / "go",
    starter_names=("pricing.go", "go.mod", "README.md", "pricing_test.go"),
    run_names=("go.mod",),
    test_file=re.compile(r"^.+_test\.go$"),
    source_suffixes=(".go",),
    comment="//",
    no_tests_hint="write func TestXxx(t *testing.T) in a *_test.go file of package pricing",
)


@dataclass(frozen=True)
class JestToolchain(NodeToolchain):
    """A Node project whose package.json uses Jest, installed in the learner's own node_modules: its
    tests run with that Jest (offline; nothing is installed), in the run folder that links to it."""

    PACKAGE: ClassVar[str] = "jest"  # the name in package.json and in node_modules
    ENTRY: ClassVar[str] = "bin/jest.js"  # the script node runs, inside the package
    NAME: ClassVar[str] = "Jest"

    node_modules: Path = Path("node_modules")
    version: str = ""

    def find_program(self, explicit: str | None = None) -> Program:
        entry = self.node_modules / self.PACKAGE / self.ENTRY
        return Program(str(entry), f"{self.NAME} {self.version} from your node_modules".replace("  ", " "))

    def command(self, program: str, targets: list[str], plugins: list[str], timeout: float) -> list[str]:
        return [
            find_node(),
            program,
            "--ci",
            "--runInBand",
            "--watchman=false",
            "--passWithNoTests",
            "--cacheDirectory=../jest-cache",  # beside the run folder: kept across the versions of one verification
            *targets,
        ]

    def env(self, base: dict[str, str], root: Path) -> dict[str, str]:
        env = super().env(base, root)
        env["FORCE_COLOR"] = "0"
        return env

    def prepare(self, workdir: Path) -> None:
        (workdir / "node_modules").symlink_to(self.node_modules.resolve(), target_is_directory=True)

    def read(self, exit_code: int | None, output: str) -> Report:
        return read_jest(exit_code, output)


@dataclass(frozen=True)
class VitestToolchain(JestToolchain):
    """A Node project whose package.json uses Vitest, installed in the learner's node_modules. The run
    folder gets a node_modules of its own whose entries link to the learner's, so whatever Vitest
    caches lands in the run folder, never in the learner's project."""

    PACKAGE: ClassVar[str] = "vitest"
    ENTRY: ClassVar[str] = "vitest.mjs"
    NAME: ClassVar[str] = "Vitest"

    def command(self, program: str, targets: list[str], plugins: list[str], timeout: float) -> list[str]:
        return [find_node(), program, "run", "--reporter=verbose", "--passWithNoTests", *targets]

    def env(self, base: dict[str, str], root: Path) -> dict[str, str]:
        env = super().env(base, root)
        env.update({"NO_COLOR": "1", "CI": "1"})
        return env

    def prepare(self, workdir: Path) -> None:
        modules = workdir / "node_modules"
        modules.mkdir()
        for entry in self.node_modules.resolve().iterdir():
            if entry.name != ".vite":
                (modules / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())

    def read(self, exit_code: int | None, output: str) -> Report:
        return read_vitest(exit_code, output)


VITEST_FAILURE = re.compile(r"^\s*FAIL\s+\S+ > (.+?)\s*$", re.M)
VITEST_SUITE_ERROR = re.compile(r"^\s*FAIL\s+\S+ \[ .+ \]\s*$", re.M)
VITEST_ERROR = re.compile(r"^\s*(\w*Error: .+)$", re.M)
VITEST_TESTS = re.compile(r"^\s*Tests\s+(.+)$", re.M)


def read_vitest(exit_code: int | None, output: str) -> Report:
    """Vitest's verbose report: "FAIL file > test name", the error under it, "Tests 1 failed | 17 passed (18)"."""
    failure = VITEST_FAILURE.search(output)
    suite_error = VITEST_SUITE_ERROR.search(output)
    anchor = failure or suite_error
    error = VITEST_ERROR.search(output, anchor.end()) if anchor else VITEST_ERROR.search(output)
    tests = VITEST_TESTS.search(output)
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return Report(
        no_tests=exit_code == 0 and "No test files found" in output,
        build_failed=bool(suite_error) and not failure,
        failed_test=failure.group(1).strip() if failure else None,
        failure_line=anchor.group(0).strip() if anchor else None,
        first_error=error.group(1).strip()[:300] if error else None,
        last_line=tests.group(1).strip() if tests else (lines[-1] if lines else ""),
    )


JEST_FAILURE = re.compile(r"^\s+● (?!Test suite failed to run)(.+)$", re.M)
JEST_SUITE_ERROR = re.compile(r"^\s+● Test suite failed to run\s*$", re.M)
JEST_TESTS = re.compile(r"^Tests:\s+(.+)$", re.M)


def read_jest(exit_code: int | None, output: str) -> Report:
    """Jest's own report: "● test name" per failure, its message below, "Tests: 1 failed, 17 passed"."""
    failure = JEST_FAILURE.search(output)
    suite_error = JEST_SUITE_ERROR.search(output)
    anchor = failure or suite_error
    error = None
    if anchor:
        following = [line.strip() for line in output[anchor.end() :].splitlines() if line.strip()]
        picked = [following[0]] if following else []
        picked += [line for line in following[1:8] if line.startswith(("Expected", "Received"))]
        error = " ".join(picked) or None
    tests = JEST_TESTS.search(output)
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return Report(
        no_tests=exit_code == 0 and "No tests found" in output,
        build_failed=bool(suite_error) and not failure,
        failed_test=failure.group(1).strip() if failure else None,
        failure_line=anchor.group(0).strip() if anchor else None,
        first_error=error[:300] if error else None,
        last_line=tests.group(1).strip() if tests else (lines[-1] if lines else ""),
    )


def node_runner(directory: Path | None) -> Toolchain:
    """Node's built-in runner, or the learner's own Jest or Vitest when their package.json uses it and
    it is installed in their folder (nothing is ever installed by the verifier)."""
    if directory is None:
        return NODE
    manifest = Path(directory) / "package.json"
    try:
        package = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
    except (OSError, ValueError):
        raise VerifierInputError(f"{manifest} is not valid JSON") from None
    declared = {**(package.get("dependencies") or {}), **(package.get("devDependencies") or {})}
    for runner in (JestToolchain, VitestToolchain):
        if runner.PACKAGE not in declared:
            continue
        installed = Path(directory) / "node_modules" / runner.PACKAGE
        if not (installed / runner.ENTRY).is_file():
            raise VerifierInputError(
                f"your package.json uses {runner.NAME} but it is not installed in {directory}: "
                "run 'npm install' there first"
            )
        base = {f.name: getattr(NODE, f.name) for f in fields(Toolchain)}
        return runner(
            **{**base, "runner": runner.PACKAGE},
            node_modules=Path(directory) / "node_modules",
            version=package_version(installed),
        )
    return NODE


def package_version(folder: Path) -> str:
    try:
        return str(json.loads((folder / "package.json").read_text(encoding="utf-8")).get("version", ""))
    except (OSError, ValueError):
        return ""


GO_FAILURE = re.compile(r"^\s*--- FAIL: (\S+)", re.M)
GO_COMPILE_ERROR = re.compile(r"^\S+\.go:\d+:\d+: (.+)$", re.M)
GO_LOG_LINE = re.compile(r"^\s+(\S+_test\.go:\d+: .+)$", re.M)


def go_command(go: str, timeout: float | None = None) -> list[str]:
    """``-timeout`` bounds the tests themselves, not the compilation, so a slow first build (the
    standard library into an empty cache) is not mistaken for a hanging test."""
    limit = [f"-timeout={max(1, int(timeout))}s"] if timeout else []
    return [go, "test", "-count=1", "-failfast", *limit, "./..."]


def go_env(base: dict[str, str]) -> dict[str, str]:
    """Offline and reproducible: no module downloads, no toolchain switch, our own build cache
    unless the learner set one (a warm cache makes each run take a fraction of a second)."""
    env = dict(base)
    env.update({"GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOTOOLCHAIN": "local", "GOWORK": "off", "CGO_ENABLED": "0"})
    if not env.get("GOCACHE"):
        from ..paths import cache_dir

        env["GOCACHE"] = str(cache_dir() / "go-build")
    env.setdefault("HOME", str(Path.home()))
    return env


def read_go(exit_code: int | None, output: str) -> Report:
    failure = GO_FAILURE.search(output)
    build_failed = "[build failed]" in output or "[setup failed]" in output
    error = None
    timed_out = re.search(r"^panic: (test timed out after .+)$", output, re.M)
    if timed_out:
        error = f"{timed_out.group(1)} (a test that never ends: a wait, a sleep, an endless loop?)"
    elif build_failed:
        compile_error = GO_COMPILE_ERROR.search(output)
        error = compile_error.group(0).strip() if compile_error else None
    elif failure:
        logged = GO_LOG_LINE.search(output, failure.end())
        error = logged.group(1).strip() if logged else None
    if error is None:
        panic = re.search(r"^(panic: .+)$", output, re.M)
        error = panic.group(1) if panic else None
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return Report(
        no_tests=exit_code == 0 and ("[no test files]" in output or "testing: warning: no tests to run" in output),
        build_failed=build_failed,
        failed_test=failure.group(1) if failure else None,
        failure_line=failure.group(0).strip() if failure else None,
        first_error=error[:300] if error else None,
        last_line=lines[-1] if lines else "",
    )


# --- finding the tools ---------------------------------------------------------------------------


def find_node() -> str:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        raise VerifierInputError("Node.js is not installed: install Node.js 18.15 or newer (https://nodejs.org)")
    version = tool_version([node, "--version"], r"v(\d+)\.(\d+)")
    if version is not None and version < NODE_MINIMUM:
        raise VerifierInputError(
            f"{node} is Node.js {version[0]}.{version[1]}; the test runner needs Node.js 18.15 or newer"
        )
    return node


def find_go() -> str:
    go = shutil.which("go")
    if go is None:
        raise VerifierInputError("Go is not installed: install Go 1.19 or newer (https://go.dev/doc/install)")
    return go


def tool_version(command: list[str], pattern: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=30, env=dict(os.environ)).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(pattern, out)
    return (int(match.group(1)), int(match.group(2))) if match else None


def toolchain(language: str | None, directory: Path | None = None) -> Toolchain:
    """The toolchain for a checkpoint language (python when none is given); for Node, the learner's
    own Jest when their folder uses it."""
    chains = {"python": PYTHON, "node": NODE, "go": GO}
    if language not in chains and language is not None:
        raise VerifierInputError(f"no test runner for language '{language}'; choose one of: {', '.join(LANGUAGES)}")
    if language == "node":
        return node_runner(directory)
    return chains[language or "python"]


def language_for_profile(profile_language: str | None) -> str:
    """The checkpoint language for a learner's profile language (python when it has none)."""
    return PROFILE_LANGUAGES.get(profile_language or "", "python")
