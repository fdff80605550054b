"""Safe YAML reading that remembers the line of every mapping key and sequence item.

Only the safe loader is used (the C one when PyYAML has it): no tag can construct a Python
object. Mappings come back as ``LineDict`` and sequences as ``LineList`` so that validation can
name ``file:line`` for any field.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 1_000_000
MAX_EXPANDED_CHARS = 2 * MAX_FILE_BYTES  # text of a document once every alias is expanded

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it

PARSE_COUNT = 0  # how many files have been parsed in this process (the cache test reads it)


class LineDict(dict):
    """A dict that knows the line of itself and of each key (1-based)."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}
        self.duplicates: list[tuple[Any, int]] = []

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LineList(list):
    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type, unused-ignore]
    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.expanded = 0  # characters of scalar text, counting every alias use again

    def construct_object(self, node, deep=False):  # type: ignore[no-untyped-def, unused-ignore]
        """Bound what a document expands to.

        Aliases of collections are refused (nested ones expand exponentially, "billion laughs");
        every use of a scalar, aliased or not, counts towards ``MAX_EXPANDED_CHARS``, so a few
        aliases of a long string cannot make the cache, JSON output or search index enormous.
        """
        reused = node in self.constructed_objects
        if reused and isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) of lists or mappings are not allowed", node.start_mark
            )
        if isinstance(node, yaml.ScalarNode):
            self.expanded += len(node.value) + 1
            if self.expanded > MAX_EXPANDED_CHARS:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the document expands to more than {MAX_EXPANDED_CHARS} characters "
                    "(aliases *name repeat their text each time they are used)",
                    node.start_mark,
                )
        return super().construct_object(node, deep)


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "mapping keys must be plain scalars", key_node.start_mark
            )
        line = key_node.start_mark.line + 1
        if key in result:
            result.duplicates.append((key, line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList()
    result.line = node.start_mark.line + 1
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.lines.append(item.start_mark.line + 1)
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


class YamlProblem(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def read_text(path: Path) -> str:
    """The text of a regular file up to ``MAX_FILE_BYTES``; anything else is a ``YamlProblem``.

    FIFOs, devices (a link to /dev/zero named x.yaml), folders and symlink loops are refused
    without reading from them.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise YamlProblem(1, f"cannot read file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = (
                "a folder"
                if stat.S_ISDIR(info.st_mode)
                else "a pipe (FIFO)"
                if stat.S_ISFIFO(info.st_mode)
                else "a device or special file"
            )
            raise YamlProblem(1, f"cannot read file: it is {kind}, not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise YamlProblem(1, f"file is too large ({info.st_size} bytes, limit {MAX_FILE_BYTES})")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise YamlProblem(1, f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise YamlProblem(1, f"file is too large (more than {MAX_FILE_BYTES} bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblem(1, f"file is not UTF-8 text ({exc.reason})") from None


def load_file(path: Path) -> Any:
    """Parse one YAML document; raise ``YamlProblem`` with a line for anything unreadable."""
    global PARSE_COUNT
    text = read_text(path)
    PARSE_COUNT += 1
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = exc.problem or exc.context or "invalid YAML"
        raise YamlProblem(line, f"YAML error: {reason}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, f"YAML error: {exc}") from None
    except RecursionError:
        raise YamlProblem(1, "YAML error: nesting is too deep") from None
