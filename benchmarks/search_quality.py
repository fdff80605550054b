"""Search-quality benchmark: how often does ``mentor QUESTION`` find the topic a learner meant?

Run: python benchmarks/search_quality.py [--misses] [--json] [--questions FILE]

Reads benchmarks/search_questions.yaml (natural learner questions, each with the topic ids that
answer it) and searches the shipped curriculum for each. Reports:
  top-1   the first result is an acceptable topic
  top-3   an acceptable topic is among the first three
  opens   the search is a clear win (``mentor`` opens the guide directly) on an acceptable topic
  wrong   the search is a clear win on a topic that is NOT acceptable (the worst outcome)
  gaps    questions no shipped topic answers (``uncovered``) on which a guide still opens
``--misses`` lists every question whose first result is wrong. Also imported by
tests/test_search_quality.py, which holds the top-1 figure to a threshold.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "search_questions.yaml"


def load_questions(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [{"q": str(item["q"]), "ids": list(item["ids"])} for item in data["questions"]]


def load_uncovered(path: Path = QUESTIONS) -> list[str]:
    import yaml

    return [str(q) for q in yaml.safe_load(path.read_text(encoding="utf-8")).get("uncovered") or []]


def opened_on_gaps(catalog: Any, questions: list[str]) -> list[tuple[str, str]]:
    """The uncovered questions on which ``mentor`` would still open a guide, with that guide's id."""
    from backend_mentor.curriculum.search import search

    opened = []
    for question in questions:
        best = search(catalog, question, limit=8).best
        if best is not None:
            opened.append((question, best.id))
    return opened


def evaluate(catalog: Any, questions: list[dict[str, Any]]) -> dict[str, Any]:
    from backend_mentor.curriculum.search import search

    rows = []
    for item in questions:
        result = search(catalog, item["q"], limit=8)
        ranked = [h.id for h in result.hits]
        best = result.best
        rows.append(
            {
                "q": item["q"],
                "ids": item["ids"],
                "ranked": ranked[:3],
                "top1": bool(ranked) and ranked[0] in item["ids"],
                "top3": any(r in item["ids"] for r in ranked[:3]),
                "opens": best is not None and best.id in item["ids"],
                "wrong": best is not None and best.id not in item["ids"],
            }
        )
    total = len(rows) or 1

    def share(key: str) -> float:
        return round(100 * sum(r[key] for r in rows) / total, 1)

    return {
        "questions": len(rows),
        "top1": share("top1"),
        "top3": share("top3"),
        "opens": share("opens"),
        "wrong": share("wrong"),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--misses", action="store_true", help="list the questions whose first result is wrong")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    from backend_mentor.curriculum.catalog import load_catalog

    catalog = load_catalog([])
    report = evaluate(catalog, load_questions(args.questions))
    gaps = load_uncovered(args.questions)
    report["gaps"] = opened_on_gaps(catalog, gaps)
    if args.json:
        print(json.dumps({k: v for k, v in report.items() if k != "rows"}, indent=2))
        return 0
    print(f"{report['questions']} questions from {args.questions.name}")
    print(f"  top-1 {report['top1']:5.1f}%   first result acceptable")
    print(f"  top-3 {report['top3']:5.1f}%   an acceptable topic in the first three")
    print(f"  opens {report['opens']:5.1f}%   clear win on an acceptable topic (guide opens directly)")
    print(f"  wrong {report['wrong']:5.1f}%   clear win on a topic that is not acceptable")
    print(f"  gaps  {len(report['gaps'])}/{len(gaps)}     questions no topic answers that still open a guide")
    if args.misses:
        for row in report["rows"]:
            if not row["top1"]:
                print(
                    f"  miss: {row['q']!r}: got {', '.join(row['ranked']) or '(nothing)'}; want {', '.join(row['ids'])}"
                )
        for question, opened in report["gaps"]:
            print(f"  gap opened: {question!r} -> {opened}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
