"""The ``verifier.params`` each verifier kind accepts: one typed, frozen dataclass per kind.

``curriculum validate`` (and every curriculum load) checks a checkpoint's params against these
with ``param_problems``: an unknown name (with a did-you-mean), a wrong type or a value out of range
is a problem at the param's own ``file:line``. Verifiers read their params with ``load_params``,
which applies the defaults and refuses bad values with one clear ``VerifierInputError``, never a
``ValueError`` from ``int("abc")``.

This module imports nothing heavy: ``curriculum/validate.py`` imports it lazily.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field, fields
from typing import Any, get_type_hints


def _range(low: float | None = None, high: float | None = None, *, low_open: bool = False) -> dict[str, Any]:
    return {"low": low, "high": high, "low_open": low_open}


@dataclass(frozen=True)
class HttpRestParams:
    pass


@dataclass(frozen=True)
class HttpCacheParams:
    pass


@dataclass(frozen=True)
class HttpAuthParams:
    ttl_seconds: int = field(default=1, metadata=_range(1, 60))  # token lifetime asked for at login


@dataclass(frozen=True)
class HttpMonitoringParams:
    requests: int = field(default=5, metadata=_range(1, 1000))  # requests sent between two /metrics reads


@dataclass(frozen=True)
class SqlQueriesParams:
    time_limit_seconds: float = field(default=2.0, metadata=_range(0, 60, low_open=True))  # per query


@dataclass(frozen=True)
class SqlSchemaParams:
    load_file: str = "load.sql"  # looked up next to --file, or in --dir
    time_limit_seconds: float = field(default=5.0, metadata=_range(0, 60, low_open=True))  # per script


@dataclass(frozen=True)
class SqlExplainParams:
    min_speedup: float = field(default=2.0, metadata=_range(1))  # median before / median after
    runs: int = field(default=5, metadata=_range(1, 50))  # timed runs per query, before and after
    time_limit_seconds: float = field(default=10.0, metadata=_range(0, 120, low_open=True))  # per CREATE INDEX


@dataclass(frozen=True)
class PytestBugsParams:
    required_share: float = field(default=0.8, metadata=_range(0, 1, low_open=True))  # of the seeded bugs
    timeout_seconds: float = field(default=60.0, metadata=_range(0, 3600, low_open=True))  # the whole verification
    run_timeout_seconds: float = field(default=15.0, metadata=_range(0, 600, low_open=True))  # one pytest run
    plugins: tuple[str, ...] = ()  # pytest plugins loaded with -p (autoload is off)


PARAMS: dict[str, type] = {
    "http-rest": HttpRestParams,
    "http-auth": HttpAuthParams,
    "http-cache": HttpCacheParams,
    "http-monitoring": HttpMonitoringParams,
    "sql-queries": SqlQueriesParams,
    "sql-schema": SqlSchemaParams,
    "sql-explain": SqlExplainParams,
    "pytest-bugs": PytestBugsParams,
}

TYPE_NAMES = {int: "an integer", float: "a number", str: "a non-empty string", tuple: "a list of strings"}


def _check_value(kind_type: Any, value: Any, meta: Any) -> tuple[Any, str | None]:
    """(converted value, None) or (None, what is wrong)."""
    if kind_type is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return None, f"must be an integer; got {value!r}"
    elif kind_type is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return None, f"must be a number; got {value!r}"
        value = float(value)
    elif kind_type is str:
        if not isinstance(value, str) or not value.strip():
            return None, f"must be a non-empty string; got {value!r}"
    else:  # tuple[str, ...]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
            return None, f"must be a list of strings; got {value!r}"
        value = tuple(value)
    low, high = meta.get("low"), meta.get("high")
    if low is not None and (value <= low if meta.get("low_open") else value < low):
        return None, f"must be {'more than' if meta.get('low_open') else 'at least'} {low:g}; got {value!r}"
    if high is not None and value > high:
        return None, f"must be at most {high:g}; got {value!r}"
    return value, None


def _base_type(hint: Any) -> Any:
    return getattr(hint, "__origin__", hint)


def param_problems(kind: str, params: Any) -> list[tuple[str | None, str]]:
    """(param name or None, message) for every problem in ``params`` of a ``kind`` verifier."""
    cls = PARAMS.get(kind)
    if cls is None:
        return []  # the kind itself is reported elsewhere
    if params is None:
        return []
    if not isinstance(params, dict):
        return [(None, "'params' must be a mapping")]
    hints = get_type_hints(cls)
    known = {f.name: f for f in fields(cls)}
    problems: list[tuple[str | None, str]] = []
    for name, value in params.items():
        spec = known.get(name)
        if spec is None:
            close = difflib.get_close_matches(str(name), list(known), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            accepted = ", ".join(known) if known else "none"
            problems.append((str(name), f"unknown param '{name}' for {kind}{hint}; accepted: {accepted}"))
            continue
        _, error = _check_value(_base_type(hints[name]), value, spec.metadata)
        if error:
            problems.append((str(name), f"'{name}' {error}"))
    return problems


def load_params(kind: str, params: Any) -> Any:
    """The ``kind``'s params dataclass filled from ``params`` (defaults for what is missing);
    ``VerifierInputError`` naming the first bad param."""
    from .base import VerifierInputError

    problems = param_problems(kind, params)
    if problems:
        raise VerifierInputError(f"the checkpoint's verifier.params are invalid: {problems[0][1]}")
    cls = PARAMS[kind]
    hints = get_type_hints(cls)
    values = {}
    for name, value in (params or {}).items():
        converted, _ = _check_value(
            _base_type(hints[name]), value, next(f for f in fields(cls) if f.name == name).metadata
        )
        values[name] = converted
    return cls(**values)
