"""`learn`: non-interactive forms, next-lesson order, marking, and errors."""

from __future__ import annotations

import json

import pytest


def test_learn_without_a_path_and_without_a_terminal_explains_what_to_do(invoke, mini):
    result = invoke("learn")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: no learning path chosen yet; run 'backend-mentor learn' in a terminal, "
        "or 'backend-mentor learn --path backend-developer --yes'"
    )


def test_learn_path_yes_stores_the_profile_and_shows_the_first_lesson(invoke, mini, store):
    result = invoke("learn", "--path", "backend-developer", "--yes", "--hours", "5")
    assert result.exit_code == 0, result.output
    assert "HTTP Basics" in result.stdout and "Practice task" in result.stdout
    assert "backend-mentor learn done http-basics" in result.stderr
    profile = store.profile()
    assert profile["active_path"] == "backend-developer" and profile["hours_per_week"] == 5
    assert store.statuses() == {"http-basics": "learning"}


def test_next_lesson_follows_prerequisites_not_just_file_order(invoke, mini):
    invoke("learn", "--path", "backend-developer", "--yes")
    # the module lists rest-principles first, but it needs http-basics and http-status-codes
    order = []
    for _ in range(3):
        lesson = json.loads(invoke("learn", "--json").stdout)
        order.append(lesson["topic"]["id"])
        assert invoke("learn", "done", lesson["topic"]["id"]).exit_code == 0
    assert order == ["http-basics", "http-status-codes", "rest-principles"]


def test_learn_json_is_read_only(invoke, mini, store):
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    before = store.statuses()
    document = json.loads(invoke("learn", "--json").stdout)
    assert document["schema_version"] == 1 and document["path"] == "backend-developer"
    assert document["topic"]["id"] == "http-basics" and document["topic"]["status"] == "not-started"
    assert store.statuses() == before


def test_learn_done_and_skip_several_topics(invoke, mini, store):
    result = invoke("learn", "done", "http-basics", "jwt", "--json")
    assert json.loads(result.stdout) == {"schema_version": 1, "status": "done", "topics": ["http-basics", "jwt"]}
    invoke("learn", "skip", "kafka")
    assert store.statuses() == {"http-basics": "done", "jwt": "done", "kafka": "skipped"}
    kinds = [e["kind"] for e in store.iter_events()]
    assert kinds == ["topic.done", "topic.done", "topic.skipped"]


def test_learn_done_with_an_unknown_id_changes_nothing(invoke, mini, store):
    result = invoke("learn", "done", "http-basics", "jwtt")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: unknown topic 'jwtt' (did you mean 'jwt'?)"
    assert store.statuses() == {}


def test_learn_topic_shows_that_topic_and_its_missing_prerequisites(invoke, mini):
    result = invoke("learn", "--topic", "jwt")
    assert result.exit_code == 0
    assert "JSON Web Tokens" in result.stdout
    assert "Prerequisites not done yet: authentication-basics" in result.stdout
    data = json.loads(invoke("learn", "--topic", "jwt", "--json").stdout)
    assert data["missing_prerequisites"] == ["authentication-basics"]


def test_finishing_a_path_points_to_the_next_one(invoke, mini):
    invoke("learn", "--path", "python-developer", "--yes")
    invoke("learn", "done", "http-basics", "authentication-basics", "jwt")
    document = json.loads(invoke("learn", "--json").stdout)
    assert document["finished"] is True and document["topic"] is None
    result = invoke("learn")
    assert "You have finished every topic of Python Developer" in result.stderr


def test_unknown_path(invoke, mini):
    result = invoke("learn", "--path", "backend-developr", "--yes")
    assert result.exit_code == 1
    assert "unknown path 'backend-developr' (did you mean 'backend-developer'?)" in result.stderr


def test_no_input_never_prompts(invoke, mini):
    result = invoke("learn", "--no-input")
    assert result.exit_code == 1 and "no learning path chosen yet" in result.stderr


def test_a_finished_stage_points_to_its_checkpoints_and_projects(invoke, mini):
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    assert json.loads(invoke("learn", "--json").stdout)["stages_to_prove"] == []
    invoke("learn", "done", "http-basics", "http-status-codes", "rest-principles")
    doc = json.loads(invoke("learn", "--json").stdout)
    assert doc["stages_to_prove"] == [{"level": "beginner", "projects": ["todo-api"], "checkpoints": ["sql-check"]}]
    text = invoke("learn").stdout
    assert "You finished the beginner stage." in text and "backend-mentor checkpoint show sql-check" in text
    invoke("checkpoint", "done", "sql-check", "--evidence", "my answers")
    assert json.loads(invoke("learn", "--json").stdout)["stages_to_prove"] == []


# --- examples in the learner's language ------------------------------------------------------------


