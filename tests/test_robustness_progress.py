"""Progress that must never be lost: reset racing writers, backups, export/import identity."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend_mentor.progress import transfer
from backend_mentor.progress.store import Store

TOPICS = ["api-versioning", "api-security", "api-documentation", "api-error-formats"]


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend_mentor", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


def backups(home: Path) -> list[Path]:
    return sorted((home / "backups").glob("progress-*.json"))


def topics_in(backup: Path) -> set[str]:
    return {row["topic_id"] for row in json.loads(backup.read_text())["topics"]}


# --- reset inside the write transaction ---------------------------------------------------------


@pytest.mark.slow
def test_a_write_committed_while_reset_waits_is_in_the_backup(isolated_home):
    """The writer holds the lock; reset (a real process) must not take its backup before the lock."""
    assert cli("learn", "done", TOPICS[0]).returncode == 0  # creates the database and compiles the catalog
    holder = sqlite3.connect(isolated_home / "progress.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    reset = subprocess.Popen(
        [sys.executable, "-m", "backend_mentor", "progress", "reset", "--yes"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 3  # the old code wrote its backup here, before waiting for the lock
    while time.monotonic() < deadline and not backups(isolated_home):
        time.sleep(0.05)
    holder.execute(
        "INSERT INTO topic_status (topic_id, status, started_at, completed_at, updated_at) "
        "VALUES ('written-meanwhile', 'done', '2026-01-01T00:00:00+00:00', NULL, '2026-01-01T00:00:00+00:00')"
    )
    holder.execute("COMMIT")
    holder.close()
    out, err = reset.communicate(timeout=60)
    assert reset.returncode == 0, err
    [backup] = backups(isolated_home)
    assert {"written-meanwhile", TOPICS[0]} <= topics_in(backup)


@pytest.mark.slow
def test_reset_racing_real_writers_loses_nothing(isolated_home):
    """Every 'learn done' that printed success is in the database or in a backup."""
    assert cli("learn", "done", TOPICS[0]).returncode == 0
    procs = {
        t: subprocess.Popen(
            [sys.executable, "-m", "backend_mentor", "learn", "done", t],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for t in TOPICS[1:]
    }
    reset = cli("progress", "reset", "--yes")
    assert reset.returncode == 0, reset.stderr
    succeeded = {t for t, p in procs.items() if p.wait(timeout=120) == 0}
    assert succeeded, "no writer succeeded"
    store = Store(isolated_home / "progress.db")
    kept = set(store.statuses())
    for backup in backups(isolated_home):
        kept |= topics_in(backup)
    assert succeeded | {TOPICS[0]} <= kept


def test_backups_in_the_same_second_never_overwrite_each_other(invoke, isolated_home, monkeypatch):
    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-05-01T10:00:00+00:00")
    store = Store(isolated_home / "progress.db")
    for topic in TOPICS[:3]:
        with store.transaction() as db:
            store.set_status(db, topic, "done")
        transfer.reset_with_backup(store, isolated_home / "backups")
    found = backups(isolated_home)
    assert len(found) == 3
    assert sorted(topic for b in found for topic in topics_in(b)) == sorted(TOPICS[:3])


def test_reset_command_names_a_fresh_backup_each_time(invoke, isolated_home, monkeypatch):
    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-05-01T10:00:00+00:00")
    for topic in TOPICS[:2]:
        assert invoke("learn", "done", topic, "--json").exit_code == 0
        result = invoke("progress", "reset", "--yes")
        assert result.exit_code == 0, result.output
    assert sorted(sorted(topics_in(b)) for b in backups(isolated_home)) == [[TOPICS[1]], [TOPICS[0]]]


# --- identities that survive export and import ---------------------------------------------------


def export_text(store: Store) -> str:
    import io

    buffer = io.StringIO()
    transfer.export_json(store, buffer)
    return buffer.getvalue()


def import_text(store: Store, text: str, tmp_path: Path) -> dict[str, int]:
    file = tmp_path / f"import-{time.monotonic_ns()}.json"
    file.write_text(text, encoding="utf-8")
    return transfer.import_progress(store, file)


def test_events_repeated_in_the_same_second_survive_the_round_trip(invoke, mini, tmp_path, monkeypatch):
    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-05-01T10:00:00+00:00")
    for _ in range(2):
        assert invoke("checkpoint", "done", "rest-check", "--evidence", "same link").exit_code == 0
        assert invoke("learn", "done", "http-basics").exit_code == 0
    assert invoke("learn", "skip", "kafka").exit_code == 0
    first = tmp_path / "first.json"
    assert invoke("progress", "export", "-o", str(first)).exit_code == 0
    assert len(json.loads(first.read_text())["events"]) == 5
    monkeypatch.setenv("BACKEND_MENTOR_HOME", str(tmp_path / "other-home"))
    merged = json.loads(invoke("progress", "import", str(first), "--json").stdout)["merged"]
    assert merged["events_added"] == 5 and merged["attempts_added"] == 2
    assert invoke("progress", "export").stdout.encode() == first.read_bytes()
    again = json.loads(invoke("progress", "import", str(first), "--json").stdout)["merged"]
    assert again["events_added"] == 0 and again["attempts_added"] == 0


def test_an_old_database_and_its_old_export_agree_on_identities(tmp_path):
    """Rows written before identities existed get the same uid in the upgraded database and when an
    old export (without uids) is imported: merging an old backup adds nothing twice."""
    from backend_mentor.progress.migrations import MIGRATIONS

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.execute("CREATE TABLE migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    for _ in range(2):
        db.execute("INSERT INTO events (at, kind, subject, data) VALUES ('2026-01-01T00:00:00+00:00', 'k', 's', '{}')")
    db.commit()
    db.close()
    old_export = {
        "kind": "backend-mentor-progress",
        "schema_version": 1,
        "profile": None,
        "topics": [],
        "attempts": [],
        "review_cards": [],
        "events": [{"at": "2026-01-01T00:00:00+00:00", "kind": "k", "subject": "s", "data": {}}] * 2,
    }
    store = Store(path)
    uids = [e["uid"] for e in store.iter_events()]
    assert len(set(uids)) == 2
    assert import_text(store, json.dumps(old_export), tmp_path)["events_added"] == 0
    fresh = Store(tmp_path / "fresh.db")
    assert import_text(fresh, json.dumps(old_export), tmp_path)["events_added"] == 2
    assert [e["uid"] for e in fresh.iter_events()] == uids


SECONDS = st.sampled_from(["2026-01-01T00:00:00+00:00", "2026-01-01T00:00:01+00:00", "2026-03-05T23:59:59+00:00"])
WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
OPERATION = st.one_of(
    st.tuples(st.just("status"), SECONDS, st.sampled_from(TOPICS), st.sampled_from(["learning", "done", "skipped"])),
    st.tuples(
        st.just("event"),
        SECONDS,
        st.sampled_from(["topic.done", "quiz.taken"]),
        st.one_of(st.none(), WORDS),
        st.dictionaries(WORDS.map(lambda w: "x_" + w), st.one_of(st.integers(-5, 5), WORDS, st.booleans()), max_size=3),
    ),
    st.tuples(
        st.just("attempt"),
        SECONDS,
        st.sampled_from(["rest-check", "sql-check"]),
        st.booleans(),
        st.sampled_from([0.0, 0.5, 1.0]),
        st.one_of(st.none(), WORDS),
    ),
    st.tuples(
        st.just("card"), SECONDS, st.sampled_from(TOPICS), st.integers(0, 3), st.floats(0, 100), st.integers(0, 9)
    ),
    st.tuples(st.just("profile"), SECONDS, st.sampled_from(["backend-developer", None]), st.floats(0.5, 80)),
)


def apply(store: Store, operations: list[tuple], monkeypatch: pytest.MonkeyPatch) -> None:
    for op in operations:
        monkeypatch.setenv("BACKEND_MENTOR_NOW", op[1])
        with store.transaction() as db:
            if op[0] == "status":
                store.set_status(db, op[2], op[3])
            elif op[0] == "event":
                store.log(db, op[2], op[3], **op[4])
            elif op[0] == "attempt":
                store.record_attempt(db, op[2], op[3], op[4], {"kind": "x"}, manual=op[5] is not None, evidence=op[5])
            elif op[0] == "card":
                store.upsert_card(
                    db,
                    {
                        "card_id": f"{op[2]}#{op[3]}",
                        "topic_id": op[2],
                        "question": op[3],
                        "state": "review",
                        "due": op[1],
                        "stability": op[4],
                        "difficulty": 5.0,
                        "reps": op[5],
                        "lapses": 0,
                        "last_review": op[1],
                    },
                )
            else:
                store.save_profile(db, active_path=op[2], hours_per_week=op[3])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(OPERATION, max_size=25))
def test_property_export_import_export_is_the_identity(operations, tmp_path_factory, monkeypatch):
    base = tmp_path_factory.mktemp("identity")
    original = Store(base / "a.db")
    apply(original, operations, monkeypatch)
    first = export_text(original)
    copy = Store(base / "b.db")
    import_text(copy, first, base)
    assert export_text(copy) == first
    again = import_text(copy, first, base)
    assert again == {k: 0 for k in again}
    original.close()
    copy.close()


def old_database_with_values_old_imports_let_in(path: Path) -> None:
    from backend_mentor.progress.migrations import MIGRATIONS

    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    MIGRATIONS[0](db)
    db.execute("CREATE TABLE migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO profile (id, active_path, hours_per_week, created_at, updated_at) "
        "VALUES (1, 'backend-developer', 1e-9, '2026-01-01T00:00:00+00:00', '2026W01T12')"
    )
    db.execute("INSERT INTO topic_status VALUES ('api-versioning', 'done', '2026-01-01', NULL, '2026W01T12')")
    db.execute(
        "INSERT INTO events (at, kind, subject, data) VALUES ('2026W01T12', 'topic.done', 'api-versioning', '{}')"
    )
    db.execute(
        "INSERT INTO checkpoint_attempts (checkpoint_id, at, passed, score, manual, evidence, report) "
        "VALUES ('build-rest-api', '2026-01-01T00:00:00', 1, 1e30, 0, NULL, '{}')"
    )
    db.execute(
        "INSERT INTO review_cards VALUES ('api-versioning#0', 'api-versioning', 0, 'review', "
        "'2026-01-02T00:00:00', 1e300, 50, 1, 0, 'yesterday')"
    )
    db.commit()
    db.close()


@pytest.mark.slow
def test_values_old_imports_let_in_are_repaired_so_every_command_reads_them(isolated_home):
    old_database_with_values_old_imports_let_in(isolated_home / "progress.db")
    env = {"BACKEND_MENTOR_NOW": "2026-03-01T00:00:00+00:00"}
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
    for command in (
        ("progress", "--json"),
        ("review", "--json"),
        ("path", "plan", "--json"),
        ("progress", "export"),
        ("progress", "export", "--format", "md"),
        (),
    ):
        result = subprocess.run(
            [sys.executable, "-c", limit + "from backend_mentor.cli import main; main()", *command],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, **env},
        )
        assert result.returncode == 0, (command, result.stderr[-400:])
    exported = json.loads(cli("progress", "export", env=env).stdout)
    assert exported["profile"]["hours_per_week"] is None
    assert exported["topics"][0]["updated_at"] == "2025-12-29T12:00:00+00:00"
    assert exported["review_cards"][0]["due"] == "2026-01-02T00:00:00+00:00"
    assert exported["review_cards"][0]["last_review"] is None and exported["attempts"][0]["score"] == 1.0
    backup = isolated_home / "repaired.json"
    backup.write_text(json.dumps(exported))
    imported = cli("progress", "import", str(backup), env={**env, "BACKEND_MENTOR_HOME": str(isolated_home / "fresh")})
    assert imported.returncode == 0, imported.stderr  # the repaired history follows the import rules


def test_quiz_answers_survive_export_import_and_are_in_the_reset_backup(tmp_path, monkeypatch) -> None:
    """Answers (quiz, review, placement) are progress too: exported, imported once, kept by reset's backup."""
    import json as _json

    from backend_mentor.progress.store import Store
    from backend_mentor.progress.transfer import export_json, import_progress

    first = Store(tmp_path / "a.db")
    with first.transaction() as db:
        for correct in (True, False, True):  # the same question three times in one second
            first.record_answer(
                db,
                source="quiz",
                card_id="jwt#0",
                topic_id="jwt",
                question=0,
                shown=[2, 0, 1, 3],
                picked=1,
                correct=correct,
                rating=3 if correct else 1,
            )
    exported = tmp_path / "a.json"
    with open(exported, "w", encoding="utf-8") as handle:
        export_json(first, handle)
    assert len(_json.loads(exported.read_text())["answers"]) == 3

    second = Store(tmp_path / "b.db")
    assert import_progress(second, exported)["answers_added"] == 3
    assert import_progress(second, exported)["answers_added"] == 0  # importing twice adds nothing
    again = tmp_path / "b.json"
    with open(again, "w", encoding="utf-8") as handle:
        export_json(second, handle)
    assert again.read_bytes() == exported.read_bytes()

    with second.transaction() as db:
        second.reset(db)
    assert second.answers() == []
