"""A well-formed multipart body split into the same ``compat32`` tree ``email.parser`` builds.

Why: the stdlib feedparser walks a multipart body a line at a time in Python (a few µs a
line), and a mail with a 100 KB attachment has some 1,300 lines nobody reads. Here the
boundary lines are found with ``bytes.find``, each part's small header is read by the
stdlib parser itself (so names, values and header defects are exactly its own), and each
leaf gets the payload feedparser would give it: the bytes up to the next boundary line,
less that line's line break.

Only the common case is taken, where the two are provably the same: every header line a
plain ``Name:`` field or a continuation, LF or CRLF line ends (a lone CR is a line break to
feedparser), a simple boundary, no ``message/*`` or ``multipart/digest`` part, no empty
part, no two boundary lines in a row. Anything else returns None and the caller parses
with the stdlib; a missing close boundary (a body cut short) is handled, with
feedparser's ``CloseBoundaryNotFoundDefect``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from email.errors import CloseBoundaryNotFoundDefect
from email.message import Message as MimePart
from email.parser import BytesParser
from email.policy import compat32
from typing import Final

_PARSER: Final = BytesParser(policy=compat32)
# A line that is not "Name:" nor a continuation: feedparser would end the header there (or
# read "From " / ":" lines its own way). The end of the block is fine. (Led by "\n" so that
# the engine jumps from line to line; the first line is matched on its own.)
_FIELD_OR_FOLD: Final = re.compile(rb"[\x21-\x39\x3b-\x7e]+:|[ \t]")
_ODD_HEADER_LINE: Final = re.compile(rb"\n(?![\x21-\x39\x3b-\x7e]+:|[ \t]|\Z)")
_BLANK_LINE: Final = re.compile(rb"\n\r?\n")
_CONTENT_FIELDS: Final = re.compile(
    rb"(?im)^(content-type|content-transfer-encoding):([^\n]*\n(?:[ \t][^\n]*\n)*)"
)
# RFC 2046 boundary characters without the space (a space could hide a fold).
_SIMPLE_BOUNDARY: Final = re.compile(r"[0-9A-Za-z'()+_,./:=?-]{1,100}")
_PLAIN_CTE: Final = ("7bit", "8bit", "binary")
_MAX_DEPTH: Final = 8
_MAX_PARTS: Final = 200
_HOPS: Final = 16


class _Unusual(Exception):
    """The body is not the common case: the stdlib parser must read it."""


def _plain_header(block: bytes) -> bool:
    """Every line of ``block`` (ending in LF) is a field or a continuation; CR only in CRLF."""
    if not _FIELD_OR_FOLD.match(block) or _ODD_HEADER_LINE.search(block):
        return False
    return b"\r" not in block or block.count(b"\r") == block.count(b"\r\n")


def _root(raw: bytes, body_start: int) -> MimePart | None:
    """The top Message with only its Content-Type and Content-Transfer-Encoding, as compat32
    would store them, if the header block is plain enough that compat32 notes no defect."""
    start = raw.find(b"\n") + 1 if raw.startswith(b"From ") else 0  # the unixfrom line
    if raw[body_start - 2 : body_start] == b"\n\n":
        block = raw[start : body_start - 1]
    elif raw[body_start - 3 : body_start] == b"\n\r\n":
        block = raw[start : body_start - 2]
    else:
        return None  # no blank line ends the header
    if not block or block[:1] in b" \t" or not _plain_header(block):
        return None
    root = MimePart()
    seen: set[bytes] = set()
    for m in _CONTENT_FIELDS.finditer(block):
        name = m.group(1).lower()
        if name in seen:
            continue  # compat32's get() returns the first
        seen.add(name)
        value = m.group(2)
        if not value.isascii():
            return None
        # compat32's header_source_parse: strip the blanks after the colon and the last
        # line break; folds stay.
        root.set_raw(m.group(1).decode("ascii"), value.decode("ascii").lstrip(" \t").rstrip("\r\n"))
    return root


def _eol(data: bytes, end: int, start: int) -> int:
    """``end`` less the line break that ends data[start:end] (feedparser's NLCRE_eol)."""
    if end - start >= 2 and data[end - 2 : end] == b"\r\n":
        return end - 2
    if end > start and data[end - 1] in b"\r\n":
        return end - 1
    return end


def _boundary_lines(data: bytes, start: int, end: int, sep: bytes) -> list[tuple[int, int, bool]]:
    """(line start, next line's start, is close) of each boundary line in data[start:end], up
    to the first close boundary; feedparser's ``boundaryre`` on LF/CRLF lines."""
    found: list[tuple[int, int, bool]] = []
    finder = _SepFinder(data, sep, end)
    at = finder.next(start)
    while at >= 0:
        before = data[at - 1] if at > start else 10
        if before == 13:
            raise _Unusual("a boundary after a lone CR")
        if before == 10:
            k = at + len(sep)
            close = data.startswith(b"--", k, end)
            if close:
                k += 2
            while k < end and data[k] in b" \t":
                k += 1
            line_end = -1
            if k == end:
                line_end = end
            elif data[k] == 10:
                line_end = k + 1
            elif data[k] == 13:
                if not data.startswith(b"\r\n", k, end):
                    raise _Unusual("a boundary line ended by a lone CR")
                line_end = k + 2
            if line_end >= 0:
                found.append((at, line_end, close))
                if close or line_end >= end:
                    break
                finder.misses = 0
                at = finder.next(line_end)
                continue
        at = finder.next(at + 1)
    return found


class _SepFinder:
    """The next ``sep`` (which starts with "-") in data[:end].

    ``bytes.find`` with a short boundary crawls through a 100 KB attachment at ~2 GB/s;
    base64 holds no "-" at all, so hopping from "-" to "-" (``memchr``) is several times
    faster there. Text with many hyphens would make that slow, so after a few "-" that
    start no ``sep`` in one part it goes back to ``bytes.find`` until the next boundary.
    """

    def __init__(self, data: bytes, sep: bytes, end: int) -> None:
        self.data, self.sep, self.end = data, sep, end
        self.misses = 0

    def next(self, pos: int) -> int:
        data, sep, end = self.data, self.sep, self.end
        while self.misses < _HOPS:
            at = data.find(b"-", pos, end)
            if at < 0 or data.startswith(sep, at, end):
                return at
            self.misses += 1
            pos = at + 1
        return data.find(sep, pos, end)


class _Builder:
    def __init__(self, data: bytes, wanted: Callable[[MimePart], bool]) -> None:
        self.data = data
        self.wanted = wanted
        self.parts = 0

    def multipart(self, msg: MimePart, start: int, end: int, depth: int) -> None:
        """Fill ``msg`` (a multipart) with its parts from data[start:end]."""
        boundary = msg.get_boundary()
        if (
            depth > _MAX_DEPTH
            or boundary is None
            or not _SIMPLE_BOUNDARY.fullmatch(boundary)
            or msg.get_content_type() == "multipart/digest"  # its parts default to message/
            or str(msg.get("content-transfer-encoding", "8bit")).lower() not in _PLAIN_CTE
        ):
            raise _Unusual("boundary, type or encoding")
        lines = _boundary_lines(self.data, start, end, b"--" + boundary.encode("ascii"))
        if not lines or lines[0][2]:
            raise _Unusual("start boundary not found")
        closed = lines[-1][2]
        if not closed:
            if lines[-1][1] >= end:
                raise _Unusual("a boundary line at the very end")
            msg.defects.append(CloseBoundaryNotFoundDefect())
            lines.append((end, end, True))
        children: list[MimePart | str] = []
        for (_, part_start, _), (part_end, _, _) in itertools.pairwise(lines):
            if part_start >= part_end:
                raise _Unusual("two boundary lines in a row")
            children.append(self.part(part_start, part_end, depth))
        msg.set_payload(children)

    def part(self, start: int, end: int, depth: int) -> MimePart:
        """One part of data[start:end]: header by the stdlib parser, body by slicing."""
        self.parts += 1
        if self.parts > _MAX_PARTS:
            raise _Unusual("too many parts")
        data = self.data
        if data.startswith(b"\n", start, end):
            head, body = b"", start + 1
        elif data.startswith(b"\r\n", start, end):
            head, body = b"", start + 2
        else:
            blank = _BLANK_LINE.search(data, start, end)
            if blank is None:
                raise _Unusual("a part without a blank line after its header")
            head, body = data[start : blank.start() + 1], blank.end()
            if not _plain_header(head):
                raise _Unusual("an odd part header")
        msg = _PARSER.parsebytes(head + b"\n", headersonly=True)
        if msg.get_content_maintype() == "message":
            raise _Unusual("message/* part")
        if msg.get_content_maintype() == "multipart":
            self.multipart(msg, body, end, depth + 1)  # its epilogue takes the line break
        elif self.wanted(msg):  # decoding a 100 KB attachment nobody reads costs ~0.2 ms
            payload = data[body : _eol(data, end, body)].decode("ascii", "surrogateescape")
            msg.set_payload(payload)
        else:
            msg.set_payload("")
        return msg


def parse_tree(raw: bytes, body_start: int, wanted: Callable[[MimePart], bool]) -> MimePart | None:
    """The compat32 tree of a multipart mail whose body starts at ``body_start``, or None
    when the mail is not the common case (see the module docstring).

    Only leaves for which ``wanted`` (given the leaf with its header) is true get their
    payload; the others get an empty one.
    """
    root = _root(raw, body_start)
    if root is None or root.get_content_maintype() != "multipart":
        return None
    try:
        _Builder(raw, wanted).multipart(root, body_start, len(raw), 0)
    except _Unusual:
        return None
    return root
