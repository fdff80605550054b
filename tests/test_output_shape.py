"""One result shape per use-case: services return frozen dataclasses, and commands print through
``Output.emit`` (JSON from the dataclass, or the view) instead of an ``if json_output`` branch each.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import enum
import inspect
import json
import types
import typing
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

import pytest

import backend_mentor
from backend_mentor import results, services
from backend_mentor.curriculum import models
from backend_mentor.output import Output, to_json

COMMANDS = Path(backend_mentor.__file__).parent / "commands"

# The only places a command may test the --json flag, and why: each refuses an option combination
# before anything is printed; neither prints JSON itself.
ALLOWED_JSON_TESTS = {
    ("checkpoint.py", "verify"): "--watch draws a live report in a terminal; there is no one document to print",
    ("mentor.py", "mentor"): "--quiz asks its questions in a terminal; a JSON run has nowhere to answer",
}


def _mentions_json_flag(node: ast.AST) -> bool:
    return any(
        (isinstance(n, ast.Name) and n.id == "json_output") or (isinstance(n, ast.Attribute) and n.attr == "json_mode")
        for n in ast.walk(node)
    )


def _functions(tree: ast.AST) -> list[ast.FunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]


def json_branches(source: str, filename: str) -> list[str]:
    """``file:function:line`` of every ``if`` (statement or expression) whose test reads the --json flag."""
    tree = ast.parse(source)
    found = []
    for function in _functions(tree):
        for node in ast.walk(function):
            if isinstance(node, (ast.If, ast.IfExp, ast.While)) and _mentions_json_flag(node.test):
                found.append(f"{filename}:{function.name}:{node.lineno}")
    return sorted(set(found))


def test_commands_have_no_json_branch_outside_the_allow_list():
    offenders = []
    for path in sorted(COMMANDS.glob("*.py")):
        for spot in json_branches(path.read_text(encoding="utf-8"), path.name):
            name, function, _ = spot.split(":")
            if (name, function) not in ALLOWED_JSON_TESTS:
                offenders.append(spot)
    assert offenders == [], "print through Output.emit(result, human=view) instead of branching on --json"


def test_the_branch_finder_sees_a_json_branch():
    """The check bites: the shape every command had before (``if json_output: out.json(...)``) is found."""
    old = (
        "def show(ctx, json_output=False):\n    out = Output(json_output)\n    if json_output:\n        out.json({})\n"
    )
    assert json_branches(old, "x.py") == ["x.py:show:3"]
    assert json_branches("def f(out):\n    x = 1 if out.json_mode else 2\n", "x.py") == ["x.py:f:2"]


def test_commands_never_print_json_themselves():
    calls = []
    for path in sorted(COMMANDS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "json":
                calls.append(f"{path.name}:{node.lineno}")
    assert calls == []


def test_every_command_with_a_json_option_emits_its_result():
    """A function taking ``json_output`` calls ``emit`` or hands the flag to one that does."""
    missing = []
    for path in sorted(COMMANDS.glob("*.py")):
        for function in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            if "json_output" not in [a.arg for a in function.args.args]:
                continue
            calls = [n for n in ast.walk(function) if isinstance(n, ast.Call)]
            emits = any(isinstance(c.func, ast.Attribute) and c.func.attr == "emit" for c in calls)
            passes = any(_mentions_json_flag(a) for c in calls for a in [*c.args, *(k.value for k in c.keywords)])
            if not (emits or passes):
                missing.append(f"{path.name}:{function.name}")
    assert missing == []


# --- what services return ------------------------------------------------------------------------

PRIMITIVES = (str, int, float, bool, type(None))
CONTAINERS = (list, tuple, dict, set, frozenset, Mapping)


def bad_parts(annotation: object) -> list[str]:
    """The parts of a return type that are not a dataclass, a primitive or a container of them."""
    if annotation is typing.Any:
        return ["Any"]
    if annotation in PRIMITIVES or annotation is type(None):
        return []
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return [] if _frozen_or_model(annotation) else [f"{annotation.__name__} (not frozen)"]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) or origin in CONTAINERS:
        return [part for arg in typing.get_args(annotation) if arg is not Ellipsis for part in bad_parts(arg)]
    return [repr(annotation)]


def _frozen_or_model(cls: type) -> bool:
    """Results are frozen; the curriculum's own entities (``models``) are returned as they are."""
    return cls.__module__ == models.__name__ or cls.__dataclass_params__.frozen  # type: ignore[attr-defined]


def public_services():
    return [
        (name, f)
        for name, f in inspect.getmembers(services, inspect.isfunction)
        if f.__module__ == services.__name__ and not name.startswith("_")
    ]


def test_services_return_dataclasses_not_string_keyed_dicts():
    offenders = {}
    for name, function in public_services():
        # services imports its results only when it builds them: resolve the names from the package
        returned = typing.get_type_hints(function, localns=result_classes()).get("return", None)
        problems = bad_parts(returned)
        if problems:
            offenders[name] = problems
    assert offenders == {}


