"""The progress store: migrations, refusal of newer databases, durability of progress."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from backend_mentor.errors import StoreError
from backend_mentor.progress.migrations import MIGRATIONS
from backend_mentor.progress.store import Store


def test_migrations_run_from_an_empty_file(tmp_path):
    path = tmp_path / "progress.db"
    path.touch()
    store = Store(path)
    assert store.applied_migrations() == [step.__name__ for step in MIGRATIONS]
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"profile", "topic_status", "events", "checkpoint_attempts", "review_cards", "migrations"} <= tables


def test_reopening_does_not_migrate_again(tmp_path):
    Store(tmp_path / "p.db").applied_migrations()
    store = Store(tmp_path / "p.db")
    assert len(store.applied_migrations()) == len(MIGRATIONS)


def test_a_newer_database_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "progress.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE future (x)")
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer backend-mentor"):
        Store(path).applied_migrations()
    assert path.read_bytes() == before


def test_a_corrupt_database_gives_a_clear_message_and_is_kept(tmp_path):
    path = tmp_path / "progress.db"
    path.write_bytes(b"definitely not a database" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="is damaged"):
        Store(path).applied_migrations()
    assert path.read_bytes() == before


def test_progress_for_a_removed_topic_survives(tmp_path):
    path = tmp_path / "p.db"
    store = Store(path)
    with store.transaction() as db:
        store.set_status(db, "topic-that-will-disappear", "done")
        store.log(db, "topic.done", "topic-that-will-disappear")
    store.close()
    reopened = Store(path)
    assert reopened.statuses() == {"topic-that-will-disappear": "done"}
    assert [e["subject"] for e in reopened.iter_events()] == ["topic-that-will-disappear"]


def test_a_failed_command_changes_nothing(tmp_path):
    store = Store(tmp_path / "p.db")
    with pytest.raises(RuntimeError), store.transaction() as db:
        store.set_status(db, "jwt", "done")
        store.log(db, "topic.done", "jwt")
        raise RuntimeError("crash in the middle of a command")
    assert store.statuses() == {}
    assert list(store.iter_events()) == []


def test_status_keeps_first_start_and_completion_times(tmp_path, monkeypatch):
    store = Store(tmp_path / "p.db")
    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-01-01T10:00:00+00:00")
    with store.transaction() as db:
        store.set_status(db, "jwt", "learning")
    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-01-02T10:00:00+00:00")
    with store.transaction() as db:
        store.set_status(db, "jwt", "done")
    row = store.status_rows()[0]
    assert row["started_at"].startswith("2026-01-01") and row["completed_at"].startswith("2026-01-02")


def test_attempts_are_recorded_and_summarised(tmp_path):
    store = Store(tmp_path / "p.db")
    with store.transaction() as db:
        store.record_attempt(db, "complex-sql-joins", False, 0.5, {"checks": []})
        store.record_attempt(db, "complex-sql-joins", True, 1.0, {"checks": []})
    summary = store.checkpoint_summary()["complex-sql-joins"]
    assert summary["attempts"] == 2 and summary["best"] == 1.0 and summary["passed"] is True


def test_a_locked_database_is_reported_not_raised(tmp_path, monkeypatch):
    path = tmp_path / "p.db"
    Store(path).applied_migrations()
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr("backend_mentor.progress.store.BUSY_TIMEOUT_MS", 100)
    store = Store(path)
    store.db.execute("PRAGMA busy_timeout = 100")
    with pytest.raises(StoreError, match="busy"), store.transaction():
        pass
    blocker.execute("ROLLBACK")


def test_unwritable_data_directory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the data directory"):
        Store(Path(blocker) / "sub" / "p.db").applied_migrations()


WRITER = """
import sys, time
from pathlib import Path
from backend_mentor.progress.store import Store
store = Store(Path(sys.argv[1]))
for i in range(int(sys.argv[3])):
    with store.transaction() as db:
        store.set_status(db, f"{sys.argv[2]}-{i}", "done")
        store.log(db, "topic.done", f"{sys.argv[2]}-{i}")
"""

KILLED = """
import os, signal, sys
from pathlib import Path
from backend_mentor.progress.store import Store
store = Store(Path(sys.argv[1]))
with store.transaction() as db:
    store.set_status(db, "half-written", "done")
    store.log(db, "topic.done", "half-written")
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_concurrent_writers_lose_nothing(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "p.db"
    Store(path).applied_migrations()  # migrate once up front
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, "40"]) for name in ("a", "b", "c")]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    store = Store(path)
    assert len(store.statuses()) == 120
    assert len(list(store.iter_events())) == 120


def test_a_process_killed_mid_write_leaves_committed_progress_intact(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "p.db"
    store = Store(path)
    with store.transaction() as db:
        store.set_status(db, "committed-before", "done")
    store.close()
    result = subprocess.run([sys.executable, "-c", KILLED, str(path)], timeout=60)
    assert result.returncode != 0  # killed
    reopened = Store(path)
    assert reopened.statuses() == {"committed-before": "done"}
    assert reopened.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
