"""`mentor`: ranked lookup that survives typos and loose wording."""

from __future__ import annotations

import json


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

    pack = make_pack("extra", topics={"graphql-basics": topic_yaml("graphql-basics", title="GraphQL Basics",
                                                                    prerequisites="[http-basics]")})  # fmt: skip
    result = invoke("--curriculum", str(pack), "mentor", "graphql", "--json")
    assert json.loads(result.stdout)["match"]["id"] == "graphql-basics"
    assert invoke("mentor", "graphql").exit_code == 1  # without the pack it is not there
