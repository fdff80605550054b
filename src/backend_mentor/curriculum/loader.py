"""YAML files -> validated plain documents. All problems of a load are reported together."""

from __future__ import annotations

import datetime
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, cast

from . import validate as v
from .schema import ENTITY_DIRS
from .sources import Source, display_path, source_files
from .yamlio import LineDict, LineList, YamlProblem, load_file


def plain(value: Any) -> Any:
    """LineDict/LineList -> dict/list, so documents can be cached as JSON."""
    if isinstance(value, dict):
        return {str(k): plain(x) for k, x in value.items()}
    if isinstance(value, list):
        return [plain(x) for x in value]
    return value


@dataclass
class Loaded:
    """The documents of every source, merged, as plain JSON-ready data."""

    categories: dict[str, dict[str, Any]] = field(default_factory=dict)
    entities: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {kind: {} for kind in ENTITY_DIRS})
    problems: list[v.Problem] = field(default_factory=list)
    files: int = 0


CHECKERS = {
    "path": v.check_path,
    "checkpoint": v.check_checkpoint,
    "project": v.check_project,
}


@dataclass
class _Origin:
    file: str
    line: int
    source: Source


def load_sources(sources: list[Source]) -> Loaded:
    """Parse and validate every source; later sources extend earlier ones."""
    out = Loaded()
    parsed: list[tuple[str, Path, LineDict, Source]] = []
    overrides: dict[Path, bool] = {}
    for source in sources:
        files = list(source_files(source))
        shipped_docs = _shipped_documents(source, files) if source.shipped else None
        if not files:
            out.problems.append(
                v.Problem(
                    display_path(source.root),
                    0,
                    "no curriculum files found (expected categories.yaml, topics/, paths/, checkpoints/ or projects/)",
                )
            )
        for kind, path in files:
            out.files += 1
            rep = v.Reporter(display_path(path), out.problems)
            try:
                doc = shipped_docs[str(path)] if shipped_docs and str(path) in shipped_docs else load_file(path)
            except YamlProblem as exc:
                rep.add(exc.line, exc.message)
                continue
            if not isinstance(doc, dict):
                rep.add(getattr(doc, "line", 1) or 1, "the file must hold one YAML mapping")
                continue
            if kind == "pack":
                v.check_fields(cast(LineDict, doc), v.PACK_SPEC, rep)
                overrides[source.root] = doc.get("overrides") is True
                continue
            parsed.append((kind, path, cast(LineDict, doc), source))
        if source.shipped and not any(kind == "categories" for kind, _ in files):
            out.problems.append(v.Problem(display_path(source.root), 0, "categories.yaml is missing"))

    _collect_categories(parsed, out)
    origins: dict[str, _Origin] = {}
    for kind, path, doc, source in parsed:
        if kind == "categories":
            continue
        rep = v.Reporter(display_path(path), out.problems)
        before = len(out.problems)
        if kind == "topic":
            v.check_topic(doc, rep, out.categories)
        else:
            CHECKERS[kind](doc, rep)
        doc_id = doc.get("id")
        if not isinstance(doc_id, str):
            continue
        if path.stem != doc_id:
            rep.add(doc.line_of("id"), f"id '{doc_id}' does not match the file name '{path.name}'")
        if _claim_id(kind, doc_id, doc, rep, source, origins, overrides, out):
            data = plain(doc)
            data["source"] = display_path(path)
            out.entities[kind][doc_id] = data
            out.entities[kind][doc_id]["_valid"] = len(out.problems) == before
            out.entities[kind][doc_id]["_lines"] = _reference_lines(doc)

    _check_references(out)
    for docs in out.entities.values():
        for data in docs.values():
            data.pop("_valid", None)
            data.pop("_lines", None)
    out.problems.sort()
    return out


