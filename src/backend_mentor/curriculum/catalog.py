"""The compiled curriculum: every source validated once, cached in SQLite, searchable.

The cache is keyed by the set of source directories. Inside it, a fingerprint of the package
version, the schema version and every source file's (path, size, mtime) decides whether it is
still good; only then are the YAML files parsed again. A stale or unreadable cache is rebuilt;
an invalid curriculum is never cached.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .. import __version__
from ..errors import CurriculumError, NotFound
from ..paths import cache_dir, extra_curriculum_dirs, shipped_curriculum_dir
from .models import Category, Checkpoint, LearningPath, Project, Topic
from .schema import SCHEMA_VERSION

CACHE_FORMAT = (
    7  # 2: lessons as compiled blocks (markup); 4: names index tables; 5: one row per entity (entity); 6: -ation stems;
    # 7: -ate/-ation and -ment stems meet their verbs
)


Entity = TypeVar("Entity")


class CachedEntities(Mapping[str, Entity]):
    """The topics (or paths, checkpoints, projects) of a cached catalog, each decoded from its own
    row when first used.

    Ids (and their order) are known at once; ``mentor jwt`` decodes a handful of topics and no
    path, while ``values()``/``items()`` decode them all in one query.
    """

    def __init__(
        self, db: sqlite3.Connection, kind: str, ids: list[str], decode: Callable[[Any], Entity], cache_file: Path
    ):
        self._db = db
        self._kind = kind
        self._order = dict.fromkeys(ids)
        self._decode_one = decode
        self._loaded: dict[str, Entity] = {}
        self._cache_file = cache_file

    def __getitem__(self, entity_id: str) -> Entity:
        if entity_id in self._loaded:
            return self._loaded[entity_id]
        if entity_id not in self._order:
            raise KeyError(entity_id)
        row = self._fetch("SELECT id, value FROM entity WHERE kind = ? AND id = ?", (self._kind, entity_id))
        if not row:
            raise self._damaged()
        entity = self._loaded[entity_id] = self._decode(row[0][1])
        return entity

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._order

    def _load_all(self) -> None:
        if len(self._loaded) < len(self._order):
            for entity_id, value in self._fetch("SELECT id, value FROM entity WHERE kind = ?", (self._kind,)):
                if entity_id not in self._loaded:
                    self._loaded[entity_id] = self._decode(value)
            if len(self._loaded) < len(self._order):
                raise self._damaged()

    def values(self) -> Any:
        self._load_all()
        return [self._loaded[t] for t in self._order]

    def items(self) -> Any:
        self._load_all()
        return [(t, self._loaded[t]) for t in self._order]

    def _fetch(self, sql: str, params: tuple[str, ...]) -> list[Any]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error:
            raise self._damaged() from None

    def _decode(self, value: str) -> Entity:
        try:
            return self._decode_one(json.loads(value))
        except (ValueError, TypeError, KeyError):
            raise self._damaged() from None

    def _damaged(self) -> CurriculumError:
        return CurriculumError(
            [f"the curriculum cache {self._cache_file} is damaged; delete it and it is rebuilt on the next run"]
        )


ENTITY_KINDS: dict[str, Callable[[Any], Any]] = {
    "topic": Topic.from_dict,
    "path": LearningPath.from_dict,
    "checkpoint": Checkpoint.from_dict,
    "project": Project.from_dict,
}


@dataclass
class Catalog:
    categories: dict[str, Category]
    topics: Mapping[str, Topic]
    paths: Mapping[str, LearningPath]
    checkpoints: Mapping[str, Checkpoint]
    projects: Mapping[str, Project]
    sources: list[str]
    fingerprint: str
    cache_file: Path | None = None
    from_cache: bool = False
    built_at: str = ""
    files: int = 0
    _search_db: sqlite3.Connection | None = field(default=None, repr=False)

    def topic(self, topic_id: str) -> Topic:
        return _lookup(self.topics, "topic", topic_id, "")

    def path(self, path_id: str) -> LearningPath:
        return _lookup(self.paths, "path", path_id, "; see 'backend-mentor path list'")

    def checkpoint(self, checkpoint_id: str) -> Checkpoint:
        return _lookup(self.checkpoints, "checkpoint", checkpoint_id, "; see 'backend-mentor checkpoint list'")

    def project(self, project_id: str) -> Project:
        return _lookup(self.projects, "project", project_id, "")

    def search_db(self) -> sqlite3.Connection:
        """A read connection to the full-text index (the cache file, or an in-memory copy)."""
        if self._search_db is None:
            if self.cache_file and self.cache_file.exists():
                self._search_db = sqlite3.connect(f"file:{self.cache_file}?mode=ro", uri=True)
            else:
                from .search import write_names

                self._search_db = sqlite3.connect(":memory:")
                _write_index(self._search_db, self.topics.values())
                write_names(self._search_db, self.topics.values())
        return self._search_db

    def markup(self, key: str, text: str) -> list[Any]:
        """The compiled blocks (``markup.parse``) of a lesson (``topic:ID``) or of checkpoint
        instructions (``checkpoint:ID``): read from the cache, so no Markdown parser is loaded;
        parsed here only when the catalog has no cache file or the cache lacks them."""
        if self.cache_file is not None and self.cache_file.exists():
            try:
                row = self.search_db().execute("SELECT value FROM markup WHERE key = ?", (key,)).fetchone()
                if row is not None:
                    blocks = json.loads(row[0])
                    if isinstance(blocks, list):
                        return blocks
            except (sqlite3.Error, ValueError):
                pass
        from .markup import parse

        return parse(text)

    def topics_by_category(self) -> dict[str, list[Topic]]:
        """Every category (in curriculum order, empty ones too) with its topics in catalog order."""
        grouped: dict[str, list[Topic]] = {cid: [] for cid in self.categories}
        for topic in self.topics.values():
            grouped.setdefault(topic.category, []).append(topic)
        return grouped

    def counts(self) -> dict[str, int]:
        return {
            "categories": len(self.categories),
            "topics": len(self.topics),
            "paths": len(self.paths),
            "checkpoints": len(self.checkpoints),
            "projects": len(self.projects),
        }


def _lookup(entities: Mapping[str, Any], kind: str, entity_id: str, see: str) -> Any:
    """An entity by id, or ``NotFound`` with a "did you mean" and where to look."""
    try:
        return entities[entity_id]
    except KeyError:
        from .validate import did_you_mean  # loads the YAML reader: only for the error

        raise NotFound(f"unknown {kind} '{entity_id}'{did_you_mean(entity_id, entities)}{see}") from None


# --- sources and fingerprint -----------------------------------------------------------------


def resolve_sources(extra_dirs: list[Path] | None = None, include_shipped: bool = True) -> list[Any]:
    from .sources import Source, check_source_dir

    sources = [Source(shipped_curriculum_dir(), shipped=True)] if include_shipped else []
    for directory in extra_curriculum_dirs(extra_dirs):
        check_source_dir(directory)
        sources.append(Source(directory.resolve()))
    return sources


def fingerprint(sources: list[Any]) -> str:
    from .sources import source_entries

    digest = hashlib.sha256(f"{__version__}|{SCHEMA_VERSION}|{CACHE_FORMAT}".encode())
    for source in sources:
        digest.update(f"\0source\0{source.root}\0{source.shipped}".encode())
        for kind, path, signature in source_entries(source):
            digest.update(f"\0{kind}\0{path}\0{signature}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _cache_file(sources: list[Any]) -> Path:
    key = hashlib.sha256("\0".join(f"{s.root}:{s.shipped}" for s in sources).encode()).hexdigest()[:16]
    return cache_dir() / f"catalog-{key}.sqlite"


# --- loading --------------------------------------------------------------------------------


def load_catalog(extra_dirs: list[Path] | None = None, *, use_cache: bool = True) -> Catalog:
    """The catalog for the shipped curriculum plus extra packs; from cache when still valid."""
    return catalog_from_sources(resolve_sources(extra_dirs), use_cache=use_cache)


def catalog_from_sources(sources: list[Any], *, use_cache: bool = True) -> Catalog:
    print_ = fingerprint(sources)
    cache_file = _cache_file(sources)
    if use_cache:
        cached = _read_cache(cache_file, print_)
        if cached is not None:
            return cached
    return compile_sources(sources, print_, cache_file if use_cache else None)


def compile_sources(sources: list[Any], print_: str, cache_file: Path | None) -> Catalog:
    from datetime import datetime, timezone

    from .loader import load_sources

    loaded = load_sources(sources)
    if loaded.problems:
        raise CurriculumError([str(p) for p in loaded.problems])
    data = {
        "categories": loaded.categories,
        **loaded.entities,
        "meta": {
            "sources": [str(s.root) for s in sources],
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "files": loaded.files,
        },
    }
    written = _write_cache(cache_file, print_, data) if cache_file else None
    catalog = _build(data, print_)
    catalog.cache_file = written
    return catalog


def _build(
    data: dict[str, Any], print_: str, from_cache: bool = False, entities: Mapping[str, Mapping[str, Any]] | None = None
) -> Catalog:
    meta = data["meta"]
    kinds = entities or {
        kind: {eid: decode(e) for eid, e in data[kind].items()} for kind, decode in ENTITY_KINDS.items()
    }
    return Catalog(
        categories={cid: Category(**c) for cid, c in data["categories"].items()},
        topics=kinds["topic"],
        paths=kinds["path"],
        checkpoints=kinds["checkpoint"],
        projects=kinds["project"],
        sources=meta["sources"],
        fingerprint=print_,
        from_cache=from_cache,
        built_at=meta["built_at"],
        files=meta["files"],
    )


def _read_cache(cache_file: Path, print_: str) -> Catalog | None:
    """The cached catalog, or None to rebuild it: a cache is disposable, whatever shape it is in."""
    if not cache_file.exists():
        return None
    db = None
    try:
        db = sqlite3.connect(f"file:{cache_file}?mode=ro", uri=True, check_same_thread=False)
        row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        if not row or row[0] != print_:
            db.close()
            return None
        (blob,) = db.execute("SELECT value FROM meta WHERE key = 'catalog'").fetchone()
        data = json.loads(blob)
        counts = dict(db.execute("SELECT kind, count(*) FROM entity GROUP BY kind").fetchall())
        entities: dict[str, Mapping[str, Any]] = {}
        for kind, decode in ENTITY_KINDS.items():
            ids = data["ids"][kind]
            if not isinstance(ids, list) or counts.get(kind, 0) != len(ids):
                raise ValueError(f"{kind} rows do not match the index")
            entities[kind] = CachedEntities(db, kind, ids, decode, cache_file)
        catalog = _build(data, print_, from_cache=True, entities=entities)
    except Exception as exc:  # noqa: BLE001 - any damage (wrong tables, wrong JSON shape) means: rebuild
        if db is not None:
            db.close()
        _notice(f"the curriculum cache {cache_file} was unreadable ({type(exc).__name__}); rebuilding it")
        return None
    catalog.cache_file = cache_file
    catalog._search_db = db  # one connection, one snapshot of the file, for topics, search and lessons
    return catalog


def _notice(text: str) -> None:
    from ..output import Output

    Output().hint(text)


def _write_cache(cache_file: Path, print_: str, data: dict[str, Any]) -> Path | None:
    """Write the cache atomically (temp file + rename); a cache that cannot be written is skipped."""
    from ..tempfiles import clean_stale, temp_prefix
    from .search import write_names

    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(cache_file.parent)
        fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(cache_file.name), suffix=".tmp", dir=cache_file.parent)
        os.close(fd)
    except OSError:
        return None
    try:
        db = sqlite3.connect(tmp_name)
        with db:
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            light = {key: value for key, value in data.items() if key not in ENTITY_KINDS}
            light["ids"] = {kind: list(data[kind]) for kind in ENTITY_KINDS}
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("fingerprint", print_), ("catalog", json.dumps(light, separators=(",", ":")))],
            )
            db.execute("CREATE TABLE entity (kind TEXT, id TEXT, value TEXT NOT NULL, PRIMARY KEY (kind, id))")
            db.executemany(
                "INSERT INTO entity VALUES (?, ?, ?)",
                [
                    (kind, eid, json.dumps(e, separators=(",", ":")))
                    for kind in ENTITY_KINDS
                    for eid, e in data[kind].items()
                ],
            )
            topics = [Topic.from_dict(t) for t in data["topic"].values()]
            _write_index(db, topics)
            write_names(db, topics)
            _write_markup(db, topics, [Checkpoint.from_dict(c) for c in data["checkpoint"].values()])
        db.close()
        if cache_file.is_dir():
            raise IsADirectoryError(cache_file)
        os.replace(tmp_name, cache_file)
        # the names index lived beside the cache before format 4; it is in the cache file now
        cache_file.with_name(cache_file.name + ".names.json").unlink(missing_ok=True)
        return cache_file
    except (OSError, sqlite3.Error):
        Path(tmp_name).unlink(missing_ok=True)
        return None


def _write_markup(db: sqlite3.Connection, topics: Iterable[Topic], checkpoints: Iterable[Checkpoint]) -> None:
    """Lessons and checkpoint instructions as compiled blocks (``Catalog.markup`` reads them)."""
    from .markup import compile_all

    db.execute("CREATE TABLE markup (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    rows = [(f"topic:{t.id}", t.lesson) for t in topics] + [(f"checkpoint:{c.id}", c.instructions) for c in checkpoints]
    compiled = compile_all([text for _, text in rows], cache_dir() / "markup.sqlite")
    db.executemany("INSERT INTO markup VALUES (?, ?)", [(key, compiled[text]) for key, text in rows])


def _fts_available(db: sqlite3.Connection) -> bool:
    try:
        db.execute("CREATE VIRTUAL TABLE temp.fts_probe USING fts5(x)")
        db.execute("DROP TABLE temp.fts_probe")
        return True
    except sqlite3.OperationalError:
        return False


def _write_index(db: sqlite3.Connection, topics: Iterable[Topic]) -> None:
    """The full-text index used by ``mentor``: FTS5 with bm25 when SQLite has it."""
    if _fts_available(db):
        db.execute(
            "CREATE VIRTUAL TABLE topic_fts USING fts5("
            "id, title, aliases, summary, body, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
    else:
        db.execute("CREATE TABLE topic_fts (id, title, aliases, summary, body)")
    db.executemany(
        "INSERT INTO topic_fts (id, title, aliases, summary, body) VALUES (?, ?, ?, ?, ?)",
        [
            (
                t.id,
                t.title,
                " | ".join(t.aliases),
                t.summary,
                "\n".join([t.lesson, *t.key_points, *t.pitfalls]),
            )
            for t in topics
        ],
    )
