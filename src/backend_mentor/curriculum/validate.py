"""Validation of parsed curriculum documents. Every problem names ``file:line``.

Two passes: ``check_document`` looks at one file on its own (fields, types, enums, ranges);
``check_references`` looks at the whole (unique ids, references, prerequisite cycles).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from .schema import (
    CAREER_FIELDS,
    EXAMPLE_LANGUAGES,
    EXERCISE_TRIED,
    ID_PATTERN,
    LEVELS,
    PATH_GROUPS,
    PATH_KINDS,
    RESOURCE_KINDS,
    SQL_DIALECTS,
    TECHNOLOGY_LEVELS,
    TOPIC_LANGUAGES,
    URL_PATTERN,
    VERIFIER_KINDS,
)
from .yamlio import LineDict, LineList


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class Reporter:
    """Collects problems for one file."""

    def __init__(self, file: str, sink: list[Problem]):
        self.file = file
        self.sink = sink

    def add(self, line: int, message: str) -> None:
        self.sink.append(Problem(self.file, line, message))


def _line(container: Any, key: Any) -> int:
    if isinstance(container, (LineDict, LineList)):
        return container.line_of(key)
    return 1


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


# --- field checking -------------------------------------------------------------------------

Checker = Callable[[Any], str | None]  # returns an error text or None


def is_text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty string"
    return None


MAX_NUMBER = 1_000_000.0  # no number in a curriculum is larger; .inf, .nan and 1e300 never pass


def positive_number(high: float = MAX_NUMBER) -> Checker:
    """A finite number greater than 0 and at most ``high``."""

    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "must be a number"
        if not math.isfinite(value) or not 0 < value <= high:
            return f"must be greater than 0 and at most {high:g} (got {value!r})"
        return None

    return check


is_number = positive_number()
MAX_TOPIC_HOURS = 200  # study plus exercise hours of one topic


def is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def is_list(value: Any) -> str | None:
    return None if isinstance(value, list) else "must be a list"


def is_mapping(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be a mapping"


def is_text_list(value: Any) -> str | None:
    if not isinstance(value, list):
        return "must be a list of strings"
    if not all(isinstance(v, str) and v.strip() for v in value):
        return "must contain only non-empty strings"
    return None


def one_of(options: Iterable[str]) -> Checker:
    allowed = tuple(options)

    def check(value: Any) -> str | None:
        if value in allowed:
            return None
        hint = did_you_mean(str(value), allowed) if isinstance(value, str) else ""
        return f"must be one of {', '.join(allowed)}; got {value!r}{hint}"

    return check


def is_slug(value: Any) -> str | None:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        return f"must be a slug of lowercase letters, digits and single dashes; got {value!r}"
    return None


def count_between(low: int, high: int | None = None) -> Checker:
    def check(value: Any) -> str | None:
        if not isinstance(value, list):
            return "must be a list"
        if len(value) < low or (high is not None and len(value) > high):
            wanted = f"{low}-{high}" if high is not None else f"at least {low}"
            return f"must have {wanted} items; has {len(value)}"
        return None

    return check


def all_of(*checkers: Checker) -> Checker:
    def check(value: Any) -> str | None:
        for checker in checkers:
            error = checker(value)
            if error:
                return error
        return None

    return check


Spec = dict[str, tuple[Checker, bool]]  # field -> (checker, required)


def check_fields(doc: LineDict, spec: Spec, rep: Reporter, where: str = "") -> bool:
    """Check required fields, unknown fields and each field's type; True when all are usable."""
    ok = True
    prefix = f"{where}: " if where else ""
    for name, (checker, required) in spec.items():
        if name not in doc:
            if required:
                rep.add(doc.line, f"{prefix}missing required field '{name}'")
                ok = False
            continue
        error = checker(doc[name])
        if error:
            rep.add(_line(doc, name), f"{prefix}'{name}' {error}")
            ok = False
    for name in doc:
        if name not in spec:
            rep.add(_line(doc, name), f"{prefix}unknown field '{name}'{did_you_mean(str(name), spec)}")
    for key, line in getattr(doc, "duplicates", []):
        rep.add(line, f"{prefix}field '{key}' appears twice")
    return ok


def check_each(items: Any, spec: Spec, rep: Reporter, label: str) -> None:
    if not isinstance(items, list):
        return
    for index, item in enumerate(items):
        where = f"{label}[{index}]"
        if not isinstance(item, dict):
            rep.add(_line(items, index), f"{where} must be a mapping")
            continue
        check_fields(cast(LineDict, item), spec, rep, where)


def check_urls(resources: Any, rep: Reporter) -> None:
    if not isinstance(resources, list):
        return
    for index, res in enumerate(resources):
        url = res.get("url") if isinstance(res, dict) else None
        if isinstance(url, str) and not URL_PATTERN.match(url):
            rep.add(_line(res, "url"), f"resources[{index}]: 'url' is not a well-formed http(s) URL: {url!r}")


# --- documents ------------------------------------------------------------------------------

