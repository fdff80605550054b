"""Schema migrations: an ordered list of small named steps, each recorded with its change.

Never edit a shipped step; add a new one. ``PRAGMA user_version`` mirrors the number of applied
steps so a newer database can be recognised before anything is written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


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


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial, m002_review_answers, m003_known_status]
