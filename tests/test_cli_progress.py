"""`progress`, `progress export | import | reset`, and the dashboard."""

from __future__ import annotations

import csv
import io
import json

import pytest


@pytest.fixture
def history(invoke, mini, monkeypatch):
    """Some progress spread over three days, with a checkpoint attempt."""
    for day, args in (
        ("2026-03-01", ("learn", "--path", "backend-developer", "--yes", "--json")),
        ("2026-03-01", ("learn", "done", "http-basics")),
        ("2026-03-02", ("learn", "done", "http-status-codes")),
        ("2026-03-03", ("learn", "skip", "kafka")),
        ("2026-03-03", ("checkpoint", "done", "rest-check", "--evidence", "repo link")),
    ):
        monkeypatch.setenv("BACKEND_MENTOR_NOW", f"{day}T12:00:00+00:00")
        assert invoke(*args).exit_code == 0
    return monkeypatch


def test_stats(invoke, history):
    doc = json.loads(invoke("progress", "--json").stdout)
    assert doc["topics"]["done"] == 2 and doc["topics"]["skipped"] == 1 and doc["topics"]["total"] == 8
    assert doc["streak"] == {"current": 3, "longest": 3, "active_days": 3}
    assert doc["path"]["stages"][0]["done"] == 2
    assert doc["by_category"]["internet"] == {"title": "Internet", "topics": 2, "done": 2}
    assert doc["checkpoints"] == {"passed": 1, "total": 2, "attempted": 1}
    day = next(c for week in doc["calendar"] for c in week if c["date"] == "2026-03-01")
    assert day["events"] == 2
    text = invoke("progress").stdout
    assert "Streak: 3 days" in text and "Activity" in text


def test_streak_breaks_after_a_missed_day(invoke, history):
    history.setenv("BACKEND_MENTOR_NOW", "2026-03-05T09:00:00+00:00")
    assert json.loads(invoke("progress", "--json").stdout)["streak"]["current"] == 0


def test_json_round_trip_is_byte_for_byte(invoke, history, tmp_path, monkeypatch):
    first = tmp_path / "first.json"
    assert invoke("progress", "export", "--format", "json", "-o", str(first)).exit_code == 0
    monkeypatch.setenv("BACKEND_MENTOR_HOME", str(tmp_path / "empty-home"))
    imported = invoke("progress", "import", str(first), "--json")
    assert imported.exit_code == 0, imported.output
    merged = json.loads(imported.stdout)["merged"]
    assert merged["topics_added"] == 3 and merged["attempts_added"] == 1 and merged["events_added"] == 5
    second = invoke("progress", "export", "--format", "json")
    assert second.stdout.encode() == first.read_bytes()


def test_importing_twice_adds_nothing(invoke, history, tmp_path):
    backup = tmp_path / "b.json"
    invoke("progress", "export", "-o", str(backup))
    merged = json.loads(invoke("progress", "import", str(backup), "--json").stdout)["merged"]
    assert merged == {
        "topics_added": 0,
        "topics_updated": 0,
        "attempts_added": 0,
        "cards_added": 0,
        "cards_updated": 0,
        "events_added": 0,
        "answers_added": 0,
        "profile": 0,
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "b.json:1: not valid JSON"),
        ('{"kind": "something-else"}', "not a backend-mentor progress export"),
        ('{"kind": "backend-mentor-progress", "schema_version": 99}', "export format 99 is newer"),
        (
            '{"kind": "backend-mentor-progress", "schema_version": 1, "topics": [{"topic_id": "x"}]}',
            "topics[0] is missing 'status'",
        ),
        (
            '{"kind": "backend-mentor-progress", "schema_version": 1, "events": [{"at": "yesterday", "kind": "k", '
            '"subject": null, "data": {}}]}',
            "events[0]: 'at' has an invalid value 'yesterday'",
        ),
    ],
)
def test_bad_import_files_change_nothing(invoke, history, tmp_path, store, content, message):
    before = (store.statuses(), len(list(store.iter_events())))
    bad = tmp_path / "b.json"
    bad.write_text(content)
    result = invoke("progress", "import", str(bad))
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (store.statuses(), len(list(store.iter_events()))) == before