RESOURCE_SPEC: Spec = {
    "title": (is_text, True),
    "url": (is_text, True),
    "kind": (one_of(RESOURCE_KINDS), False),
}
EXAMPLE_SPEC: Spec = {
    "language": (one_of(EXAMPLE_LANGUAGES), True),
    "title": (is_text, True),
    "code": (is_text, True),
    "dialect": (one_of(SQL_DIALECTS), False),
}
QUIZ_SPEC: Spec = {
    "q": (is_text, True),
    "choices": (all_of(is_text_list, count_between(2, 6)), True),
    "answer": (lambda v: None if isinstance(v, int) and not isinstance(v, bool) else "must be an integer", True),
    "why": (is_text, True),
}
EXERCISE_SPEC: Spec = {
    "title": (is_text, True),
    "steps": (all_of(is_text_list, count_between(1)), True),
    "done_when": (all_of(is_text_list, count_between(1)), True),
    # How the exercise was tried by its authors: run here exactly as written, or checked step by
    # step against the tools' documentation (cloud, Kubernetes and the like).
    "tried": (one_of(EXERCISE_TRIED), False),
}


def topic_spec(categories: Iterable[str]) -> Spec:
    return {
        "id": (is_slug, True),
        "title": (is_text, True),
        "aliases": (is_text_list, False),
        "category": (one_of(sorted(categories)), True),
        "level": (one_of(LEVELS), True),
        "hours": (positive_number(MAX_TOPIC_HOURS), True),
        "prerequisites": (is_text_list, False),
        "related": (is_text_list, False),
        "languages": (all_of(is_text_list, lambda v: _subset(v, TOPIC_LANGUAGES)), False),
        "summary": (is_text, True),
        "lesson": (is_text, True),
        "key_points": (all_of(is_text_list, count_between(3, 7)), True),
        "pitfalls": (all_of(is_text_list, count_between(2, 5)), True),
        "examples": (is_list, False),
        "exercise": (is_mapping, True),
        "quiz": (all_of(is_list, count_between(3)), True),
        "resources": (all_of(is_list, count_between(1)), True),
    }


def _subset(values: list[str], allowed: tuple[str, ...]) -> str | None:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        return f"has unknown value {unknown[0]!r}; allowed: {', '.join(allowed)}{did_you_mean(unknown[0], allowed)}"
    return None


def check_topic(doc: LineDict, rep: Reporter, categories: Iterable[str]) -> None:
    check_fields(doc, topic_spec(categories), rep)
    check_each(doc.get("examples"), EXAMPLE_SPEC, rep, "examples")
    if isinstance(doc.get("exercise"), dict):
        check_fields(doc["exercise"], EXERCISE_SPEC, rep, "exercise")
    check_each(doc.get("quiz"), QUIZ_SPEC, rep, "quiz")
    check_each(doc.get("resources"), RESOURCE_SPEC, rep, "resources")
    check_urls(doc.get("resources"), rep)
    for index, question in enumerate(doc.get("quiz") or []):
        if not isinstance(question, dict):
            continue
        answer, choices = question.get("answer"), question.get("choices")
        if isinstance(answer, int) and isinstance(choices, list) and not 0 <= answer < len(choices):
            rep.add(
                _line(question, "answer"),
                f"quiz[{index}]: 'answer' is {answer} but there are {len(choices)} choices (0-{len(choices) - 1})",
            )
    for index, example in enumerate(doc.get("examples") or []):
        if isinstance(example, dict) and "dialect" in example and example.get("language") != "sql":
            rep.add(_line(example, "dialect"), f"examples[{index}]: 'dialect' is only for language: sql")


STAGE_SPEC: Spec = {
    "level": (one_of(LEVELS), True),
    "months": (is_text, True),
    "title": (is_text, False),
    "goals": (all_of(is_text_list, count_between(1)), True),
    "modules": (all_of(is_list, count_between(1)), True),
    "projects": (is_text_list, False),
    "checkpoints": (is_text_list, False),
}
MODULE_SPEC: Spec = {"title": (is_text, True), "topics": (all_of(is_text_list, count_between(1)), True)}
CAREER_SPEC: Spec = {name: (is_text, False) for name in CAREER_FIELDS}
TECHNOLOGIES_SPEC: Spec = {name: (is_text_list, False) for name in TECHNOLOGY_LEVELS}
PATH_SPEC: Spec = {
    "id": (is_slug, True),
    "title": (is_text, True),
    "kind": (one_of(PATH_KINDS), True),
    "group": (one_of(PATH_GROUPS), True),
    "summary": (is_text, True),
    "languages": (is_text_list, False),
    "frameworks": (is_text_list, False),
    "career": (is_mapping, False),
    "technologies": (is_mapping, False),
    "success_metrics": (is_text_list, False),
    "resources": (is_list, False),
    "stages": (all_of(is_list, count_between(1)), True),
    "next": (is_text_list, False),
}


