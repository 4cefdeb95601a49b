"""HTML → readable plain text with the stdlib parser, for mail that has no text/plain part.

Only what a reader sees survives: script/style/head are dropped, block elements become
line breaks, whitespace collapses as a browser would, and ``<blockquote>`` content is
prefixed with ``> `` so the quote splitter treats it like quoted plain text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Final

# Elements whose content a reader never sees.
_HIDDEN: Final = frozenset({"script", "style", "head", "title", "template", "noscript"})
# Elements that start and end a line of their own.
_BLOCK: Final = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt",
        "fieldset", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody",
        "thead", "tfoot", "tr", "ul",
    }
)  # fmt: skip
# Block elements that also leave a blank line around them (paragraphs, not just lines).
_PARAGRAPH: Final = frozenset(
    {"blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "ol", "p", "pre", "table", "ul"}
)
# Void elements: a start tag with no end tag, so they never change the hidden depth.
_VOID: Final = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
# Comments and invisible elements, removed before parsing: in newsletters and Outlook mail
# they are most of the bytes, and html.parser is slow per tag.
_INVISIBLE: Final = re.compile(
    r"<!--.*?-->|<(script|style|head|title|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_SPACES: Final = re.compile(r"[ \t\r\n\f\v]+")
_BLANK_RUNS: Final = re.compile(r"\n{3,}")


class _TextExtractor(HTMLParser):
    """Collects visible text; lines are built as a list and joined once at the end."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._hidden = 0
        self._pre = 0
        self._quote = 0

    def _break(self) -> None:
        text = "".join(self._line).strip(" ")
        self._line = []
        prefix = "> " * self._quote
        self.lines.append(prefix + text if text or not prefix else prefix.rstrip())

    def _block(self, tag: str) -> None:
        if self._line:
            self._break()
        if tag in _PARAGRAPH and self.lines and self.lines[-1].strip("> "):
            self.lines.append(("> " * self._quote).rstrip())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self._break()
        elif tag in _BLOCK:
            self._block(tag)
            if tag == "blockquote":
                self._quote += 1
            elif tag == "pre":
                self._pre += 1
            elif tag == "li":
                self._line.append("- ")
        elif tag in ("td", "th") and self._line:
            self._line.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._break()
        elif tag in _BLOCK:
            self._block(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK and tag not in _VOID:
            if self._line:
                self._break()
            if tag == "blockquote":  # leave the quote first: the gap after it is not quoted
                self._quote = max(0, self._quote - 1)
            elif tag == "pre":
                self._pre = max(0, self._pre - 1)
            self._block(tag)

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._pre:
            first, *rest = data.split("\n")
            self._line.append(first)
            for part in rest:
                self._break()
                self._line.append(part)
            return
        text = _SPACES.sub(" ", data)
        if text == " " and (not self._line or self._line[-1].endswith(" ")):
            return
        if self._line and self._line[-1].endswith(" ") and text.startswith(" "):
            text = text[1:]
        self._line.append(text)

    def text(self) -> str:
        if self._line:
            self._break()
        text = "\n".join(line.rstrip() for line in self.lines).replace("\xa0", " ")
        return _BLANK_RUNS.sub("\n\n", text).strip()


def html_to_text(html: str) -> str:
    """Return the visible text of an HTML document or fragment; never raises on bad markup."""
    parser = _TextExtractor()
    try:
        parser.feed(_INVISIBLE.sub(" ", html))
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is very lenient
        pass
    return parser.text()
