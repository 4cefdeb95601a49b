"""Find the time a sender proposed ("next Tuesday", "nächsten Dienstag", "14. april") and
resolve it to a date against the mail's own Date header; pure and table-driven.

The words come from the ``[calendar]`` table of each lexicon. Rules: a bare weekday (or
"på tirsdag", "this Friday") is its next occurrence after the mail's date; "next Tuesday"
is the Tuesday of the following week when the plain occurrence still falls in the current
week; "next week" names no day and stays unresolved; a day and month without year is the
next such date on or after the mail's date. Anything else keeps ``on=None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from responder.cues import Calendar
from responder.model import ProposedTime


@dataclass(frozen=True)
class _Patterns:
    weekday_of: dict[str, int]
    month_of: dict[str, int]
    pattern: re.Pattern[str]
    vocabulary: frozenset[str]  # the first word of every calendar word: a cheap pre-test


_CACHE: dict[int, tuple[Calendar, _Patterns]] = {}
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]+")


def _alt(words: list[str]) -> str:
    ordered = sorted({w.lower() for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _patterns(cal: Calendar) -> _Patterns:
    hit = _CACHE.get(id(cal))
    if hit is not None and hit[0] is cal:
        return hit[1]
    weekday_of = {w.lower(): i for i, names in enumerate(cal.weekdays) for w in names}
    month_of = {m.lower(): i + 1 for i, names in enumerate(cal.months) for m in names}
    days = _alt(list(weekday_of))
    months = _alt(list(month_of))
    rel = _alt(list(cal.relative_days)) or "(?!)"
    nxt = _alt(list(cal.next_words)) or "(?!)"
    week = _alt(list(cal.week_words)) or "(?!)"
    parts = [
        rf"(?P<nextday>(?:{nxt})\s+(?P<nd>{days})(?:s|en|n)?)" if days else "(?!)",
        rf"(?P<nextweek>(?:{nxt})\s+(?:{week})[a-z]*)",
        rf"(?P<dm>(?P<d1>\d{{1,2}})(?:\.|st|nd|rd|th)?\s*(?:of\s+)?(?P<m1>{months})\b\.?)"
        if months
        else "(?!)",
        rf"(?P<md>(?P<m2>{months})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b)" if months else "(?!)",
        r"(?P<num>(?P<d3>[12]\d|3[01]|0?[1-9])\.(?P<m3>1[0-2]|0?[1-9])\.(?:(?P<y3>\d{2,4})\b)?)",
        rf"(?P<rel>{rel})",
        rf"(?P<day>(?P<dd>{days}))" if days else "(?!)",
    ]
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(parts) + r")(?![^\W_])")
    words = [*weekday_of, *month_of, *cal.relative_days, *cal.next_words]
    vocabulary = frozenset(w.split()[0].lower() for w in words if w.split())
    compiled = _Patterns(weekday_of, month_of, pattern, vocabulary)
    _CACHE[id(cal)] = (cal, compiled)
    return compiled


def _next_weekday(base: date, weekday: int) -> date:
    ahead = (weekday - base.weekday()) % 7
    return base + timedelta(days=ahead or 7)


def _day_month(base: date, day: int, month: int, year: int | None) -> date | None:
    try:
        if year is not None:
            return date(year + 2000 if year < 100 else year, month, day)
        found = date(base.year, month, day)
        return found if found >= base else date(base.year + 1, month, day)
    except ValueError:
        return None


def find_time(text: str, cal: Calendar, today: date | None) -> ProposedTime | None:
    """The first time expression in ``text``, resolved against ``today`` where possible."""
    pats = _patterns(cal)
    lowered = text.lower()
    if not _DIGIT.search(lowered) and pats.vocabulary.isdisjoint(_WORD.findall(lowered)):
        return None
    m = pats.pattern.search(lowered)
    if m is None:
        return None
    same = len(lowered) == len(text)
    written = (text[m.start() : m.end()] if same else m.group(0)).strip()
    if today is None:
        return ProposedTime(written, None)
    on: date | None = None
    if m.group("nextday"):
        wd = pats.weekday_of[m.group("nd").lower()]
        on = _next_weekday(today, wd)
        prefix = written.lower().split()[0]
        monday_next = today + timedelta(days=7 - today.weekday())
        if on < monday_next and prefix not in ("på", "this", "coming", "kommende", "kommenden"):
            on += timedelta(days=7)
    elif m.group("nextweek"):
        on = None  # a week is not a day: a draft must never invent "Monday 30 November"
    elif m.group("dm"):
        on = _day_month(today, int(m.group("d1")), pats.month_of[m.group("m1").lower()], None)
    elif m.group("md"):
        on = _day_month(today, int(m.group("d2")), pats.month_of[m.group("m2").lower()], None)
    elif m.group("num"):
        year = int(m.group("y3")) if m.group("y3") else None
        on = _day_month(today, int(m.group("d3")), int(m.group("m3")), year)
    elif m.group("rel"):
        key = re.sub(r"\s+", " ", m.group("rel").lower())
        on = today + timedelta(days=cal.relative_days.get(key, 0))
    elif m.group("day"):
        on = _next_weekday(today, pats.weekday_of[m.group("dd").lower()])
    return ProposedTime(written, on)
