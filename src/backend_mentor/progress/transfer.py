"""Export and import of progress.

The JSON export is complete and canonical (sorted keys, no ids, rows in store order), so an
export imported into an empty home exports again byte for byte. Events are streamed, so a long
history never has to fit in memory at once. Import validates the whole file first and merges in
one transaction: all or nothing.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from ..errors import MentorError
from .store import Store

EXPORT_KIND = "backend-mentor-progress"
EXPORT_VERSION = 1
PROFILE_KEYS = ("active_path", "experience", "language", "goal", "hours_per_week", "created_at", "updated_at")
TOPIC_KEYS = ("topic_id", "status", "started_at", "completed_at", "updated_at")
ATTEMPT_KEYS = ("checkpoint_id", "at", "passed", "score", "manual", "evidence", "report")
CARD_KEYS = ("card_id", "topic_id", "question", "state", "due", "stability", "difficulty", "reps", "lapses", "last_review")
EVENT_KEYS = ("at", "kind", "subject", "data")


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# --- export -----------------------------------------------------------------------------------


def export_json(store: Store, stream: IO[str]) -> None:
    profile = store.profile()
    stream.write("{\n")
    stream.write(f'"schema_version": {EXPORT_VERSION},\n"kind": "{EXPORT_KIND}",\n')
    stream.write(f'"profile": {_dump({k: profile[k] for k in PROFILE_KEYS} if profile else None)},\n')
    _write_list(stream, "topics", ({k: r[k] for k in TOPIC_KEYS} for r in store.status_rows()))
    stream.write(",\n")
    attempts = ({k: a[k] for k in ATTEMPT_KEYS} for a in store.attempts())
    _write_list(stream, "attempts", attempts)
    stream.write(",\n")
    _write_list(stream, "review_cards", ({k: c[k] for k in CARD_KEYS} for c in store.review_cards()))
    stream.write(",\n")
    _write_list(stream, "events", ({k: e[k] for k in EVENT_KEYS} for e in store.iter_events()))
    stream.write("\n}\n")


def _write_list(stream: IO[str], name: str, rows: Iterator[dict[str, Any]]) -> None:
    stream.write(f'"{name}": [')
    first = True
    for row in rows:
        stream.write(("\n  " if first else ",\n  ") + _dump(row))
        first = False
    stream.write("]" if first else "\n]")


def export_csv(store: Store, catalog: Any, stream: IO[str]) -> None:
    """One row per topic: every curriculum topic, then progress kept for topics since removed."""
    rows = {r["topic_id"]: r for r in store.status_rows()}
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["topic_id", "title", "category", "level", "hours", "status", "started_at", "completed_at"])
    for topic in catalog.topics.values():
        row = rows.get(topic.id, {})
        writer.writerow([topic.id, topic.title, topic.category, topic.level, topic.hours, row.get("status", "not-started"),
                         row.get("started_at") or "", row.get("completed_at") or ""])  # fmt: skip
    for topic_id in sorted(set(rows) - set(catalog.topics)):
        row = rows[topic_id]
        writer.writerow([topic_id, "", "", "", "", row["status"], row["started_at"] or "", row["completed_at"] or ""])


def export_markdown(store: Store, catalog: Any, stream: IO[str]) -> None:
    """A portfolio page: path progress, finished topics by category, checkpoints passed."""
    from ..services import stats

    data = stats(catalog, store)
    statuses = store.statuses()
    rows = {r["topic_id"]: r for r in store.status_rows()}
    write = stream.write
    write("# Backend learning progress\n\n")
    topics = data["topics"]
    write(f"- Topics done: **{topics['done']}** of {topics['total']} ({topics['hours_done']:g} study hours)\n")
    write(f"- In progress: {topics['learning']} · skipped: {topics['skipped']}\n")
    write(f"- Checkpoints passed: **{data['checkpoints']['passed']}** of {data['checkpoints']['total']}\n")
    from ..render import plural

    write(f"- Streak: {plural(data['streak']['current'], 'day')} (longest {plural(data['streak']['longest'], 'day')})\n")
    if data["path"]:
        path = data["path"]
        write(f"\n## Path: {path['title']} — {path['percent']}%\n\n| stage | done | topics |\n|---|---:|---:|\n")
        for stage in path["stages"]:
            write(f"| {stage['level']} ({stage['months']} months) | {stage['done']} | {stage['topics']} |\n")
    summaries = store.checkpoint_summary()
    if summaries:
        write("\n## Checkpoints\n\n| checkpoint | result | best score | attempts | last attempt |\n|---|---|---:|---:|---|\n")
        for cid, summary in sorted(summaries.items()):
            title = catalog.checkpoints[cid].title if cid in catalog.checkpoints else cid
            result = "passed" if summary["passed"] else "not yet"
            write(f"| {title} | {result} | {round(100 * summary['best'])}% | {summary['attempts']} | {summary['last'][:10]} |\n")
    done_ids = [t for t, s in statuses.items() if s == "done"]
    if done_ids:
        write("\n## Topics completed\n")
        for cid, category in catalog.categories.items():
            inside = sorted((catalog.topics[t] for t in done_ids if t in catalog.topics and catalog.topics[t].category == cid),
                            key=lambda t: t.title)  # fmt: skip
            if inside:
                write(f"\n### {category.title}\n\n")
                for topic in inside:
                    when = (rows[topic.id]["completed_at"] or "")[:10]
                    write(f"- {topic.title}" + (f" — {when}" if when else "") + "\n")
        unknown = sorted(t for t in done_ids if t not in catalog.topics)
        if unknown:
            write("\n### Topics no longer in the curriculum\n\n" + "".join(f"- {t}\n" for t in unknown))


@contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """Write to a temporary file beside ``path`` and move it into place only when complete."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise MentorError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- import -----------------------------------------------------------------------------------


