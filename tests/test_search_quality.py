"""The search-quality benchmark runs as a threshold test over its whole question set."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "search_quality.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("search_quality", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SETS = {
    "tuned": (BENCH.parent / "search_questions.yaml", 200),
    "held-out": (BENCH.parent / "search_heldout.yaml", 100),  # written blind; never tuned on
}


@pytest.mark.parametrize("name", SETS)
def test_learner_questions_find_their_topic_first_at_least_90_percent_of_the_time(name):
    from backend_mentor.curriculum.catalog import load_catalog

    bench = load_bench()
    path, at_least = SETS[name]
    questions = bench.load_questions(path)
    assert len(questions) >= at_least
    report = bench.evaluate(load_catalog([]), questions)
    misses = [(r["q"], r["ranked"]) for r in report["rows"] if not r["top1"]]
    assert report["top1"] >= 90.0, misses
    assert report["top3"] >= 95.0, misses
    assert report["wrong"] <= 2.0  # a guide opened on the wrong topic is the worst outcome


@pytest.mark.parametrize("name", SETS)
def test_every_accepted_id_in_the_benchmark_exists(name):
    from backend_mentor.curriculum.catalog import load_catalog

    catalog = load_catalog([])
    unknown = {i for q in load_bench().load_questions(SETS[name][0]) for i in q["ids"] if i not in catalog.topics}
    assert unknown == set()


def test_questions_no_topic_answers_rarely_open_a_guide():
    """The benchmark's `uncovered` questions: a guide that opens there is a wrong answer said with confidence."""
    from backend_mentor.curriculum.catalog import load_catalog

    bench = load_bench()
    gaps = bench.load_uncovered()
    assert len(gaps) >= 5
    opened = bench.opened_on_gaps(load_catalog([]), gaps)
    assert len(opened) <= len(gaps) // 4, opened
