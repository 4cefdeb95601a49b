"""Raw RFC 5322 bytes → :class:`~responder.model.Message`; pure, fast, and never crashes.

Speed: the header block is split here (feedparser's rules, a few µs) and a single-part body
is decoded straight from the bytes; only multipart mail goes through the stdlib ``compat32``
parser (~20x faster than ``policy.default``), with its attachments' base64 lines cut out
first. :class:`Head` is the header stage alone, for callers that may stop there. Decoding is
careful: raw 8-bit header bytes are UTF-8, else the body's declared charset, else cp1252;
RFC 2047 words of one charset are joined before decoding, and an unknown charset is read as
UTF-8, else cp1252 with replacement; address lists are split *before* names are decoded (an
encoded comma cannot split one address in two); CR/LF and every other line break leave every
value. Attachments are never decoded; text is capped at ``max_text`` characters, and only
the first ``BODY_FACTOR * max_text`` bytes of the body are looked at (1 MiB for the
service's 64 KB), so a 50 MB attachment costs no more than a small mail. Odd structure is
noted in ``Message.defects`` (short snake_case notes such as ``close_boundary_not_found``).
"""

from __future__ import annotations

import binascii
import codecs
import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message as MimePart
from email.parser import BytesParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from types import MappingProxyType
from typing import Any, Final, NamedTuple

from responder.errors import ParseError
from responder.htmltext import html_to_text
from responder.mimetree import parse_tree
from responder.model import Address, Message
from responder.quoting import split_text

_PARSER: Final = BytesParser(policy=compat32)
# A header-block line that is neither a field ("Name:", feedparser's rule) nor a continuation.
_FIELD_START: Final = re.compile(rb"[\x21-\x39\x3b-\x7e]+[ \t]*:|[ \t]")
_NOT_A_FIELD: Final = re.compile(rb"\n(?![\x21-\x39\x3b-\x7e]+[ \t]*:|[ \t]|\r?\n|\r?$)")
_FOLD: Final = re.compile(r"\n(?=[ \t])")
_BLANK_LINE: Final = re.compile(rb"\n\r?\n")
_CHARSET_HINT: Final = re.compile(
    rb"(?im)^content-type:[^\n]*(?:\n[ \t][^\n]*)*?charset\s*=\s*\"?([a-z0-9_.:-]+)"
)
# Everything str.splitlines() breaks on: a decoded value must never become two lines.
_LINE_BREAKS: Final = re.compile("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\x00]+")
_MSG_ID: Final = re.compile(r"<[^<>\s]+>")
_PARAM: Final = re.compile(r';\s*([\w.*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))')
_ICS_FOLD: Final = re.compile(r"\r?\n[ \t]")
_B64_JUNK: Final = re.compile(rb"[^A-Za-z0-9+/]")
_SIMPLE_ADDRESSES: Final = re.compile(r'[^"()\\:;]*')  # no quotes, comments or groups
_ADDRESS_HEADERS: Final = frozenset({"from", "reply-to", "to", "cc", "bcc", "resent-to",
                                     "resent-cc"})  # fmt: skip
_CALENDAR_TYPES: Final = frozenset({"text/calendar", "application/ics"})
_BODY_TYPES: Final = frozenset({"text/plain", "text/html", *_CALENDAR_TYPES})
_MAX_PARTS: Final = 500
# How much of the body is parsed, per character of text wanted: base64 (4/3) of the plain
# part (read up to 4x max_text bytes) and of an HTML part (8x) fits, attachments behind it
# do not. The service fetches only the first 64 KB of a body anyway; this bounds the rest.
BODY_FACTOR: Final = 16
_MAX_CALENDAR_BYTES: Final = 256 * 1024