def _collect_categories(parsed: list[tuple[str, Path, LineDict, Source]], out: Loaded) -> None:
    for kind, path, doc, _source in parsed:
        if kind != "categories":
            continue
        rep = v.Reporter(display_path(path), out.problems)
        if not v.check_fields(doc, v.CATEGORIES_FILE_SPEC, rep):
            continue
        v.check_each(doc["categories"], v.CATEGORY_SPEC, rep, "categories")
        for index, item in enumerate(doc["categories"]):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                if item["id"] in out.categories:
                    rep.add(doc["categories"].line_of(index), f"category '{item['id']}' is defined twice")
                out.categories[item["id"]] = plain(item)


def _claim_id(kind, doc_id, doc, rep, source, origins, overrides, out) -> bool:
    """Record where an id is defined; a pack may replace a shipped id only with overrides: true."""
    previous = origins.get(doc_id)
    if previous is None:
        origins[doc_id] = _Origin(rep.file, doc.line_of("id"), source)
        return True
    if previous.source is not source and overrides.get(source.root) and doc_id in out.entities[kind]:
        origins[doc_id] = _Origin(rep.file, doc.line_of("id"), source)
        return True
    if previous.source is not source:
        rep.add(
            doc.line_of("id"),
            f"id '{doc_id}' is already defined in {previous.file}:{previous.line}; "
            "a pack may replace it only with 'overrides: true' in its pack.yaml",
        )
    else:
        rep.add(doc.line_of("id"), f"id '{doc_id}' is already defined in {previous.file}:{previous.line}")
    return False


def _reference_lines(doc: LineDict) -> dict[str, int]:
    """Lines of every reference field, keyed 'field' or 'stages.N.modules.M.topics.K'."""
    lines: dict[str, int] = {}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, LineDict):
            for key, value in node.items():
                lines[f"{prefix}{key}"] = node.line_of(key)
                walk(value, f"{prefix}{key}.")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                lines[f"{prefix}{index}"] = node.line_of(index) if hasattr(node, "line_of") else 1
                walk(value, f"{prefix}{index}.")

    for key in ("prerequisites", "related", "topics", "checkpoints", "next", "stages"):
        if key in doc:
            lines[key] = doc.line_of(key)
            walk(doc[key], f"{key}.")
    return lines


def _check_references(out: Loaded) -> None:
    topics = out.entities["topic"]
    targets = {
        "topic": topics,
        "path": out.entities["path"],
        "checkpoint": out.entities["checkpoint"],
        "project": out.entities["project"],
    }

    def ref(data: dict[str, Any], key: str, value: Any, target: str) -> None:
        if not isinstance(value, str) or value in targets[target]:
            return
        line = data["_lines"].get(key, 1)
        hint = v.did_you_mean(value, targets[target])
        out.problems.append(v.Problem(data["source"], line, f"unknown {target} '{value}'{hint}"))

    for data in topics.values():
        for field_name in ("prerequisites", "related"):
            for index, value in enumerate(_list(data.get(field_name))):
                ref(data, f"{field_name}.{index}", value, "topic")
                if value == data["id"]:
                    line = data["_lines"].get(f"{field_name}.{index}", 1)
                    out.problems.append(v.Problem(data["source"], line, f"'{field_name}' lists the topic itself"))
    for data in out.entities["checkpoint"].values():
        for index, value in enumerate(_list(data.get("topics"))):
            ref(data, f"topics.{index}", value, "topic")
    for data in out.entities["project"].values():
        for field_name, target in (("topics", "topic"), ("checkpoints", "checkpoint")):
            for index, value in enumerate(_list(data.get(field_name))):
                ref(data, f"{field_name}.{index}", value, target)
    for data in out.entities["path"].values():
        for index, value in enumerate(_list(data.get("next"))):
            ref(data, f"next.{index}", value, "path")
        for s_index, stage in enumerate(_list(data.get("stages"))):
            if not isinstance(stage, dict):
                continue
            base = f"stages.{s_index}."
            for field_name, target in (("projects", "project"), ("checkpoints", "checkpoint")):
                for index, value in enumerate(_list(stage.get(field_name))):
                    ref(data, f"{base}{field_name}.{index}", value, target)
            for m_index, module in enumerate(_list(stage.get("modules"))):
                if isinstance(module, dict):
                    for index, value in enumerate(_list(module.get("topics"))):
                        ref(data, f"{base}modules.{m_index}.topics.{index}", value, "topic")
    out.problems.extend(v.check_path_closure(out.entities["path"], topics))
    _check_cycles(out)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _check_cycles(out: Loaded) -> None:
    """Report each prerequisite cycle once, at the prerequisites line of its first topic."""
    topics = out.entities["topic"]
    graph = {
        tid: [p for p in _list(t.get("prerequisites")) if isinstance(p, str) and p in topics]
        for tid, t in topics.items()
    }
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    for start in sorted(graph):
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        trail: list[str] = [start]
        state[start] = 1
        while stack:
            node, index = stack[-1]
            if index < len(graph[node]):
                stack[-1] = (node, index + 1)
                nxt = graph[node][index]
                if state.get(nxt) == 1:
                    cycle = trail[trail.index(nxt) :] + [nxt]
                    first = topics[cycle[0]]
                    line = first["_lines"].get("prerequisites", 1)
                    out.problems.append(v.Problem(first["source"], line, f"prerequisite cycle: {' -> '.join(cycle)}"))
                elif not state.get(nxt):
                    state[nxt] = 1
                    stack.append((nxt, 0))
                    trail.append(nxt)
            else:
                state[node] = 2
                stack.pop()
                trail.pop()


