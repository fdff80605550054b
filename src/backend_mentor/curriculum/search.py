"""Finding a topic from the words a learner types: ``mentor jwt``, ``mentor "why is my query slow"``.

1. Question words and filler ("what is", "how do I", "best practices", "why is my") are set aside;
   the remaining words carry the meaning. Only if nothing is left are the filler words searched.
2. A word the curriculum uses anywhere (names, summaries, lesson text) is taken as typed; only an
   unknown word is corrected, against the names of the topics (ids, titles, aliases).
3. An exact match of the query (or of its meaning words) with a topic's id, title or alias wins
   outright, unless several topics share that name.
4. Otherwise each topic is scored per meaning word, weighted by how rare the word is in the
   curriculum (so "database" in "race condition in a database" counts for little):
   a word in the topic's names counts most, a name the query contains whole counts more again,
   then the summary, then the lesson text (SQLite FTS5 bm25 over the body, Porter-stemmed);
   two meaning words that stand together in the query and in a topic (a phrase: "race condition",
   "slow query") add to it.
5. The top result is a clear match when it is well ahead of the next; otherwise the caller shows a
   short numbered list.
"""

from __future__ import annotations

import functools
import math
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .catalog import Catalog
    from .models import Topic

WORD = re.compile(r"[a-z0-9#]+")
VOWELS = re.compile(r"[aeiouy]")
# Words that say how a learner asks, not what about. Never names of technologies ("go", "get",
# "rest", "express", "spring" stay meaning words).
_FILLER_WORDS = """
    a an the and or of in on at to for from with without into by about as vs versus between
    what whats how why when where which who whom whose is are was were be been being am
    do does did doing done can could should would will shall may might must
    i me my mine we us our you your it its this that these those there their they them
    explain explained explanation teach tell show learn learning understand understanding know
    need want wanted trying try help please
    work works working happen happens happening mean means meaning
    best practice practices good better tip tips guide tutorial intro introduction overview
    difference differences different compare comparison example examples way ways
    beginner beginners basic basics fundamentals simple simply really actually just some any all
    so very too much many more most use using used
"""
FILLER = frozenset(_FILLER_WORDS.split())
NAME_WEIGHT = 3.0  # a meaning word in the topic's id, title or aliases
WHOLE_NAME_WEIGHT = 3.0  # the query contains one of the topic's names whole (scaled by coverage)
SUMMARY_WEIGHT = 1.2
BODY_WEIGHT = 1.0  # at most, for the lesson that uses the word most (bm25, normalised per word)
PHRASE_WEIGHT = 1.5  # two adjacent meaning words found together
CLEAR_LEAD = 1.35  # the best result must score this many times the second to be "clear"
CLEAR_COVERAGE = 0.7  # ... and mention words carrying this share of the query's meaning
CLEAR_NAMED = 0.5  # ... and be about the question: its names or summary carry this share of it


@dataclass
class Hit:
    id: str
    title: str
    score: float
    exact: bool = False
    coverage: float = 1.0  # share of the query's meaning (weighted by rarity) the topic mentions at all
    named: float = 1.0  # ... the share its names (id, title, aliases) or summary carry: what it is about


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    corrected: dict[str, str]
    ambiguous: bool = False  # the query is a name that several topics share

    @property
    def best(self) -> Hit | None:
        """The clear single answer, if there is one."""
        if not self.hits:
            return None
        top = self.hits[0]
        if top.exact or len(self.hits) == 1:
            return top
        if self.ambiguous:
            return None
        if top.coverage < CLEAR_COVERAGE:
            return None  # it misses a word that matters: "normalization and design patterns"
        if top.named < CLEAR_NAMED:
            return None  # only its lesson mentions the question's words: not what it is about ("send emails")
        second = self.hits[1]
        return top if top.score >= CLEAR_LEAD * second.score else None


