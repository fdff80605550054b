"""How `mentor` finds a topic from the words a learner types (the shipped curriculum and small packs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_mentor.curriculum.catalog import load_catalog
from backend_mentor.curriculum.search import meaning_words, search, stem


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    import os

    os.environ.setdefault("BACKEND_MENTOR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    return load_catalog([])


@pytest.mark.parametrize(
    ("query", "accepted"),
    [
        ("what is a jwt", {"jwt"}),  # the welcome screen's own example
        ("logging best practices", {"logging"}),
        ("how does https work", {"https-tls", "http-basics"}),
        ("race condition in a database", {"optimistic-pessimistic-concurrency", "isolation-levels", "locking-mvcc"}),
        ("goroutine leak", {"go-concurrency"}),
        ("why is my query slow", {"query-optimization", "execution-plans", "indexes"}),
        ("go language", {"go-basics"}),
        ("javascript", {"nodejs"}),
    ],
)
def test_the_issue_questions_rank_the_right_topic_first(shipped, query, accepted):
    result = search(shipped, query)
    assert result.hits[0].id in accepted, [h.id for h in result.hits[:3]]
    assert result.corrected == {}


@pytest.mark.parametrize("query", ["what is a jwt", "logging best practices", "goroutine leak", "why is my query slow"])
def test_a_clear_winner_opens_directly(shipped, query):
    assert search(shipped, query).best is not None


def test_words_the_curriculum_uses_are_never_corrected(shipped):
    for query in ("race condition", "goroutine leak", "slow query", "connection leak"):
        assert search(shipped, query).corrected == {}, query
    assert search(shipped, "autentication").corrected == {"autentication": "authentication"}


def test_typos_are_corrected_but_other_real_words_are_not_bent_into_curriculum_words(shipped):
    from backend_mentor.curriculum.search import typo_distance

    assert search(shipped, "kuberntes").corrected == {"kuberntes": "kubernetes"}  # a swapped pair and a drop
    assert search(shipped, "postgers").corrected == {"postgers": "postgres"}
    for query in ("data lake", "lake", "bake"):  # not "fake" or "leaked": a short word keeps its first letter
        assert search(shipped, query).corrected == {}, query
    assert typo_distance("kuberntes", "kubernetes") == 1 and typo_distance("lake", "leaked") == 2
    assert typo_distance("teh", "the") == 1 and typo_distance("abc", "abc") == 0


@pytest.mark.parametrize("query", ["how do i send emails from my backend", "data lake"])
def test_a_question_no_topic_is_about_lists_instead_of_opening_a_guide(shipped, query):
    """A topic that only mentions the words in its lesson (firebase's 'email' sign-in) is not an answer."""
    result = search(shipped, query)
    assert result.hits and result.best is None, [(h.id, h.score, h.named) for h in result.hits[:3]]


def test_paginate_and_pagination_are_one_word(shipped):
    assert stem("paginate") == stem("pagination") == stem("paginated") == stem("paginations")
    assert stem("normalize") == stem("normalization") and stem("migrate") == stem("migrations")
    assert stem("station") != stem("state")  # short -ation words stay whole
    assert search(shipped, "how to paginate results").hits[0].id in {"pagination", "keyset-pagination"}


def test_a_verb_finds_the_topic_named_with_its_noun(shipped):
    """A learner types the verb ("document", "deploy", "configure"); topics are often named with the
    noun ("API Documentation", "Deployment Strategies", "Configuration")."""
    assert stem("document") == stem("documentation") == stem("documents") == stem("documenting")
    assert stem("deploy") == stem("deployment") == stem("deployments") == stem("deploying")
    assert stem("configure") == stem("configuration") and stem("validate") == stem("validation")
    assert stem("manage") == stem("management") and stem("require") == stem("requirements")
    # words that only look alike stay apart
    assert len({stem("state"), stem("statement"), stem("station")}) == 3
    assert stem("format") == stem("formatting") != stem("form")
    assert stem("payment") != stem("pay") and stem("comment") != stem("come")
    assert search(shipped, "how to document my api").hits[0].id == "api-documentation"


def test_filler_is_set_aside_but_an_all_filler_query_still_searches():
    assert meaning_words("what is a jwt") == ["jwt"]
    assert meaning_words("why is my query slow") == ["query", "slow"]
    assert meaning_words("logging best practices") == ["logging"]
    assert meaning_words("how do i") == ["how", "do", "i"]


def test_stems_join_word_forms_but_leave_acronyms():
    assert stem("caching") == stem("caches") == stem("cache")
    assert stem("queries") == stem("query") and stem("logging") == stem("logs") == stem("log")
    assert stem("https") == "https" and stem("dns") == "dns"


def pack_catalog(make_pack, mini, topics):
    from conftest import topic_yaml

    pack = make_pack("search", topics={tid: topic_yaml(tid, **fields) for tid, fields in topics.items()})
    return load_catalog([pack])


def test_filler_words_do_not_outrank_the_word_that_carries_the_meaning(make_pack, mini):
    catalog = pack_catalog(
        make_pack,
        mini,
        {
            "choosing": {
                "title": "Choosing the Best Practice Language",
                "aliases": "[best practices, best language]",
                "summary": "What works best in practice, and how to choose.",
            },
            "log-lines": {"title": "Log Lines", "aliases": "[logging]", "summary": "Writing log lines."},
        },
    )
    result = search(catalog, "logging best practices")
    assert result.hits[0].id == "log-lines"


def test_a_name_match_outweighs_the_same_word_in_lesson_text(make_pack, mini):
    body = "|\n  " + " ".join(["Idempotency matters everywhere."] * 12)
    catalog = pack_catalog(
        make_pack,
        mini,
        {
            "retries": {"title": "Retries", "lesson": body},
            "keys": {"title": "Idempotency Keys", "lesson": "|\n  A key per request."},
        },
    )
    assert search(catalog, "idempotency").hits[0].id == "keys"


def test_a_phrase_outweighs_its_words_scattered(make_pack, mini):
    catalog = pack_catalog(
        make_pack,
        mini,
        {
            "scattered": {"title": "Scattered", "lesson": "|\n  A race is won. Each condition is checked."},
            "phrase": {"title": "Together", "lesson": "|\n  A race condition appears when two writers interleave."},
        },
    )
    result = search(catalog, "race condition")
    assert result.hits[0].id == "phrase" and result.corrected == {}


def test_a_query_whose_key_word_the_top_topic_never_mentions_is_not_a_clear_win(make_pack, mini):
    catalog = pack_catalog(
        make_pack,
        mini,
        {
            "design-patterns": {"title": "Design Patterns", "summary": "Strategy, factory and adapter."},
            "normal-forms": {
                "title": "Normal Forms",
                "summary": "1NF to 3NF.",
                "lesson": "|\n  Normalization removes anomalies.",
            },
        },
    )
    result = search(catalog, "normalization and design patterns")
    assert result.hits[0].id == "design-patterns" and result.best is None


def test_the_name_index_is_compiled_into_the_catalog_and_read_word_by_word(make_pack, mini):
    from backend_mentor.curriculum.catalog import catalog_from_sources
    from backend_mentor.curriculum.sources import Source

    catalog = pack_catalog(make_pack, mini, {"idem": {"title": "Idempotency Keys"}})
    assert search(catalog, "idempotency keys").best.id == "idem"
    tables = {row[0] for row in catalog.search_db().execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"name_exact", "name_set", "name_stem", "summary_stem", "vocabulary"} <= tables
    assert catalog.cache_file is not None
    assert not catalog.cache_file.with_name(catalog.cache_file.name + ".names.json").exists()
    # without a cache file the same index is built in memory
    uncached = catalog_from_sources([Source(Path(s)) for s in catalog.sources], use_cache=False)
    assert uncached.cache_file is None and search(uncached, "idempotency keys").best.id == "idem"
