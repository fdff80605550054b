"""Export and import of progress, and the reset that keeps a backup.

The JSON export is complete and canonical (sorted keys, rows in store order; events and attempts
carry their ``uid``), so an export imported into an empty home exports again byte for byte, even
when identical events happen in the same second. Export and import both stream: a long history
never has to fit in memory. Import checks every field by the rules the store writes by and merges
in one transaction: all or nothing.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import stat
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from ..curriculum.schema import TOPIC_STATUSES, TopicStatus
from ..errors import MentorError
from ..tempfiles import atomic_writer
from .migrations import LegacyUids
from .store import Store, utcnow

__all__ = ["atomic_writer", "export_json", "export_csv", "import_progress", "reset_with_backup"]

EXPORT_KIND = "backend-mentor-progress"
EXPORT_VERSION = 1
PROFILE_KEYS = Store.PROFILE_COLUMNS
TOPIC_KEYS = ("topic_id", "status", "started_at", "completed_at", "updated_at")
ATTEMPT_KEYS = ("uid", "checkpoint_id", "at", "passed", "score", "manual", "evidence", "report")
CARD_KEYS = (
    "card_id",
    "topic_id",
    "question",
    "state",
    "due",
    "stability",
    "difficulty",
    "reps",
    "lapses",
    "last_review",
)
EVENT_KEYS = ("uid", "at", "kind", "subject", "data")
ANSWER_KEYS = ("uid", "at", "source", "card_id", "topic_id", "question", "shown", "picked", "correct", "rating")


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
    attempts = ({k: a[k] for k in ATTEMPT_KEYS} for a in store.iter_attempts())
    _write_list(stream, "attempts", attempts)
    stream.write(",\n")
    _write_list(stream, "review_cards", ({k: c[k] for k in (*CARD_KEYS, "step")} for c in store.review_cards()))
    stream.write(",\n")
    _write_list(stream, "events", ({k: e[k] for k in EVENT_KEYS} for e in store.iter_events()))
    stream.write(",\n")
    _write_list(stream, "answers", ({k: a[k] for k in ANSWER_KEYS} for a in store.iter_answers()))
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
        writer.writerow(
            [
                topic.id,
                topic.title,
                topic.category,
                topic.level,
                topic.hours,
                row.get("status", TopicStatus.NOT_STARTED.value),
                row.get("started_at") or "",
                row.get("completed_at") or "",
            ]
        )
    for topic_id in sorted(set(rows) - set(catalog.topics)):
        row = rows[topic_id]
        writer.writerow([topic_id, "", "", "", "", row["status"], row["started_at"] or "", row["completed_at"] or ""])


# --- reset -------------------------------------------------------------------------------------


def reset_with_backup(store: Store, directory: Path) -> Path:
    """Erase all progress, writing the backup inside the same write transaction that deletes.

    A concurrent write either happened before (and is in the backup) or waits and lands after the
    reset; nothing can fall between the backup and the delete.
    """
    with store.transaction() as db:
        backup = _write_backup(store, directory)
        store.reset(db)
    return backup


def _write_backup(store: Store, directory: Path) -> Path:
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    for number in range(1, 10_000):
        candidate = directory / (f"progress-{stamp}.json" if number == 1 else f"progress-{stamp}-{number}.json")
        if candidate.exists():
            continue
        try:
            with atomic_writer(candidate, overwrite=False) as stream:
                export_json(store, stream)
        except FileExistsError:  # another reset took the name meanwhile
            continue
        return candidate
    raise MentorError(f"cannot find a free backup name in {directory}; remove old backups")


# --- import: the rules every field must follow ---------------------------------------------------


class BadImport(MentorError):
    pass


class Invalid(ValueError):
    """A field's value breaks a rule; the message says which."""


Rule = Callable[[Any], Any]  # returns the value to store, or raises Invalid

TIME_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})")
YEARS = (1970, 2999)
MAX_ID = 1000
MAX_TEXT = 1_000_000
MAX_JSON_DEPTH = 32
MAX_ROW_EVENTS = 100_000  # JSON tokens in one row
MAX_ROW_CHARS = 4_000_000  # characters of strings in one row
HOURS_PER_WEEK = (0.5, 80.0)  # the range 'learn --hours' and the wizard accept


def _time(value: Any) -> str:
    """Timezone-aware ISO date-times only, stored as UTC like everything the store writes."""
    if not isinstance(value, str) or not TIME_PATTERN.fullmatch(value):
        raise Invalid("must be a date-time with a timezone, like 2026-03-01T12:00:00+00:00")
    try:
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except ValueError:
        raise Invalid("is not a real date and time") from None
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise Invalid(f"must be a year from {YEARS[0]} to {YEARS[1]}")
    return moment.astimezone(timezone.utc).isoformat()