def check_path(doc: LineDict, rep: Reporter) -> None:
    check_fields(doc, PATH_SPEC, rep)
    for name, spec in (("career", CAREER_SPEC), ("technologies", TECHNOLOGIES_SPEC)):
        if isinstance(doc.get(name), dict):
            check_fields(doc[name], spec, rep, name)
    check_each(doc.get("resources"), RESOURCE_SPEC, rep, "resources")
    check_urls(doc.get("resources"), rep)
    stages = doc.get("stages")
    check_each(stages, STAGE_SPEC, rep, "stages")
    for s_index, stage in enumerate(stages if isinstance(stages, list) else []):
        if isinstance(stage, dict):
            check_each(stage.get("modules"), MODULE_SPEC, rep, f"stages[{s_index}].modules")


VERIFIER_SPEC: Spec = {"kind": (one_of(VERIFIER_KINDS), True), "params": (is_mapping, False)}
CHECKPOINT_SPEC: Spec = {
    "id": (is_slug, True),
    "title": (is_text, True),
    "summary": (is_text, True),
    "topics": (is_text_list, False),
    "instructions": (is_text, True),
    "verifier": (is_mapping, True),
}


def check_checkpoint(doc: LineDict, rep: Reporter) -> None:
    check_fields(doc, CHECKPOINT_SPEC, rep)
    if isinstance(doc.get("verifier"), dict):
        verifier = doc["verifier"]
        if check_fields(verifier, VERIFIER_SPEC, rep, "verifier") and isinstance(verifier.get("params"), dict):
            from ..checkpoints.params import param_problems  # lazy: only checkpoints need it

            params = verifier["params"]
            for name, message in param_problems(verifier["kind"], params):
                line = _line(params, name) if name is not None else _line(verifier, "params")
                rep.add(line, f"verifier.params: {message}")


MILESTONE_SPEC: Spec = {"title": (is_text, True), "acceptance": (all_of(is_text_list, count_between(1)), True)}
PROJECT_SPEC: Spec = {
    "id": (is_slug, True),
    "title": (is_text, True),
    "level": (one_of(LEVELS), True),
    "summary": (is_text, True),
    "features": (all_of(is_text_list, count_between(1)), True),
    "milestones": (all_of(is_list, count_between(1)), True),
    "stretch": (is_text_list, False),
    "topics": (is_text_list, False),
    "checkpoints": (is_text_list, False),
}


def check_project(doc: LineDict, rep: Reporter) -> None:
    check_fields(doc, PROJECT_SPEC, rep)
    check_each(doc.get("milestones"), MILESTONE_SPEC, rep, "milestones")


CATEGORY_SPEC: Spec = {"id": (is_slug, True), "title": (is_text, True), "summary": (is_text, False)}
CATEGORIES_FILE_SPEC: Spec = {"categories": (all_of(is_list, count_between(1)), True)}
PACK_SPEC: Spec = {"name": (is_text, False), "overrides": (is_bool, False), "description": (is_text, False)}


# --- whole-curriculum rules -----------------------------------------------------------------


def check_path_closure(paths: dict[str, dict[str, Any]], topics: dict[str, dict[str, Any]]) -> list[Problem]:
    """A path never sends a learner to a lesson whose prerequisite it does not teach first.

    Every prerequisite of a path's topic must be on the path in the same stage (study order puts
    it first) or an earlier one. Reported at the line of the topic that needs it.
    """
    problems = []
    for data in paths.values():
        found = data.get("stages")
        stages: list[Any] = found if isinstance(found, list) else []
        first_stage: dict[str, int] = {}
        entries: list[tuple[int, str, str]] = []  # stage, topic, line key
        for s_index, stage in enumerate(stages):
            modules = stage.get("modules") if isinstance(stage, dict) else None
            for m_index, module in enumerate(modules if isinstance(modules, list) else []):
                ids = module.get("topics") if isinstance(module, dict) else None
                for index, topic_id in enumerate(ids if isinstance(ids, list) else []):
                    if isinstance(topic_id, str):
                        first_stage.setdefault(topic_id, s_index)
                        entries.append((s_index, topic_id, f"stages.{s_index}.modules.{m_index}.topics.{index}"))
        reported: set[tuple[str, str]] = set()
        for s_index, topic_id, key in entries:
            topic = topics.get(topic_id)
            prerequisites = topic.get("prerequisites") if topic else None
            for prereq in prerequisites if isinstance(prerequisites, list) else []:
                if prereq not in topics or (topic_id, prereq) in reported:
                    continue
                where = first_stage.get(prereq)
                if where is not None and where <= s_index:
                    continue
                reported.add((topic_id, prereq))
                level = stages[s_index].get("level", s_index) if isinstance(stages[s_index], dict) else s_index
                why = "is not on the path" if where is None else "comes only in a later stage"
                problems.append(
                    Problem(
                        data["source"],
                        data["_lines"].get(key, 1),
                        f"path '{data.get('id')}' teaches '{topic_id}' (stage {level}) but its prerequisite "
                        f"'{prereq}' {why}; add '{prereq}' to this stage or an earlier one",
                    )
                )
    return problems
