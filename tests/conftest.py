"""Shared fixtures: every test gets its own data directory and never touches the real home."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

# Keep compiled bytecode even where PYTHONDONTWRITEBYTECODE is set (as on the CI machine): otherwise
# every xdist worker re-rewrites every test module and every `python -m backend_mentor` a test starts
# compiles the package again. Set before anything of ours is imported.
sys.dont_write_bytecode = False

import pytest  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from backend_mentor.cli import app  # noqa: E402

pytest_plugins = ["postgres_server"]


def _build_each_app_once() -> None:
    """Typer's CliRunner turns the app into a Click command tree (every option of every command) on
    every ``invoke``; that was about three quarters of a CLI test's time. The tree of one app object
    is the same each time, so build it once. (Only the build is cached: each invoke still runs in
    its own isolation. A Typer without this hook just runs the tests slower.)"""
    import weakref

    import typer.testing

    build = getattr(typer.testing, "_get_command", None)
    if build is None or getattr(build, "cached", False):
        return
    built: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def once(application):
        if application not in built:
            built[application] = build(application)
        return built[application]

    once.cached = True  # type: ignore[attr-defined]
    typer.testing._get_command = once


_build_each_app_once()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist, start every worker on its share of the slow tests (the real Jest, Vitest, Go and
    pytest runs, the wheel build). pytest-xdist's worksteal scheduler deals out the collection in
    contiguous shares, one per worker, and later moves the ends of long queues to idle workers;
    with the slow tests at the head of each share, what is left for the end of the run is the
    quick tests, so no worker is still on a 20-second test while the others sit idle. Every worker
    computes the same order, as xdist requires. Without xdist the order is left alone."""
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    if workers < 2:
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    quick = iter([item for item in items if not item.get_closest_marker("slow")])
    shares: list[list[pytest.Item]] = [slow[k::workers] for k in range(workers)]
    ordered: list[pytest.Item] = []
    remaining = len(items)
    for k, share in enumerate(shares):
        size = remaining // (workers - k)  # as worksteal sizes its first shares
        remaining -= size
        ordered += share + [item for _, item in zip(range(size - len(share)), quick)]
    ordered += list(quick)
    items[:] = ordered


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory) -> Path:
    """One cache for the whole run, shared by the xdist workers (every write to it is atomic): the
    shipped curriculum compiles once, and Go builds its standard library once (go-build). A test
    that damages a cache entry on purpose sets a cache folder of its own."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's own folder (pytest-N), whose popen-gwK folders are the workers'
    folder = base / "shared-cache"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_cache: Path) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("BACKEND_MENTOR_HOME", str(home))
    monkeypatch.setenv("BACKEND_MENTOR_CACHE_DIR", str(shared_cache))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    for name in ("BACKEND_MENTOR_CURRICULUM_PATH", "BACKEND_MENTOR_DEBUG", "BACKEND_MENTOR_NOW"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner) -> Callable[..., object]:
    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None):
        return runner.invoke(app, list(args), input=input, env=env)

    return run


def first_runs(bugs: int) -> Callable[[], float]:
    """A clock for the test-writing verifier (``pytest_bugs.verify(..., clock=...)``) under which the
    correct module and the first ``bugs`` buggy versions are run; then the overall time limit reads
    as reached, so no later version is run (each run is a pytest, node or go session of its own)."""
    import itertools
    import math

    calls = itertools.count()
    return lambda: 0.0 if next(calls) <= bugs else math.inf


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def topic_yaml(topic_id: str, **overrides: str) -> str:
    """A minimal valid topic document; ``overrides`` replace whole top-level lines."""
    fields = {
        "id": topic_id,
        "title": f"Topic {topic_id}",
        "category": "internet",
        "level": "beginner",
        "hours": "1",
        "prerequisites": "[]",
        "summary": "A short summary.",
        "lesson": "|\n  Some lesson text.",
        "key_points": "[one, two, three]",
        "pitfalls": "[first, second]",
        "exercise": "{title: Do it, steps: [step one], done_when: [it works]}",
        "quiz": (
            "\n  - {q: Q1, choices: [a, b], answer: 0, why: because}"
            "\n  - {q: Q2, choices: [a, b], answer: 1, why: because}"
            "\n  - {q: Q3, choices: [a, b, c], answer: 2, why: because}"
        ),
        "resources": "\n  - {title: RFC 9110, url: 'https://www.rfc-editor.org/rfc/rfc9110', kind: spec}",
    }
    fields.update(overrides)
    return "".join(f"{key}: {value}\n" for key, value in fields.items() if value is not None)


@pytest.fixture
def make_pack(tmp_path: Path) -> Callable[..., Path]:
    """Build a curriculum pack: ``make_pack(topics={'id': yaml}, files={'rel/path.yaml': yaml})``."""

    def build(
        name: str = "pack",
        topics: dict[str, str] | None = None,
        files: dict[str, str] | None = None,
        categories: bool = False,
    ) -> Path:
        root = tmp_path / name
        root.mkdir(parents=True, exist_ok=True)
        if categories:
            write(root / "categories.yaml", "categories:\n  - {id: internet, title: Internet}\n")
        for topic_id, text in (topics or {}).items():
            write(root / "topics" / "internet" / f"{topic_id}.yaml", text)
        for rel, text in (files or {}).items():
            write(root / rel, text)
        return root

    return build


MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture
def mini(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small fixture curriculum stands in for the shipped one."""
    monkeypatch.setattr("backend_mentor.curriculum.catalog.shipped_curriculum_dir", lambda: MINI)
    return MINI


@pytest.fixture
def store():
    from backend_mentor.progress.store import open_store

    opened = open_store()
    yield opened
    opened.close()
