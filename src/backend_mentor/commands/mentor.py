"""`backend-mentor mentor`."""

from __future__ import annotations


def mentor(query: str = "") -> None:
    """(Being built.)"""
    from ..errors import MentorError

    raise MentorError("'mentor' is not available in this version yet")