# --- the shipped curriculum's parsed files, kept between runs --------------------------------------
#
# Parsing YAML is three quarters of compiling a catalog. The shipped curriculum changes only when
# the tool is upgraded, yet a curriculum pack (or an edit to one) makes the whole catalog compile
# again; so the shipped files' parsed documents are kept in the cache folder, keyed by the same
# fingerprint the catalog cache uses (every file's path, size and date, and the tool's version).
# Pickled, and read back by an unpickler that builds nothing but the loader's own types; any
# problem with the file means parsing again.

DOCS_FORMAT = 1


class _DocsUnpickler(pickle.Unpickler):
    ALLOWED: ClassVar[dict[tuple[str, str], Any]] = {
        ("backend_mentor.curriculum.yamlio", "LineDict"): LineDict,
        ("backend_mentor.curriculum.yamlio", "LineList"): LineList,
        ("datetime", "date"): datetime.date,
        ("datetime", "datetime"): datetime.datetime,
        ("datetime", "timezone"): datetime.timezone,
        ("datetime", "timedelta"): datetime.timedelta,
    }

    def find_class(self, module: str, name: str) -> Any:
        try:
            return self.ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed") from None


def _shipped_documents(source: Source, files: list[tuple[str, Path]]) -> dict[str, Any] | None:
    """path -> parsed document of every one of ``files`` (the shipped curriculum's), from the cache
    when it is still valid, else parsed now (and cached when every file parsed). None when a file
    cannot be parsed: then the caller parses each file itself and reports the problem at its line."""
    from ..paths import cache_dir
    from ..tempfiles import write_cache_file
    from .catalog import fingerprint

    key = fingerprint([source])
    cache_file = cache_dir() / f"shipped-docs-{key[:16]}.pickle"
    try:
        with cache_file.open("rb") as handle:
            stored = _DocsUnpickler(handle).load()
        if isinstance(stored, dict) and stored.get("format") == DOCS_FORMAT and stored.get("key") == key:
            docs = stored["docs"]
            if isinstance(docs, dict) and all(isinstance(doc, LineDict) for doc in docs.values()):
                return docs  # (every curriculum file is one mapping; anything else is a damaged cache)
    except Exception:  # noqa: BLE001 - a cache is disposable, whatever is wrong with it
        pass
    try:
        docs = {str(path): load_file(path) for _, path in files}
    except YamlProblem:
        return None
    try:
        data = pickle.dumps({"format": DOCS_FORMAT, "key": key, "docs": docs}, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, RecursionError):
        return docs  # a parse that cannot be pickled is simply not kept
    write_cache_file(cache_file, lambda tmp: Path(tmp).write_bytes(data))  # skipped if it cannot be written
    return docs
