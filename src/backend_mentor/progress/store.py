"""The progress store: the only place that speaks SQL to ``progress.db``.

Every public write runs inside ``transaction()`` (BEGIN IMMEDIATE ... COMMIT), so a command's
changes land together or not at all. WAL journaling and a busy timeout let concurrent
invocations wait for each other instead of failing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..curriculum.schema import TopicStatus
from ..errors import StoreError
from ..tempfiles import clean_stale
from .migrations import MIGRATIONS

BUSY_TIMEOUT_MS = 10_000
SQLITE_MAGIC = b"SQLite format 3\x00"
CORE_TABLES = frozenset({"profile", "topic_status", "events", "checkpoint_attempts", "review_cards", "migrations"})
NOW_ENV = "BACKEND_MENTOR_NOW"  # an ISO timestamp that replaces the clock (scripts and tests)


def utcnow() -> datetime:
    fixed = os.environ.get(NOW_ENV)
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed)
        except ValueError:
            raise StoreError(f"{NOW_ENV} is not an ISO timestamp: {fixed!r}") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)


def now_iso() -> str:
    return utcnow().isoformat(timespec="seconds")


class Store:
    def __init__(self, path: Path):
        self.path = path
        self._db: sqlite3.Connection | None = None

    # --- connection and schema ----------------------------------------------------------

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._open()
        return self._db

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the data directory {self.path.parent}: {exc.strerror}") from None
        clean_stale(self.path.parent)
        clean_stale(self.path.parent / "backups")
        self._check_file()
        db: sqlite3.Connection | None = None
        try:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, factory=_Connection)
            db.store_path = self.path  # type: ignore[attr-defined]
            db.row_factory = sqlite3.Row
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise StoreError(
                    f"{self.path} was written by a newer backend-mentor (schema {version}, this version "
                    f"knows {len(MIGRATIONS)}); upgrade backend-mentor — the file was left unchanged"
                )
            self._check_tables(db, version)  # before anything is written: never change a foreign file
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA foreign_keys = ON")
            if version < len(MIGRATIONS):
                db.execute("PRAGMA journal_mode = WAL")
                self._migrate(db, version)
            db.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            if db is not None:
                db.close()
            raise StoreError(_describe(self.path, exc)) from None
        except BaseException:
            if db is not None:
                db.close()
            raise
        return db

    def _check_file(self) -> None:
        """An existing file must be a regular SQLite file; anything else is reported, never replaced."""
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StoreError(f"cannot use the progress database {self.path}: {exc.strerror}") from None
        if not stat.S_ISREG(info.st_mode):
            raise StoreError(f"the progress database {self.path} is not a regular file; move it aside and run again")
        if info.st_size == 0:
            return
        try:
            with open(self.path, "rb") as handle:
                head = handle.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise StoreError(f"cannot read the progress database {self.path}: {exc.strerror}") from None
        if head != SQLITE_MAGIC:
            raise StoreError(
                f"the progress database {self.path} is damaged (not an SQLite file, {info.st_size} bytes); "
                "it was left unchanged: move it aside and run again, or restore it from a 'progress export' file"
            )

    def _check_tables(self, db: sqlite3.Connection, version: int) -> None:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version == 0:
            foreign = sorted(t for t in tables - {"migrations"} if not t.startswith("sqlite_"))
            if foreign:
                shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
                raise StoreError(
                    f"{self.path} is not a backend-mentor progress database (it holds other tables: {shown}); "
                    f"it was left unchanged — move it aside, or set BACKEND_MENTOR_HOME to another folder"
                )
            return
        missing = sorted(CORE_TABLES - tables)
        if missing:
            raise StoreError(
                f"the progress database {self.path} is damaged or not backend-mentor's (table "
                f"{', '.join(missing)} is missing); it was left unchanged: move it aside and run again, "
                "or restore it from a 'progress export' file"
            )

    @staticmethod
    def _migrate(db: sqlite3.Connection, version: int) -> None:
        for number, step in enumerate(MIGRATIONS, start=1):
            if number <= version:
                continue
            db.execute("BEGIN IMMEDIATE")
            try:
                current = db.execute("PRAGMA user_version").fetchone()[0]
                if current >= number:  # another process migrated meanwhile
                    db.execute("COMMIT")
                    continue
                db.execute(
                    "CREATE TABLE IF NOT EXISTS migrations "
                    "(id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                step(db)
                db.execute("INSERT INTO migrations VALUES (?, ?, ?)", (number, step.__name__, now_iso()))
                db.execute(f"PRAGMA user_version = {number}")
                db.execute("COMMIT")
            except BaseException:
                _rollback(db)
                raise

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT; any failure rolls back and names the database file."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            _rollback(db)
            raise
        try:
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise

    def applied_migrations(self) -> list[str]:
        return [row["name"] for row in self.db.execute("SELECT name FROM migrations ORDER BY id")]

    # --- profile ------------------------------------------------------------------------

    PROFILE_FIELDS = ("active_path", "experience", "language", "goal", "hours_per_week")
    PROFILE_COLUMNS = (*PROFILE_FIELDS, "created_at", "updated_at")  # every column an export carries

    def profile(self) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM profile WHERE id = 1").fetchone()
        return dict(row) if row else None

    def save_profile(self, db: sqlite3.Connection, **values: Any) -> None:
        unknown = set(values) - set(self.PROFILE_FIELDS)
        if unknown:
            raise ValueError(f"unknown profile fields: {sorted(unknown)}")
        now = now_iso()
        db.execute(
            "INSERT INTO profile (id, created_at, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
            (now, now),
        )
        if values:
            assignments = ", ".join(f"{name} = ?" for name in values)
            db.execute(f"UPDATE profile SET {assignments}, updated_at = ? WHERE id = 1", (*values.values(), now))

    # --- topic status -------------------------------------------------------------------

    def statuses(self) -> dict[str, str]:
        return {row["topic_id"]: row["status"] for row in self.db.execute("SELECT topic_id, status FROM topic_status")}

    def status_rows(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT * FROM topic_status ORDER BY topic_id")]

    def set_status(self, db: sqlite3.Connection, topic_id: str, status: str) -> None:
        now = now_iso()
        db.execute(
            """
            INSERT INTO topic_status (topic_id, status, started_at, completed_at, updated_at)
            VALUES (:id, :status, :now, CASE WHEN :status = :done THEN :now END, :now)
            ON CONFLICT (topic_id) DO UPDATE SET
                status = excluded.status,
                started_at = COALESCE(topic_status.started_at, excluded.started_at),
                completed_at = CASE WHEN excluded.status = :done
                                    THEN COALESCE(topic_status.completed_at, excluded.completed_at) END,
                updated_at = excluded.updated_at
            """,
            {"id": topic_id, "status": str(status), "now": now, "done": TopicStatus.DONE.value},
        )

    # --- events -------------------------------------------------------------------------

    def log(self, db: sqlite3.Connection, kind: str, subject: str | None = None, **data: Any) -> None:
        db.execute(
            "INSERT INTO events (uid, at, kind, subject, data) VALUES (?, ?, ?, ?, ?)",
            (new_uid(), now_iso(), kind, subject, json.dumps(data, sort_keys=True)),
        )

    def iter_events(self, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """All events oldest first, fetched in batches so huge histories stream."""
        cursor = self.db.execute("SELECT id, uid, at, kind, subject, data FROM events ORDER BY id")
        while rows := cursor.fetchmany(batch):
            for row in rows:
                yield {**dict(row), "data": json.loads(row["data"])}

    def activity_days(self) -> dict[str, int]:
        """Events per UTC day (YYYY-MM-DD)."""
        rows = self.db.execute("SELECT substr(at, 1, 10) AS day, count(*) AS n FROM events GROUP BY day")
        return {row["day"]: row["n"] for row in rows}

    # --- checkpoint attempts ------------------------------------------------------------

    def record_attempt(
        self,
        db: sqlite3.Connection,
        checkpoint_id: str,
        passed: bool,
        score: float,
        report: dict[str, Any],
        manual: bool = False,
        evidence: str | None = None,
    ) -> int:
        cursor = db.execute(
            "INSERT INTO checkpoint_attempts (uid, checkpoint_id, at, passed, score, manual, evidence, report) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new_uid(),
                checkpoint_id,
                now_iso(),
                int(passed),
                score,
                int(manual),
                evidence,
                json.dumps(report, sort_keys=True),
            ),
        )
        return int(cursor.lastrowid or 0)

    def attempts(self, checkpoint_id: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM checkpoint_attempts"
        args: tuple[Any, ...] = ()
        if checkpoint_id:
            sql += " WHERE checkpoint_id = ?"
            args = (checkpoint_id,)
        rows = self.db.execute(sql + " ORDER BY id", args)
        return [
            {**dict(r), "passed": bool(r["passed"]), "manual": bool(r["manual"]), "report": json.loads(r["report"])}
            for r in rows
        ]

    def iter_attempts(self, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """All attempts oldest first, fetched in batches so huge histories stream."""
        cursor = self.db.execute("SELECT * FROM checkpoint_attempts ORDER BY id")
        while rows := cursor.fetchmany(batch):
            for r in rows:
                yield {
                    **dict(r),
                    "passed": bool(r["passed"]),
                    "manual": bool(r["manual"]),
                    "report": json.loads(r["report"]),
                }

    def checkpoint_summary(self) -> dict[str, dict[str, Any]]:
        """Per checkpoint: attempts, best score, passed ever, last attempt time."""
        rows = self.db.execute(
            "SELECT checkpoint_id, count(*) AS attempts, max(score) AS best, max(passed) AS passed, max(at) AS last "
            "FROM checkpoint_attempts GROUP BY checkpoint_id"
        )
        return {r["checkpoint_id"]: {**dict(r), "passed": bool(r["passed"])} for r in rows}

    # --- review cards -------------------------------------------------------------------

    def review_cards(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT * FROM review_cards ORDER BY card_id")]

    def upsert_card(self, db: sqlite3.Connection, card: dict[str, Any]) -> None:
        columns = ", ".join(card)
        placeholders = ", ".join(f":{k}" for k in card)
        updates = ", ".join(f"{k} = excluded.{k}" for k in card if k != "card_id")
        db.execute(
            f"INSERT INTO review_cards ({columns}) VALUES ({placeholders}) ON CONFLICT (card_id) DO UPDATE SET {updates}",
            card,
        )

    ANSWER_FIELDS = ("source", "card_id", "topic_id", "question", "shown", "picked", "correct", "rating")

    def record_answer(self, db: sqlite3.Connection, **answer: Any) -> None:
        """Keep one answered quiz question (quiz, review or placement), with the order it was shown in."""
        unknown = set(answer) - set(self.ANSWER_FIELDS)
        if unknown:
            raise ValueError(f"unknown answer fields: {sorted(unknown)}")
        values = {name: answer.get(name) for name in self.ANSWER_FIELDS}
        values["shown"] = json.dumps(values["shown"]) if values["shown"] is not None else None
        values["correct"] = int(bool(values["correct"]))
        db.execute(
            "INSERT INTO answers (uid, at, source, card_id, topic_id, question, shown, picked, correct, rating) "
            "VALUES (:uid, :at, :source, :card_id, :topic_id, :question, :shown, :picked, :correct, :rating)",
            {"uid": new_uid(), "at": now_iso(), **values},
        )

    def answers(self, source: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM answers"
        args: tuple[str, ...] = ()
        if source:
            sql, args = sql + " WHERE source = ?", (source,)
        rows = self.db.execute(sql + " ORDER BY id", args)
        return [
            {**dict(r), "shown": json.loads(r["shown"]) if r["shown"] else None, "correct": bool(r["correct"])}
            for r in rows
        ]

    # --- import merge: newer rows win, rows already here are kept ----------------------------

    def begin_import(self, db: sqlite3.Connection) -> None:
        """The import's bookkeeping (what it wrote, legacy content seen), in temp tables, not memory."""
        db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_written (section TEXT, key TEXT, PRIMARY KEY (section, key))"
        )
        db.execute("CREATE TEMP TABLE IF NOT EXISTS import_occurrences (content TEXT PRIMARY KEY, n INTEGER NOT NULL)")
        self.end_import(db)

    def end_import(self, db: sqlite3.Connection) -> None:
        db.execute("DELETE FROM temp.import_written")
        db.execute("DELETE FROM temp.import_occurrences")

    def count_import_occurrence(self, db: sqlite3.Connection, content: str) -> int:
        """How many times this import has met a row with this content (1 the first time)."""
        row = db.execute(
            "INSERT INTO temp.import_occurrences VALUES (?, 1) ON CONFLICT (content) DO UPDATE SET n = n + 1 RETURNING n",
            (content,),
        ).fetchone()
        return int(row[0])

    def first_import_write(self, db: sqlite3.Connection, section: str, key: str) -> bool:
        """True the first time this import writes ``key``: a row repeated in the file is counted once."""
        cursor = db.execute("INSERT OR IGNORE INTO temp.import_written VALUES (?, ?)", (section, key))
        return cursor.rowcount == 1

    def merge_topic(self, db: sqlite3.Connection, row: dict[str, Any]) -> str | None:
        """Write ``row`` if it is newer than ours: "added", "updated", or None when ours is kept."""
        mine = db.execute("SELECT updated_at FROM topic_status WHERE topic_id = ?", (row["topic_id"],)).fetchone()
        if mine is not None and row["updated_at"] <= mine["updated_at"]:
            return None
        db.execute(
            "INSERT OR REPLACE INTO topic_status (topic_id, status, started_at, completed_at, updated_at) "
            "VALUES (:topic_id, :status, :started_at, :completed_at, :updated_at)",
            row,
        )
        return "added" if mine is None else "updated"

    def merge_card(self, db: sqlite3.Connection, card: dict[str, Any]) -> str | None:
        """Write ``card`` if it was reviewed later than ours: "added", "updated", or None."""
        mine = db.execute("SELECT last_review FROM review_cards WHERE card_id = ?", (card["card_id"],)).fetchone()
        if mine is not None and (card["last_review"] or "") <= (mine["last_review"] or ""):
            return None
        self.upsert_card(db, card)
        return "added" if mine is None else "updated"

    def insert_attempt_if_new(self, db: sqlite3.Connection, uid: str, row: dict[str, Any]) -> int:
        """1 if the attempt with this uid was added, 0 if it was already here."""
        cursor = db.execute(
            "INSERT OR IGNORE INTO checkpoint_attempts (uid, checkpoint_id, at, passed, score, manual, evidence, report) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uid,
                row["checkpoint_id"],
                row["at"],
                int(row["passed"]),
                row["score"],
                int(row["manual"]),
                row["evidence"],
                json.dumps(row["report"], sort_keys=True),
            ),
        )
        return cursor.rowcount

    def insert_event_if_new(self, db: sqlite3.Connection, uid: str, row: dict[str, Any]) -> int:
        """1 if the event with this uid was added, 0 if it was already here."""
        cursor = db.execute(
            "INSERT OR IGNORE INTO events (uid, at, kind, subject, data) VALUES (?, ?, ?, ?, ?)",
            (uid, row["at"], row["kind"], row["subject"], json.dumps(row["data"], sort_keys=True)),
        )
        return cursor.rowcount

    def insert_answer_if_new(self, db: sqlite3.Connection, row: dict[str, Any]) -> int:
        """1 if the answer with this uid was added, 0 if it was already here."""
        shown = json.dumps(row["shown"]) if row["shown"] is not None else None
        cursor = db.execute(
            "INSERT OR IGNORE INTO answers (uid, at, source, card_id, topic_id, question, shown, picked, correct, rating) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row["uid"],
                row["at"],
                row["source"],
                row["card_id"],
                row["topic_id"],
                row["question"],
                shown,
                row["picked"],
                int(row["correct"]),
                row["rating"],
            ),
        )
        return cursor.rowcount

    def merge_profile(self, db: sqlite3.Connection, profile: dict[str, Any]) -> int:
        """Take an imported profile whole if there is none, else only the fields ours leaves empty; 1 if changed."""
        mine = db.execute("SELECT * FROM profile WHERE id = 1").fetchone()
        if mine is None:
            db.execute(
                "INSERT INTO profile (id, active_path, experience, language, goal, hours_per_week, created_at, updated_at) "
                "VALUES (1, :active_path, :experience, :language, :goal, :hours_per_week, :created_at, :updated_at)",
                {k: profile[k] for k in self.PROFILE_COLUMNS},
            )
            return 1
        missing = {k: profile[k] for k in self.PROFILE_FIELDS if mine[k] is None and profile[k] is not None}
        for key, value in missing.items():
            db.execute(f"UPDATE profile SET {key} = ? WHERE id = 1", (value,))
        return 1 if missing else 0

    # --- whole-store operations ---------------------------------------------------------

    def iter_answers(self, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every answer oldest first, in batches (for export)."""
        cursor = self.db.execute("SELECT * FROM answers ORDER BY id")
        while rows := cursor.fetchmany(batch):
            for row in rows:
                shown = json.loads(row["shown"]) if row["shown"] else None
                yield {**dict(row), "shown": shown, "correct": bool(row["correct"])}

    def reset(self, db: sqlite3.Connection) -> None:
        for table in ("profile", "topic_status", "events", "checkpoint_attempts", "review_cards", "answers"):
            db.execute(f"DELETE FROM {table}")


def new_uid() -> str:
    """The identity of an event or attempt: survives export and import, unlike the row id."""
    return uuid.uuid4().hex


def _rollback(db: sqlite3.Connection) -> None:
    """Roll back if a transaction is still open (SQLite ends some on its own, e.g. when the disk is full)."""
    try:
        if db.in_transaction:
            sqlite3.Connection.execute(db, "ROLLBACK")
    except sqlite3.Error:
        pass


def _read_only(path: Path) -> bool:
    """The database or its folder cannot be written (permissions or a read-only file system)."""
    return (path.exists() and not os.access(path, os.W_OK)) or not os.access(path.parent, os.W_OK)


def _describe(path: Path, exc: sqlite3.Error) -> str:
    text = " ".join(str(exc).split())
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return f"the progress database {path} is busy (another backend-mentor is writing); try again"
    if "readonly" in lowered or "read-only" in lowered or ("unable to open" in lowered and _read_only(path)):
        return f"cannot write the progress database {path}: it is read-only (check the file and folder permissions); nothing was changed"
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return f"cannot write the progress database {path}: the disk is full; nothing was changed — free some space and try again"
    if (
        "not a database" in lowered
        or "malformed" in lowered
        or "corrupt" in lowered
        or "no such table" in lowered
        or "no such column" in lowered
    ):
        return (
            f"the progress database {path} is damaged ({text}); move it aside and run again, "
            "or restore it from a 'progress export' file"
        )
    if "disk i/o error" in lowered or "unable to open" in lowered:
        return f"cannot use the progress database {path}: {text} (is the folder writable and the disk healthy?)"
    return f"cannot use the progress database {path}: {text}"


class _Cursor(sqlite3.Cursor):
    """Every SQLite failure, even one in the middle of reading rows, becomes a StoreError naming the file."""

    def _fail(self, exc: sqlite3.Error) -> StoreError:
        return StoreError(_describe(getattr(self.connection, "store_path", Path("progress.db")), exc))

    def execute(self, *args: Any) -> _Cursor:  # type: ignore[override]
        try:
            return super().execute(*args)
        except sqlite3.Error as exc:
            raise self._fail(exc) from None

    def executemany(self, *args: Any) -> _Cursor:  # type: ignore[override]
        try:
            return super().executemany(*args)
        except sqlite3.Error as exc:
            raise self._fail(exc) from None

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.Error as exc:
            raise self._fail(exc) from None

    def fetchmany(self, *args: Any) -> list[Any]:
        try:
            return super().fetchmany(*args)
        except sqlite3.Error as exc:
            raise self._fail(exc) from None

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.Error as exc:
            raise self._fail(exc) from None

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.Error as exc:
            raise self._fail(exc) from None


class _Connection(sqlite3.Connection):
    def cursor(self, factory: Any = _Cursor) -> Any:  # type: ignore[override]
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = ()) -> _Cursor:  # type: ignore[override]
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any) -> _Cursor:  # type: ignore[override]
        return self.cursor().executemany(sql, parameters)


def open_store(path: Path | None = None) -> Store:
    from ..paths import database_path

    return Store(path or database_path())
