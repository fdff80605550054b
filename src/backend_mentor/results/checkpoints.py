"""Results about checkpoints: listings, details, attempts, starter files and verifier runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._fields import OMIT_NONE, VIEW_ONLY, JsonObject

if TYPE_CHECKING:
    from ..checkpoints.base import Check


@dataclass(frozen=True)
class CheckpointRow:
    id: str
    title: str
    kind: str
    automatic: bool
    status: str
    passed: bool
    best_score: float | None
    attempts: int
    last_attempt: str | None


@dataclass(frozen=True)
class CheckpointList:
    checkpoints: tuple[CheckpointRow, ...]


@dataclass(frozen=True)
class Attempt:
    """One recorded checkpoint attempt (a verifier run, or a manual completion with evidence)."""

    id: int
    checkpoint_id: str
    at: str
    passed: bool
    score: float
    manual: bool
    evidence: str | None
    report: JsonObject
    uid: str


@dataclass(frozen=True)
class CheckpointDetail:
    id: str
    title: str
    summary: str
    kind: str
    topics: tuple[str, ...]
    instructions: str
    attempts: tuple[Attempt, ...]
    study: tuple[str, ...] = field(default=(), metadata=VIEW_ONLY)  # its topics that are in the curriculum
    checks: tuple[tuple[str, str], ...] = field(default=(), metadata=VIEW_ONLY)  # (name, hint topic) its verifier runs


@dataclass(frozen=True)
class StarterFiles:
    directory: str
    written: tuple[str, ...]
    kept: tuple[str, ...]
    language: str | None = field(default=None, metadata=OMIT_NONE)
    checkpoint: str = field(default="", metadata=VIEW_ONLY)


@dataclass(frozen=True)
class VerifyResult:
    """A verifier run: the verdict of its checks, and the checks."""

    checkpoint: str
    passed: bool
    score: float
    counts: Mapping[str, int]
    language: str | None = field(default=None, metadata=OMIT_NONE)
    engine: str | None = field(default=None, metadata=OMIT_NONE)
    checks: tuple[Check, ...] = ()  # each written with its own to_dict
    title: str = field(default="", metadata=VIEW_ONLY)
    kind: str = field(default="", metadata=VIEW_ONLY)


@dataclass(frozen=True)
class ManualCompletion:
    checkpoint: str
    passed: bool
    manual: bool
    evidence: str
