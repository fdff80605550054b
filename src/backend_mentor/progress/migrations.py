"""Schema migrations: an ordered list of small named steps, each recorded with its change.

Never edit a shipped step; add a new one. ``PRAGMA user_version`` mirrors the number of applied
steps so a newer database can be recognised before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: ``executescript`` would commit the open transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement.strip()[:60]}")


def m001_initial(db: sqlite3.Connection) -> None:
    run_script(
        db,
        """
        CREATE TABLE profile (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            active_path TEXT,
            experience TEXT,
            language TEXT,
            goal TEXT,
            hours_per_week REAL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE topic_status (
            topic_id TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('not-started', 'learning', 'done', 'skipped')),
            started_at TEXT,
            completed_at TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX topic_status_by_status ON topic_status (status);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            subject TEXT,
            data TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_by_time ON events (at);
        CREATE INDEX events_by_subject ON events (kind, subject);
        CREATE TABLE checkpoint_attempts (
            id INTEGER PRIMARY KEY,
            checkpoint_id TEXT NOT NULL,
            at TEXT NOT NULL,
            passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
            score REAL NOT NULL,
            manual INTEGER NOT NULL DEFAULT 0,
            evidence TEXT,
            report TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX attempts_by_checkpoint ON checkpoint_attempts (checkpoint_id, at);
        CREATE TABLE review_cards (
            card_id TEXT PRIMARY KEY,
            topic_id TEXT NOT NULL,
            question INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'new',
            due TEXT NOT NULL,
            stability REAL NOT NULL DEFAULT 0,
            difficulty REAL NOT NULL DEFAULT 0,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            last_review TEXT
        );
        CREATE INDEX review_cards_by_due ON review_cards (due);
        """,
    )


def m002_review_answers(db: sqlite3.Connection) -> None:
    """FSRS-6 cards (``fsrs`` package) and a log of every answer, backfilled from the old events.

    Stability, difficulty, due date, reps and lapses carry over unchanged (FSRS-6 reads them the
    same way); a card waiting after a wrong answer becomes 'learning' step 0 or, after a lapse,
    'relearning'. Each 'review.answered' event becomes one answer with its rating.
    """
    run_script(
        db,
        """
        ALTER TABLE review_cards ADD COLUMN step INTEGER;
        UPDATE review_cards SET step = 0 WHERE state = 'learning';
        UPDATE review_cards SET state = 'relearning' WHERE state = 'learning' AND lapses > 0;
        CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            source TEXT NOT NULL,
            card_id TEXT NOT NULL,
            topic_id TEXT NOT NULL,
            question INTEGER NOT NULL,
            shown TEXT,
            picked INTEGER,
            correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
            rating INTEGER CHECK (rating BETWEEN 1 AND 4)
        );
        CREATE INDEX answers_by_card ON answers (card_id, at);
        CREATE INDEX answers_by_source ON answers (source, topic_id);
        INSERT INTO answers (at, source, card_id, topic_id, question, correct, rating)
            SELECT at, 'review', subject,
                   substr(subject, 1, instr(subject, '#') - 1),
                   CAST(substr(subject, instr(subject, '#') + 1) AS INTEGER),
                   CASE WHEN json_extract(data, '$.correct') THEN 1 ELSE 0 END,
                   CASE WHEN json_extract(data, '$.correct') THEN 3 ELSE 1 END
            FROM events
            WHERE kind = 'review.answered' AND instr(subject, '#') > 1
            ORDER BY id;
        """,
    )


def m003_known_status(db: sqlite3.Connection) -> None:
    """Topics can be 'known': shown by a placement check or test-out, distinct from done and skipped."""
    run_script(
        db,
        """
        CREATE TABLE topic_status_new (
            topic_id TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('not-started', 'learning', 'done', 'skipped', 'known')),
            started_at TEXT,
            completed_at TEXT,
            updated_at TEXT NOT NULL
        );
        INSERT INTO topic_status_new (topic_id, status, started_at, completed_at, updated_at)
            SELECT topic_id, status, started_at, completed_at, updated_at FROM topic_status;
        DROP TABLE topic_status;
        ALTER TABLE topic_status_new RENAME TO topic_status;
        CREATE INDEX topic_status_by_status ON topic_status (status);
        """,
    )


def canonical_json(value: object) -> str:
    """The one text form of a JSON value that identities are computed from."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return str(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# The columns that make up a row's content, and which of them hold JSON.
