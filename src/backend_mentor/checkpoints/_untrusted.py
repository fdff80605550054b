"""Reading what a learner's server sends, when it may be hostile: deep JSON, huge numbers, odd tokens.

``guarded`` wraps a check function so that an answer nested too deeply for Python's JSON parser
(``RecursionError``) or a number too large to compute with (``OverflowError``) becomes a failed
check with a message instead of an "internal error" that loses the attempt. ``json_value`` parses
without raising anything but ``ValueError``.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Iterator
from importlib.resources import files
from typing import Any, ParamSpec, TypeVar

from ._http import CheckFailed

MAX_NODES = 200_000  # a walk over one parsed answer stops here (1 MB of JSON has fewer)


def contract(kind: str) -> str:
    """The contract text shipped in ``assets/<kind>/CONTRACT.md``."""
    return files(__package__).joinpath("assets").joinpath(kind).joinpath("CONTRACT.md").read_text(encoding="utf-8")


P = ParamSpec("P")
T = TypeVar("T")


def guarded(run: Callable[P, T]) -> Callable[P, T]:
    @functools.wraps(run)
    def checked(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return run(*args, **kwargs)
        except RecursionError:
            raise CheckFailed(
                "the answer is nested too deeply to read (JSON more than about 900 levels deep)"
            ) from None
        except OverflowError:
            raise CheckFailed("the answer holds a number too large to compute with") from None

    return checked


def json_value(data: bytes | str) -> Any:
    """``json.loads`` that raises only ``ValueError`` (for too-deep documents as well)."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("nested too deeply to read") from None


def finite_number(value: Any) -> float | None:
    """``value`` as a float when it is a real, finite JSON number (not a bool, not Infinity)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def walk(value: Any) -> Iterator[tuple[str | None, Any]]:
    """Every (key, value) pair in a parsed JSON document, depth-first, without recursion."""
    stack: list[tuple[str | None, Any]] = [(None, value)]
    seen = 0
    while stack and seen < MAX_NODES:
        key, item = stack.pop()
        seen += 1
        yield key, item
        if isinstance(item, dict):
            stack.extend((str(k), v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((None, v) for v in item)