class BadImport(MentorError):
    pass


def _is_time(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _optional(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: v is None or check(v)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


RULES: dict[str, dict[str, Callable[[Any], bool]]] = {
    "topics": {"topic_id": _text, "status": lambda v: v in ("not-started", "learning", "done", "skipped"),
               "started_at": _optional(_is_time), "completed_at": _optional(_is_time), "updated_at": _is_time},
    "attempts": {"checkpoint_id": _text, "at": _is_time, "passed": lambda v: isinstance(v, bool), "score": _number,
                 "manual": lambda v: isinstance(v, bool), "evidence": _optional(lambda v: isinstance(v, str)),
                 "report": lambda v: isinstance(v, dict)},
    "review_cards": {"card_id": _text, "topic_id": _text, "question": lambda v: isinstance(v, int), "state": _text,
                     "due": _is_time, "stability": _number, "difficulty": _number, "reps": lambda v: isinstance(v, int),
                     "lapses": lambda v: isinstance(v, int), "last_review": _optional(_is_time)},
    "events": {"at": _is_time, "kind": _text, "subject": _optional(lambda v: isinstance(v, str)),
               "data": lambda v: isinstance(v, dict)},
}  # fmt: skip
PROFILE_RULES: dict[str, Callable[[Any], bool]] = {
    "active_path": _optional(_text), "experience": _optional(_text), "language": _optional(_text),
    "goal": _optional(_text), "hours_per_week": _optional(_number), "created_at": _is_time, "updated_at": _is_time,
}  # fmt: skip


def read_import(path: Path) -> dict[str, Any]:
    """Load and validate an export file completely before anything is written."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise BadImport(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadImport(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BadImport(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(document, dict) or document.get("kind") != EXPORT_KIND:
        raise BadImport(f"{path}: not a backend-mentor progress export (expected \"kind\": \"{EXPORT_KIND}\")")
    version = document.get("schema_version")
    if not isinstance(version, int) or version > EXPORT_VERSION:
        raise BadImport(f"{path}: export format {version!r} is newer than this backend-mentor understands ({EXPORT_VERSION})")
    profile = document.get("profile")
    if profile is not None:
        _check_row(path, "profile", profile, PROFILE_RULES)
    for section, rules in RULES.items():
        rows = document.get(section, [])
        if not isinstance(rows, list):
            raise BadImport(f"{path}: '{section}' must be a list")
        for index, row in enumerate(rows):
            _check_row(path, f"{section}[{index}]", row, rules)
    return document


def _check_row(path: Path, where: str, row: Any, rules: dict[str, Callable[[Any], bool]]) -> None:
    if not isinstance(row, dict):
        raise BadImport(f"{path}: {where} must be an object")
    for key, rule in rules.items():
        if key not in row:
            raise BadImport(f"{path}: {where} is missing '{key}'")
        if not rule(row[key]):
            raise BadImport(f"{path}: {where}: '{key}' has an invalid value {row[key]!r}")


def merge(store: Store, document: dict[str, Any]) -> dict[str, int]:
    """Merge an export into the store in one transaction; returns what was added or updated."""
    counts = {"topics_added": 0, "topics_updated": 0, "attempts_added": 0, "cards_added": 0, "cards_updated": 0,
              "events_added": 0, "profile": 0}  # fmt: skip
    with store.transaction() as db:
        profile = document.get("profile")
        if profile:
            counts["profile"] = _merge_profile(db, profile)
        local = {r["topic_id"]: r for r in db.execute("SELECT * FROM topic_status")}
        for row in document.get("topics", []):
            mine = local.get(row["topic_id"])
            if mine is None or row["updated_at"] > mine["updated_at"]:
                db.execute("INSERT OR REPLACE INTO topic_status (topic_id, status, started_at, completed_at, updated_at) "
                           "VALUES (:topic_id, :status, :started_at, :completed_at, :updated_at)", row)  # fmt: skip
                counts["topics_added" if mine is None else "topics_updated"] += 1
        seen = {(r[0], r[1], r[2], r[3], r[4]) for r in db.execute(
            "SELECT checkpoint_id, at, passed, score, manual FROM checkpoint_attempts")}  # fmt: skip
        for row in document.get("attempts", []):
            key = (row["checkpoint_id"], row["at"], int(row["passed"]), float(row["score"]), int(row["manual"]))
            if key in seen:
                continue
            seen.add(key)
            db.execute("INSERT INTO checkpoint_attempts (checkpoint_id, at, passed, score, manual, evidence, report) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", (*key, row["evidence"], _dump(row["report"])))  # fmt: skip
            counts["attempts_added"] += 1
        cards = {r["card_id"]: r for r in db.execute("SELECT card_id, last_review FROM review_cards")}
        for row in document.get("review_cards", []):
            mine = cards.get(row["card_id"])
            if mine is None or (row["last_review"] or "") > (mine["last_review"] or ""):
                store.upsert_card(db, {k: row[k] for k in CARD_KEYS})
                counts["cards_added" if mine is None else "cards_updated"] += 1
        seen_events = {(r[0], r[1], r[2], r[3]) for r in db.execute("SELECT at, kind, subject, data FROM events")}
        for row in document.get("events", []):
            key = (row["at"], row["kind"], row["subject"], _dump(row["data"]))
            if key in seen_events:
                continue
            seen_events.add(key)
            db.execute("INSERT INTO events (at, kind, subject, data) VALUES (?, ?, ?, ?)", key)
            counts["events_added"] += 1
    return counts


def _merge_profile(db: Any, profile: dict[str, Any]) -> int:
    mine = db.execute("SELECT * FROM profile WHERE id = 1").fetchone()
    if mine is None:
        db.execute(
            "INSERT INTO profile (id, active_path, experience, language, goal, hours_per_week, created_at, updated_at) "
            "VALUES (1, :active_path, :experience, :language, :goal, :hours_per_week, :created_at, :updated_at)",
            {k: profile[k] for k in PROFILE_KEYS},
        )
        return 1
    missing = {k: profile[k] for k in PROFILE_KEYS[:5] if mine[k] is None and profile[k] is not None}
    for key, value in missing.items():
        db.execute(f"UPDATE profile SET {key} = ? WHERE id = 1", (value,))
    return 1 if missing else 0
