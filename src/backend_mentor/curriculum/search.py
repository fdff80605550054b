"""Finding a topic from loose words: ``mentor jwt``, ``mentor "n+1"``, ``mentor autentication``.

1. An exact match of the normalised query with a topic's id, title or an alias wins outright.
2. Otherwise the query's words, with misspellings corrected against the curriculum's own
   vocabulary (ids, titles, aliases), are ranked with SQLite FTS5's bm25 over id, title, aliases,
   summary and lesson text, the short fields weighted higher.
3. A single result, or a top result well ahead of the next, is a clear match; otherwise the
   caller shows a short ranked list.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
from dataclasses import dataclass

from .catalog import Catalog

WORD = re.compile(r"[a-z0-9#]+")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "about",
        "do",
        "does",
        "explain",
        "for",
        "how",
        "i",
        "in",
        "is",
        "it",
        "me",
        "of",
        "on",
        "or",
        "the",
        "to",
        "teach",
        "tell",
        "vs",
        "versus",
        "what",
        "when",
        "which",
        "why",
        "with",
    ]
)
WEIGHTS = (10.0, 8.0, 8.0, 3.0, 1.0)  # id, title, aliases, summary, body
CLEAR_LEAD = 1.6  # the best result must score this many times the second to be "clear"


@dataclass
class Hit:
    id: str
    title: str
    score: float
    exact: bool = False


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
        second = self.hits[1]
        return top if top.score >= CLEAR_LEAD * second.score else None


def normalise(text: str) -> str:
    return " ".join(WORD.findall(text.lower().replace("+", " plus ")))


def _exact_index(catalog: Catalog) -> dict[str, dict[str, int]]:
    """Normalised name -> {topic id: strength}; 0 for an id or title, 1 for an alias."""
    index: dict[str, dict[str, int]] = {}
    for topic in catalog.topics.values():
        names = [(topic.id.replace("-", " "), 0), (topic.title, 0), (re.sub(r"\s*\(.*?\)", "", topic.title), 0)]
        names += [(alias, 1) for alias in topic.aliases]
        for name, strength in names:
            owners = index.setdefault(normalise(name), {})
            owners[topic.id] = min(strength, owners.get(topic.id, strength))
    return index


def _exact_owner(owners: dict[str, int]) -> tuple[str | None, list[str]]:
    """The single strongest owner of a name, or None and every owner when it is shared."""
    if not owners:
        return None, []
    strongest = min(owners.values())
    top = [tid for tid, strength in owners.items() if strength == strongest]
    return (top[0], top) if len(top) == 1 else (None, top)


def _vocabulary(catalog: Catalog) -> set[str]:
    words: set[str] = set()
    for topic in catalog.topics.values():
        words.update(WORD.findall(f"{topic.id.replace('-', ' ')} {topic.title} {' '.join(topic.aliases)}".lower()))
    return words


def _correct(words: list[str], vocabulary: set[str]) -> tuple[list[str], dict[str, str]]:
    fixed, corrected = [], {}
    for word in words:
        if word in vocabulary or len(word) < 4 or word.isdigit():
            fixed.append(word)
            continue
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
        if close:
            corrected[word] = close[0]
            fixed.append(close[0])
        else:
            fixed.append(word)
    return fixed, corrected


def search(catalog: Catalog, query: str, limit: int = 8) -> SearchResult:
    normal = normalise(query)
    if not normal:
        return SearchResult(query, [], {})
    index = _exact_index(catalog)
    owners = index.get(normal, {})
    words = [w for w in normal.split() if w not in STOPWORDS] or normal.split()
    words, corrected = _correct(words, _vocabulary(catalog))
    if not owners and corrected:
        owners = index.get(" ".join(words), {})
    exact, shared = _exact_owner(owners)
    hits = _ranked(catalog, words, limit)
    if exact is not None:
        topic = catalog.topics[exact]
        hits = [Hit(topic.id, topic.title, hits[0].score if hits else 1.0, exact=True)] + [h for h in hits if h.id != exact]
    elif shared:
        # a name several topics claim: a close call, with those topics first in bm25 order
        scores = {h.id: h.score for h in hits}
        first = sorted(shared, key=lambda tid: -scores.get(tid, 0.0))
        hits = [Hit(t, catalog.topics[t].title, scores.get(t, 0.0)) for t in first] + [h for h in hits if h.id not in shared]
        return SearchResult(query, hits[:limit], corrected, ambiguous=True)
    return SearchResult(query, hits[:limit], corrected)


def _fts_query(words: list[str]) -> str:
    terms = []
    for word in dict.fromkeys(words):
        if word == "plus":
            continue
        terms.append(f'"{word}"*' if len(word) >= 3 else f'"{word}"')
    return " OR ".join(terms)


def _ranked(catalog: Catalog, words: list[str], limit: int) -> list[Hit]:
    match = _fts_query(words)
    if not match:
        return []
    db = catalog.search_db()
    try:
        rows = db.execute(
            f"SELECT id, title, -bm25(topic_fts, {', '.join(map(str, WEIGHTS))}) AS score FROM topic_fts "
            "WHERE topic_fts MATCH ? ORDER BY score DESC LIMIT ?",
            (match, limit),
        ).fetchall()
    except sqlite3.OperationalError:
        return _ranked_without_fts(catalog, words, limit)
    return [Hit(row[0], row[1], float(row[2])) for row in rows if row[0] in catalog.topics]


def _ranked_without_fts(catalog: Catalog, words: list[str], limit: int) -> list[Hit]:
    """For SQLite builds without FTS5: weighted term frequency over the same fields."""
    scored = []
    for topic in catalog.topics.values():
        fields = (topic.id, topic.title, " ".join(topic.aliases), topic.summary, topic.lesson)
        score = 0.0
        for weight, text in zip(WEIGHTS, fields):
            tokens = WORD.findall(text.lower())
            if tokens:
                score += weight * sum(tokens.count(w) for w in words) / len(tokens) ** 0.5
        if score > 0:
            scored.append(Hit(topic.id, topic.title, score))
    return sorted(scored, key=lambda h: -h.score)[:limit]


def suggestions(catalog: Catalog, query: str, n: int = 3) -> list[str]:
    """Ids close to a query that matched nothing."""
    names = {t.id: t.id for t in catalog.topics.values()}
    names.update({normalise(t.title): t.id for t in catalog.topics.values()})
    close = difflib.get_close_matches(normalise(query).replace(" ", "-"), list(names), n=n, cutoff=0.5)
    close += difflib.get_close_matches(normalise(query), list(names), n=n, cutoff=0.5)
    return list(dict.fromkeys(names[c] for c in close))[:n]