def test_lessons_show_the_profile_language_first_and_hide_other_code(invoke):
    invoke("learn", "--path", "nodejs-developer", "--yes", "--json")
    from backend_mentor.progress.store import open_store

    store = open_store()
    with store.transaction() as db:
        store.save_profile(db, language="node")
    store.close()
    lesson = invoke("learn", "--topic", "middleware").stdout
    assert "Express - logging, auth short-circuit" in lesson
    assert "Django - a request-id" not in lesson and "Go net/http - middleware as" not in lesson
    from backend_mentor.curriculum.catalog import load_catalog
    from backend_mentor.curriculum.schema import EXAMPLE_PREFERENCES

    examples = load_catalog().topics["middleware"].examples
    others = sum(
        1
        for e in examples
        if e["language"] in EXAMPLE_PREFERENCES["node"] and e["language"] not in ("javascript", "typescript")
    )  # code in another language
    assert others >= 2  # Python, Go (and Java) beside the JavaScript
    assert f"{others} examples in other languages hidden; --all-languages shows them." in lesson
    every = invoke("learn", "--topic", "middleware", "--all-languages").stdout
    assert "Django - a request-id" in every and "Go net/http - middleware as" in every and "hidden" not in every
    go = invoke("learn", "--topic", "middleware", "--language", "go").stdout
    assert "Go net/http - middleware as" in go and "Express - logging" not in go


def test_a_topic_without_the_learners_language_says_so_and_shows_the_closest(invoke):
    from backend_mentor.curriculum.catalog import load_catalog
    from backend_mentor.curriculum.schema import EXAMPLE_PREFERENCES, PROFILE_EXAMPLE_LANGUAGES

    code, own = EXAMPLE_PREFERENCES["node"], PROFILE_EXAMPLE_LANGUAGES["node"]
    candidates = [
        t
        for t in load_catalog().topics.values()
        if [e["language"] for e in t.examples if e["language"] in code] == ["python"]
        and any(e["language"] not in code for e in t.examples)
        and not any(e["language"] in own for e in t.examples)
    ]
    if not candidates:
        pytest.skip("every topic with Python code also has JavaScript now")
    topic = candidates[0]
    python = next(e for e in topic.examples if e["language"] == "python")
    other = next(e for e in topic.examples if e["language"] not in code)
    guide = invoke("mentor", topic.id, "--language", "node", "--no-pager").stdout
    assert "No JavaScript/Node.js example for this topic; the closest one is in Python." in guide
    assert python["title"] in guide  # the closest code example
    assert other["title"] in guide  # SQL, shell, config... is not code in another language: always shown
    assert guide.index("closest one is in Python") < guide.index(python["title"])


def test_javascript_comes_before_python_for_a_node_learner(invoke):
    guide = invoke("mentor", "async-await", "--language", "javascript").stdout  # an alias of node
    assert "Sequential, parallel and partial-failure patterns" in guide
    assert "The same idea in Python with asyncio" not in guide
    assert "No JavaScript" not in guide


def test_an_unknown_language_is_one_clear_line(invoke):
    result = invoke("mentor", "jwt", "--language", "cobol")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip() == (
        "error: unknown language 'cobol' for --language; choose one of: "
        "python, node, typescript, go, java, php, csharp, ruby"
    )


def test_choose_examples_keeps_non_code_examples_and_the_order_of_preference():
    from backend_mentor.render import choose_examples

    examples = [
        {"language": "python", "title": "py"},
        {"language": "sql", "title": "sql"},
        {"language": "typescript", "title": "ts"},
        {"language": "javascript", "title": "js"},
    ]
    shown, hidden, note = choose_examples(examples, "node")
    assert [e["title"] for e in shown] == ["js", "ts", "sql"] and hidden == 1 and note == ""
    shown, hidden, note = choose_examples(examples, "java")
    assert [e["title"] for e in shown] == ["ts", "sql"] and hidden == 2 and "closest one is in TypeScript" in note
    assert choose_examples(examples, None) == (examples, 0, "")
    assert choose_examples(examples, "go", all_languages=True) == (examples, 0, "")


def test_learn_done_without_an_id_marks_the_current_lesson(invoke, mini, store):
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    result = invoke("learn", "done")
    assert result.exit_code == 0, result.output
    assert store.statuses()["http-basics"] == "done" and "Next: HTTP Status Codes" in result.stderr
    assert invoke("learn", "skip").exit_code == 0 and store.statuses()["http-status-codes"] == "skipped"


def test_learn_done_without_an_id_and_without_a_path_says_what_to_do(invoke, mini, store):
    result = invoke("learn", "done")
    assert result.exit_code == 1 and store.statuses() == {}
    assert result.stderr.strip() == (
        "error: no current lesson (no learning path chosen yet); name the topic: backend-mentor learn done TOPIC"
    )


def test_the_dashboard_and_learn_say_how_many_reviews_are_due(invoke, mini, store, monkeypatch):
    from backend_mentor.curriculum.catalog import load_catalog
    from backend_mentor.services import record_quiz

    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-05-01T12:00:00+00:00")
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    quiz = load_catalog().topics["jwt"].quiz
    record_quiz(
        store,
        load_catalog().topics["jwt"],
        [q["answer"] if n else (q["answer"] + 1) % len(q["choices"]) for n, q in enumerate(quiz)],
    )
    assert "Reviews due" not in invoke().stdout and json.loads(invoke("learn", "--json").stdout)["reviews_due"] == 0
    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-05-01T12:11:00+00:00")  # the missed question is due
    assert "Reviews due: 1 — backend-mentor review" in invoke().stdout
    assert json.loads(invoke("--json").stdout)["reviews_due"] == 1
    assert "1 review due — keep what you learned: backend-mentor review" in invoke("learn").stdout
