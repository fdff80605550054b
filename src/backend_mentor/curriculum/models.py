"""Typed, validated curriculum entities. Built from plain dicts (YAML or the cache)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


def _take(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


@dataclass(slots=True)
class Category:
    id: str
    title: str
    summary: str = ""


@dataclass(slots=True)
class Topic:
    id: str
    title: str
    category: str
    level: str
    hours: float
    summary: str
    lesson: str
    aliases: list[str] = field(default_factory=list)
    prerequisites: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=lambda: ["any"])
    key_points: list[str] = field(default_factory=list)
    pitfalls: list[str] = field(default_factory=list)
    examples: list[dict[str, Any]] = field(default_factory=list)
    exercise: dict[str, Any] = field(default_factory=dict)
    quiz: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    source: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Topic:
        return cls(**_take(cls, data))


@dataclass(slots=True)
class Module:
    title: str
    topics: list[str]


@dataclass(slots=True)
class Stage:
    level: str
    months: str
    goals: list[str]
    modules: list[Module]
    projects: list[str] = field(default_factory=list)
    checkpoints: list[str] = field(default_factory=list)
    title: str = ""

    @property
    def topic_ids(self) -> list[str]:
        return [t for m in self.modules for t in m.topics]


@dataclass(slots=True)
class LearningPath:
    id: str
    title: str
    kind: str
    group: str
    summary: str
    stages: list[Stage]
    languages: list[str] = field(default_factory=list)
    frameworks: list[str] = field(default_factory=list)
    career: dict[str, str] = field(default_factory=dict)
    technologies: dict[str, list[str]] = field(default_factory=dict)
    success_metrics: list[str] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    next: list[str] = field(default_factory=list)
    source: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LearningPath:
        values = _take(cls, data)
        values["stages"] = [
            Stage(
                **{
                    **_take(Stage, s),
                    "modules": [Module(title=m["title"], topics=list(m["topics"])) for m in s["modules"]],
                }
            )
            for s in data["stages"]
        ]
        return cls(**values)

    @property
    def topic_ids(self) -> list[str]:
        """Every topic of the path in order, without repeats."""
        return list(dict.fromkeys(t for s in self.stages for t in s.topic_ids))


@dataclass(slots=True)
class Checkpoint:
    id: str
    title: str
    summary: str
    instructions: str
    verifier: dict[str, Any]
    topics: list[str] = field(default_factory=list)
    source: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Checkpoint:
        return cls(**_take(cls, data))

    @property
    def kind(self) -> str:
        return self.verifier["kind"]


@dataclass(slots=True)
class Project:
    id: str
    title: str
    level: str
    summary: str
    features: list[str]
    milestones: list[dict[str, Any]]
    stretch: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    checkpoints: list[str] = field(default_factory=list)
    source: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Project:
        return cls(**_take(cls, data))
