"""`backend-review review`."""

from __future__ import annotations


def review(query: str = "") -> None:
    """(Being built.)"""
    from ..errors import MentorError

    raise MentorError("'review' is not available in this version yet")
