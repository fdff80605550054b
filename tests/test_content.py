"""The shipped curriculum: valid, complete, teachable, and its examples correct."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter

import pytest

from backend_mentor.curriculum.catalog import load_catalog
from backend_mentor.curriculum.schema import EXAMPLE_LANGUAGES
from backend_mentor.curriculum.search import search


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_counts(catalog):
    assert len(catalog.topics) >= 150
    assert len(catalog.paths) >= 17
    assert len(catalog.checkpoints) == 8
    assert len(catalog.projects) == 15
    assert all(sum(1 for t in catalog.topics.values() if t.category == c) for c in catalog.categories)


def words(text: str) -> int:
    return len(re.findall(r"\S+", text))


def test_every_lesson_teaches_at_length(catalog):
    short_or_long = {t.id: words(t.lesson) for t in catalog.topics.values() if not 230 <= words(t.lesson) <= 650}
    assert short_or_long == {}


def test_every_topic_has_its_parts(catalog):
    problems = []
    for topic in catalog.topics.values():
        if len(topic.quiz) < 3:
            problems.append(f"{topic.id}: fewer than 3 quiz questions")
        if len(topic.resources) < 2:
            problems.append(f"{topic.id}: fewer than 2 resources")
        if len(topic.exercise.get("steps", [])) < 2 or not topic.exercise.get("done_when"):
            problems.append(f"{topic.id}: exercise without steps or done_when")
        if not topic.aliases:
            problems.append(f"{topic.id}: no aliases")
        if any(not q["why"].strip() for q in topic.quiz):
            problems.append(f"{topic.id}: a quiz answer without an explanation")
    assert problems == []


def test_quiz_answers_are_not_always_in_the_same_place(catalog):
    positions = Counter(q["answer"] for t in catalog.topics.values() for q in t.quiz)
    total = sum(positions.values())
    assert positions[0] / total < 0.5 and positions[1] / total > 0.15 and positions[2] / total > 0.1


FILLER = re.compile(r"in today's|seamless|cutting[- ]edge|game[- ]changer|important in modern development", re.I)


def test_no_filler_phrases(catalog):
    found = {t.id: FILLER.findall(f"{t.summary} {t.lesson}") for t in catalog.topics.values()}
    assert {k: v for k, v in found.items() if v} == {}


def all_examples(catalog):
    return [(t.id, e) for t in catalog.topics.values() for e in t.examples]


def test_python_examples_compile(catalog):
    failures = []
    for topic_id, example in all_examples(catalog):
        if example["language"] == "python":
            try:
                compile(example["code"], f"{topic_id}: {example['title']}", "exec")
            except SyntaxError as exc:
                failures.append(f"{topic_id}: {exc}")
    assert failures == []


def test_sql_examples_run_on_sqlite_unless_they_name_a_dialect(catalog):
    failures, ran = [], 0
    for topic_id, example in all_examples(catalog):
        if example["language"] != "sql" or example.get("dialect") not in (None, "sqlite"):
            continue
        db = sqlite3.connect(":memory:")
        try:
            db.executescript(example["code"])
            ran += 1
        except sqlite3.Error as exc:
            failures.append(f"{topic_id} / {example['title']}: {exc}")
        finally:
            db.close()
    assert failures == []
    assert ran >= 20


def test_other_examples_are_tagged_and_not_empty(catalog):
    for topic_id, example in all_examples(catalog):
        assert example["language"] in EXAMPLE_LANGUAGES, topic_id
        assert example["code"].strip(), topic_id


LANGUAGE_TOPICS = {
    "express": "javascript typescript", "nestjs": "typescript", "django": "python", "fastapi": "python",
    "flask": "python", "spring-boot": "java kotlin", "spring-data": "java kotlin", "gin": "go", "echo": "go",
    "laravel": "php", "symfony": "php", "wordpress-architecture": "php", "go-concurrency": "go",
    "python-asyncio": "python", "csharp-aspnet-core": "csharp", "ruby-rails": "ruby", "jest": "javascript typescript",
    "mocha": "javascript typescript", "pytest": "python", "junit": "java kotlin", "go-testing": "go",
}  # fmt: skip


def test_language_and_framework_topics_carry_code_in_their_own_language(catalog):
    for topic_id, languages in LANGUAGE_TOPICS.items():
        topic = catalog.topics[topic_id]
        assert any(e["language"] in languages.split() for e in topic.examples), topic_id


def test_resources_are_https_links(catalog):
    plain = [(t.id, r["url"]) for t in catalog.topics.values() for r in t.resources if not r["url"].startswith("https://")]
    assert plain == []


def test_prerequisites_point_to_earlier_or_equal_levels(catalog):
    rank = {"beginner": 0, "intermediate": 1, "advanced": 2}
    backwards = [
        (t.id, p) for t in catalog.topics.values() for p in t.prerequisites if rank[catalog.topics[p].level] > rank[t.level]
    ]
    assert backwards == []


def test_http_comes_before_rest_before_api_security(catalog):
    def needs(topic_id: str, target: str) -> bool:
        seen, stack = set(), [topic_id]
        while stack:
            current = stack.pop()
            for p in catalog.topics[current].prerequisites:
                if p == target:
                    return True
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return False

    assert needs("rest-principles", "http-basics")
    assert needs("api-security", "rest-principles")
    assert needs("jwt", "authentication-basics")


def test_every_topic_is_found_by_its_title(catalog):
    misses = []
    for topic in catalog.topics.values():
        best = search(catalog, topic.title).best
        if best is None or best.id != topic.id:
            misses.append(topic.id)
    assert misses == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jwt", "jwt"), ("json web token", "jwt"), ("bearer", "jwt"), ("bearer token", "token-auth"), ("cors", "cors"), ("grpc", "grpc"),
        ("protobuf", "grpc"), ("n+1", "n-plus-one"), ("n+1 queries", "n-plus-one"), ("kafka vs rabbitmq", "message-queues"),
        ("autentication", "authentication-basics"), ("acid", "acid-transactions"), ("explain plan", "execution-plans"),
        ("k8s", "kubernetes"), ("swagger", "openapi"), ("dataloader", "graphql-resolvers"), ("saga", "distributed-transactions"),
        ("2pc", "distributed-transactions"), ("problem details", "api-error-formats"), ("oauth", "oauth2"),
        ("bcrypt", "password-hashing"), ("pgbouncer", "connection-pooling"), ("elasticsearch", "search-engines"),
    ],
)  # fmt: skip
def test_loose_queries_find_the_right_topic(catalog, query, expected):
    result = search(catalog, query)
    assert result.best is not None and result.best.id == expected, [h.id for h in result.hits[:3]]


def test_path_list_shows_every_path_and_path_show_renders_each_plan(invoke, catalog):
    listed = invoke("path", "list").stdout
    for path in catalog.paths.values():
        assert path.id in listed, path.id
        result = invoke("path", "show", path.id, "--all")
        assert result.exit_code == 0, (path.id, result.output)
        for label in ("Beginner (0-3 months)", "Intermediate (3-6 months)", "Advanced (6-12 months)"):
            assert label in result.stdout, (path.id, label)
        for stage in path.stages:
            for module in stage.modules:
                assert module.title in result.stdout, (path.id, module.title)
