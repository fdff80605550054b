"""Lesson Markdown compiled once into plain blocks, so showing a lesson never loads a Markdown parser.

``parse`` runs when the catalog is compiled (markdown-it-py, the parser Rich itself uses, with the
same CommonMark + tables + strikethrough rules); the result is JSON and is stored in the catalog
cache beside the topic. ``render.markdown_view`` turns the blocks into Rich renderables.

Blocks (JSON lists, first item the kind):
    ["heading", level, inline]        ["paragraph", inline]        ["rule"]
    ["code", language, text]          ["quote", blocks]            ["html", text]
    ["list", ordered, start, tight, [blocks, ...]]
    ["table", header, rows, aligns]   header: [inline, ...], rows: [[inline, ...], ...]
Inline text is a list of [text, flags] runs; flags holds ``b`` (strong), ``i`` (emphasis),
``c`` (code), ``s`` (strikethrough) and ``u`` (link text); a link's target follows as a run
flagged ``h``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Block = list[Any]
Inline = list[list[str]]

_FLAGS = {"strong": "b", "em": "i", "s": "s", "link": "u"}
MARKUP_FORMAT = 1  # bump when the blocks change shape: every cached compilation is then redone
KEEP_CACHED = 5_000  # compilations kept in markup.sqlite; past that, only those of the last compile stay


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("strikethrough").enable("table")


def parse(text: str) -> list[Block]:
    """Markdown text as blocks (see the module docstring)."""
    tokens = _parser().parse(text or "")
    blocks, _ = _blocks(tokens, 0, None)
    return blocks


def _text_key(text: str, parser_version: str) -> str:
    return hashlib.sha256(f"{MARKUP_FORMAT}|{parser_version}|{text}".encode("utf-8", "surrogatepass")).hexdigest()


def compile_all(texts: Iterable[str], cache_file: Path | None) -> dict[str, str]:
    """text -> its blocks as compact JSON, for every text; each text is parsed only if no earlier
    compile (of any set of sources) kept it in ``cache_file``. Parsing every lesson is most of a
    catalog compile, and adding a curriculum pack changes the set, not the shipped lessons. The
    cache is disposable: any problem with it means parsing everything."""
    from markdown_it import __version__ as parser_version

    wanted = {text: _text_key(text, parser_version) for text in dict.fromkeys(texts)}
    found: dict[str, str] = {}
    db = _open_cache(cache_file) if cache_file is not None else None
    if db is not None:
        try:
            keys = list(wanted.values())
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(db.execute(f"SELECT key, blocks FROM markup WHERE key IN ({marks})", chunk).fetchall())
        except sqlite3.Error:
            found = {}
    found = {key: blocks for key, blocks in found.items() if _is_blocks(blocks)}
    compiled = {text: found.get(key) or json.dumps(parse(text), separators=(",", ":")) for text, key in wanted.items()}
    if db is not None:
        try:
            with db:
                new = [(key, compiled[text]) for text, key in wanted.items() if key not in found]
                db.executemany("INSERT OR IGNORE INTO markup VALUES (?, ?)", new)
                (count,) = db.execute("SELECT count(*) FROM markup").fetchone()
                if count > KEEP_CACHED:
                    db.execute("CREATE TEMP TABLE keep (key TEXT PRIMARY KEY)")
                    db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", [(k,) for k in wanted.values()])
                    db.execute("DELETE FROM markup WHERE key NOT IN (SELECT key FROM keep)")
        except sqlite3.Error:
            pass
        finally:
            db.close()
    return compiled


def _is_blocks(value: Any) -> bool:
    """Whether a kept compilation has the shape ``Catalog.markup`` accepts (else it is parsed again)."""
    try:
        return isinstance(value, str) and isinstance(json.loads(value), list)
    except ValueError:
        return False


def _open_cache(cache_file: Path) -> sqlite3.Connection | None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(cache_file, timeout=5)
        db.execute("CREATE TABLE IF NOT EXISTS markup (key TEXT PRIMARY KEY, blocks TEXT NOT NULL)")
        return db
    except (OSError, sqlite3.Error):
        return None


def _blocks(tokens: list[Any], i: int, until: str | None) -> tuple[list[Block], int]:
    """Blocks from ``tokens[i:]`` up to the closing token ``until``; returns them and the index after it."""
    out: list[Block] = []
    while i < len(tokens):
        tok = tokens[i]
        kind = tok.type
        if until is not None and kind == until:
            return out, i + 1
        if kind == "heading_open":
            out.append(["heading", int(tok.tag[1:]), _inline(tokens[i + 1])])
            i += 3
        elif kind == "paragraph_open":
            out.append(["paragraph", _inline(tokens[i + 1])])
            i += 3
        elif kind in ("fence", "code_block"):
            language = (tok.info or "").strip().split(" ")[0] if kind == "fence" else ""
            out.append(["code", language, tok.content])
            i += 1
        elif kind == "hr":
            out.append(["rule"])
            i += 1
        elif kind == "html_block":
            out.append(["html", tok.content.rstrip("\n")])
            i += 1
        elif kind == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, "blockquote_close")
            out.append(["quote", inner])
        elif kind in ("bullet_list_open", "ordered_list_open"):
            block, i = _list(tokens, i)
            out.append(block)
        elif kind == "table_open":
            block, i = _table(tokens, i)
            out.append(block)
        else:  # a closing token of an outer level, or a kind this format does not know: skip it
            i += 1
    return out, i


def _list(tokens: list[Any], i: int) -> tuple[Block, int]:
    opening = tokens[i]
    ordered = opening.type == "ordered_list_open"
    close = "ordered_list_close" if ordered else "bullet_list_close"
    start = int(opening.attrs.get("start", 1) or 1) if ordered else 1
    items: list[list[Block]] = []
    tight = True
    i += 1
    while i < len(tokens) and tokens[i].type != close:
        if tokens[i].type == "list_item_open":
            tight = tight and all(t.hidden for t in tokens[i + 1 : i + 2] if t.type == "paragraph_open")
            item, i = _blocks(tokens, i + 1, "list_item_close")
            items.append(item)
        else:
            i += 1
    return ["list", ordered, start, tight, items], i + 1


def _table(tokens: list[Any], i: int) -> tuple[Block, int]:
    header: list[Inline] = []
    rows: list[list[Inline]] = []
    aligns: list[str | None] = []
    row: list[Inline] | None = None
    in_head = False
    i += 1
    while i < len(tokens) and tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close" and row is not None:
            if in_head:
                header = row
            else:
                rows.append(row)
        elif tok.type in ("th_open", "td_open") and row is not None:
            if in_head:
                style = str(tok.attrs.get("style") or "")
                aligns.append(style.removeprefix("text-align:") or None)
            row.append(_inline(tokens[i + 1]))
        i += 1
    return ["table", header, rows, aligns], i + 1


def _inline(token: Any) -> Inline:
    """The runs of an inline token: text with the flags of the markup around it."""
    runs: Inline = []
    flags: list[str] = []
    target: list[str] = []

    def add(text: str, extra: str = "") -> None:
        style = "".join(sorted(set("".join(flags) + extra)))
        if runs and runs[-1][1] == style:
            runs[-1][0] += text
        elif text:
            runs.append([text, style])

    for child in token.children or []:
        kind = child.type
        if kind == "text":
            add(child.content)
        elif kind == "code_inline":
            add(child.content, "c")
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("\n")
        elif kind == "image":
            add(child.content or str(child.attrs.get("src") or ""))
        elif kind == "html_inline":
            add(child.content)
        elif kind.endswith("_open") and kind[:-5] in _FLAGS:
            flags.append(_FLAGS[kind[:-5]])
            if kind == "link_open":
                target.append(str(child.attrs.get("href") or ""))
        elif kind.endswith("_close") and kind[:-6] in _FLAGS:
            if flags:
                flags.pop()
            if kind == "link_close" and target:
                href = target.pop()
                shown = runs[-1][0] if runs else ""
                if href and not shown.endswith(href):
                    runs.append([f" ({href})", "h"])
        else:
            add(child.content)
    return runs


def plain(inline: Inline) -> str:
    """The text of inline runs without their markup (for searching and tests)."""
    return "".join(text for text, _ in inline)
