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


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial]