def test_import_is_all_or_nothing_when_a_late_row_is_bad(invoke, history, tmp_path, store, monkeypatch):
    backup = tmp_path / "b.json"
    invoke("progress", "export", "-o", str(backup))
    document = json.loads(backup.read_text())
    document["events"].append(
        {"at": "2026-03-04T00:00:00+00:00", "kind": "x", "subject": None, "data": "not an object"}
    )
    backup.write_text(json.dumps(document))
    monkeypatch.setenv("BACKEND_MENTOR_HOME", str(tmp_path / "fresh"))
    assert invoke("progress", "import", str(backup)).exit_code == 1
    assert json.loads(invoke("progress", "--json").stdout)["topics"]["done"] == 0


def test_missing_import_file(invoke, mini, tmp_path):
    result = invoke("progress", "import", str(tmp_path / "nope.json"))
    assert result.exit_code == 1 and "file not found" in result.stderr


def test_csv_export(invoke, history):
    rows = list(csv.DictReader(io.StringIO(invoke("progress", "export", "--format", "csv").stdout)))
    assert len(rows) == 8
    by_id = {r["topic_id"]: r for r in rows}
    assert by_id["http-basics"]["status"] == "done" and by_id["http-basics"]["completed_at"].startswith("2026-03-01")
    assert by_id["kafka"]["status"] == "skipped" and by_id["jwt"]["status"] == "not-started"


def test_markdown_export(invoke, history, tmp_path):
    target = tmp_path / "portfolio.md"
    assert invoke("progress", "export", "--format", "md", "-o", str(target)).exit_code == 0
    text = target.read_text()
    assert text.startswith("# Backend learning progress")
    assert "| Build a REST API | passed | 100% | 1 | 2026-03-03 |" in text
    assert "- HTTP Basics — 2026-03-01" in text


def test_export_to_an_unwritable_place(invoke, history, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = invoke("progress", "export", "-o", str(blocker / "sub" / "out.json"))
    assert result.exit_code == 1 and "cannot write" in result.stderr


def test_reset_needs_confirmation_and_keeps_a_backup(invoke, history, store, isolated_home):
    refused = invoke("progress", "reset")
    assert refused.exit_code == 1 and "add --yes" in refused.stderr
    assert store.statuses() != {}
    result = invoke("progress", "reset", "--yes")
    assert result.exit_code == 0
    assert store.statuses() == {} and store.profile() is None
    (backup,) = (isolated_home / "backups").glob("progress-*.json")
    assert json.loads(backup.read_text())["topics"][0]["topic_id"] == "http-basics"


def test_progress_of_removed_topics_is_kept_in_exports(invoke, mini, store):
    with store.transaction() as db:
        store.set_status(db, "a-topic-removed-from-the-curriculum", "done")
    doc = json.loads(invoke("progress", "--json").stdout)
    assert doc["unknown_topics"] == ["a-topic-removed-from-the-curriculum"]
    rows = invoke("progress", "export", "--format", "csv").stdout
    assert "a-topic-removed-from-the-curriculum" in rows


def test_dashboard_for_a_new_user_points_to_learn(invoke, mini):
    result = invoke()
    assert result.exit_code == 0 and "backend-mentor learn" in result.stdout
    assert json.loads(invoke("--json").stdout)["new_user"] is True


def test_dashboard_shows_path_stages_and_next_step(invoke, history):
    doc = json.loads(invoke("--json").stdout)
    assert doc["path"]["id"] == "backend-developer" and doc["next"]["id"] == "rest-principles"
    text = invoke().stdout
    assert "Backend Developer" in text and "Next: REST Principles" in text and "Beginner" in text


def test_a_damaged_database_is_one_line_and_left_alone(invoke, mini, isolated_home):
    isolated_home.mkdir(parents=True, exist_ok=True)
    db = isolated_home / "progress.db"
    db.write_bytes(b"not sqlite at all" * 64)
    before = db.read_bytes()
    result = invoke("progress")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "is damaged" in result.stderr
    assert "Traceback" not in result.output and db.read_bytes() == before


def test_a_database_from_a_newer_version_is_refused(invoke, mini, isolated_home):
    import sqlite3

    isolated_home.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(isolated_home / "progress.db")
    db.execute("PRAGMA user_version = 999")
    db.close()
    result = invoke("learn", "done", "jwt")
    assert result.exit_code == 1 and "written by a newer backend-mentor" in result.stderr
