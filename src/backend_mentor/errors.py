"""Errors a user can cause. The CLI turns each into one line on stderr and exit code 1."""

from __future__ import annotations


class MentorError(Exception):
    """A user-facing failure with a one-line message."""

    exit_code = 1


class CurriculumError(MentorError):
    """The curriculum does not load; ``problems`` holds every ``file:line: message``."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        first = problems[0] if problems else "unknown problem"
        more = f" (and {len(problems) - 1} more; run 'backend-mentor curriculum validate')" if len(problems) > 1 else ""
        super().__init__(f"curriculum is invalid: {first}{more}")


class NotFound(MentorError):
    """An id or query that matches nothing."""


class StoreError(MentorError):
    """The progress database cannot be used."""


class VerifierMissing(MentorError):
    """A checkpoint names a verifier kind that this version does not provide."""