_ENCODED_WORD: Final = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?]*)\?=")
# Charset labels that name latin-1 but, as on the web, mean the cp1252 superset.
_CP1252_CODECS: Final = frozenset({"ascii", "iso8859-1", "cp1252"})
_CHARSET_ALIASES: Final = {
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "x-gbk": "gbk",
    "iso-8859-8-i": "iso-8859-8",
    "x-sjis": "shift_jis",
    "unknown-8bit": "cp1252",
    "x-unknown": "cp1252",
}
# 7-bit encodings whose ASCII bytes are not ASCII text (ISO-2022-JP, UTF-7, HZ, UTF-16).
_SEVEN_BIT_CODECS: Final = ("iso2022", "utf-7", "hz", "utf-16", "utf-32")
_NOT_TEXT_CODECS: Final = frozenset(
    {"raw_unicode_escape", "unicode_escape", "undefined", "idna", "punycode", "mbcs"}
)


@functools.lru_cache(maxsize=256)
def _codec(label: str) -> str | None:
    """Python codec for a MIME charset label; None if unknown or not a text codec."""
    label = label.strip().strip('"').lower().partition("*")[0]  # RFC 2231 "utf-8*en"
    label = _CHARSET_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):
        return None
    if name in _NOT_TEXT_CODECS:
        return None
    return "cp1252" if name in _CP1252_CODECS else name


