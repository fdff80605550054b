"""Scale benchmark: load, validate and search synthetic curricula; export a long history.

Run: python3 benchmarks/scale.py [--sizes 1000 2000 5000 10000] [--events 100000]
Prints seconds per stage and per 1,000 topics, so linear growth shows as a flat last column.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import tempfile
import time
from pathlib import Path

TOPIC = """id: {id}
title: Topic number {n} about {word}
aliases: [{word} {n}, t{n}]
category: internet
level: beginner
hours: 2
prerequisites: [{prereq}]
related: []
languages: [any]
summary: Synthetic topic {n} for the scale benchmark, about {word}.
lesson: |
  {lesson}
key_points: [one, two, three]
pitfalls: [first, second]
exercise: {{title: Do it, steps: [a, b, c], done_when: [done]}}
quiz:
  - {{q: Q1, choices: [a, b], answer: 0, why: w}}
  - {{q: Q2, choices: [a, b], answer: 1, why: w}}
  - {{q: Q3, choices: [a, b], answer: 0, why: w}}
resources:
  - {{title: RFC 9110, url: 'https://www.rfc-editor.org/rfc/rfc9110', kind: spec}}
  - {{title: MDN, url: 'https://developer.mozilla.org/', kind: docs}}
"""
WORDS = ["http", "cache", "index", "queue", "token", "schema", "shard", "replica", "socket", "proxy"]


def make_curriculum(root: Path, size: int) -> None:
    rng = random.Random(size)
    (root / "topics" / "internet").mkdir(parents=True)
    (root / "categories.yaml").write_text("categories:\n  - {id: internet, title: Internet}\n")
    filler = " ".join(rng.choice(WORDS) for _ in range(300))
    for n in range(size):
        prereq = f"t-{rng.randrange(n)}" if n else ""
        text = TOPIC.format(id=f"t-{n}", n=n, word=WORDS[n % len(WORDS)], prereq=prereq, lesson=filler)
        (root / "topics" / "internet" / f"t-{n}.yaml").write_text(text)


def timed(label: str, size: int, func):
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    print(f"  {label:<24} {elapsed:8.3f} s   {1000 * elapsed / size:8.4f} s per 1,000")
    return result


def bench_curriculum(size: int) -> None:
    from backend_mentor.curriculum.catalog import catalog_from_sources
    from backend_mentor.curriculum.loader import load_sources
    from backend_mentor.curriculum.search import search
    from backend_mentor.curriculum.sources import Source

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "cur"
        make_curriculum(root, size)
        os.environ["BACKEND_MENTOR_CACHE_DIR"] = str(Path(tmp) / "cache")
        print(f"{size} topics")
        sources = [Source(root, shipped=True)]
        loaded = timed("parse + validate", size, lambda: load_sources(sources))
        assert not loaded.problems, loaded.problems[:3]
        timed("compile + write cache", size, lambda: catalog_from_sources(sources))
        catalog = timed("load from cache", size, lambda: catalog_from_sources(sources))
        assert catalog.from_cache
        timed(
            "search x10",
            size,
            lambda: [
                search(catalog, q)
                for q in (
                    "cache index",
                    "tokn",
                    "topic number 42",
                    "socket proxy",
                    "t7",
                    "http",
                    "replica shard",
                    "queue",
                    "schema",
                    "number 999",
                )
            ],
        )


def bench_export(events: int) -> None:
    from backend_mentor.progress.store import Store
    from backend_mentor.progress.transfer import export_json

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "p.db")
        with store.transaction() as db:
            db.executemany(
                "INSERT INTO events (at, kind, subject, data) VALUES (?, 'topic.done', ?, '{}')",
                [(f"2026-01-{1 + i % 28:02d}T10:00:00+00:00", f"t-{i}") for i in range(events)],
            )
        print(f"{events} events")
        sink = io.StringIO()
        timed("export json (streamed)", events, lambda: export_json(store, sink))
        print(f"  {len(sink.getvalue()) / 1e6:.1f} MB written")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 2000, 5000, 10000])
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    for size in args.sizes:
        bench_curriculum(size)
    bench_export(args.events)


if __name__ == "__main__":
    main()
