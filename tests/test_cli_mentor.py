"""`mentor`: ranked lookup that survives typos and loose wording."""

from __future__ import annotations

import json

import pytest


def lookup(invoke, *query):
    result = invoke("mentor", *query, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_exact_id(invoke, mini):
    doc = lookup(invoke, "jwt")
    assert doc["match"]["id"] == "jwt" and doc["results"][0]["exact"] is True


def test_alias_and_loose_wording(invoke, mini):
    assert lookup(invoke, "json web token")["match"]["id"] == "jwt"
    assert lookup(invoke, "kafka vs rabbitmq")["match"]["id"] == "message-queues"
    assert lookup(invoke, "teach", "me", "rest")["match"]["id"] == "rest-principles"


def test_typos_are_corrected_from_the_curriculum_vocabulary(invoke, mini):
    doc = lookup(invoke, "autentication")
    assert doc["match"]["id"] == "authentication-basics"
    assert doc["corrected"] == {"autentication": "authentication"}


def test_close_calls_list_ranked_results_instead_of_guessing(invoke, mini):
    doc = lookup(invoke, "fixture")  # every summary says "fixture": no clear winner
    assert doc["match"] is None and len(doc["results"]) >= 3


def test_guide_shows_prerequisite_status(invoke, mini):
    invoke("learn", "done", "http-basics")
    result = invoke("mentor", "jwt")
    assert result.exit_code == 0
    assert "Read first: Authentication vs Authorization (authentication-basics)" in result.stdout
    assert "Key points" in result.stdout and "Resources" in result.stdout
    doc = lookup(invoke, "jwt")
    assert doc["missing_prerequisites"] == [{"id": "authentication-basics", "title": "Authentication vs Authorization"}]


def test_no_match_is_one_line_and_exit_1(invoke, mini):
    result = invoke("mentor", "zzqxv")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no topic matches 'zzqxv'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_without_a_query_lists_topics_by_category(invoke, mini):
    doc = lookup(invoke)
    assert [c["id"] for c in doc["categories"]] == ["internet", "apis", "security", "messaging"]
    assert {t["id"] for t in doc["categories"][0]["topics"]} == {"http-basics", "http-status-codes"}
    text = invoke("mentor").stdout
    assert "Internet" in text and "http-status-codes" in text


def test_quiz_needs_a_terminal(invoke, mini):
    result = invoke("mentor", "jwt", "--quiz")
    assert result.exit_code == 1 and "needs a terminal" in result.stderr


def test_limit_caps_the_ranked_list(invoke, mini):
    doc = lookup(invoke, "fixture", "--limit", "2")
    assert doc["match"] is None and len(doc["results"]) == 2


def test_a_pack_given_with_curriculum_is_searchable(invoke, mini, make_pack):
    from conftest import topic_yaml

    pack = make_pack(
        "extra",
        topics={"graphql-basics": topic_yaml("graphql-basics", title="GraphQL Basics", prerequisites="[http-basics]")},
    )
    result = invoke("--curriculum", str(pack), "mentor", "graphql", "--json")
    assert json.loads(result.stdout)["match"]["id"] == "graphql-basics"
    assert invoke("mentor", "graphql").exit_code == 1  # without the pack it is not there


def test_a_question_with_filler_opens_the_guide(invoke, mini):
    doc = lookup(invoke, "what is a jwt")
    assert doc["match"]["id"] == "jwt" and doc["clear"] is True
    assert invoke("mentor", "what", "is", "a", "jwt").stdout.count("JSON Web Token") >= 1


def test_a_close_race_is_a_numbered_list_and_json_says_so(invoke, mini):
    doc = lookup(invoke, "fixture")
    assert doc["match"] is None and doc["clear"] is False and doc["schema_version"] == 1
    text = invoke("mentor", "fixture").stdout
    assert "1  " in text and "2  " in text


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr("backend_mentor.commands.mentor.interactive", lambda no_input=False: not no_input)


def test_in_a_terminal_the_learner_picks_from_the_list_by_number(invoke, mini, terminal):
    ranked = lookup(invoke, "fixture")["results"]
    second = ranked[1]
    result = invoke("mentor", "fixture", input="2\n")
    assert result.exit_code == 0, result.output
    assert "Open which one?" in result.stdout
    assert f"backend-mentor mentor {second['id']} --quiz" in result.stdout  # the guide of the second topic
    first = invoke("mentor", "fixture", input="\n")  # Enter takes the first
    assert f"backend-mentor mentor {ranked[0]['id']} --quiz" in first.stdout


def test_no_input_and_list_never_prompt(invoke, mini, terminal):
    for args in (("fixture", "--no-input"), ("jwt", "--list")):
        result = invoke("mentor", *args)
        assert result.exit_code == 0 and "Open which one?" not in result.stdout
        assert "--quiz" not in result.stdout  # a list, not a guide
    assert "jwt" in invoke("mentor", "jwt", "--list").stdout