def normalise(text: str) -> str:
    return " ".join(WORD.findall(text.lower().replace("+", " plus ")))


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English stemmer for names: caches/caching/cache, queries/query, logs/logging/log,
    pagination/paginate/paginating, normalization/normalize, documentation/document,
    deployment/deploy.

    Acronyms without a vowel (https, dns, tls) and words with digits are left alone; both sides
    of a comparison go through the same function, so only consistency matters.
    """
    if len(word) <= 3 or not word.isalpha() or not VOWELS.search(word[:-1]):
        return word
    ate = word.endswith(("ate", "ates", "ated", "ating", "ation", "ations"))  # not formatted/formatting
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ing") and len(word) > 5:
        word = _undouble(word[:-3])
    elif word.endswith("ed") and len(word) > 4:
        word = _undouble(word[:-2])
    elif word.endswith("es") and (word[-3] in "sxz" or word[-4:-2] in ("ch", "sh")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ization") and len(word) > 9:  # normalization/normalize, serialization/serialize
        word = word[:-5]
    elif word.endswith("ation") and len(word) > 7:  # pagination/paginate, migration/migrate
        word = word[:-3]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    # Verb and noun meet: validate/validation -> valid, documentation/document, configuration/configure
    # (short ones stay whole: create, state, update, relation).
    if ate and word.endswith("at") and len(word) >= 6:
        word = word[:-2]
    # deployment/deploy, management/manage, requirements/require; statement, document, payment stay.
    if word.endswith("ment") and len(word) >= 10:
        word = word[:-4]
        if word.endswith("e"):
            word = word[:-1]
    return word


def _undouble(word: str) -> str:
    return word[:-1] if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "aeiouls" else word


# --- the curriculum's names, compiled into the catalog's SQLite file ---------------------------


class _Names:
    """The names of the topics (ids, titles, aliases) and their summaries as stems, in SQLite tables
    written with the catalog (``write_names``), so a search reads only the rows of the words it has."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self._vocabulary: list[str] | None = None

    def owners(self, name: str) -> dict[str, int]:
        """Topic id -> 0 (its id or title) or 1 (an alias) for a normalised name."""
        import json

        row = self.db.execute("SELECT owners FROM name_exact WHERE name = ?", (name,)).fetchone()
        return json.loads(row[0]) if row else {}

    def knows(self, word: str) -> bool:
        return self.db.execute("SELECT 1 FROM vocabulary WHERE word = ?", (word,)).fetchone() is not None

    def vocabulary(self) -> list[str]:
        if self._vocabulary is None:
            self._vocabulary = [row[0] for row in self.db.execute("SELECT word FROM vocabulary")]
        return self._vocabulary

    def _stem_rows(self, table: str, stems: set[str]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        if not stems:
            return found
        marks = ",".join("?" * len(stems))
        for stem_, tid in self.db.execute(f"SELECT stem, tid FROM {table} WHERE stem IN ({marks})", sorted(stems)):
            found.setdefault(tid, set()).add(stem_)
        return found

    def in_names(self, stems: set[str]) -> dict[str, set[str]]:
        """Topic id -> which of ``stems`` are in its names (filler aside)."""
        return self._stem_rows("name_stem", stems)

    def in_summaries(self, stems: set[str]) -> dict[str, set[str]]:
        return self._stem_rows("summary_stem", stems)

    def names_within(self, typed: set[str]) -> dict[str, list[frozenset[str]]]:
        """Topic id -> each of its names whose every word is among ``typed`` (stems)."""
        if not typed:
            return {}
        marks = ",".join("?" * len(typed))
        rows = self.db.execute(
            f"SELECT tid, stems FROM name_set WHERE id IN (SELECT set_id FROM name_set_stem WHERE stem IN ({marks}))"
            " ORDER BY id",
            sorted(typed),
        )
        found: dict[str, list[frozenset[str]]] = {}
        for tid, stems in rows:
            name = frozenset(stems.split(" "))
            if name <= typed:
                found.setdefault(tid, []).append(name)
        return found


def _names(catalog: Catalog) -> _Names:
    return _Names(catalog.search_db())


def write_names(db: sqlite3.Connection, topics: Iterable[Topic]) -> None:
    """The names index of ``_Names``: written once, when the catalog is compiled."""
    import json

    exact: dict[str, dict[str, int]] = {}
    vocabulary: set[str] = set()
    name_sets: list[tuple[str, frozenset[str]]] = []
    name_stems: list[tuple[str, str]] = []
    summary_stems: list[tuple[str, str]] = []
    filler = {stem(w) for w in FILLER}
    for topic in topics:
        plain_title = re.sub(r"\s*\(.*?\)", "", topic.title)
        entries = [(topic.id.replace("-", " "), 0), (topic.title, 0), (plain_title, 0)]
        entries += [(alias, 1) for alias in topic.aliases]
        sets = []
        for name, strength in entries:
            normal = normalise(name)
            owners = exact.setdefault(normal, {})
            owners[topic.id] = min(strength, owners.get(topic.id, strength))
            words = normal.split()
            vocabulary.update(words)
            sets.append(frozenset(stem(w) for w in words))
        # a parenthesised part of a title ("Normalization (1NF to BCNF)") is a name of its own
        for inner in re.findall(r"\((.*?)\)", topic.title):
            sets.append(frozenset(stem(w) for w in normalise(inner).split()))
        sets = [s for s in sets if s]
        name_sets += [(topic.id, s) for s in sets]
        name_stems += [(st, topic.id) for st in sorted({st for s in sets for st in s} - filler)]
        summary_stems += [(st, topic.id) for st in sorted({stem(w) for w in normalise(topic.summary).split()})]
    db.executescript(
        """
        CREATE TABLE name_exact (name TEXT PRIMARY KEY, owners TEXT NOT NULL);
        CREATE TABLE name_set (id INTEGER PRIMARY KEY, tid TEXT NOT NULL, stems TEXT NOT NULL);
        CREATE TABLE name_set_stem (stem TEXT NOT NULL, set_id INTEGER NOT NULL);
        CREATE TABLE name_stem (stem TEXT NOT NULL, tid TEXT NOT NULL);
        CREATE TABLE summary_stem (stem TEXT NOT NULL, tid TEXT NOT NULL);
        CREATE TABLE vocabulary (word TEXT PRIMARY KEY);
        """
    )
    db.executemany("INSERT INTO name_exact VALUES (?, ?)", [(n, json.dumps(o)) for n, o in exact.items()])
    for number, (tid, name_set) in enumerate(name_sets, 1):
        db.execute("INSERT INTO name_set VALUES (?, ?, ?)", (number, tid, " ".join(sorted(name_set))))
        db.executemany("INSERT INTO name_set_stem VALUES (?, ?)", [(st, number) for st in name_set])
    db.executemany("INSERT INTO name_stem VALUES (?, ?)", name_stems)
    db.executemany("INSERT INTO summary_stem VALUES (?, ?)", summary_stems)
    db.executemany("INSERT INTO vocabulary VALUES (?)", [(w,) for w in sorted(vocabulary)])
    db.executescript(
        """
        CREATE INDEX name_set_stem_by_stem ON name_set_stem (stem);
        CREATE INDEX name_stem_by_stem ON name_stem (stem);
        CREATE INDEX summary_stem_by_stem ON summary_stem (stem);
        """
    )


# --- the lesson text: FTS5 when SQLite has it, plain Python otherwise --------------------------


class _Text:
    """Document frequency, per-word body scores and phrase presence over the whole curriculum."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.total = max(1, len(catalog.topics))
        self.db: sqlite3.Connection | None = None
        try:
            db = catalog.search_db()
            db.execute("SELECT 1 FROM topic_fts WHERE topic_fts MATCH 'x' LIMIT 1").fetchall()
            self.db = db
        except sqlite3.Error:
            self._tokens = {
                t.id: WORD.findall(
                    f"{t.id} {t.title} {' '.join(t.aliases)} {t.summary} {t.lesson} "
                    f"{' '.join(t.key_points)} {' '.join(t.pitfalls)}".lower().replace("-", " ")
                )
                for t in catalog.topics.values()
            }

    def _match(self, expression: str, weights: str = "1, 1, 1, 1, 1") -> dict[str, float]:
        assert self.db is not None
        rows = self.db.execute(
            f"SELECT id, -bm25(topic_fts, {weights}) FROM topic_fts WHERE topic_fts MATCH ?", (expression,)
        ).fetchall()
        return {row[0]: float(row[1]) for row in rows if row[0] in self.catalog.topics}

    def known(self, word: str) -> bool:
        return self.df(word) > 0

    def df(self, word: str) -> int:
        if self.db is None:
            return sum(1 for tokens in self._tokens.values() if any(stem(t) == stem(word) for t in tokens))
        return len(self._match(f'"{word}"'))

    def idf(self, word: str) -> float:
        df = self.df(word)
        return math.log(1 + (self.total - df + 0.5) / (df + 0.5))

    def body(self, word: str) -> dict[str, float]:
        """Topic id -> how strongly its lesson uses the word, from 0 to 1."""
        if self.db is None:
            target = stem(word)
            scores = {
                tid: sum(1 for t in tokens if stem(t) == target) / len(tokens) ** 0.5
                for tid, tokens in self._tokens.items()
                if tokens
            }
        else:
            scores = self._match(f'body : "{word}"', "0, 0, 0, 0, 1")
        scores = {tid: s for tid, s in scores.items() if s > 0}
        top = max(scores.values(), default=0.0)
        return {tid: s / top for tid, s in scores.items()} if top else {}

    def phrase(self, first: str, second: str) -> set[str]:
        """Topics where the two words stand together, in either order."""
        if self.db is None:
            pair, swapped = (stem(first), stem(second)), (stem(second), stem(first))
            found = set()
            for tid, tokens in self._tokens.items():
                stems = [stem(t) for t in tokens]
                if any(p in (pair, swapped) for p in zip(stems, stems[1:])):
                    found.add(tid)
            return found
        return set(self._match(f'"{first} {second}" OR "{second} {first}"'))


# --- the search --------------------------------------------------------------------------------


def meaning_words(normal: str) -> list[str]:
    """The words of a normalised query that carry its meaning (all of them if all are filler)."""
    words = normal.split()
    return [w for w in words if w not in FILLER] or words


def _correct(words: list[str], names: _Names, text: _Text) -> tuple[list[str], dict[str, str]]:
    """Only words the curriculum never uses are corrected, towards the words of topic names."""
    fixed, corrected = [], {}
    for word in words:
        if len(word) < 4 or not word.isalpha() or names.knows(word) or text.known(word):
            fixed.append(word)
            continue
        import difflib

        # A typo changes a letter or two, not a short word's shape, and rarely its first letter:
        # "kuberntes" is kubernetes, but "lake" is not "fake" or "leaked".
        short = len(word) <= 5
        close = [
            c
            for c in difflib.get_close_matches(word, names.vocabulary(), n=5, cutoff=0.75)
            if typo_distance(word, c) <= (1 if short else 2) and (c[0] == word[0] or not short)
        ]
        if close:
            corrected[word] = close[0]
            fixed.append(close[0])
        else:
            fixed.append(word)
    return fixed, corrected


def typo_distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from one word to the other."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def search(catalog: Catalog, query: str, limit: int = 8) -> SearchResult:
    normal = normalise(query)
    if not normal:
        return SearchResult(query, [], {})
    names = _names(catalog)
    text = _Text(catalog)
    words, corrected = _correct(meaning_words(normal), names, text)
    owners: dict[str, int] = {}
    for candidate in (normal, " ".join(meaning_words(normal)), " ".join(words)):
        owners = names.owners(candidate)
        if owners:
            break
    exact, shared = _exact_owner(owners)
    hits = _ranked(catalog, names, text, words, {stem(w) for w in normal.split()} | {stem(w) for w in words}, limit)
    if exact is not None:
        topic = catalog.topics[exact]
        score = hits[0].score if hits else 1.0
        hits = [Hit(topic.id, topic.title, score, exact=True)] + [h for h in hits if h.id != exact]
    elif shared:
        # a name several topics claim: a close call, with those topics first in score order
        scores = {h.id: h.score for h in hits}
        first = sorted(shared, key=lambda tid: -scores.get(tid, 0.0))
        hits = [Hit(t, catalog.topics[t].title, scores.get(t, 0.0)) for t in first] + [
            h for h in hits if h.id not in shared
        ]
        return SearchResult(query, hits[:limit], corrected, ambiguous=True)
    return SearchResult(query, hits[:limit], corrected)


def _exact_owner(owners: dict[str, int]) -> tuple[str | None, list[str]]:
    """The single strongest owner of a name, or None and every owner when it is shared."""
    if not owners:
        return None, []
    strongest = min(owners.values())
    top = [tid for tid, strength in owners.items() if strength == strongest]
    return (top[0], top) if len(top) == 1 else (None, top)


def _ranked(catalog: Catalog, names: _Names, text: _Text, words: list[str], typed: set[str], limit: int) -> list[Hit]:
    """Topics scored for the meaning ``words``; ``typed`` holds the stems of every word typed."""
    terms = [w for w in dict.fromkeys(words) if w != "plus" or len(words) == 1]
    if not terms:
        return []
    idf = {w: text.idf(w) for w in terms}
    stems = {w: stem(w) for w in terms}
    total_idf = sum(idf.values()) or 1.0
    scores: dict[str, float] = {}
    matched: dict[str, set[str]] = {}
    named: dict[str, set[str]] = {}

    def add(tid: str, value: float, *found: str) -> None:
        if value > 0:
            scores[tid] = scores.get(tid, 0.0) + value
            matched.setdefault(tid, set()).update(found)

    in_names, in_summaries = names.in_names(set(stems.values())), names.in_summaries(set(stems.values()))
    within = names.names_within(typed)  # names the query contains whole, filler and all
    nothing: set[str] = set()
    for tid in catalog.topics:
        own = in_names.get(tid, nothing)
        in_name = [w for w in terms if stems[w] in own]
        add(tid, NAME_WEIGHT * sum(idf[w] for w in in_name), *in_name)
        named[tid] = set(in_name)
        whole = 0.0
        for name in within.get(tid, ()):
            covered = sum(idf[w] for w in terms if stems[w] in name)
            whole = max(whole, covered * covered / total_idf)
        add(tid, WHOLE_NAME_WEIGHT * whole)
        summary = in_summaries.get(tid, nothing)
        in_summary = [w for w in terms if stems[w] in summary]
        add(tid, SUMMARY_WEIGHT * sum(idf[w] for w in in_summary), *in_summary)
        named[tid].update(in_summary)
    for word in terms:
        for tid, strength in text.body(word).items():
            add(tid, BODY_WEIGHT * idf[word] * strength, word)
    meaning = [w for w in words if w != "plus"]
    for first, second in zip(meaning, meaning[1:]):
        if first != second:
            for tid in text.phrase(first, second):
                add(tid, PHRASE_WEIGHT * (idf.get(first, 0.0) + idf.get(second, 0.0)), first, second)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [
        Hit(
            tid,
            catalog.topics[tid].title,
            round(score, 4),
            coverage=round(sum(idf.get(w, 0.0) for w in matched.get(tid, ())) / total_idf, 3),
            named=round(sum(idf.get(w, 0.0) for w in named.get(tid, ())) / total_idf, 3),
        )
        for tid, score in ranked
    ]


def suggestions(catalog: Catalog, query: str, n: int = 3) -> list[str]:
    """Ids close to a query that matched nothing."""
    names = {t.id: t.id for t in catalog.topics.values()}
    names.update({normalise(t.title): t.id for t in catalog.topics.values()})
    import difflib

    close = difflib.get_close_matches(normalise(query).replace(" ", "-"), list(names), n=n, cutoff=0.5)
    close += difflib.get_close_matches(normalise(query), list(names), n=n, cutoff=0.5)
    return list(dict.fromkeys(names[c] for c in close))[:n]
