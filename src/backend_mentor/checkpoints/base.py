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
from pathlib import Path
from typing import Any

from ..errors import MentorError


class VerifierInputError(MentorError):
    """The verifier cannot run with the options it was given."""


@dataclass
class Check:
    name: str
    passed: bool
    message: str = ""
    hint_topic: str | None = None
    expected: str | None = None
    actual: str | None = None
    reproduce: str | None = None  # e.g. the equivalent curl command

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class VerifyOptions:
    params: dict[str, Any] = field(default_factory=dict)  # the checkpoint's verifier.params
    url: str | None = None
    file: Path | None = None
    directory: Path | None = None
    profile: str | None = None
    timeout: float = 5.0
    allow_remote: bool = False
