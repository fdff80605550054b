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

``declared_checks(options: VerifyOptions) -> list[CheckSpec]``
    The checks ``verify`` runs for these options, in report order: one ``CheckSpec`` row each
    (name, hint topic, function, prerequisites), run by ``run_checks``. A kind with one check per
    exercise, query or seeded bug generates its rows from that data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from ..errors import MentorError

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, keep_newlines: bool = True) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\u202e``).

    What a check reports may come from a learner's server or files; an escape sequence in it
    must never reach the terminal raw (window titles, clearing the screen, OSC 52 clipboard
    writes). Tabs stay; newlines stay unless ``keep_newlines`` is false.
    """
    cleaned = _UNSAFE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )
    return cleaned if keep_newlines else cleaned.replace("\n", "\\n")


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
    reproduce: str | None = None  # e.g. the equivalent curl command(s), one per line, in order
    outcome: Outcome | None = None  # derived from ``passed`` unless given (``Check.skip``)
    warnings: list[str] | None = None  # stricter advice shown as WARN lines; never fails anything
    incomplete: bool | None = None  # a skip because the run could not finish (see ``Check.skip``)

    def __post_init__(self) -> None:
        if self.outcome is None:
            self.outcome = Outcome.PASS if self.passed else Outcome.FAIL
        self.passed = self.outcome is Outcome.PASS
        if self.outcome is not Outcome.SKIP:
            self.incomplete = None

    @classmethod
    def skip(cls, name: str, reason: str, hint_topic: str | None = None, *, incomplete: bool = True) -> Check:
        """A check that could not run (its reason says why); it neither passes nor fails.

        ``incomplete=True`` (the default) means the run could not finish it — the server stopped
        answering, the time limit ran out — so the attempt cannot pass while it stands. Only a
        check that does not apply to this piece of work passes ``incomplete=False``; it is then
        left out of the score.
        """
        return cls(name, False, reason, hint_topic, outcome=Outcome.SKIP, incomplete=incomplete)

    @property
    def skipped(self) -> bool:
        return self.outcome is Outcome.SKIP

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if v is not None}
        data["outcome"] = self.outcome.value if self.outcome else None
        return data


def verdict(checks: list[Check]) -> dict[str, Any]:
    """Whether a run passes, its score and its counts — the one place that decides it.

    A run passes when at least one check passed, none failed and none was skipped for want of a
    server or of time. Skips that do not apply (``incomplete=False``) are left out of the score;
    every other check counts, so an unfinished run never scores as if it had finished.
    """
    counts = {outcome.value: sum(1 for c in checks if c.outcome is outcome) for outcome in Outcome}
    unfinished = sum(1 for c in checks if c.skipped and c.incomplete)
    counted = len(checks) - (counts["skip"] - unfinished)
    passed = counts["pass"] > 0 and counts["fail"] == 0 and unfinished == 0
    score = round(counts["pass"] / counted, 4) if counted else 0.0
    warnings = sum(len(c.warnings or ()) for c in checks)
    return {"passed": passed, "score": score, "counts": {**counts, "warn": warnings}}


@dataclass
class VerifyOptions:
    params: dict[str, Any] = field(default_factory=dict)  # the checkpoint's verifier.params
    url: str | None = None
    file: Path | None = None
    directory: Path | None = None
    profile: str | None = None
    timeout: float = 5.0
    allow_remote: bool = False
    language: str | None = None  # the test-writing checkpoint: python, node or go
    python: str | None = None  # the interpreter that runs pytest (default: the learner's own)
    engine: str = "sqlite"  # the SQL checkpoints: sqlite or postgres
    dsn: str | None = None  # with engine postgres: the learner's server


# --- declared checks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckSpec:
    """One row of a verifier's table of checks.

    ``name`` is the check's stable id, the line the learner sees (a check may put its result in
    the line instead, as the seeded-bugs summary does). ``hint`` is the curriculum topic to study
    when it fails. ``run`` takes the run's context and returns the ``Check`` (a kind whose checks
    return something else passes ``attempt`` to ``run_checks``). ``needs`` names earlier checks
    that must pass, else this one is skipped without running; ``unmet`` is how a check that needs
    this one explains its skip when this one did not pass.
    """

    name: str
    hint: str
    run: Callable[[Any], Any]
    needs: tuple[str, ...] = ()
    unmet: str | None = None

    @property
    def unmet_reason(self) -> str:
        return self.unmet or f"not checked: '{self.name}' did not pass"


class NotChecked(Exception):
    """Raised by a check function: the check does not apply or cannot run; its message says why."""


MAX_ERROR = 200  # characters of an unexpected error shown in a failed check


def unexpected_error(exc: BaseException) -> str:
    """One line for a check that stopped on an error nobody planned for (never a traceback)."""
    text = printable(" ".join(str(exc).split()), keep_newlines=False)
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    if len(detail) > MAX_ERROR:
        detail = detail[: MAX_ERROR - 1] + "…"
    return f"the check stopped on an unexpected error ({detail})"


def index_specs(specs: Sequence[CheckSpec]) -> dict[str, CheckSpec]:
    """The specs by name; ``ValueError`` when a name repeats or a ``needs`` is not an earlier check."""
    by_name: dict[str, CheckSpec] = {}
    for spec in specs:
        if spec.name in by_name:
            raise ValueError(f"two checks are named '{spec.name}'")
        missing = [need for need in spec.needs if need not in by_name]
        if missing:
            raise ValueError(f"'{spec.name}' needs '{missing[0]}', which is not an earlier check")
        by_name[spec.name] = spec
    return by_name


def run_checks(
    specs: Sequence[CheckSpec],
    context: Any,
    *,
    attempt: Callable[[CheckSpec, Any], Check] | None = None,
    aborts: tuple[type[BaseException], ...] = (),
) -> list[Check]:
    """Run ``specs`` in order against ``context``: the one runner of every verifier kind.

    A check whose ``needs`` did not all pass is skipped, naming the first one that did not.
    ``NotChecked`` from a check is a skip with its message; any other exception is a failed
    check with a one-line message, except ``VerifierInputError`` and ``aborts`` (the run cannot
    go on at all: a server that went away), which end the run. ``attempt`` runs one spec (default:
    ``spec.run(context)``). Every check gets the spec's name and hint unless it carries its own.
    """
    by_name = index_specs(specs)
    done: dict[str, Check] = {}
    checks: list[Check] = []
    for spec in specs:
        unmet = next((need for need in spec.needs if done[need].outcome is not Outcome.PASS), None)
        if unmet is not None:
            # what follows a check that does not apply (a skip with incomplete=False) does not apply
            # either; after a failure or an unfinished skip it is unfinished
            applies = done[unmet].incomplete is not False  # None unless the check was a skip
            check = Check.skip(spec.name, by_name[unmet].unmet_reason, spec.hint, incomplete=applies)
        else:
            try:
                check = attempt(spec, context) if attempt else spec.run(context)
            except NotChecked as skipped:
                check = Check.skip(spec.name, str(skipped), spec.hint)
            except VerifierInputError:
                raise
            except aborts:
                raise
            except Exception as exc:  # a bug or an input nobody planned for: one failed check, the run goes on
                check = Check(spec.name, False, unexpected_error(exc), spec.hint)
            if not isinstance(check, Check):
                check = Check(spec.name, False, unexpected_error(TypeError(f"the check returned {check!r}")))
        check.name = check.name or spec.name
        if check.hint_topic is None:
            check.hint_topic = spec.hint
        done[spec.name] = check
        checks.append(check)
    return checks
