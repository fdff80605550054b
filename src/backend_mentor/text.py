"""Terminal-safe text: nothing from outside (curriculum packs, servers, arguments, files) reaches the
terminal as a control sequence, and Rich markup inside such text can never crash a command.

- ``clean``: every control character except newline and tab becomes a visible one-column picture
  (ESC -> ␛, BEL -> ␇, C1 and bidirectional overrides -> �), so OSC 52 clipboard writes, window
  titles, clear-screen and cursor tricks are shown, never executed; widths stay the same.
- ``one_line``: ``clean`` and every run of whitespace (newlines too) made a single space.
- ``escape_markup``: ``clean`` plus Rich markup escaping, for text put inside a markup string.
- ``repair_markup``: escapes closing tags that close nothing (``[/bold]`` in a title), so a markup
  string with such text still renders instead of raising ``MarkupError``.
- ``json_safe``: escapes what ``json.dumps(ensure_ascii=False)`` leaves raw (DEL, C1, bidi).

``output.Output`` applies these to everything it prints; this module imports nothing heavy.
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_ALL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_TAG = re.compile(r"(\\*)\[([a-z#/@][^[]*?)]")  # Rich's own tag syntax (rich.markup.RE_TAGS)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures" block: ␛ ␇ ␍ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def clean(text: str) -> str:
    """``text`` with every control character but newline and tab made visible and harmless."""
    if not isinstance(text, str):
        text = str(text)
    return _CONTROL.sub(_picture, text)


MAX_LINE = 2000  # characters of one message line; the rest is cut with an ellipsis


def one_line(text: str, limit: int = MAX_LINE) -> str:
    """One clean line: control characters made visible, newlines and runs of spaces collapsed."""
    line = " ".join(
        _CONTROL_ALL.sub(lambda m: " " if m.group() in "\n\r\t\x0b\x0c" else _picture(m), str(text)).split()
    )
    return line if len(line) <= limit else line[: limit - 1] + "…"


def escape_markup(text: str) -> str:
    """Text to put inside a Rich markup string: shown literally, brackets and all."""
    from rich.markup import escape

    return escape(clean(text))


def repair_markup(markup: str) -> str:
    """Escape closing tags that close nothing, so the markup renders; valid tags are kept."""
    opened: list[str] = []
    pieces: list[str] = []
    last = 0
    for match in _TAG.finditer(markup):
        backslashes, tag = match.group(1), match.group(2)
        if len(backslashes) % 2:  # already escaped
            continue
        if tag.startswith("/"):
            name = tag[1:].strip()
            if not opened or (name and name not in opened):
                pieces.append(markup[last : match.start(2) - 1] + "\\[")
                last = match.start(2)
                continue
            if name:
                while opened and opened.pop() != name:
                    pass
            else:
                opened.pop()
        else:
            opened.append(tag.split("=", 1)[0].strip())
    pieces.append(markup[last:])
    return "".join(pieces)


def json_safe(document: str) -> str:
    """A JSON text with the characters JSON allows raw but terminals act on written as \\uXXXX."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", document)
