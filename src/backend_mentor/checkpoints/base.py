"""The contract every checkpoint verifier follows.

A verifier is a module in this package registered by its ``kind`` in ``registry.py``. It
exposes two functions:

``verify(options: VerifyOptions) -> list[Check]``
    Runs the automatic check against the learner's own work and returns one ``Check`` per
    thing checked, in a stable order. It never raises for problems in the learner's work
    (those are failed checks); it raises ``VerifierInputError`` only when it cannot start at
    all (no ``--file`` given, file missing, URL not allowed ...).

``starter_files(params: dict) -> dict[str, str | bytes]``
    Files that ``checkpoint start ID DIR`` writes for the learner (relative path -> content).

``PROFILES`` (optional)
    The ``--profile`` values the verifier understands; any other value is refused before it runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from ..errors import MentorError


class VerifierInputError(MentorError):
    """The verifier cannot run with the options it was given."""


class Outcome(str, Enum):
    """What one check found: the learner's work does it, does not, or the check could not run."""

    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"


@dataclass
class Check:
    name: str
    passed: bool
    message: str = ""
    hint_topic: str | None = None
    expected: str | None = None
    actual: str | None = None
    reproduce: str | None = None  # e.g. the equivalent curl command(s), one per line
    outcome: Outcome | None = None  # derived from ``passed`` unless given (``Check.skip``)

    def __post_init__(self) -> None:
        if self.outcome is None:
            self.outcome = Outcome.PASS if self.passed else Outcome.FAIL
        self.passed = self.outcome is Outcome.PASS

    @classmethod
    def skip(cls, name: str, reason: str, hint_topic: str | None = None) -> Check:
        """A check that could not run (its reason says why); it neither passes nor fails."""
        return cls(name, False, reason, hint_topic, outcome=Outcome.SKIP)

    @property
    def skipped(self) -> bool:
        return self.outcome is Outcome.SKIP

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if v is not None}
        data["outcome"] = self.outcome.value if self.outcome else None
        return data


@dataclass
class VerifyOptions:
    params: dict[str, Any] = field(default_factory=dict)  # the checkpoint's verifier.params
    url: str | None = None
    file: Path | None = None
    directory: Path | None = None
    profile: str | None = None
    timeout: float = 5.0
    allow_remote: bool = False
