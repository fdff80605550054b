"""Clear errors, nothing hidden: each failure says what happened in one line naming the file, exits
non-zero, never prints "internal error", and changes nothing it should not."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from backend_mentor.progress.store import Store


def one_clear_line(result, *needles: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1, result.output
    assert len(lines) == 1, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.output
    for needle in needles:
        assert needle in result.stderr, result.stderr


def some_progress(invoke, *topics: str) -> None:
    for topic in topics or ("http-basics",):
        assert invoke("learn", "done", topic).exit_code == 0


# --- file systems that refuse writes ---------------------------------------------------------------


@contextmanager
def tmpfs(path: Path, size: str):
    """A small tmpfs at ``path`` (root only); skips the test when mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def big_import(path: Path, events: int = 20_000) -> Path:
    rows = [
        {"at": "2026-01-01T00:00:00+00:00", "kind": "k", "subject": f"s{n}", "data": {"pad": "x" * 80}}
        for n in range(events)
    ]
    path.write_text(
        json.dumps(
            {
                "kind": "backend-mentor-progress",
                "schema_version": 1,
                "profile": None,
                "topics": [],
                "attempts": [],
                "review_cards": [],
                "events": rows,
            }
        )
    )
    return path


def test_disk_full_during_import_is_one_clear_line_and_changes_nothing(invoke, mini, tmp_path, monkeypatch):
    with tmpfs(tmp_path / "small", "1m") as home:
        monkeypatch.setenv("BACKEND_MENTOR_HOME", str(home))
        some_progress(invoke)
        before = Store(home / "progress.db").statuses()
        result = invoke("progress", "import", str(big_import(tmp_path / "big.json")))
        one_clear_line(result, "progress.db", "disk is full")
        store = Store(home / "progress.db")
        assert store.statuses() == before and len(list(store.iter_events())) == 1
        store.close()


