"""Quiz audit: how often the right answer is the single longest option, and repeated questions.

Usage: python benchmarks/quiz_audit.py [category ...]
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict

from backend_mentor.curriculum.catalog import load_catalog


def longest_is_right(q: dict) -> bool:
    lengths = [len(c) for c in q["choices"]]
    right = lengths[q["answer"]]
    return right == max(lengths) and lengths.count(right) == 1


def main(categories: list[str]) -> None:
    catalog = load_catalog()
    per_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    flagged = []
    texts = defaultdict(set)
    positions = Counter()
    for topic in catalog.topics.values():
        for i, q in enumerate(topic.quiz):
            texts[" ".join(q["q"].lower().split())].add(topic.id)
            if categories and topic.category not in categories:
                continue
            positions[q["answer"]] += 1
            per_cat[topic.category][1] += 1
            if longest_is_right(q):
                per_cat[topic.category][0] += 1
                flagged.append(f"{topic.category}/{topic.id}#{i}")
    total = [sum(v[0] for v in per_cat.values()), sum(v[1] for v in per_cat.values())]
    for cat, (n, d) in sorted(per_cat.items()):
        print(f"{cat:20} {n:4}/{d:4} {n / d:6.1%}")
    print(f"{'TOTAL':20} {total[0]:4}/{total[1]:4} {total[0] / max(total[1], 1):6.1%}")
    print("answer positions:", dict(sorted(positions.items())))
    dups = {t: ids for t, ids in texts.items() if len(ids) > 1}
    print("repeated questions:", len(dups))
    for t, ids in dups.items():
        print("  ", sorted(ids), t[:80])
    if "-v" in sys.argv:
        print("\n".join(flagged))


if __name__ == "__main__":
    main([a for a in sys.argv[1:] if not a.startswith("-")])
