"""Every validation rule has a failing fixture; each message names file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import topic_yaml, write

from backend_mentor.curriculum.loader import load_sources
from backend_mentor.curriculum.sources import Source


def problems_of(root: Path) -> list[str]:
    loaded = load_sources([Source(root)])
    return [f"{Path(p.file).name}:{p.line}: {p.message}" for p in loaded.problems]


def test_a_valid_pack_has_no_problems(make_pack):
    root = make_pack(
        topics={"alpha": topic_yaml("alpha"), "beta": topic_yaml("beta", prerequisites="[alpha]")}, categories=True
    )
    loaded = load_sources([Source(root)])
    assert loaded.problems == []
    assert set(loaded.entities["topic"]) == {"alpha", "beta"}
    assert loaded.entities["topic"]["beta"]["prerequisites"] == ["alpha"]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"title": None}, "alpha.yaml:1: missing required field 'title'"),
        ({"level": "expert"}, "alpha.yaml:4: 'level' must be one of beginner, intermediate, advanced; got 'expert'"),
        ({"hours": "lots"}, "alpha.yaml:5: 'hours' must be a number"),
        ({"hours": "0"}, "alpha.yaml:5: 'hours' must be greater than 0"),
        (
            {"category": "internett"},
            "alpha.yaml:3: 'category' must be one of internet; got 'internett' (did you mean 'internet'?)",
        ),
        ({"key_points": "[one, two]"}, "alpha.yaml:10: 'key_points' must have 3-7 items; has 2"),
        ({"pitfalls": "[only]"}, "alpha.yaml:11: 'pitfalls' must have 2-5 items; has 1"),
        ({"summary": "''"}, "alpha.yaml:7: 'summary' must be a non-empty string"),
        ({"aliases": "[ok, 404]"}, "alpha.yaml:19: 'aliases' must contain only non-empty strings"),
        ({"languages": "[python, cobol]"}, "alpha.yaml:19: 'languages' has unknown value 'cobol'"),
        ({"colour": "blue"}, "alpha.yaml:19: unknown field 'colour'"),
        ({"summry": "x"}, "alpha.yaml:19: unknown field 'summry' (did you mean 'summary'?)"),
        (
            {"exercise": "{title: Do it, steps: [one], done_when: [works], tried: maybe}"},
            "alpha.yaml:12: exercise: 'tried' must be one of ran, desk-checked; got 'maybe'",
        ),
    ],
)
def test_field_rules(make_pack, overrides, expected):
    root = make_pack(topics={"alpha": topic_yaml("alpha", **overrides)}, categories=True)
    found = problems_of(root)
    assert any(p.startswith(expected) for p in found), found


def test_quiz_answer_out_of_range_names_its_line(make_pack):
    quiz = (
        "\n  - {q: Q1, choices: [a, b], answer: 0, why: w}"
        "\n  - {q: Q2, choices: [a, b], answer: 2, why: w}"
        "\n  - {q: Q3, choices: [a, b], answer: 1, why: w}"
    )
    root = make_pack(topics={"alpha": topic_yaml("alpha", quiz=quiz)}, categories=True)
    assert "alpha.yaml:15: quiz[1]: 'answer' is 2 but there are 2 choices (0-1)" in problems_of(root)


def test_too_few_quiz_questions(make_pack):
    root = make_pack(
        topics={"alpha": topic_yaml("alpha", quiz="\n  - {q: Q1, choices: [a, b], answer: 0, why: w}")}, categories=True
    )
    assert "alpha.yaml:13: 'quiz' must have at least 3 items; has 1" in problems_of(root)


def test_malformed_url(make_pack):
    resources = "\n  - {title: Docs, url: 'htp:/nowhere', kind: docs}"
    root = make_pack(topics={"alpha": topic_yaml("alpha", resources=resources)}, categories=True)
    assert "alpha.yaml:18: resources[0]: 'url' is not a well-formed http(s) URL: 'htp:/nowhere'" in problems_of(root)


def test_unknown_reference_suggests_a_close_id(make_pack):
    root = make_pack(
        topics={"http-basics": topic_yaml("http-basics"), "rest": topic_yaml("rest", prerequisites="[htp-basics]")},
        categories=True,
    )
    assert "rest.yaml:6: unknown topic 'htp-basics' (did you mean 'http-basics'?)" in problems_of(root)


def test_self_reference(make_pack):
    root = make_pack(topics={"alpha": topic_yaml("alpha", related="[alpha]")}, categories=True)
    assert "alpha.yaml:19: 'related' lists the topic itself" in problems_of(root)


def test_prerequisite_cycle_is_reported_once(make_pack):
    root = make_pack(
        topics={
            "a": topic_yaml("a", prerequisites="[c]"),
            "b": topic_yaml("b", prerequisites="[a]"),
            "c": topic_yaml("c", prerequisites="[b]"),
        },
        categories=True,
    )
    cycles = [p for p in problems_of(root) if "cycle" in p]
    assert cycles == ["a.yaml:6: prerequisite cycle: a -> c -> b -> a"]


def test_duplicate_ids_and_file_name_mismatch(make_pack):
    root = make_pack(
        topics={"alpha": topic_yaml("alpha")},
        files={"topics/internet/other.yaml": topic_yaml("alpha")},
        categories=True,
    )
    found = problems_of(root)
    assert "other.yaml:1: id 'alpha' does not match the file name 'other.yaml'" in found
    assert any(p.startswith("other.yaml:1: id 'alpha' is already defined in") for p in found), found


def test_bad_slug(make_pack):
    root = make_pack(files={"topics/internet/Bad_Id.yaml": topic_yaml("Bad_Id")}, categories=True)
    assert any("'id' must be a slug" in p and p.startswith("Bad_Id.yaml:1:") for p in problems_of(root))


def test_duplicate_key(make_pack):
    root = make_pack(topics={"alpha": topic_yaml("alpha") + "title: again\n"}, categories=True)
    assert "alpha.yaml:19: field 'title' appears twice" in problems_of(root)


def test_yaml_syntax_error_has_a_line(make_pack):
    root = make_pack(topics={"alpha": "id: alpha\ntitle: [unclosed\nlevel: beginner\n"}, categories=True)
    found = problems_of(root)
    assert len(found) == 1 and found[0].startswith("alpha.yaml:3: YAML error:"), found


def test_hostile_tags_construct_nothing(make_pack, tmp_path):
    marker = tmp_path / "pwned"
    text = f"id: alpha\ntitle: !!python/object/apply:os.system ['touch {marker}']\n"
    root = make_pack(topics={"alpha": text}, categories=True)
    found = problems_of(root)
    assert found and found[0].startswith("alpha.yaml:2: YAML error: could not determine a constructor"), found
    assert not marker.exists()


def test_a_document_that_is_not_a_mapping(make_pack):
    root = make_pack(topics={"alpha": "- just\n- a list\n"}, categories=True)
    assert problems_of(root) == ["alpha.yaml:1: the file must hold one YAML mapping"]


def test_all_problems_of_a_load_are_reported_together(make_pack):
    root = make_pack(
        topics={"a": topic_yaml("a", level="expert"), "b": topic_yaml("b", hours="-1", related="[nope]")},
        categories=True,
    )
    found = problems_of(root)
    assert len(found) == 3, found


PATH_YAML = """
id: starter
title: Starter path
kind: role
group: core
summary: A path.
stages:
  - level: beginner
    months: 0-3
    goals: [learn]
    modules:
      - {title: First, topics: [alpha, alhpa]}
    projects: [no-such-project]
    checkpoints: [no-such-checkpoint]