def decode_bytes(data: bytes, label: str | None, defects: list[str]) -> str:
    """Bytes → text: the declared charset, else UTF-8, else cp1252 with replacement.

    Valid non-ASCII UTF-8 in a part labelled latin-1 (or unlabelled) is taken as UTF-8:
    that is a mislabel, never chance.
    """
    codec = _codec(label) if label else None
    if data.isascii() and not (codec and codec.startswith(_SEVEN_BIT_CODECS)):
        return data.decode("ascii")
    if label and codec is None:
        defects.append(f"charset_unknown:{label[:40]}")
    if codec is None or codec == "cp1252" or codec.startswith("iso8859"):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if codec is not None:
                defects.append(f"charset_mislabelled:{label}")
            return text
    if codec is not None:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError, ValueError):
            defects.append(f"charset_wrong:{label}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _word_bytes(encoding: str, text: str) -> bytes | None:
    raw = text.encode("ascii", "replace")
    try:
        if encoding in "Qq":
            return binascii.a2b_qp(raw, header=True)
        raw = raw.rstrip(b"=")
        if _B64_JUNK.search(raw):
            return None
        if len(raw) % 4 == 1:
            raw = raw[:-1]
        return binascii.a2b_base64(raw + b"=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        return None


def decode_words(value: str, defects: list[str] | None = None) -> str:
    """Decode RFC 2047 encoded words; whitespace between adjacent words is dropped."""
    if "=?" not in value:
        return value
    sink: list[str] = [] if defects is None else defects
    out: list[str] = []
    pending: list[bytes] = []  # adjacent words in one charset are decoded together
    pending_charset = ""
    pos = 0

    def flush() -> None:
        if pending:
            out.append(decode_bytes(b"".join(pending), pending_charset, sink))
            pending.clear()

    for m in _ENCODED_WORD.finditer(value):
        gap = value[pos : m.start()]
        data = _word_bytes(m.group(2), m.group(3))
        if data is None:
            sink.append("encoded_word_invalid")
            continue
        charset = m.group(1).lower()
        if gap and not (pos and gap.isspace()):  # text before or between words stays
            flush()
            out.append(gap)
        elif charset != pending_charset:
            flush()
        pending.append(data)
        pending_charset = charset
        pos = m.end()
    flush()
    out.append(value[pos:])
    return "".join(out)


class _Leaf(NamedTuple):
    """One non-multipart part, read lazily: ``payload`` decodes its transfer encoding."""

    ctype: str
    charset: str | None
    method: str | None  # the Content-Type "method" parameter of a calendar part
    payload: Callable[[], bytes]


class _Parts(NamedTuple):
    texts: list[_Leaf]  # text/plain and text/html of this mail, in tree order
    calendars: list[_Leaf]
    forwarded: list[_Leaf]  # text/plain inside attached message/rfc822 parts


def _text(data: bytes, defects: list[str], hint: str | None = None) -> str:
    """Header bytes → str: UTF-8 if valid, else the body's charset, else cp1252."""
    if data.isascii():
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        defects.append("header_8bit_not_utf8")
    codec = _codec(hint) if hint else None
    if codec and codec != "cp1252":
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError, ValueError):
            pass
    return data.decode("cp1252", errors="replace")


def _clean(text: str) -> str:
    if text.isprintable():  # holds none of _LINE_BREAKS (all are control or separator)
        return text.strip()
    return _LINE_BREAKS.sub(" ", text).strip()


def _head_text(head: bytes, defects: list[str]) -> str:
    """The header block as text: ASCII or UTF-8, else line by line (see :func:`_text`).

    Old clients wrote raw 8-bit headers in the body's charset, so that is tried second.
    """
    if head.isascii():
        return head.decode("ascii")
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError:
        pass
    found = _CHARSET_HINT.search(head)
    hint = found.group(1).decode("ascii") if found else None
    return "\n".join(_text(line, defects, hint) for line in head.split(b"\n"))


def _header_end(raw: bytes, start: int) -> tuple[int, int]:
    """Where the header block ends (before its last line break) and the body begins."""
    found = _BLANK_LINE.search(raw, start)
    if found is None:
        return len(raw), len(raw)
    blank, body = found.span()
    return (blank - 1 if blank > start and raw[blank - 1] == 13 else blank), body


def _has_odd_breaks(text: str) -> bool:
    """A lone CR, NUL, U+2028 ... : anything but LF that str.splitlines() breaks on."""
    return any(c in text for c in "\r\x00\x0b\x0c\x1c\x1d\x1e") or (
        not text.isascii() and any(c in text for c in "\x85\u2028\u2029")
    )


def _read_head(raw: bytes, defects: list[str]) -> tuple[list[tuple[str, str]], int]:
    """(lower-cased name, unfolded value) pairs of the header block, and where the body starts.

    Follows the stdlib feedparser: a continuation line extends the previous field; a line
    that is neither a field nor blank ends the header block and starts the body.
    """
    if b"\n" not in raw[:4096] and b"\r" in raw[:4096]:
        raw = raw.replace(b"\r", b"\n")  # old Mac line ends (same length: offsets hold)
    start = raw.find(b"\n") + 1 if raw.startswith(b"From ") else 0  # an mbox separator
    end, body = _header_end(raw, start)
    if not _FIELD_START.match(raw, start):
        end = body = start  # the first line is no field: there is no header at all
    elif bad := _NOT_A_FIELD.search(raw, start, end):
        defects.append("missing_header_body_separator")
        end = body = bad.start() + 1
    text = _head_text(raw[start:end], defects).replace("\r\n", "\n")
    odd = _has_odd_breaks(text)
    fields: list[tuple[str, str]] = []
    for line in _FOLD.sub("", text).split("\n"):
        name, colon, value = line.partition(":")
        if not colon or line[:1] in (" ", "\t"):
            if line.strip():
                defects.append("first_header_line_is_continuation")
            continue
        fields.append((name.strip().lower(), _clean(value) if odd else value.strip()))
    return fields, body


def _content_type(value: str | None) -> tuple[str, dict[str, str]]:
    """Lower-cased type and parameters; a missing or malformed type is text/plain."""
    if not value:
        return "text/plain", {}
    kind, _, rest = value.partition(";")
    kind = kind.strip().lower()
    params = {m.group(1).lower().rstrip("*"): m.group(2) or m.group(3) for m in
              _PARAM.finditer(";" + rest)}  # fmt: skip
    if "charset" in params and "''" in params["charset"]:  # RFC 2231: charset*=utf-8''
        params["charset"] = params["charset"].partition("'")[0]
    return (kind if kind.count("/") == 1 and " " not in kind else "text/plain"), params


def _transfer_decode(data: bytes, encoding: str) -> bytes:
    """Undo Content-Transfer-Encoding leniently: bad base64 yields what can be read."""
    encoding = encoding.strip().lower()
    if encoding == "base64":
        try:
            return binascii.a2b_base64(data)
        except binascii.Error:
            clean = _B64_JUNK.sub(b"", data)
            return binascii.a2b_base64(clean[: len(clean) // 4 * 4])
    if encoding == "quoted-printable":
        return binascii.a2b_qp(data)
    return data


def parse_addresses(values: Iterable[str]) -> tuple[Address, ...]:
    """Addresses in unfolded header values; names are RFC 2047-decoded after splitting."""
    pairs: list[tuple[str, str]] = []
    hard: list[str] = []
    for value in values:
        if _SIMPLE_ADDRESSES.fullmatch(value):  # fast path for "a@b, Name <c@d>"
            for piece in value.split(","):
                name, lt, rest = piece.partition("<")
                pairs.append((name.strip(), rest.partition(">")[0]) if lt else ("", piece))
        else:
            hard.append(value)
    if hard:
        pairs.extend(getaddresses(hard))
    found: list[Address] = []
    for name, spec in pairs:
        addr = _clean(spec).strip("<> \t")
        if addr.startswith('"'):  # "anna.berg"@x.example is anna.berg@x.example
            local, at, domain = addr.rpartition("@")
            addr = local.strip('"') + at + domain
        if addr:
            found.append(Address(name=_clean(decode_words(name)), email=addr))
    return tuple(found)


def _ids(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        ids = _MSG_ID.findall(value) or [f"<{t.strip('<>')}>" for t in value.split() if "@" in t]
        seen.update(dict.fromkeys(ids))
    return tuple(seen)


def _date(value: str | None, defects: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (ValueError, TypeError, IndexError, OverflowError):
        defects.append("date_invalid")
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _defect_name(defect: object) -> str:
    name = type(defect).__name__.removesuffix("Defect")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _mime_leaf(part: MimePart) -> _Leaf:
    def payload() -> bytes:
        data = part.get_payload(decode=True)
        return data if isinstance(data, bytes) else b""

    method = part.get_param("method")
    return _Leaf(
        part.get_content_type(),
        part.get_content_charset(),
        method if isinstance(method, str) else None,
        payload,
    )


# A run of base64 lines (an attachment's body) and the header of the part it belongs to.
# (Led by the line break, so the engine skips from line to line instead of trying each byte.)
_BASE64_RUN: Final = re.compile(rb"\n((?:[A-Za-z0-9+/]{40,}={0,2}\r?\n){8,})")
_ATTACHMENT_TYPE: Final = re.compile(
    rb"(?m)^content-type:[ \t]*(?:application|image|audio|video|font|model)/"
)
_READ_TYPE: Final = re.compile(rb"(?m)^content-type:[ \t]*(?:text|message|multipart)/")
_ELIDED: Final = b"RESPONDERELIDEDBASE64"
"""Stands in for an elided run; base64 letters only, so the MIME parser treats it alike."""
_ELIDED_TEXT: Final = _ELIDED.decode("ascii")


def _thin(raw: bytes) -> bytes:
    """``raw`` with the base64 bodies of plain attachments (application/, image/, ...; never
    text, calendar or .ics) each cut to one marker line.

    The stdlib parser costs a few µs per line, and a 100 KB PDF has 1,300 lines that are
    never decoded. A base64 line holds no colon and no leading "--", so it can neither end
    a header nor be a boundary: the tree parsed is the same, and :func:`_mime_parts` checks
    that no part it decodes holds the marker (else it parses ``raw`` itself).
    """
    out: list[bytes] = []
    pos = 0
    for m in _BASE64_RUN.finditer(raw):
        start = m.start(1)
        window = raw[max(pos, start - 2048) : start]
        head = window[window.rfind(b"\n--") + 1 :].lower()
        if (
            b"\n--" not in window
            or not _ATTACHMENT_TYPE.search(head)
            or _READ_TYPE.search(head)
            or b"calendar" in head
            or b"ics" in head
            or b"*" in head  # an RFC 2231 name may hide ".ics"
        ):
            continue
        end_line = b"\r\n" if m.group(1).endswith(b"\r\n") else b"\n"
        out += (raw[pos:start], _ELIDED, end_line)
        pos = m.end()
    if not out:
        return raw
    out.append(raw[pos:])
    return b"".join(out)


def _mime_parts(raw: bytes, body_start: int, defects: list[str]) -> _Parts:
    """Walk a multipart tree without decoding anything; attachments are only looked at.

    A well-formed tree is split by :func:`~responder.mimetree.parse_tree` (boundaries found
    with ``bytes.find``); any other goes through the stdlib parser, thinned first.
    """
    root = parse_tree(raw, body_start, _read_at_top)
    if root is not None:
        found = _walk_parts(root, defects, False)
        assert found is not None
        return found
    thin = _thin(raw)
    found = _parse_and_walk(thin, defects, thin is not raw)
    if found is None:  # a part to be read was elided after all: parse it whole
        found = _parse_and_walk(raw, defects, False)
        assert found is not None
    return found


def _parse_and_walk(raw: bytes, defects: list[str], thinned: bool) -> _Parts | None:
    try:
        root = _PARSER.parsebytes(raw)
    except RecursionError:
        defects.append("structure_too_deep")
        return _Parts([], [], [])
    return _walk_parts(root, defects, thinned)


def _role(part: MimePart, ctype: str, nested: bool) -> str | None:
    """Which list of :class:`_Parts` a leaf part goes to, or None: it is never read."""
    disposition = part.get("content-disposition")
    attachment = str(disposition or "").lower().startswith("attachment")
    if nested:
        return "forwarded" if ctype == "text/plain" and not attachment else None
    if ctype in _CALENDAR_TYPES or (
        _may_name_ics(disposition, part.get("content-type"))
        and (part.get_filename() or "").lower().endswith(".ics")
    ):
        return "calendars"
    if ctype in ("text/plain", "text/html") and not attachment:
        return "texts"
    return None


def _may_name_ics(*values: object) -> bool:
    """Whether a filename in these header values may end in ".ics" (literally, or spelled
    in RFC 2231 pieces): only then is compat32's slow parameter parsing worth it."""
    for value in values:
        if value is not None and (
            not isinstance(value, str) or "*" in value or "ics" in value.lower()
        ):
            return True
    return False


def _read_at_top(part: MimePart) -> bool:
    """Whether a leaf of a tree without message/* parts is read (mimetree's ``wanted``)."""
    return _role(part, part.get_content_type(), False) is not None


def _walk_parts(root: MimePart, defects: list[str], thinned: bool) -> _Parts | None:
    """The parts of the tree ``root``; None when ``thinned`` and a part to be read was elided."""
    found = _Parts([], [], [])
    noted = len(defects)
    read: list[MimePart] = []
    stack: list[tuple[MimePart, bool]] = [(root, False)]
    seen = 0
    while stack and seen < _MAX_PARTS:
        part, nested = stack.pop()
        seen += 1
        defects.extend(_defect_name(d) for d in part.defects)
        ctype = part.get_content_type()
        payload = part.get_payload()
        if isinstance(payload, list):
            inner = nested or ctype == "message/rfc822"
            stack.extend((p, inner) for p in reversed(payload) if isinstance(p, MimePart))
            continue
        if ctype.startswith("multipart/") and not nested:  # no boundary found: show it raw
            leaf = _mime_leaf(part)
            found.texts.append(_Leaf("text/plain", leaf.charset, None, leaf.payload))
            read.append(part)
            continue
        role = _role(part, ctype, nested)
        if role is not None:
            getattr(found, role).append(_mime_leaf(part))
            read.append(part)
    if thinned and any(_ELIDED_TEXT in str(p.get_payload()) for p in read):
        del defects[noted:]
        return None
    if stack:
        defects.append("too_many_parts")
    return found


def _single_part(raw: bytes, start: int, first: Callable[[str], str | None]) -> _Parts:
    """The body of a mail that is not multipart, decoded straight from the bytes."""
    ctype, params = _content_type(first("content-type"))
    disposition = (first("content-disposition") or "").lower()
    encoding = first("content-transfer-encoding") or ""
    leaf = _Leaf(
        ctype,
        params.get("charset"),
        params.get("method"),
        lambda: _transfer_decode(raw[start:], encoding),
    )
    found = _Parts([], [], [])
    if ctype in _CALENDAR_TYPES or ".ics" in disposition:
        found.calendars.append(leaf)
    elif ctype in ("text/plain", "text/html") and not disposition.startswith("attachment"):
        found.texts.append(leaf)
    return found


def _calendar(leaf: _Leaf, defects: list[str]) -> tuple[str | None, str | None]:
    """METHOD and the first SUMMARY of a text/calendar part (only those lines are read)."""
    text = decode_bytes(leaf.payload()[:_MAX_CALENDAR_BYTES], "utf-8", defects)
    method: str | None = None
    summary: str | None = None
    for line in _ICS_FOLD.sub("", text).splitlines():
        key, sep, value = line.partition(":")
        name = key.partition(";")[0].strip().upper()
        if sep and name == "METHOD" and method is None:
            method = _clean(value).upper() or None
        elif sep and name == "SUMMARY" and summary is None:
            for escaped, plain in (("\\n", " "), ("\\N", " "), ("\\,", ","), ("\\;", ";")):
                value = value.replace(escaped, plain)
            summary = _clean(value.replace("\\\\", "\\")) or None
    return method or (_clean(leaf.method).upper() or None if leaf.method else None), summary


def _leaf_text(leaf: _Leaf, limit: int, defects: list[str]) -> tuple[str, bool]:
    """Decoded text of a part, cut to ``limit`` bytes before the charset is applied."""
    data = leaf.payload()
    return decode_bytes(data[:limit], leaf.charset, defects), len(data) > limit


class _Body(NamedTuple):
    new_text: str = ""
    quoted_text: str = ""
    signature: str = ""
    html_only: bool = False
    truncated: bool = False
    calendar_method: str | None = None
    calendar_summary: str | None = None


def _body(parts: _Parts, max_text: int, defects: list[str]) -> _Body:
    """Pick the best text (plain, else HTML as text), split it, read any calendar."""
    chosen, truncated, html_only = "", False, False
    plain = [leaf for leaf in parts.texts if leaf.ctype == "text/plain"]
    html = [leaf for leaf in parts.texts if leaf.ctype == "text/html"]
    if plain:
        chosen, truncated = _leaf_text(plain[0], max_text * 4, defects)
    if not chosen.strip() and html:
        markup, truncated = _leaf_text(html[0], max_text * 8, defects)
        chosen, html_only = html_to_text(markup), True
    if not parts.texts:
        defects.append("no_text_part")
    if len(chosen) > max_text:
        chosen, truncated = chosen[:max_text], True
    if truncated:
        defects.append("text_truncated")
    if {"close_boundary_not_found", "start_boundary_not_found", "body_capped"} & set(defects):
        truncated = True  # the typical trace of a partial fetch
    split = split_text(chosen)
    quoted = split.quoted_text
    if parts.forwarded:  # a forward as attachment: its text is history, never new text
        attached, _ = _leaf_text(parts.forwarded[0], max_text * 4, defects)
        quoted = "\n\n".join(t for t in (quoted, attached[:max_text].strip()) if t)
    method, summary = _calendar(parts.calendars[0], defects) if parts.calendars else (None, None)
    return _Body(split.new_text, quoted, split.signature, html_only, truncated, method, summary)


# What the stdlib's MIME code may raise on damaged parameters (an unknown RFC 2231 charset...).
_UNREADABLE: Final = (LookupError, ValueError, TypeError, AttributeError, IndexError,
                      RecursionError)  # fmt: skip
# Bodies up to this size are scanned for calendar marks (~2 ns a byte); bigger ones are split
# into their parts (~0.1 ms, plus ~0.1 ns a byte) and their part headers asked.
_SCAN_BODY_UNDER: Final = 48 * 1024


def _holds_calendar(root: MimePart) -> bool:
    """Whether a tree from :func:`~responder.mimetree.parse_tree` has a calendar part."""
    stack = [root]
    while stack:
        part = stack.pop()
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend(p for p in payload if isinstance(p, MimePart))
        elif _role(part, part.get_content_type(), False) == "calendars":
            return True
    return False


def is_tree(content_type: str | None) -> bool:
    """Whether a body with this Content-Type is a MIME tree (walked with the stdlib parser)."""
    return (content_type or "").lstrip().lower().startswith(("multipart/", "message/"))


class Head:
    """A mail read up to its header block: decoded header values and addresses, no body yet.

    The guard needs only this (and the calendar METHOD, see :meth:`may_hold_calendar`), so
    mail it skips never pays for body decoding, HTML conversion or quote splitting.
    """

    __slots__ = (
        "_body_start", "_date", "_defects", "_fields", "_max_text", "_message", "_raw", "_values"
    )

    def __init__(self, raw: bytes, *, max_text: int = 64 * 1024) -> None:
        raw = bytes(raw)  # the same object when it is bytes already: no copy
        if not raw or raw.isspace():
            raise ParseError("empty input")
        defects: list[str] = []
        fields, body_start = _read_head(raw, defects)
        if not fields:
            raise ParseError("no header lines: not a mail")
        body_limit = body_start + max(max_text, 1024) * BODY_FACTOR
        if len(raw) > body_limit:
            raw = raw[:body_limit]  # the text comes first; what follows are attachments
            defects.append("body_capped")
        raw_values: dict[str, list[str]] = {}
        values: dict[str, list[str]] = {}
        for key, value in fields:
            if key in _ADDRESS_HEADERS:  # split before RFC 2047 decoding (parse_addresses)
                raw_values.setdefault(key, []).append(value)
            decoded = _clean(decode_words(value, defects)) if "=?" in value else value
            found = values.get(key)
            if found is None:
                values[key] = [decoded]
            else:
                found.append(decoded)
        self._raw, self._body_start, self._max_text = raw, body_start, max_text
        self._values, self._defects = values, defects
        date_defects: list[str] = []
        self._date = _date(self.first("date"), date_defects), tuple(date_defects)

        def addresses(*names: str) -> tuple[Address, ...]:
            found = [v for n in names for v in raw_values.get(n, ())]
            return parse_addresses(found) if found else ()

        message_ids = _ids(values.get("message-id", ()))
        self._fields: dict[str, Any] = {
            "message_id": message_ids[0] if message_ids else None,
            "subject": self.first("subject") or "",
            "from_": addresses("from"),
            "reply_to": addresses("reply-to"),
            "to": addresses("to"),
            "cc": addresses("cc"),
            "bcc": addresses("bcc"),
            "resent_to": addresses("resent-to", "resent-cc"),
            "date": self._date[0],
            "in_reply_to": _ids(values.get("in-reply-to", ())),
            "references": _ids(values.get("references", ())),
            "headers": MappingProxyType({k: tuple(v) for k, v in values.items()}),
        }
        self._message: Message | None = None  # built when asked: parse_message goes to full()

    def first(self, name: str) -> str | None:
        """The first decoded value of header ``name`` (lower-case), or None."""
        found = self._values.get(name)
        return found[0] if found else None

    @property
    def message(self) -> Message:
        """The mail as its header block alone tells it: no text, no calendar."""
        if self._message is None:
            defects = tuple(dict.fromkeys((*self._defects, *self._date[1])))
            self._message = Message(**self._fields, new_text="", defects=defects)
        return self._message

    def may_hold_calendar(self) -> bool:
        """False when the mail surely has no calendar part, so its body cannot change what
        the guard decides; True when it may (a cheap, conservative look at the bytes)."""
        if not is_tree(self.first("content-type")):
            kind, _ = _content_type(self.first("content-type"))
            disposition = (self.first("content-disposition") or "").lower()
            return kind in _CALENDAR_TYPES or ".ics" in disposition
        if len(self._raw) - self._body_start > _SCAN_BODY_UNDER:
            try:
                tree = parse_tree(self._raw, self._body_start, lambda part: False)
                if tree is not None:  # the very tree full() would walk: an exact answer
                    return _holds_calendar(tree)
            except _UNREADABLE:  # e.g. an RFC 2231 parameter in an unknown charset
                pass  # full() notes it; the look at the bytes below decides here
        # Any of "calendar", "/ics", ".ics", "*=" or "*0" (RFC 2231 names may spell ".ics"
        # otherwise), in as few scans of a body that is mostly base64 as may be: "*" is
        # found by memchr, and "/ics" and ".ics" by one look for "ics".
        low = self._raw.lower()
        if b"calendar" in low or (b"*" in low and (b"*=" in low or b"*0" in low)):
            return True
        at = low.find(b"ics")
        while at >= 0:
            if at and low[at - 1] in b"/.":
                return True
            at = low.find(b"ics", at + 1)
        return False

    def full(self) -> Message:
        """The whole mail: the header's values with the body read and split."""
        defects = list(self._defects)
        try:
            if is_tree(self.first("content-type")):
                parts = _mime_parts(self._raw, self._body_start, defects)
            else:
                parts = _single_part(self._raw, self._body_start, self.first)
            body = _body(parts, self._max_text, defects)
        except _UNREADABLE as exc:
            defects.append(f"body_unreadable:{type(exc).__name__}")
            body = _Body()
        defects.extend(self._date[1])
        return Message(**self._fields, **body._asdict(), defects=tuple(dict.fromkeys(defects)))


def parse_message(raw: bytes, *, max_text: int = 64 * 1024, read_body: bool = True) -> Message:
    """Parse one mail; odd structure lands in ``defects``. ParseError only if it has no header.

    ``read_body=False`` reads the header block only (the text fields stay empty): a scan
    screens on it and adds the body later with :func:`with_parts`.
    """
    head = Head(raw, max_text=max_text)
    return head.full() if read_body else head.message


@dataclass(frozen=True)
class Part:
    """The first bytes of one body part fetched on its own, and what BODYSTRUCTURE says of it."""

    data: bytes  # still in its transfer encoding
    ctype: str  # lower-case "text/plain"
    charset: str | None = None
    encoding: str = ""  # Content-Transfer-Encoding
    method: str | None = None  # a calendar part's "method" parameter
    size: int = 0  # the whole part's encoded size: more than len(data) means it was cut


def with_parts(head: Message, parts: Sequence[Part], *, max_text: int = 64 * 1024) -> Message:
    """head (from ``parse_message(header, read_body=False)``) with its text read from parts.

    The parts are the text/plain and text/html parts (in that order of preference) and any
    calendar part, chosen from the server's BODYSTRUCTURE; no MIME tree is parsed here.
    """
    defects: list[str] = []
    found = _Parts([], [], [])
    for part in parts:
        leaf = _Leaf(
            part.ctype,
            part.charset,
            part.method,
            functools.partial(_transfer_decode, part.data, part.encoding),
        )
        (found.calendars if part.ctype in _CALENDAR_TYPES else found.texts).append(leaf)
    try:
        body = _body(found, max_text, defects)
    except (LookupError, ValueError, TypeError, AttributeError, IndexError) as exc:
        defects.append(f"body_unreadable:{type(exc).__name__}")
        body = _Body()
    cut = any(p.size > len(p.data) for p in parts if p.ctype not in _CALENDAR_TYPES)
    return dataclasses.replace(
        head,
        **{**body._asdict(), "truncated": body.truncated or cut},
        defects=tuple(dict.fromkeys((*head.defects, *defects))),
    )


def with_text(head: Message, data: bytes, *, max_text: int = 64 * 1024) -> Message:
    """head (a single-part mail's header, read with ``read_body=False``) with its body.

    data is the start of the body (``BODY[TEXT]``); its type, charset and transfer
    encoding come from head's own Content-* fields, so the header is not parsed again.
    """
    ctype, params = _content_type(head.header("content-type"))
    disposition = (head.header("content-disposition") or "").lower()
    if ctype in _CALENDAR_TYPES or ".ics" in disposition:
        ctype = "text/calendar"  # as _single_part: an .ics attachment is the calendar
    elif disposition.startswith("attachment"):
        return with_parts(head, [])  # an attached text is no text (no_text_part)
    encoding = head.header("content-transfer-encoding") or ""
    part = Part(data, ctype, params.get("charset"), encoding, params.get("method"), len(data))
    return with_parts(head, [part] if ctype in _BODY_TYPES else [], max_text=max_text)
