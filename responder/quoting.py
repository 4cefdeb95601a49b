"""Split a mail's text into what the sender wrote now, the quoted history and the signature.

Conservative by design: cutting away the real invitation is worse than leaving a bit of
signature or history in ``new_text``. So history is recognised only by explicit markers
(``>`` quoting, attribution lines, Outlook/Notes header blocks, forward separators), and a
signature only by the ``-- `` delimiter, a mobile footer near the end, or a legal
disclaimer that says what it is. Sign-offs like "Best regards" are left alone.

Every lexical marker lives in :data:`MARKERS` (kind → language → regex sources), so adding
a language or a client's phrasing is a data change.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

MARKERS: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    # A line (or two lines joined) that introduces quoted history and ends the new text
    # even when the history below it is not ``>``-quoted. Matched against the stripped line.
    # Each names a date (a digit) or an address, so "On Monday I wrote:" is no attribution.
    "attribution": {
        "en": (
            r"On\b(?=.*\d).{1,250}\bwrote\s*:",  # Gmail, Apple Mail, Thunderbird, Outlook
            r".{0,40}\d.{0,250}\bwrote\s*:",  # "11.03.2024 10:15, Anna Berg wrote:"
            r".{1,200}<[^<>\s]+@[^<>\s]+>\s*wrote\s*:",
        ),
        "de": (
            # "Am 11.03.2024 um 10:15 schrieb Anna <a@x>:"
            r"Am\b(?=.*\d).{1,250}\bschrieb\b.{0,250}:",
            r".{1,200}\bschrieb am\b(?=.*\d).{1,250}:",  # "Anna <a@x> schrieb am 11.03.2024 10:15:"
            r".{0,40}\d.{0,250}\bschrieb\b.{0,250}:",
        ),
        "nb": (
            # "Den tir. 12. mar. 2024 kl. 10:15 skrev Kari <k@x>:"
            r"(?:Den|På)\b(?=.*\d).{1,250}\bskrev\b.{0,250}:",
            r".{1,200}\bskrev (?:den|på)\b(?=.*\d).{1,250}:",
            r".{0,40}\d.{0,250}\bskrev\b.{0,250}:",  # Apple Mail: "12. mar. 2024 kl. 10:15 skrev"
        ),
    },
    # Weaker introductions: they count only when ``>``-quoted lines follow them.
    "attribution_weak": {
        "en": (r".{1,200}\b(?:wrote|writes)\s*:", r"Quoting\b.{1,200}:"),
        "de": (r".{1,200}\bschrieb\s*:", r"Zitat von\b.{1,200}:"),
        "nb": (r".{1,200}\bskrev\s*:", r"Sitat\b.{1,200}:"),
    },
    # Separator lines: everything from here on is someone else's mail.
    "separator": {
        "en": (
            r"-{2,}\s*Original Message\s*-{2,}",
            r"-{2,}\s*Forwarded message\s*-{2,}",
            r"Begin forwarded message\s*:",
            r"-{2,}\s*Forwarded by\b.{1,200}",  # Lotus Notes: "----- Forwarded by X on DATE ---"
            r"-{2,}\s*Inline attachment follows\s*-{2,}",
        ),
        "de": (
            r"-{2,}\s*Urspr(?:ü|ue)ngliche Nachricht\s*-{2,}",
            r"-{2,}\s*Original-Nachricht\s*-{2,}",
            r"-{2,}\s*Weitergeleitete Nachricht\s*-{2,}",
            r"Anfang der weitergeleiteten (?:Nachricht|E-Mail)\s*:",
            r"Weitergeleitete Nachricht\s*:?",
        ),
        "nb": (
            r"-{2,}\s*Opprinnelig melding\s*-{2,}",
            r"-{2,}\s*Videresendt melding\s*-{2,}",
            r"Start på videresendt (?:melding|e-post)\s*:",
            r"Videresendt melding\s*:?",
        ),
    },
    # Header blocks of quoted mail (Outlook, Notes, forwards): a "from" key followed by at
    # least two "other" keys within a few lines. Keys are matched case-insensitively.
    "header_from": {
        "en": (r"From",),
        "de": (r"Von",),
        "nb": (r"Fra",),
    },
    "header_other": {
        "en": (r"Sent", r"Date", r"To", r"Cc", r"Subject", r"Reply-To"),
        "de": (r"Gesendet", r"Datum", r"An", r"Cc", r"Kopie", r"Betreff"),
        "nb": (r"Sendt", r"Dato", r"Til", r"Kopi", r"Emne"),
    },
    # Lines that sit above a Lotus Notes "To:/cc:/Subject:" block and belong to it.
    "notes_origin": {
        "en": (
            r".{0,120}\bon \d{1,2}/\d{1,2}/\d{2,4}\b.{0,20}",  # "Name <a@x> on 01/02/2001 10:00 AM"
            r"\d{1,2}/\d{1,2}/\d{2,4} \d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?",  # 10/13/2000 03:49 PM
            r"[^@\s][^@]{0,80}@[\w.-]+",  # "Mark Greenberg@ENRON"
            r"Please respond to\b.{0,200}",
            r"Sent by\s*:.{0,200}",
        ),
    },
    # Mobile and webmail footers: a signature when they stand near the end of the new text.
    "mobile_footer": {
        "en": (
            r"Sent from my [\w .,()/-]{2,60}",
            r"Sent (?:from|with|via|using) (?:Outlook|Mail|Yahoo|AOL|Gmail|the )[\w .,()/-]{0,60}",
            r"Get Outlook for (?:iOS|Android)",
            r"Sent via [\w .,()/-]{0,40}(?:BlackBerry|mobile|Android|phone)[\w .,()/-]{0,40}",
        ),
        "de": (
            r"Von meinem [\w .,()/-]{2,60} gesendet",
            r"Gesendet (?:von|mit) (?:meinem|der|Outlook|Mail|Yahoo)[\w .,()/-]{0,60}",
            r"Outlook für (?:iOS|Android) (?:herunterladen|beziehen)",
        ),
        "nb": (
            r"Sendt fra min [\w .,()/-]{2,60}",
            r"Sendt fra (?:Outlook|E-post|Mail|Yahoo)[\w .,()/-]{0,60}",
            r"(?:Hent|Få) Outlook for (?:iOS|Android)",
        ),
    },
    # First words of a legal disclaimer paragraph (matched against the paragraph's start).
    "disclaimer": {
        "en": (
            r"[^\w\n]*(?:This|The information (?:contained )?in this|The contents of this)\s+"
            r"(?:e-?mail|message|communication|transmi\w+|electronic)\b.{0,400}?"
            r"\b(?:confidential|privileged)",
            r"[^\w\n]*(?:The information (?:contained )?in this|The contents of this)\b.{0,80}?"
            r"\b(?:confidential|privileged)",
            r"[^\w\n]*(?:confidentiality notice|disclaimer|privileged (?:and|&) confidential)\b",
        ),
        "de": (
            r"[^\w\n]*(?:Diese|Der Inhalt dieser|Die Informationen in dieser)\s+"
            r"(?:E-?Mail|Nachricht|Mitteilung)\b.{0,400}?\bvertraulich",
            r"[^\w\n]*(?:Vertraulichkeitshinweis|Haftungsausschluss|Rechtlicher Hinweis)\b",
        ),
        "nb": (
            r"[^\w\n]*(?:Denne|Innholdet i denne)\s+(?:e-?post\w*|meldingen?|henvendelsen)\b"
            r".{0,400}?\b(?:konfidensiell|fortrolig|taushetsbelagt)",
            r"[^\w\n]*(?:Konfidensialitet|Ansvarsfraskrivelse)\b",
        ),
    },
    # Words every disclaimer above contains: the cheap test before the patterns run.
    "disclaimer_hint": {
        "en": ("confidential", "privileged", "disclaimer"),
        "de": ("vertraulich", "haftungsausschluss", "rechtlicher hinweis"),
        "nb": ("konfidensiel", "fortrolig", "taushetsbelagt", "ansvarsfraskrivelse"),
    },
    # A disclaimer must also read like one somewhere in its text (guards the new text).
    "disclaimer_legal": {
        "en": (
            r"intended (?:solely |only )?(?:for|recipient)",
            r"received this\b.{0,40}\bin error",
            r"\bprohibited\b",
            r"notify the sender",
            r"attorney-client",
        ),
        "de": (r"Empfänger", r"irrtümlich", r"versehentlich", r"untersagt", r"unzulässig"),
        "nb": (r"mottaker", r"ved en feil", r"feilaktig", r"forbudt", r"uautorisert"),
    },
}


def _sources(kind: str) -> str:
    return "|".join(f"(?:{s})" for patterns in MARKERS[kind].values() for s in patterns)


def _line_pattern(kind: str) -> re.Pattern[str]:
    """The markers of one kind as a whole (stripped) line."""
    return re.compile(f"^(?:{_sources(kind)})\\s*$", re.IGNORECASE | re.DOTALL)


def _keys(kind: str) -> frozenset[str]:
    return frozenset(k.lower() for patterns in MARKERS[kind].values() for k in patterns)


_ATTRIBUTION: Final = _line_pattern("attribution")
_ATTRIBUTION_WEAK: Final = _line_pattern("attribution_weak")
_SEPARATOR: Final = _line_pattern("separator")
_NOTES_ORIGIN: Final = _line_pattern("notes_origin")
# Line-anchored searches run over "\\n" + text: a literal "\\n" first lets re skip ahead fast.
_MOBILE: Final = re.compile(
    f"\\n[ \\t]*(?:{_sources('mobile_footer')})[ \\t]*(?=\\n|$)", re.IGNORECASE
)
_DISCLAIMER: Final = re.compile(f"\\n(?:{_sources('disclaimer')})", re.IGNORECASE | re.DOTALL)
_DISCLAIMER_HINTS: Final = _keys("disclaimer_hint")
_LEGAL: Final = re.compile(_sources("disclaimer_legal"), re.IGNORECASE)
_FROM_KEYS: Final = _keys("header_from")
_OTHER_KEYS: Final = _keys("header_other")
_ALL_KEYS: Final = _FROM_KEYS | _OTHER_KEYS
_HEADER_LINE: Final = re.compile(r"^[ \t]*[*_]{0,2}([A-Za-z-]{2,10})[*_]{0,2}[ \t]*:")
_RULE_LINE: Final = re.compile(r"^[ \t]*(?:[_*=~-][ \t]*){5,}$")  # ____ / ***** / -----
_MBOX_FROM: Final = re.compile(r"^>+From ")
# "--" or "-- " alone on a line, matched in "\n" + text (a leading line break lets the
# engine jump from line to line); the match starts where the line does in text.
_SIG_DASHES: Final = re.compile(r"\n--( ?)(?=\n|\Z)")
# Lines worth a closer look; everything else is new text without further ado. Kept loose:
# a candidate is only a candidate, the patterns above decide.
# Case-blind only where it must be: a case-blind class is slower to scan. The class also
# holds the four letters re.IGNORECASE folds onto A-Z and a-z (U+0130, U+0131, U+017F,
# U+212A), so it matches exactly what "[A-Za-z-]" under that flag did. The quantifiers are
# possessive ("*+", "{2,10}+"): what follows each run can never be one of its characters,
# so giving some back could not help a match, and not trying saves ~40% of the scan.
_CANDIDATE_START: Final = re.compile(
    "\n[ \t]*+(?:>|[-_*=~]{2}|[*_]{0,2}+[A-Za-z\u0130\u0131\u017f\u212a-]{2,10}+[*_]{0,2}+"
    "[ \t]*+:|(?i:Weitergeleitete|Videresendt)\\b)",
)
_CANDIDATE_END: Final = re.compile(r":[ \t]*\n")

# How far a header block may spread and how long a footer may trail the end.
_HEADER_WINDOW: Final = 8
_FOOTER_TAIL: Final = 6
_BARE_DASHES_TAIL: Final = 10


@dataclass(frozen=True, slots=True)
class Split:
    """A text in three parts; each part is stripped of surrounding blank lines."""

    new_text: str
    quoted_text: str
    signature: str


def _is_quoted(line: str) -> bool:
    return line.lstrip(" \t").startswith(">")


def _is_gap(line: str) -> bool:
    """A blank line or a decoration rule: what separates a footer from the text above."""
    return not line.strip() or bool(_RULE_LINE.match(line))


def _header_key(line: str) -> str | None:
    if ":" not in line[:40]:
        return None
    m = _HEADER_LINE.match(line)
    return m.group(1).lower() if m else None


def _next_content(lines: Sequence[str], start: int) -> int:
    i = start
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _candidate_lines(text: str) -> Iterator[int]:
    """Indices of lines worth a closer look, in order, each once.

    Kept loose (a candidate is only a candidate, the patterns decide) and found with two
    fast scans over ``"\\n" + text + "\\n"``, so most lines never reach Python code. Lazy:
    once the history starts, the quoted mail below it is never scanned.
    """
    padded = f"\n{text}\n"
    starts = (m.start() for m in _CANDIDATE_START.finditer(padded))  # at the line's "\n"
    ends = (padded.rfind("\n", 0, m.start()) for m in _CANDIDATE_END.finditer(padded))
    line, offset, last = 0, 0, -1
    for start in heapq.merge(starts, ends):  # both ascending
        line += padded.count("\n", offset, start)
        offset = start
        if line != last:
            yield line
            last = line


def _attribution_start(lines: Sequence[str], i: int, pattern: re.Pattern[str]) -> int | None:
    """First line of an attribution ending on line ``i`` (it may wrap onto 2 lines)."""
    line = lines[i].strip()
    if not line.endswith(":") or len(line) > 300:
        return None
    if pattern.match(line):
        return i
    above = lines[i - 1].strip() if i > 0 else ""
    if above and not _is_quoted(above) and len(above) < 300 and pattern.match(f"{above} {line}"):
        return i - 1
    return None


def _attribution(lines: Sequence[str], i: int) -> tuple[int, bool] | None:
    """An attribution ending on line ``i``: its first line, and whether ``>`` lines follow."""
    nxt = _next_content(lines, i + 1)
    followed = nxt < len(lines) and _is_quoted(lines[nxt])
    start = _attribution_start(lines, i, _ATTRIBUTION)
    if start is None and followed:
        start = _attribution_start(lines, i, _ATTRIBUTION_WEAK)
    return None if start is None else (start, followed)


def _header_block(lines: Sequence[str], i: int, key: str) -> int | None:
    """Start of a quoted header block whose first key line is ``i``, or None."""
    others: set[str] = set()
    for line in lines[i + 1 : i + 1 + _HEADER_WINDOW]:
        k = _header_key(line)
        if k in _OTHER_KEYS:
            others.add(k)
    if key in _FROM_KEYS and len(others) >= 2:
        start = i
    elif key == "to" and "subject" in others:  # Lotus Notes: origin lines, then To/cc/Subject
        start = i
        while start > 0 and i - start < 4:
            above = lines[start - 1].strip()
            if above and not _NOTES_ORIGIN.match(above):
                break
            start -= 1
    else:
        return None
    if start > 0 and _RULE_LINE.match(lines[start - 1]):  # Outlook's "_____" above From:
        start -= 1
    return start


def _mbox_escape(lines: Sequence[str], i: int) -> bool:
    """A lone ">From " line is a body line an mbox writer escaped, not a quote."""
    return bool(_MBOX_FROM.match(lines[i].lstrip())) and not (
        (i > 0 and _is_quoted(lines[i - 1])) or (i + 1 < len(lines) and _is_quoted(lines[i + 1]))
    )


def _quote_head_end(lines: Sequence[str], start: int, i: int) -> int | None:
    """End of a quote head (attribution, separator, header lines) at the top of the text.

    At the top, with nothing written above it, such a head introduces a bottom-posted or
    inline reply: the sender's words follow the quoted lines, so it must not end the new
    text. Returns the index after the head if ``>`` lines follow it (or if it is an
    attribution, whose quote may use odd markers like ``|>``), else None.
    """
    if any(lines[k].strip() and not _is_quoted(lines[k]) for k in range(start)):
        return None  # the sender wrote above it: a top-posted reply, history follows
    j = i + 1
    while j < len(lines) and (not lines[j].strip() or _header_key(lines[j]) in _ALL_KEYS):
        j += 1
    if j < len(lines) and _is_quoted(lines[j]):
        return j
    return i + 1 if _attribution_start(lines, i, _ATTRIBUTION) is not None else None


def _history_start(text: str, lines: Sequence[str]) -> tuple[int, set[int]]:
    """Index where unquoted history begins (len(lines) if none) and the ``>``-quoted lines.

    ``>`` lines (and an attribution right above them) are history wherever they are, so
    inline and bottom-posted replies keep the sender's own lines. A separator, a header
    block or an attribution without ``>`` lines below ends the new text for good, unless
    nothing was written above it (see :func:`_quote_head_end`).
    """
    quoted: set[int] = set()
    for i in _candidate_lines(text):
        line = lines[i]
        stripped = line.strip()
        if i in quoted or not stripped:
            continue
        if stripped[0] == ">":
            if not _mbox_escape(lines, i):
                quoted.add(i)
            continue
        start: int | None = None
        if stripped[-1] == ":" and (found := _attribution(lines, i)):
            start, followed = found
            if followed:
                quoted.update(range(start, i + 1))
                continue
        elif _SEPARATOR.match(stripped):
            start = i
        else:
            key = _header_key(line)
            if key is not None and (key in _FROM_KEYS or key == "to"):
                start = _header_block(lines, i, key)
        if start is not None:
            head_end = _quote_head_end(lines, start, i)
            if head_end is None:
                return start, quoted
            quoted.update(range(start, head_end))
    return len(lines), quoted


def _lines_after(text: str, offset: int) -> int:
    """Non-blank lines after the line that holds ``offset``."""
    end = text.find("\n", offset)
    return 0 if end < 0 else sum(1 for line in text[end:].split("\n") if line.strip())


def _tail_start(text: str, count: int) -> int:
    """Offset of the line that has ``count`` non-blank lines below it (0 if there is none)."""
    end, seen = len(text), -1
    while end > 0 and seen < count:
        start = text.rfind("\n", 0, end) + 1
        if text[start:end].strip():
            seen += 1
        end = start - 1
    return max(end, 0)


def _disclaimer_start(text: str, padded: str, end: int) -> int | None:
    """Where a legal disclaimer (and the blank or rule lines above it) begins, or None."""
    low = text.lower()
    if not any(hint in low for hint in _DISCLAIMER_HINTS):
        return None
    for m in _DISCLAIMER.finditer(padded, 0, end + 1):
        start = m.start()  # the "\n" in padded is the line's first character in text
        above = text[:start].rstrip(" \t").split("\n")
        if len(above) < 2 or not _is_gap(above[-2]) or not text[:start].strip():
            continue  # not the start of a paragraph, or nothing written above it
        if not _LEGAL.search(text, start):
            continue
        while above[:-1] and _is_gap(above[-2]):
            above.pop()
            start -= len(above[-1]) + 1
        return start
    return None


def _signature_start(text: str) -> int:
    """Offset where the signature of the new text begins (len(text) if none)."""
    best = len(text)
    padded = "\n" + text
    for m in _SIG_DASHES.finditer(padded):
        if not text[: m.start()].strip():
            continue  # nothing above it: keep the text rather than call it all signature
        if m.group(1) or _lines_after(text, m.start()) <= _BARE_DASHES_TAIL:
            best = m.start()
        break
    footer = _MOBILE.search(padded, _tail_start(padded, _FOOTER_TAIL), best + 1)
    if footer:
        best = footer.start()
    disclaimer = _disclaimer_start(text, padded, best)
    return best if disclaimer is None else min(best, disclaimer)


def split_text(text: str) -> Split:
    """Split a plain-text body into new text, quoted history and signature."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    cut, quoted = _history_start(text, lines)
    if quoted:
        new = "\n".join(line for i, line in enumerate(lines[:cut]) if i not in quoted)
        history = [lines[i] for i in sorted(quoted)] + lines[cut:]
    else:
        new = text if cut == len(lines) else "\n".join(lines[:cut])
        history = lines[cut:]
    sig = _signature_start(new)
    return Split(
        new_text=new[:sig].strip("\n").rstrip(),
        quoted_text="\n".join(history).strip("\n").rstrip(),
        signature=new[sig:].strip("\n").rstrip(),
    )
