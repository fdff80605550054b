"""Quiz and example statistics for a set of curriculum categories.

Usage: python benchmarks/quiz_stats.py [category ...] [-v]

For each category: questions, how many have the right answer as the single longest option
(by characters), answer positions, code-example languages, and exercises' `tried` field.
With -v, lists every question whose answer is the single longest option.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent / "curriculum" / "topics"
MINE = [
    "internet",
    "languages",
    "messaging",
    "nosql",
    "observability",
    "practices",
    "scaling",
    "security",
    "testing",
    "transactions",
]


def longest_is_answer(q: dict) -> bool:
    lengths = [len(c) for c in q["choices"]]
    best = max(lengths)
    return lengths[q["answer"]] == best and lengths.count(best) == 1


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    cats = [a for a in argv if not a.startswith("-")] or MINE
    total = longest = 0
    positions: Counter[int] = Counter()
    questions: Counter[str] = Counter()
    tried: Counter[str] = Counter()
    for cat in cats:
        c_total = c_long = 0
        for path in sorted((ROOT / cat).glob("*.yaml")):
            doc = yaml.safe_load(path.read_text())
            langs = sorted({e["language"] for e in doc.get("examples") or []})
            tried[doc["exercise"].get("tried", "none")] += 1
            for i, q in enumerate(doc["quiz"]):
                c_total += 1
                positions[q["answer"]] += 1
                questions[q["q"].strip().lower()] += 1
                if longest_is_answer(q):
                    c_long += 1
                    if verbose:
                        print(f"  {cat}/{doc['id']} q{i}: {q['q'][:70]}")
            if verbose:
                print(f"    {doc['id']}: examples {langs}")
        print(f"{cat:15} {c_long:3}/{c_total:3} longest-is-answer ({100 * c_long / max(c_total, 1):.0f}%)")
        total += c_total
        longest += c_long
    print(f"{'TOTAL':15} {longest:3}/{total:3} ({100 * longest / max(total, 1):.1f}%)")
    print("answer positions:", dict(sorted(positions.items())))
    print("exercise tried:", dict(tried))
    dupes = [q for q, n in questions.items() if n > 1]
    print("duplicate questions:", dupes or "none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