def test_the_return_check_bites():
    assert bad_parts(dict[str, typing.Any]) == ["Any"]
    assert bad_parts(list[dict[str, typing.Any]]) == ["Any"]

    @dataclasses.dataclass
    class Loose:
        x: int

    assert bad_parts(Loose) == ["Loose (not frozen)"]
    assert bad_parts(tuple[results.PlanWeek, ...] | None) == []


def result_classes() -> dict[str, type]:
    return {name: getattr(results, name) for name in results.MODULES}


def test_every_result_is_frozen():
    loose = [
        name
        for name, cls in result_classes().items()
        if not dataclasses.is_dataclass(cls) or not cls.__dataclass_params__.frozen
    ]
    assert loose == []


def test_every_result_class_is_reachable_from_the_package_and_loads_alone():
    """The package's lazy map names every result of every area module, and each area loads by itself."""
    import importlib
    import subprocess
    import sys

    for area in sorted(set(results.MODULES.values())):
        module = importlib.import_module(f"{results.__name__}.{area}")
        defined = {
            name for name, cls in inspect.getmembers(module, inspect.isclass) if cls.__module__ == module.__name__
        }
        assert defined == {name for name, owner in results.MODULES.items() if owner == area}, area
    probe = "import sys; from backend_mentor.results import Answer; print(sorted(m for m in sys.modules if m.startswith('backend_mentor.results.')))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "['backend_mentor.results._fields', 'backend_mentor.results.answers']"


# --- emit -----------------------------------------------------------------------------------------


class Color(str, enum.Enum):
    RED = "red"


@dataclasses.dataclass(frozen=True)
class Inner:
    day: dt.date
    color: Color
    where: PurePosixPath


@dataclasses.dataclass(frozen=True)
class Outer:
    name: str
    inner: Inner
    items: tuple[Inner, ...]
    by_key: Mapping[str, Inner]
    flat: results.TopicRef = dataclasses.field(metadata=results.FLATTEN)
    maybe: int | None = dataclasses.field(default=None, metadata=results.OMIT_NONE)
    kept_none: int | None = None
    secret: str = dataclasses.field(default="view only", metadata=results.VIEW_ONLY)


SAMPLE = Outer(
    name="n",
    inner=Inner(dt.date(2026, 3, 1), Color.RED, PurePosixPath("/a/b")),
    items=(Inner(dt.date(2026, 3, 2), Color.RED, PurePosixPath("c")),),
    by_key={"k": Inner(dt.date(2026, 3, 3), Color.RED, PurePosixPath("d"))},
    flat=results.TopicRef("jwt", "JSON Web Tokens"),
)


def test_emit_prints_one_document_with_schema_version_from_nested_dataclasses(capsys):
    seen = []
    Output(json_mode=True).emit(SAMPLE, human=lambda out, result: seen.append(result))
    document = json.loads(capsys.readouterr().out)
    assert seen == []
    assert document == {
        "schema_version": 1,
        "name": "n",
        "inner": {"day": "2026-03-01", "color": "red", "where": "/a/b"},
        "items": [{"day": "2026-03-02", "color": "red", "where": "c"}],
        "by_key": {"k": {"day": "2026-03-03", "color": "red", "where": "d"}},
        "id": "jwt",
        "title": "JSON Web Tokens",
        "kept_none": None,
    }
    assert list(document)[:3] == ["schema_version", "name", "inner"]  # field order is key order


def test_emit_hands_the_same_result_to_the_view_without_json(capsys):
    seen = []
    Output(json_mode=False).emit(SAMPLE, human=lambda out, result: seen.append(result))
    assert seen == [SAMPLE] and capsys.readouterr().out == ""


def test_emit_refuses_a_result_that_is_not_an_object():
    with pytest.raises(TypeError):
        Output(json_mode=True).emit(["a", "list"], human=lambda out, result: None)


def test_a_check_is_written_with_its_own_to_dict():
    from backend_mentor.checkpoints.base import Check

    check = Check.skip("paged", "time ran out")
    assert to_json(results.VerifyResult("c", False, 0.0, {"skip": 1}, checks=(check,)))["checks"] == [check.to_dict()]


def test_messages_stay_off_stderr_in_json_mode(capsys):
    Output(json_mode=True).success("Active path: X")
    Output(json_mode=False).success("Active path: X")
    assert capsys.readouterr().err.count("Active path: X") == 1


def test_the_formatter_is_never_switched_off():
    """`ruff format --check` in CI means little if code opts out of it line by line."""
    root = Path(backend_mentor.__file__).parent.parent.parent
    marker = "fmt: " + "(skip|off)"  # split so this file does not match itself
    import re

    offenders = [
        f"{path.relative_to(root)}:{number}"
        for folder in ("src", "tests", "benchmarks")
        for path in sorted((root / folder).rglob("*.py"))
        if "node_modules" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"#\s*" + marker, line)
    ]
    assert offenders == []