next: [no-such-path]
"""


def test_path_references(make_pack):
    root = make_pack(topics={"alpha": topic_yaml("alpha")}, files={"paths/starter.yaml": PATH_YAML}, categories=True)
    found = problems_of(root)
    assert "starter.yaml:11: unknown topic 'alhpa' (did you mean 'alpha'?)" in found
    assert "starter.yaml:12: unknown project 'no-such-project'" in found
    assert "starter.yaml:13: unknown checkpoint 'no-such-checkpoint'" in found
    assert "starter.yaml:14: unknown path 'no-such-path'" in found


def test_path_enums(make_pack):
    text = PATH_YAML.replace("kind: role", "kind: job").replace("level: beginner", "level: novice")
    root = make_pack(topics={"alpha": topic_yaml("alpha")}, files={"paths/starter.yaml": text}, categories=True)
    found = problems_of(root)
    assert any(p.startswith("starter.yaml:3: 'kind' must be one of role, language, specialization") for p in found)
    assert any(p.startswith("starter.yaml:7: stages[0]: 'level' must be one of") for p in found), found


def test_checkpoint_verifier_kind_must_be_known(make_pack):
    text = """
    id: check
    title: A check
    summary: s
    instructions: do it
    verifier: {kind: shell-command, params: {cmd: rm -rf /}}
    """
    root = make_pack(files={"checkpoints/check.yaml": text}, categories=True)
    found = problems_of(root)
    assert any(p.startswith("check.yaml:5: verifier: 'kind' must be one of http-rest") for p in found), found


def test_project_milestones_need_acceptance(make_pack):
    text = """
    id: proj
    title: A project
    level: beginner
    summary: s
    features: [one]
    milestones:
      - {title: First}
    """
    root = make_pack(files={"projects/proj.yaml": text}, categories=True)
    assert "proj.yaml:7: milestones[0]: missing required field 'acceptance'" in problems_of(root)


def test_pack_may_not_silently_replace_a_shipped_id(make_pack):
    base = make_pack("base", topics={"alpha": topic_yaml("alpha")}, categories=True)
    pack = make_pack("extra", topics={"alpha": topic_yaml("alpha", title="Replaced")})
    loaded = load_sources([Source(base, shipped=True), Source(pack)])
    messages = [p.message for p in loaded.problems]
    assert any("id 'alpha' is already defined in" in m and "overrides: true" in m for m in messages), messages
    assert loaded.entities["topic"]["alpha"]["title"] == "Topic alpha"


def test_pack_with_overrides_replaces_a_shipped_id(make_pack):
    base = make_pack("base", topics={"alpha": topic_yaml("alpha")}, categories=True)
    pack = make_pack(
        "extra",
        topics={"alpha": topic_yaml("alpha", title="Replaced")},
        files={"pack.yaml": "name: extra\noverrides: true\n"},
    )
    loaded = load_sources([Source(base, shipped=True), Source(pack)])
    assert loaded.problems == []
    assert loaded.entities["topic"]["alpha"]["title"] == "Replaced"


def test_pack_topics_may_build_on_shipped_topics(make_pack):
    base = make_pack("base", topics={"alpha": topic_yaml("alpha")}, categories=True)
    pack = make_pack("extra", topics={"beta": topic_yaml("beta", prerequisites="[alpha]")})
    assert load_sources([Source(base, shipped=True), Source(pack)]).problems == []


def test_empty_directory_is_reported(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    loaded = load_sources([Source(empty)])
    assert [p.message for p in loaded.problems] == [
        "no curriculum files found (expected categories.yaml, topics/, paths/, checkpoints/ or projects/)"
    ]


def test_file_that_is_not_utf8(make_pack):
    root = make_pack(categories=True)
    (root / "topics" / "internet").mkdir(parents=True)
    (root / "topics" / "internet" / "bin.yaml").write_bytes(b"\xff\xfe\x00garbage")
    assert any("file is not UTF-8 text" in p for p in problems_of(root))


def test_write_helper_dedents(tmp_path):
    path = write(tmp_path / "x.yaml", "\n    a: 1\n")
    assert path.read_text() == "a: 1\n"


def test_alias_bombs_are_refused_quickly(make_pack):
    import time

    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for depth in range(1, 12):
        lines.append(f"l{depth}: &l{depth} [" + ", ".join([f"*{'a' if depth == 1 else f'l{depth - 1}'}"] * 9) + "]")
    root = make_pack(topics={"alpha": "\n".join(lines) + "\n"}, categories=True)
    start = time.perf_counter()
    found = problems_of(root)
    assert time.perf_counter() - start < 2
    assert found and "aliases (*name) of lists or mappings are not allowed" in found[0], found


def test_scalar_aliases_are_fine(make_pack):
    text = topic_yaml("alpha", title="&t Alpha title", summary="*t")
    root = make_pack(topics={"alpha": text}, categories=True)
    assert problems_of(root) == []
