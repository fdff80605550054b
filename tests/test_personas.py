"""Three learners through the wizard, and the rules that make the mentor fit each of them.

Paths are closed under prerequisites: no learner is ever told to study first a topic the path
does not teach.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import topic_yaml

from backend_mentor.curriculum.loader import load_sources
from backend_mentor.curriculum.sources import Source

CLOSURE_PATH = """
id: starter
title: Starter
kind: role
group: core
summary: s
stages:
  - level: beginner
    months: 0-3
    goals: [g]
    modules:
      - {title: First, topics: [beta]}
  - level: intermediate
    months: 3-6
    goals: [g]
    modules:
      - {title: Second, topics: [alpha, gamma]}
"""


def problems_of(root: Path) -> list[str]:
    return [f"{Path(p.file).name}:{p.line}: {p.message}" for p in load_sources([Source(root)]).problems]


def closure_pack(make_pack, path_text: str) -> Path:
    topics = {
        "alpha": topic_yaml("alpha"),
        "beta": topic_yaml("beta", prerequisites="[alpha]"),
        "gamma": topic_yaml("gamma", prerequisites="[beta, delta]"),
        "delta": topic_yaml("delta"),
    }
    return make_pack(topics=topics, files={"paths/starter.yaml": path_text}, categories=True)


def test_a_path_that_teaches_a_prerequisite_too_late_or_never_fails_with_file_and_line(make_pack):
    found = problems_of(closure_pack(make_pack, CLOSURE_PATH))
    assert found == [
        "starter.yaml:11: path 'starter' teaches 'beta' (stage beginner) but its prerequisite 'alpha' comes only "
        "in a later stage; add 'alpha' to this stage or an earlier one",
        "starter.yaml:16: path 'starter' teaches 'gamma' (stage intermediate) but its prerequisite 'delta' is not "
        "on the path; add 'delta' to this stage or an earlier one",
    ]


def test_a_prerequisite_in_the_same_stage_or_earlier_is_fine(make_pack):
    text = CLOSURE_PATH.replace("topics: [beta]}", "topics: [beta, alpha, delta]}")
    assert problems_of(closure_pack(make_pack, text)) == []


def test_walking_any_shipped_path_never_meets_a_missing_prerequisite():
    """Like a learner who does every lesson `learn` gives them, on every shipped path."""
    from backend_mentor import services
    from backend_mentor.curriculum.catalog import load_catalog

    catalog = load_catalog()
    for path in catalog.paths.values():
        statuses: dict[str, str] = {}
        seen = 0
        while (topic := services.next_topic(catalog, path, statuses)) is not None:
            assert services.missing_prerequisites(catalog, topic, statuses) == [], (path.id, topic.id)
            statuses[topic.id] = "done"
            seen += 1
        assert seen == len(path.topic_ids)


@pytest.mark.parametrize(
    "track",
    [
        "node-track",
        "typescript-track",
        "python-track",
        "go-track",
        "java-track",
        "php-track",
        "csharp-track",
        "ruby-track",
    ],
)
def test_language_tracks_start_with_git_and_the_language(track):
    from backend_mentor.curriculum.catalog import load_catalog

    fundamentals = {
        "node": "nodejs",
        "typescript": "nodejs",
        "python": "python-backend",
        "go": "go-basics",
        "java": "java-backend",
        "php": "php-backend",
        "csharp": "csharp-aspnet-core",
        "ruby": "ruby-rails",
    }
    path = load_catalog().paths[track]
    first_stage = path.stages[0].topic_ids
    assert "git" in first_stage and fundamentals[path.languages[0]] in first_stage


# --- three learners through the wizard (stdin) ------------------------------------------------------

SEED = 21


@pytest.fixture
def terminal(monkeypatch):
    """The commands prompt as in a terminal; answers come from CliRunner input; shuffling is seeded."""
    monkeypatch.setattr("backend_mentor.commands._common.interactive", lambda no_input=False: not no_input)
    for module in ("learn", "mentor", "review", "progress"):
        monkeypatch.setattr(f"backend_mentor.commands.{module}.interactive", lambda no_input=False: not no_input)
    monkeypatch.setenv("BACKEND_MENTOR_SEED", str(SEED))
    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-06-01T09:00:00+00:00")


def placement_keys(path_id: str, experience: str, passes: list[bool]) -> list[str]:
    """What a learner types in the placement: right answers for the modules they know, wrong ones elsewhere."""
    import random

    from quizkeys import keys

    from backend_mentor import services
    from backend_mentor.curriculum.catalog import load_catalog

    catalog = load_catalog()
    modules = services.placement_modules(catalog, catalog.paths[path_id], {}, experience)
    assert len(modules) == len(passes)
    rng = random.Random(SEED)
    typed = []
    for module, knows in zip(modules, passes):
        asked = module.questions[: min(3, len(module.questions))] if knows else module.questions[:2]
        typed += keys([catalog.topics[t].quiz[i] for t, i in asked], [knows] * len(asked), SEED, rng)
    return typed


def lines(*answers: str) -> str:
    return "\n".join(answers) + "\n"


def examples_in(lesson: str) -> list[str]:
    return [line.split()[-1] for line in lesson.splitlines() if line.startswith("Example: ")]


def first_lesson_title(output: str) -> str:
    after = output.split("Here is your first lesson.")[-1] if "Here is your first lesson." in output else output
    rule = next(line for line in after.splitlines() if "·" in line and "─" in line)  # the lesson's title rule
    return rule.split("  ")[0].split("): ")[-1].strip()  # after a prompt on the same line, if any


@pytest.mark.slow
def test_a_beginner_who_wants_nodejs(invoke, terminal, store):
    wizard = invoke("learn", input=lines("1", "node", "node", "y", "6", "y", "later"))
    assert wizard.exit_code == 0, wizard.output
    out = wizard.stdout
    assert "Did you mean 'nodejs-developer' (Node.js Developer)?" in out
    assert "Recommended: Node.js Developer" in out and "Placement check" not in out  # beginners are not asked
    assert first_lesson_title(out) == "Git and Version Control"
    profile = store.profile()
    assert (profile["experience"], profile["language"], profile["active_path"]) == ("new", "node", "nodejs-developer")
    # the first eight lessons: JavaScript first, other code hidden or named as the closest; nothing missing
    seen_javascript = 0
    for _ in range(8):
        lesson = invoke("learn", input=lines("done")).stdout
        assert "Prerequisites not done yet" not in lesson
        shown = examples_in(lesson)
        if "javascript" in shown:
            seen_javascript += 1
            assert "python" not in shown
        elif "python" in shown:
            assert "No JavaScript/Node.js example for this topic; the closest one is in Python." in lesson
    assert seen_javascript >= 2


def test_a_java_developer_who_wants_devops_tests_out_of_what_they_know(invoke, terminal, store):
    typed = placement_keys("devops-engineer", "developer", [False, True, True])
    wizard = invoke("learn", input=lines("developer", "Java", "devops", "y", "8", "y", "y", *typed, "later"))
    assert wizard.exit_code == 0, wizard.output
    out = wizard.stdout
    assert "Recommended: DevOps Engineer" in out and "Placement check" in out
    assert "Groundwork for the beginner stage is worth studying (0/2 right)" in out  # stopped at two misses
    assert "You know Networking and hosting: 8 topics marked known." in out
    assert "You know Containers: 6 topics marked known." in out
    statuses = store.statuses()
    assert statuses["how-the-internet-works"] == "known" and statuses["docker"] == "known"
    assert len(store.answers("placement")) == 2 + 3 + 3  # every placement answer is kept
    assert first_lesson_title(out) == "Stateless Design"  # past the modules they know
    assert "Prerequisites not done yet" not in out
    shown = invoke("path", "show", "devops-engineer").stdout
    assert "◆ How the Internet Works (known)" in shown and "(14 known already)" in shown
    assert any(c["topic_id"] == "docker" for c in store.review_cards())  # placement feeds the review deck


def test_a_python_developer_who_wants_data_engineering(invoke, terminal, store):
    typed = placement_keys("data-engineer", "developer", [True, False, True])
    wizard = invoke("learn", input=lines("developer", "python", "data", "data-engineer", "5", "y", "y", *typed, "l"))
    assert wizard.exit_code == 0, wizard.output
    out = wizard.stdout
    assert "'data' is not one of the options" in out  # data-engineer or database-administrator: asked again
    assert "Recommended: Data Engineer" in out
    assert "SQL for data work is worth studying" in out
    assert first_lesson_title(out) == "Relational Database Concepts"
    assert "Prerequisites not done yet" not in out
    assert store.statuses()["python-backend"] == "known"


def test_the_three_personas_start_differently(invoke, terminal, store):
    starts = set()
    for answers in (
        lines("new", "node", "nodejs-developer", "6", "y", "l"),
        lines(
            "developer",
            "java",
            "devops-engineer",
            "8",
            "y",
            "y",
            *placement_keys("devops-engineer", "developer", [False, True, True]),
            "l",
        ),
        lines(
            "developer",
            "python",
            "data-engineer",
            "5",
            "y",
            "y",
            *placement_keys("data-engineer", "developer", [True, False, True]),
            "l",
        ),
    ):
        result = invoke("learn", input=answers)
        assert result.exit_code == 0, result.output
        starts.add((store.profile()["active_path"], first_lesson_title(result.stdout)))
        assert invoke("progress", "reset", "--yes").exit_code == 0
    assert starts == {
        ("nodejs-developer", "Git and Version Control"),
        ("devops-engineer", "Stateless Design"),
        ("data-engineer", "Relational Database Concepts"),
    }
