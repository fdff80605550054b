"""Search-quality benchmark: how often does ``mentor QUESTION`` find the topic a learner meant?

Run: python benchmarks/search_quality.py [--misses] [--json] [--questions FILE]

Reads benchmarks/search_questions.yaml (natural learner questions, each with the topic ids that
answer it) and searches the shipped curriculum for each. Reports:
  top-1   the first result is an acceptable topic
  top-3   an acceptable topic is among the first three
  opens   the search is a clear win (``mentor`` opens the guide directly) on an acceptable topic
  wrong   the search is a clear win on a topic that is NOT acceptable (the worst outcome)
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


def evaluate(catalog: Any, questions: list[dict[str, Any]]) -> dict[str, Any]:
    from backend_mentor.curriculum.search import search

    rows = []
    for item in questions:
        result = search(catalog, item["q"], limit=8)
        ranked = [h.id for h in result.hits]
        best = result.best
        rows.append({
            "q": item["q"],
            "ids": item["ids"],
            "ranked": ranked[:3],
            "top1": bool(ranked) and ranked[0] in item["ids"],
            "top3": any(r in item["ids"] for r in ranked[:3]),
            "opens": best is not None and best.id in item["ids"],
            "wrong": best is not None and best.id not in item["ids"],
        })  # fmt: skip
    total = len(rows) or 1

    def share(key: str) -> float:
        return round(100 * sum(r[key] for r in rows) / total, 1)

    return {"questions": len(rows), "top1": share("top1"), "top3": share("top3"), "opens": share("opens"),
            "wrong": share("wrong"), "rows": rows}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--misses", action="store_true", help="list the questions whose first result is wrong")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    from backend_mentor.curriculum.catalog import load_catalog

    report = evaluate(load_catalog([]), load_questions(args.questions))
    if args.json:
        print(json.dumps({k: v for k, v in report.items() if k != "rows"}, indent=2))
        return 0
    print(f"{report['questions']} questions from {args.questions.name}")
    print(f"  top-1 {report['top1']:5.1f}%   first result acceptable")
    print(f"  top-3 {report['top3']:5.1f}%   an acceptable topic in the first three")
    print(f"  opens {report['opens']:5.1f}%   clear win on an acceptable topic (guide opens directly)")
    print(f"  wrong {report['wrong']:5.1f}%   clear win on a topic that is not acceptable")
    if args.misses:
        for row in report["rows"]:
            if not row["top1"]:
                print(
                    f"  miss: {row['q']!r}: got {', '.join(row['ranked']) or '(nothing)'}; want {', '.join(row['ids'])}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
