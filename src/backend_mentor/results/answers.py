"""What ``mentor QUERY`` answers: the topic that matches and the close matches (kept small: it loads on every ``mentor``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._fields import FLATTEN, OMIT_NONE

if TYPE_CHECKING:
    from ..curriculum.models import Topic


@dataclass(frozen=True)
class TopicView:
    """A topic with the learner's status (``mentor`` and ``learn``)."""

    topic: Topic = field(metadata=FLATTEN)
    status: str = ""


@dataclass(frozen=True)
class SearchHit:
    id: str
    title: str
    score: float
    exact: bool


@dataclass(frozen=True)
class TopicRef:
    id: str
    title: str


@dataclass(frozen=True)
class Answer:
    """``mentor QUERY``: the matching topic (None when no single one is clear) and the close matches."""

    query: str
    match: TopicView | None
    results: tuple[SearchHit, ...]
    corrected: Mapping[str, str]
    clear: bool
    missing_prerequisites: tuple[TopicRef, ...] | None = field(default=None, metadata=OMIT_NONE)