def _optional(rule: Rule) -> Rule:
    return lambda v: None if v is None else rule(v)


def _text(limit: int = MAX_ID) -> Rule:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise Invalid("must be a non-empty string")
        if len(value) > limit:
            raise Invalid(f"is longer than {limit} characters")
        return value

    return check


def _any_text(limit: int) -> Rule:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise Invalid("must be a string")
        if len(value) > limit:
            raise Invalid(f"is longer than {limit} characters")
        return value

    return check


def _number(low: float, high: float) -> Rule:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Invalid("must be a number")
        if not math.isfinite(value) or not low <= value <= high:
            raise Invalid(f"must be a number from {low:g} to {high:g}")
        return float(value)

    return check


def _integer(low: int, high: int) -> Rule:
    def check(value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid("must be a whole number")
        if not low <= value <= high:
            raise Invalid(f"must be a whole number from {low} to {high}")
        return value

    return check


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("must be true or false")
    return value


def _one_of(*allowed: str) -> Rule:
    def check(value: Any) -> str:
        if value not in allowed:
            raise Invalid(f"must be one of {', '.join(allowed)}")
        return value

    return check


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Invalid("must be an object")
    return value


def _answer_order(value: Any) -> list[int]:
    """The order the options were shown in: a short list of option indexes."""
    if not isinstance(value, list) or len(value) > 10 or not all(isinstance(i, int) and 0 <= i < 10 for i in value):
        raise Invalid("must be a list of up to 10 option numbers")
    return value


UID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def _uid(value: Any) -> str:
    if not isinstance(value, str) or not UID.fullmatch(value):
        raise Invalid("must be 8-64 letters, digits, '-' or '_'")
    return value


RULES: dict[str, dict[str, Rule]] = {
    "topics": {
        "topic_id": _text(),
        "status": _one_of(*TOPIC_STATUSES),
        "started_at": _optional(_time),
        "completed_at": _optional(_time),
        "updated_at": _time,
    },
    "attempts": {
        "checkpoint_id": _text(),
        "at": _time,
        "passed": _bool,
        "score": _number(0, 1),
        "manual": _bool,
        "evidence": _optional(_any_text(MAX_TEXT)),
        "report": _object,
    },
    "review_cards": {
        "card_id": _text(),
        "topic_id": _text(),
        "question": _integer(0, 999),
        "state": _text(40),
        "due": _time,
        "stability": _number(0, 1e6),
        "difficulty": _number(0, 10),
        "reps": _integer(0, 10**6),
        "lapses": _integer(0, 10**6),
        "last_review": _optional(_time),
    },
    "events": {"at": _time, "kind": _text(100), "subject": _optional(_any_text(MAX_ID)), "data": _object},
    "answers": {
        "uid": _uid,
        "at": _time,
        "source": _text(40),
        "card_id": _text(),
        "topic_id": _text(),
        "question": _integer(0, 999),
        "shown": _optional(_answer_order),
        "picked": _optional(_integer(0, 99)),
        "correct": _bool,
        "rating": _optional(_integer(1, 4)),
    },
}
OPTIONAL_RULES: dict[str, dict[str, Rule]] = {
    "attempts": {"uid": _uid},
    "events": {"uid": _uid},
    "review_cards": {"step": _optional(_integer(0, 100))},  # FSRS learning step; exports before it have none
}
PROFILE_RULES: dict[str, Rule] = {
    "active_path": _optional(_text()),
    "experience": _optional(_text()),
    "language": _optional(_text()),
    "goal": _optional(_text()),
    "hours_per_week": _optional(_number(*HOURS_PER_WEEK)),
    "created_at": _time,
    "updated_at": _time,
}


def _check_row(
    path: Path, where: str, row: Any, rules: dict[str, Rule], optional: dict[str, Rule] | None = None
) -> dict[str, Any]:
    """The row with every field checked and normalised, or ``BadImport`` naming the field."""
    if not isinstance(row, dict):
        raise BadImport(f"{path}: {where} must be an object")
    clean: dict[str, Any] = {}
    for key, rule in rules.items():
        if key not in row:
            raise BadImport(f"{path}: {where} is missing '{key}'")
        clean[key] = _apply(path, where, key, rule, row[key])
    for key, rule in (optional or {}).items():
        if row.get(key) is not None:
            clean[key] = _apply(path, where, key, rule, row[key])
    return clean


def _apply(path: Path, where: str, key: str, rule: Rule, value: Any) -> Any:
    try:
        return rule(value)
    except Invalid as exc:
        shown = repr(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise BadImport(f"{path}: {where}: '{key}' has an invalid value {shown}: it {exc}") from None


# --- import: streaming ---------------------------------------------------------------------------


SECTIONS = ("topics", "attempts", "review_cards", "events", "answers")
SCALAR_EVENTS = {"null", "boolean", "integer", "double", "number", "string"}


def _open_regular(path: Path) -> IO[bytes]:
    """Open for reading only what is a regular file: never a FIFO, a device or a folder."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise BadImport(f"{path}: file not found") from None
    except OSError as exc:
        raise BadImport(f"{path}: cannot read: {exc.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        what = (
            "a folder"
            if stat.S_ISDIR(info.st_mode)
            else "a pipe"
            if stat.S_ISFIFO(info.st_mode)
            else "a device or special file"
        )
        raise BadImport(f"{path}: is {what}, not a regular file; give a file written by 'progress export'")
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


_END = ("end of file", None)


class _Tokens:
    """ijson's (event, value) stream; the end of the file where a value is due is a BadImport."""

    def __init__(self, path: Path, handle: IO[bytes]):
        import ijson

        self.path = path
        self._events = ijson.basic_parse(handle, use_float=True)

    def next(self) -> tuple[str, Any]:
        event, value = next(self._events, _END)
        if event is _END[0]:
            raise BadImport(f"{self.path}: the file ends in the middle of the JSON document")
        return event, value

    def rest(self) -> None:
        for _ in self._events:  # anything after the document is an error (ijson says "trailing garbage")
            raise BadImport(f"{self.path}: unexpected text after the JSON document")


def _value(tokens: _Tokens, event: str, value: Any, where: str) -> Any:
    """One JSON value from its first token, with bounded depth and size (one row at a time)."""
    if event in SCALAR_EVENTS:
        return value
    if event not in ("start_map", "start_array"):
        raise BadImport(f"{tokens.path}: {where}: unexpected JSON token {event}")
    events = tokens._events
    stack: list[Any] = []
    key: Any = None
    root: Any = None
    count = chars = 0
    while True:
        if event == "map_key":
            key = value
        elif event == "start_map" or event == "start_array":
            container: Any = {} if event == "start_map" else []
            if stack:
                parent = stack[-1]
                if type(parent) is list:
                    parent.append(container)
                else:
                    parent[key] = container
            else:
                root = container
            stack.append(container)
            if len(stack) > MAX_JSON_DEPTH:
                raise BadImport(f"{tokens.path}: {where} is nested more than {MAX_JSON_DEPTH} levels deep")
        elif event == "end_map" or event == "end_array":
            stack.pop()
            if not stack:
                return root
        elif event is _END[0]:
            raise BadImport(f"{tokens.path}: the file ends in the middle of the JSON document")
        else:
            parent = stack[-1]
            if type(parent) is list:
                parent.append(value)
            else:
                parent[key] = value
            if type(value) is str:
                chars += len(value)
        count += 1
        if count > MAX_ROW_EVENTS or chars > MAX_ROW_CHARS:
            raise BadImport(
                f"{tokens.path}: {where} is too large (more than {MAX_ROW_EVENTS} values or {MAX_ROW_CHARS} characters)"
            )
        event, value = next(events, _END)


def _document(tokens: _Tokens) -> Iterator[tuple[str, int, Any]]:
    """(key, index, value) for every top-level field, and for every row of the four lists."""
    event, _ = tokens.next()
    if event != "start_map":
        raise BadImport(f"{tokens.path}: not a backend-mentor progress export (expected a JSON object)")
    while True:
        event, key = tokens.next()
        if event == "end_map":
            break
        event, value = tokens.next()
        if key in SECTIONS and event == "start_array":
            index = 0
            while True:
                event, value = tokens.next()
                if event == "end_array":
                    break
                yield key, index, _value(tokens, event, value, f"{key}[{index}]")
                index += 1
        elif key in SECTIONS or key in ("profile", "kind", "schema_version"):
            yield key, -1, _value(tokens, event, value, key)
        else:
            _value(tokens, event, value, key)  # unknown fields of newer exports are skipped, one at a time
    tokens.rest()


def import_progress(store: Store, path: Path) -> dict[str, int]:
    """Check and merge an export file in one transaction; returns what was added or updated.

    The file is read as a stream (bounded memory for any size); the first invalid field rolls
    everything back.
    """
    import ijson

    handle = _open_regular(path)
    with handle:
        try:
            with store.transaction() as db:
                merger = _Merger(store, db)
                header: dict[str, Any] = {}
                for key, index, value in _document(_Tokens(path, handle)):
                    if key in ("kind", "schema_version"):
                        header[key] = value
                        _check_header(path, header)
                    elif key == "profile":
                        if value is not None:
                            merger.profile(_check_row(path, "profile", value, PROFILE_RULES))
                    elif index < 0:
                        raise BadImport(f"{path}: '{key}' must be a list")
                    else:
                        where = f"{key}[{index}]"
                        merger.add(key, _check_row(path, where, value, RULES[key], OPTIONAL_RULES.get(key)), value)
                if header.get("kind") != EXPORT_KIND or "schema_version" not in header:
                    raise BadImport(f'{path}: not a backend-mentor progress export (expected "kind": "{EXPORT_KIND}")')
                merger.finish()
        except ijson.JSONError as exc:
            raise BadImport(_json_error(path, exc)) from None
        except OSError as exc:
            raise BadImport(f"{path}: cannot read: {exc.strerror or exc}") from None
        except RecursionError:
            raise BadImport(f"{path}: nested too deeply") from None
    return merger.counts


SMALL_FILE = 16_000_000  # for a file this small, a syntax error is located by line with the json module


def _json_error(path: Path, exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    reason = lines[0] if lines else "invalid JSON"
    try:
        if path.stat().st_size <= SMALL_FILE:
            json.loads(path.read_bytes())
    except json.JSONDecodeError as error:
        return f"{path}:{error.lineno}: not valid JSON: {error.msg}"
    except (OSError, ValueError, RecursionError):
        pass
    return f"{path}: not valid JSON: {reason}"


def _check_header(path: Path, header: dict[str, Any]) -> None:
    if "kind" in header and header["kind"] != EXPORT_KIND:
        raise BadImport(f'{path}: not a backend-mentor progress export (expected "kind": "{EXPORT_KIND}")')
    if "schema_version" in header:
        version = header["schema_version"]
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise BadImport(f"{path}: 'schema_version' must be a whole number from 1")
        if version > EXPORT_VERSION:
            raise BadImport(
                f"{path}: export format {version} is newer than this backend-mentor understands ({EXPORT_VERSION})"
            )


class _ImportUids(LegacyUids):
    """Legacy identities for rows of old exports, with the occurrence counts kept in SQLite (not memory)."""

    def __init__(self, store: Store, db: Any):
        super().__init__()
        self.store, self.db = store, db

    def occurrence(self, content: str) -> int:
        return self.store.count_import_occurrence(self.db, content)


class _Merger:
    """Merges checked rows one at a time through the store; what this import wrote is remembered in SQLite."""

    def __init__(self, store: Store, db: Any):
        self.store, self.db = store, db
        self.counts = {
            "topics_added": 0,
            "topics_updated": 0,
            "attempts_added": 0,
            "cards_added": 0,
            "cards_updated": 0,
            "events_added": 0,
            "answers_added": 0,
            "profile": 0,
        }
        store.begin_import(db)
        self.uids = _ImportUids(store, db)

    def finish(self) -> None:
        self.store.end_import(self.db)

    def add(self, section: str, row: dict[str, Any], raw: dict[str, Any]) -> None:
        """Merge a checked ``row``; rows without a uid get the identity of their ``raw`` content, the
        same one the database computed for its rows from before identities (m004_row_identities)."""
        self.raw = raw
        getattr(self, f"_{section}")(row)

    def profile(self, profile: dict[str, Any]) -> None:
        self.counts["profile"] = max(self.counts["profile"], self.store.merge_profile(self.db, profile))

    def _count_first(self, section: str, key: str, outcome: str | None, counter: str) -> None:
        if outcome and self.store.first_import_write(self.db, section, key):
            self.counts[f"{counter}_{outcome}"] += 1

    def _topics(self, row: dict[str, Any]) -> None:
        self._count_first("topic", row["topic_id"], self.store.merge_topic(self.db, row), "topics")

    def _review_cards(self, row: dict[str, Any]) -> None:
        card = {k: row[k] for k in (*CARD_KEYS, "step") if k in row}
        self._count_first("card", row["card_id"], self.store.merge_card(self.db, card), "cards")

    def _attempts(self, row: dict[str, Any]) -> None:
        uid = row.get("uid") or self.uids("checkpoint_attempts", self.raw)
        self.counts["attempts_added"] += self.store.insert_attempt_if_new(self.db, uid, row)

    def _events(self, row: dict[str, Any]) -> None:
        uid = row.get("uid") or self.uids("events", self.raw)
        self.counts["events_added"] += self.store.insert_event_if_new(self.db, uid, row)

    def _answers(self, row: dict[str, Any]) -> None:
        self.counts["answers_added"] += self.store.insert_answer_if_new(self.db, row)