def test_disk_full_under_a_file_size_limit(tmp_path):
    """Without root: RLIMIT_FSIZE makes every write beyond 1 MB fail with EFBIG."""
    home = tmp_path / "home"
    env = {**os.environ, "BACKEND_MENTOR_HOME": str(home)}
    assert (
        subprocess.run(
            [sys.executable, "-m", "backend_mentor", "learn", "done", "api-versioning"],
            env=env,
            capture_output=True,
            timeout=120,
        ).returncode
        == 0
    )

    def limit() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

    result = subprocess.run(
        [sys.executable, "-m", "backend_mentor", "progress", "import", str(big_import(tmp_path / "big.json"))],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert "progress.db" in result.stderr and "internal error" not in result.stderr
    assert set(Store(home / "progress.db").statuses()) == {"api-versioning"}


def test_a_read_only_progress_database_is_one_clear_line(invoke, mini, tmp_path, monkeypatch):
    """The data folder seen through a read-only bind mount (root); the same files, writable elsewhere."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a read-only bind mount needs root")
    some_progress(invoke)
    home = Path(os.environ["BACKEND_MENTOR_HOME"])
    Store(home / "progress.db").close()
    view = tmp_path / "read-only-view"
    view.mkdir()
    if subprocess.run(["mount", "--bind", str(home), str(view)], capture_output=True).returncode != 0:
        pytest.skip("cannot bind-mount here")
    try:
        if subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], capture_output=True).returncode != 0:
            pytest.skip("cannot remount read-only")
        monkeypatch.setenv("BACKEND_MENTOR_HOME", str(view))
        result = invoke("learn", "done", "http-status-codes")
        one_clear_line(result, str(view / "progress.db"), "read-only")
    finally:
        subprocess.run(["umount", "-l", str(view)], capture_output=True)


def test_a_read_only_file_without_root(invoke, mini, tmp_path, monkeypatch):
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions; the tmpfs test covers this")
    some_progress(invoke)
    home = Path(os.environ["BACKEND_MENTOR_HOME"])
    for path in home.glob("progress.db*"):
        path.chmod(0o444)
    home.chmod(0o555)
    try:
        one_clear_line(invoke("learn", "done", "http-status-codes"), "progress.db")
    finally:
        home.chmod(0o755)


# --- damaged databases ---------------------------------------------------------------------------------


def test_a_database_malformed_in_the_middle_of_a_query(invoke, mini, tmp_path, monkeypatch):
    home = Path(os.environ["BACKEND_MENTOR_HOME"])
    store = Store(home / "progress.db")
    with store.transaction() as db:
        for n in range(4000):
            store.log(db, "topic.done", f"topic-{n}", pad="y" * 200)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    path = home / "progress.db"
    data = bytearray(path.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle : middle + 8 * page] = os.urandom(8 * page)
    path.write_bytes(bytes(data))
    result = invoke("progress", "export")
    one_clear_line(result, "progress.db", "damaged")


def test_a_dropped_table_is_reported(invoke, mini):
    some_progress(invoke)
    db = sqlite3.connect(Path(os.environ["BACKEND_MENTOR_HOME"]) / "progress.db")
    db.execute("DROP TABLE events")
    db.commit()
    db.close()
    for command in (("progress",), ("learn", "done", "http-status-codes"), ("progress", "export")):
        one_clear_line(invoke(*command), "progress.db", "events")


def test_another_programs_database_is_refused_and_left_byte_identical(invoke, mini):
    path = Path(os.environ["BACKEND_MENTOR_HOME"]) / "progress.db"
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)")
    db.execute("INSERT INTO accounts (owner) VALUES ('someone')")
    db.commit()
    db.close()
    before = path.read_bytes()
    for command in (("progress",), ("learn", "done", "http-basics")):
        one_clear_line(invoke(*command), str(path), "not a backend-mentor progress database")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["progress.db"]


def test_another_programs_database_with_a_user_version_is_refused_too(invoke, mini):
    path = Path(os.environ["BACKEND_MENTOR_HOME"]) / "progress.db"
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (body TEXT)")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    before = path.read_bytes()
    one_clear_line(invoke("progress"), str(path))
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [b"x", b"\0" * 10, b"SQLite format 3\0"])
def test_a_tiny_damaged_file_is_reported_not_replaced(invoke, mini, content):
    path = Path(os.environ["BACKEND_MENTOR_HOME"]) / "progress.db"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    one_clear_line(invoke("learn", "done", "http-basics"), str(path), "damaged")
    assert path.read_bytes() == content


# --- files the commands write ----------------------------------------------------------------------------


def test_export_onto_a_folder_is_one_clear_line(invoke, mini, tmp_path):
    some_progress(invoke)
    folder = tmp_path / "exports"
    folder.mkdir()
    one_clear_line(invoke("progress", "export", "-o", str(folder)), str(folder), "folder")
    assert list(folder.iterdir()) == []


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temporary_files_of_killed_runs_are_cleaned_at_the_next_start(invoke, mini, tmp_path, shared_cache):
    some_progress(invoke)
    home = Path(os.environ["BACKEND_MENTOR_HOME"])
    (home / "backups").mkdir(exist_ok=True)
    gone = dead_pid()
    stale = [
        home / "backups" / f".progress-20260101T000000.json.{gone}.abc123xy.tmp",
        home / f".progress.db.{gone}.x1x1x1x1.tmp",
        tmp_path / f".out.json.{gone}.q9q9q9q9.tmp",
    ]
    alive = home / f".progress.db.{os.getpid()}.busybusy.tmp"  # a run still writing: kept
    others = [tmp_path / f".notes.txt.{gone}.abcdefgh.tmp", tmp_path / "draft.tmp"]  # not ours: kept
    for path in [*stale, alive, *others]:
        path.write_text("partial")
    assert invoke("progress").exit_code == 0
    assert invoke("progress", "export", "-o", str(tmp_path / "out.json")).exit_code == 0
    assert not any(p.exists() for p in stale)
    assert alive.exists() and all(p.exists() for p in others)


@pytest.mark.slow
def test_a_killed_export_leaves_nothing_once_the_next_run_starts(tmp_path):
    """kill -9 in the middle of writing an export: the next run removes the partial file."""
    home = tmp_path / "home"
    store = Store(home / "progress.db")
    with store.transaction() as db:
        store.log(db, "topic.done", "t0")
        db.execute(  # 200,000 more like it, in one statement (a Python loop of store.log takes seconds)
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) "
            "INSERT INTO events (uid, at, kind, subject, data) "
            "SELECT printf('bulk%012d', i), at, kind, 't' || i, data FROM n, (SELECT at, kind, data FROM events)"
        )
    store.close()
    env = {**os.environ, "BACKEND_MENTOR_HOME": str(home)}
    out = tmp_path / "out.json"
    proc = subprocess.Popen([sys.executable, "-m", "backend_mentor", "progress", "export", "-o", str(out)], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(tmp_path.glob(".out.json.*.tmp")):
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if not list(tmp_path.glob(".out.json.*.tmp")):
        pytest.skip("the export finished before it could be killed")
    assert not out.exists()
    subprocess.run(
        [sys.executable, "-m", "backend_mentor", "progress", "export", "-o", str(out)],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert list(tmp_path.glob(".out.json.*.tmp")) == []
    assert json.loads(out.read_text())["events"]


# --- the curriculum cache ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "blob",
    [
        '{"meta": {"sources": [], "built_at": "", "files": 0}, "categories": [], '
        '"topic": [], "path": [], "checkpoint": [], "project": []}',
        "[]",
        "{}",
        "not json",
    ],
)
def test_a_curriculum_cache_of_the_wrong_shape_is_rebuilt(invoke, mini, blob, tmp_path, monkeypatch):
    from backend_mentor.curriculum.catalog import _cache_file, fingerprint, resolve_sources

    # a cache folder of its own: the run's shared one is read by the other workers meanwhile
    monkeypatch.setenv("BACKEND_MENTOR_CACHE_DIR", str(tmp_path / "cache"))
    sources = resolve_sources()
    cache = _cache_file(sources)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.unlink(missing_ok=True)
    db = sqlite3.connect(cache)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.executemany("INSERT INTO meta VALUES (?, ?)", [("fingerprint", fingerprint(sources)), ("catalog", blob)])
    db.commit()
    db.close()
    result = invoke("mentor", "--json")
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output
    assert json.loads(result.stdout)["categories"]
    assert invoke("mentor", "--json").exit_code == 0  # rebuilt and readable again


# --- imports and queries -------------------------------------------------------------------------------------


def test_a_duplicated_topic_row_in_an_import_is_counted_once(invoke, mini, tmp_path):
    row = {
        "topic_id": "http-basics",
        "status": "done",
        "started_at": None,
        "completed_at": None,
        "updated_at": "2026-01-01T00:00:00+00:00",
    }
    file = tmp_path / "dup.json"
    file.write_text(
        json.dumps(
            {
                "kind": "backend-mentor-progress",
                "schema_version": 1,
                "profile": None,
                "topics": [row, row, {**row, "updated_at": "2026-01-02T00:00:00+00:00"}],
                "attempts": [],
                "review_cards": [],
                "events": [],
            }
        )
    )
    merged = json.loads(invoke("progress", "import", str(file), "--json").stdout)["merged"]
    assert merged["topics_added"] == 1 and merged["topics_updated"] == 0


class Slow(Exception):
    pass


@contextmanager
def at_most(seconds: float):
    """Interrupt the block with ``Slow`` after ``seconds`` (SIGALRM, main thread)."""

    def alarm(*_):
        raise Slow(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("query", [("x" * 130_000,), ("kafka " * 21_000,), tuple(["word"] * 26_000)])
def test_a_huge_mentor_query_answers_in_under_two_seconds(invoke, mini, query):
    assert invoke("mentor", "--json").exit_code == 0  # the catalog is compiled before the clock starts
    start = time.process_time()  # CPU time: the work done, which other load on the machine does not stretch
    with at_most(20.0):  # a hang guard in wall time
        result = invoke("mentor", *query)
    assert time.process_time() - start < 2.0
    one_clear_line(result, "too long")