UID_CONTENT = {
    "events": ("at", "kind", "subject", "data"),
    "checkpoint_attempts": ("checkpoint_id", "at", "passed", "score", "manual", "evidence", "report"),
}
JSON_COLUMNS = {"data", "report"}


class LegacyUids:
    """Identities for rows that have none: derived from the row itself and how many identical rows
    came before it, so an old export and the database it came from agree on every identity and
    merging an old backup into an upgraded database adds nothing twice."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def occurrence(self, content: str) -> int:
        """1 for the first row with this content, 2 for the second, ..."""
        count = self.seen.get(content, 0) + 1
        self.seen[content] = count
        return count

    def __call__(self, table: str, row: dict[str, object]) -> str:
        parts = [table]
        for column in UID_CONTENT[table]:
            value = row[column]
            if column in JSON_COLUMNS:
                value = canonical_json(value)
            elif column in ("passed", "manual"):
                value = int(bool(value))
            elif column == "score":
                value = repr(float(value))  # type: ignore[arg-type]
            parts.append("\1" if value is None else str(value))
        content = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
        occurrence = self.occurrence(content)
        return hashlib.sha256(f"{content}\0{occurrence}".encode()).hexdigest()[:32]


def m004_row_identities(db: sqlite3.Connection) -> None:
    """Events and checkpoint attempts get a ``uid`` that export and import keep."""
    for table, columns in UID_CONTENT.items():
        db.execute(f"ALTER TABLE {table} ADD COLUMN uid TEXT")
        uids = LegacyUids()
        names = ("id", *columns)
        rows = db.execute(f"SELECT {', '.join(names)} FROM {table} ORDER BY id").fetchall()
        db.executemany(
            f"UPDATE {table} SET uid = ? WHERE id = ?",
            [(uids(table, dict(zip(names, row))), row[0]) for row in rows],
        )
        db.execute(f"CREATE UNIQUE INDEX {table}_by_uid ON {table} (uid)")


TIME_COLUMNS = {
    "profile": ("created_at", "updated_at"),
    "topic_status": ("started_at", "completed_at", "updated_at"),
    "events": ("at",),
    "checkpoint_attempts": ("at",),
    "review_cards": ("due", "last_review"),
}
NULLABLE_TIMES = {("topic_status", "started_at"), ("topic_status", "completed_at"), ("review_cards", "last_review")}
EPOCH = "1970-01-01T00:00:00+00:00"


def canonical_time(value: object) -> str | None:
    """A time as the store writes it (timezone-aware, UTC), or None when it is not a usable time."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except ValueError:
        return None
    if not 1970 <= moment.year <= 2999:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def m005_repair_imported_values(db: sqlite3.Connection) -> None:
    """Values that older imports let in and later commands could not read are brought back to the
    store's rules: times without a timezone or in other ISO forms become UTC (an unusable time becomes
    empty, or 1970 where one is required), numbers out of their range are brought into it."""
    for table, columns in TIME_COLUMNS.items():
        for column in columns:
            rows = db.execute(f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()
            for rowid, value in rows:
                fixed = canonical_time(value)
                if fixed == value:
                    continue
                if fixed is None:
                    fixed = None if (table, column) in NULLABLE_TIMES else EPOCH
                db.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (fixed, rowid))
    db.execute("UPDATE profile SET hours_per_week = NULL WHERE NOT (hours_per_week BETWEEN 0.5 AND 80)")
    db.execute("UPDATE checkpoint_attempts SET score = min(1.0, max(0.0, score)) WHERE NOT (score BETWEEN 0 AND 1)")
    db.execute("UPDATE review_cards SET stability = 0 WHERE NOT (stability BETWEEN 0 AND 1e6)")
    db.execute(
        "UPDATE review_cards SET difficulty = min(10.0, max(0.0, difficulty)) WHERE NOT (difficulty BETWEEN 0 AND 10)"
    )
    db.execute("UPDATE review_cards SET reps = 0 WHERE NOT (reps BETWEEN 0 AND 1000000)")
    db.execute("UPDATE review_cards SET lapses = 0 WHERE NOT (lapses BETWEEN 0 AND 1000000)")


def m006_answer_identities(db: sqlite3.Connection) -> None:
    """Quiz, review and placement answers get a ``uid``, so export and import carry them like events."""
    run_script(
        db,
        """
        ALTER TABLE answers ADD COLUMN uid TEXT;
        UPDATE answers SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
        CREATE UNIQUE INDEX answers_by_uid ON answers (uid);
        """,
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_initial,
    m002_review_answers,
    m003_known_status,
    m004_row_identities,
    m005_repair_imported_values,
    m006_answer_identities,
]
