"""Lessons are compiled to blocks once (curriculum.markup) and shown without a Markdown parser."""

from __future__ import annotations

import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from backend_mentor.curriculum.catalog import load_catalog
from backend_mentor.curriculum.markup import parse, plain
from backend_mentor.output import Output
from backend_mentor.render import show_markdown


def rendered(blocks: list, width: int = 80) -> str:
    out = Output()
    out._out = out.console.__class__(file=io.StringIO(), width=width, no_color=True, force_terminal=False)
    show_markdown(out, blocks)
    return out._out.file.getvalue()  # type: ignore[attr-defined]


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", text)


def source_words(markdown: str) -> list[str]:
    """Every word markdown-it itself finds in the text (inline content, code, table cells)."""
    from markdown_it import MarkdownIt

    found: list[str] = []
    for token in MarkdownIt("commonmark").enable("strikethrough").enable("table").parse(markdown):
        if token.type in ("fence", "code_block", "html_block"):
            found += words(token.content)
        for child in token.children or []:
            found += words(child.content)
            if child.type == "link_open":
                found += words(str(child.attrs.get("href") or ""))
    return found


def test_every_shipped_lesson_keeps_every_word_in_order_when_shown():
    catalog = load_catalog()
    texts = [(f"topic:{t.id}", t.lesson) for t in catalog.topics.values()]
    texts += [(f"checkpoint:{c.id}", c.instructions) for c in catalog.checkpoints.values()]
    for key, markdown in texts:
        blocks = catalog.markup(key, markdown)
        assert blocks == parse(markdown), key  # the cache holds exactly what the parser gives
        shown = iter("".join(words(rendered(blocks, width=2000))))  # wide: no table cell wraps
        expected = "".join(source_words(markdown))
        # every letter and digit appears, in order (tables and lists included); markers may be added
        assert all(char in shown for char in expected), key


def test_pack_markdown_beyond_the_shipped_subset_is_shown_whole():
    markdown = (
        "# Title\n\nSee [the RFC](https://www.rfc-editor.org/rfc/rfc9110) and ~~old~~ text.\n\n"
        "> quoted *advice*\n\n- one\n  - nested two\n- three\n\n3. third\n4. fourth\n\n---\n\n"
        "<div>raw html</div>\n\n![diagram](img.png)\n\n    indented code\n"
    )
    text = rendered(parse(markdown))
    for piece in (
        "Title",
        "the RFC (https://www.rfc-editor.org/rfc/rfc9110)",
        "old",
        "quoted advice",
        "nested two",
        "3. third",
        "4. fourth",
        "<div>raw html</div>",
        "diagram",
        "indented code",
    ):
        assert piece in text, piece


def test_list_items_wrap_under_their_text_and_code_is_never_wrapped():
    long_item = "word " * 30
    code = "x = " + "1 + " * 40 + "1"
    text = rendered(parse(f"- {long_item}\n\n```python\n{code}\n```\n"), width=50)
    lines = text.splitlines()
    assert lines[0].startswith(" • word")
    assert all(line.startswith("   word") for line in lines[1:] if line.strip().startswith("word"))
    assert code in lines  # one whole line, however wide


def test_inline_runs_keep_their_markup_flags():
    (paragraph,) = parse("Use `SELECT` with **care** and *thought*.")
    assert paragraph[0] == "paragraph"
    assert ["SELECT", "c"] in paragraph[1] and ["care", "b"] in paragraph[1] and ["thought", "i"] in paragraph[1]
    assert plain(paragraph[1]) == "Use SELECT with care and thought."


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab #*_-`>|[]()!~\n1.:\t<")), max_size=200))
def test_any_markdown_renders_without_error(markdown):
    rendered(parse(markdown), width=40)


def test_a_table_wider_than_the_terminal_wraps_its_cells_within_their_columns():
    from rich.cells import cell_len

    wide = "| Approach | How it works | Trade-off |\n|---|---|---|\n" + "".join(
        f"| name{i} | {'counts requests per client per calendar minute ' * 2}| {'simple but bursty at the edges ' * 2}|\n"
        for i in range(3)
    )
    for width in (50, 80):
        text = rendered(parse(wide), width=width)
        lines = text.splitlines()
        assert max(cell_len(line) for line in lines) <= width, width
        assert lines[0].split() == ["Approach", "How", "it", "works", "Trade-off"] and set(lines[1]) == {"─"}
        assert "name0" in lines[2] and "name2" in text  # every row, the first one right under the rule
        assert sorted(words(text)) == sorted(source_words(wide))  # every word of every cell, none lost
    narrow = rendered(parse("| a | b |\n|---|---|\n| " + "x" * 120 + " | y |\n"), width=40)
    assert max(cell_len(line) for line in narrow.splitlines()) <= 40 and narrow.count("x") == 120  # a long word folds


def test_a_table_that_fits_keeps_its_columns_on_one_line_each():
    text = rendered(parse("| Claim | Meaning |\n|:--|--:|\n| iss | issuer |\n| sub | subject |\n"), width=80)
    assert text.splitlines()[2].split() == ["iss", "issuer"] and len(text.splitlines()) == 4


def test_short_columns_stay_whole_while_a_long_column_wraps():
    table = (
        "| Layer | Job | Examples |\n|---|---|---|\n"
        "| Link | Move frames across one physical hop, then hand them to the next one along the way | Ethernet, Wi-Fi |\n"
        "| Transport | Give each program a port; TCP adds ordering and retransmission of what was lost | TCP, UDP, QUIC |\n"
    )
    text = rendered(parse(table), width=60)
    assert "Ethernet, Wi-Fi" in text and "TCP, UDP, QUIC" in text  # never split across lines
    assert max(len(line) for line in text.splitlines()) <= 60
