"""Render the reply text from templates and build the draft message; pure (no clock, no I/O).

Flow: ``build_context(...)`` → ``render_body(templates, lang, action, context)`` →
``build_draft(..., body_text=...)``. Template handling lives in `responder.templates`, the
message itself in `responder.draft`; this module adds names, greetings and the context, and
re-exports the whole API.

Variables every template gets (all always present; unknown values are ``None`` or ``""``):

=====================  ==================================================================
sender_name            full display name, cleaned ("Hans Schmidt"), or ""
sender_first_name      first name ("Hans"), or ""
salutation             the whole greeting line ("Guten Tag Hans Schmidt,")
user_name              the user's name for the sign-off
signature              verbatim signature text (may be ""); goes below ``-- ``
intent                 `Intent` value string ("coffee", "lunch", ...) or None
intent_phrase          localized noun phrase ("a coffee", "einen Kaffee", "en kaffe")
proposed_text          the time as the sender wrote it; "" if none or already past
proposed_date          `datetime.date` strictly after today (in ``tz``), else None
proposed_date_text     that date in the language's format ("Dienstag, 14. April"), or ""
booking_link           URL of the user's booking page, or None
colleague_name         name (or address) of the colleague for `delegate`, or ""
colleague_first_name   the colleague's first name, or ""
colleague_email        the colleague's address, or ""
call_minutes           length of the proposed call (default 20)
short_minutes          length of the proposed shorter meeting (default 30)
timebox_minutes        length of a time-boxed meeting (default 45)
formal                 True for German Sie; False for du (en/nb: informational only)
tier                   `Tier` value string; for template logic, never printed by shipped ones
reasons                list of str explaining the decision; never printed by shipped ones
subject                the original subject, cleaned
language               template language ("en", "de", "nb")
attribution            localized "On …, Name <addr> wrote:" line above the quote
introduced_by          first name of whoever introduced the addressee (introductions), or ""
quoted                 the sender's new text to quote (use the ``quote`` filter)
=====================  ==================================================================

Filters: ``quote`` (prefix ``> ``), ``upfirst`` (capitalise the first letter only),
``format_date(pattern, locale)`` (Babel).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from babel.dates import format_date, format_datetime

from responder.draft import (
    build_draft,
    clean_header_text,
    decode_flowed,
    draft_message_id,
    encode_flowed,
    reply_subject,
)
from responder.model import Address, Decision, Formality, Identity, Intent, Message, Verdict
from responder.templates import (
    VARIABLES,
    TemplateSet,
    normalize_language,
    render_body,
    shipped_dir,
)

__all__ = [
    "VARIABLES",
    "TemplateSet",
    "attribution_line",
    "build_context",
    "build_draft",
    "decode_flowed",
    "display_names",
    "draft_message_id",
    "encode_flowed",
    "intent_phrase",
    "render_body",
    "reply_subject",
    "salutation",
    "shipped_dir",
]

DEFAULT_CALL_MINUTES = 20
DEFAULT_SHORT_MINUTES = 30
DEFAULT_TIMEBOX_MINUTES = 45

_INTENT_PHRASES: dict[str, dict[Intent | None, str]] = {
    "en": {
        Intent.COFFEE: "a coffee",
        Intent.LUNCH: "lunch",
        Intent.DINNER: "dinner",
        Intent.DRINKS: "a drink",
        Intent.BREAKFAST: "breakfast",
        Intent.CALL: "a call",
        Intent.MEETING: "a meeting",
        Intent.PICK_BRAIN: "a chat",
        Intent.CATCH_UP: "a catch-up",
        None: "a meeting",
    },
    "de": {
        Intent.COFFEE: "einen Kaffee",
        Intent.LUNCH: "ein Mittagessen",
        Intent.DINNER: "ein Abendessen",
        Intent.DRINKS: "einen Drink nach Feierabend",
        Intent.BREAKFAST: "ein Frühstück",
        Intent.CALL: "ein Telefonat",
        Intent.MEETING: "ein Treffen",
        Intent.PICK_BRAIN: "einen Austausch",
        Intent.CATCH_UP: "ein Wiedersehen",
        None: "ein Treffen",
    },
    "nb": {
        Intent.COFFEE: "en kaffe",
        Intent.LUNCH: "lunsj",
        Intent.DINNER: "middag",
        Intent.DRINKS: "en drink etter jobb",
        Intent.BREAKFAST: "frokost",
        Intent.CALL: "en telefonsamtale",
        Intent.MEETING: "et møte",
        Intent.PICK_BRAIN: "en prat",
        Intent.CATCH_UP: "en prat",
        None: "et møte",
    },
}

_DATE_PATTERNS = {"en": "EEEE d MMMM", "de": "EEEE, d. MMMM", "nb": "EEEE d. MMMM"}


def intent_phrase(language: str, intent: Intent | None) -> str:
    """Localized noun phrase for an intent ("a coffee" / "einen Kaffee" / "en kaffe")."""
    phrases = _INTENT_PHRASES.get(normalize_language(language), _INTENT_PHRASES["en"])
    return phrases.get(intent, phrases[None])


# --- names ---------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PREFIX_TITLES = _words(
    "dr prof mag dipl ing dipl.-ing dr.-ing mr mrs ms mx miss sir dame herr frau hr. "
    "fr. univ.-prof priv.-doz mmag dkfm ök.-rat"
)
_SUFFIX_DEGREES = _words("phd ph.d. mba msc m.sc. bsc b.sc. m.a. b.a. llm ll.m. mph cpa esq esq.")
_PARTICLES = _words("von van de der den du da di la le zu zur af av ten ter del dos das")
_COMPANY_WORDS = _words(
    "gmbh ag as asa ab oy ltd ltd. limited inc inc. llc kg ohg se e.v. ev bv sa corp co. "
    "plc gbr ug sarl srl"
)
_ROLE_WORDS = _words(
    "info support team sales service kundenservice kundeservice kontakt contact office "
    "admin noreply no-reply newsletter post mail marketing billing accounts booking "
    "reception hello hallo hei der die das the redaktion"
)
_COMPANY_CUT = re.compile(r"\s+[|/\u2013\u2014-]\s+|\s*[|(\[<]|\s+via\s+|\s+@\s+|\s+\bc/o\b", re.I)
_QUOTES = "'\"` \u00b4\u2018\u2019\u201c\u201d"
_INITIAL = re.compile(r"^(?:\w\.)+$|^\w$")
_LOCAL_NAME = re.compile(
    r"^([^\W\d_]{2,}(?:-[^\W\d_]{2,})?)\.(?:[^\W\d_]\.)?([^\W\d_]{2,}(?:-[^\W\d_]{2,})?)$"
)


def _fix_case(token: str, *, first: bool) -> str:
    """Title-case one all-caps or all-lower name token (particles, Mc, O', hyphens)."""
    lower = token.lower()
    if lower in _PARTICLES and not first:
        return lower
    parts = re.split("([-'\u2019])", lower)
    out = []
    for part in parts:
        if part in "-'\u2019" or not part:
            out.append(part)
        elif part.startswith("mc") and len(part) > 2:
            out.append("Mc" + part[2].upper() + part[3:])
        else:
            out.append(part[0].upper() + part[1:])
    return "".join(out)


def _norm_token(token: str) -> str:
    return token.lower().strip(",;:")


def _strip_titles(tokens: list[str]) -> list[str]:
    while tokens:
        low = _norm_token(tokens[0])
        if low in _PREFIX_TITLES or low.rstrip(".") in _PREFIX_TITLES:
            tokens = tokens[1:]
            # academic qualifiers after a title: "Dr. med.", "Dr. rer. nat."
            while tokens and re.fullmatch(r"[a-z]{2,5}\.", tokens[0]):
                tokens = tokens[1:]
            continue
        break
    while tokens and _norm_token(tokens[-1]) in _SUFFIX_DEGREES:
        tokens = tokens[:-1]
    return tokens


def _from_local_part(address: Address) -> tuple[str, str]:
    match = _LOCAL_NAME.match(address.local)
    if not match:
        return "", ""
    first, last = match.group(1), match.group(2)
    if first in _ROLE_WORDS or last in _ROLE_WORDS:
        return "", ""
    first, last = _fix_case(first, first=True), _fix_case(last, first=False)
    return f"{first} {last}", first


def display_names(address: Address | None) -> tuple[str, str]:
    """(full_name, first_name) from a decoded display name, or ("", "") when there is none.

    Drops titles (Dr., Prof., Mag., Herr/Frau), degrees and company parts after ``|``, `` - ``,
    ``(``; turns "Schmidt, Hans" around; fixes ALL-CAPS/all-lower names; derives a name from
    a first.last local part only when the display name is empty or an address.
    """
    if address is None:
        return "", ""
    name = clean_header_text(address.name).strip(_QUOTES)
    if not name or "@" in name:
        return _from_local_part(address)
    name = _COMPANY_CUT.split(name, maxsplit=1)[0].strip(" ,")
    parts = [p.strip() for p in name.split(",") if p.strip()]
    parts = [p for p in parts if not _is_company(p) and _norm_token(p) not in _SUFFIX_DEGREES]
    if not parts:
        return "", ""
    if len(parts) >= 2:
        surname_words = [w for w in parts[0].split() if w.lower() not in _PARTICLES]
        given = _strip_titles(parts[1].split())
        if len(surname_words) == 1 and 1 <= len(given) <= 2:
            parts = [" ".join(given) + " " + parts[0]]
    tokens = _strip_titles(parts[0].split())
    if not tokens or any(ch.isdigit() for ch in "".join(tokens)):
        return "", ""
    if all(_norm_token(t) in _ROLE_WORDS for t in tokens) or _is_company(" ".join(tokens)):
        return "", ""
    letters = [c for c in "".join(tokens) if c.isalpha()]
    whole_case = bool(letters) and (
        all(c.isupper() for c in letters) or all(c.islower() for c in letters)
    )
    fixed = []
    for index, token in enumerate(tokens):
        token_letters = [c for c in token if c.isalpha()]
        shouting = len(token_letters) > 1 and all(c.isupper() for c in token_letters)
        needs_fix = (whole_case or shouting) and not _INITIAL.match(token)
        fixed.append(_fix_case(token, first=index == 0) if needs_fix else token)
    full = " ".join(fixed)
    first = "" if _INITIAL.match(fixed[0]) else fixed[0]
    return full, first


def _is_company(text: str) -> bool:
    return any(_norm_token(word) in _COMPANY_WORDS for word in text.split())


def salutation(
    language: str,
    *,
    formal: bool,
    full_name: str,
    first_name: str,
    override: str | None = None,
) -> str:
    """The greeting line; ``override`` (from contacts) wins, else neutral and gender-free."""
    if override and clean_header_text(override):
        return clean_header_text(override)
    lang = normalize_language(language)
    given = first_name or full_name
    if lang == "de":
        if formal:
            return f"Guten Tag {full_name}," if full_name else "Guten Tag,"
        return f"Hallo {given}," if given else "Hallo,"
    if lang == "nb":
        return f"Hei {given}," if given else "Hei,"
    return f"Hi {given}," if given else "Hi,"


# --- context -------------------------------------------------------------------------------


def attribution_line(
    language: str, name: str, email: str, when: datetime | None, tz: tzinfo
) -> str:
    """'On Tue, 14 Apr 2026 at 10:05, Kari <k@x.no> wrote:' in the reply language."""
    lang = normalize_language(language)
    who = f"{name} <{email}>" if name else email
    if when is None:
        verbs = {"de": "schrieb", "nb": "skrev"}
        return f"{who} {verbs.get(lang, 'wrote')}:"
    local = when.astimezone(tz).replace(tzinfo=None)
    if lang == "de":
        stamp = format_datetime(local, "dd.MM.y 'um' HH:mm", locale="de")
        return f"Am {stamp} schrieb {who}:"
    if lang == "nb":
        stamp = format_datetime(local, "d. MMMM y 'kl.' HH:mm", locale="nb")
        return f"Den {stamp} skrev {who}:"
    stamp = format_datetime(local, "EEE, d MMM y 'at' HH:mm", locale="en")
    return f"On {stamp}, {who} wrote:"


def _attribution(lang: str, sender: Address | None, when: datetime | None, tz: tzinfo) -> str:
    if sender is None:
        return ""
    name = clean_header_text(sender.name).strip("'\"")
    if "@" in name:
        name = ""
    return attribution_line(lang, name, clean_header_text(sender.email), when, tz)


def _date_text(lang: str, on: date | None) -> str:
    if on is None:
        return ""
    locale = lang if lang in _DATE_PATTERNS else "en"
    return str(format_date(on, _DATE_PATTERNS[locale], locale=locale))


def _clean_signature(signature: str) -> str:
    """Signature text as configured, minus a leading '-- ' line (the template adds it)."""
    lines = signature.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    if lines and lines[0].rstrip() == "--":
        lines = lines[1:]
    return "\n".join(lines).strip("\n")


def _introducer_name(sender: Address | None) -> str:
    full, first = display_names(sender)
    return first or full


def build_context(
    original: Message,
    decision: Decision,
    verdict: Verdict,
    *,
    me: Identity,
    now: datetime,
    tz: tzinfo,
    signature: str = "",
    booking_link: str | None = None,
    salutation_override: str | None = None,
    call_minutes: int = DEFAULT_CALL_MINUTES,
    short_minutes: int = DEFAULT_SHORT_MINUTES,
    timebox_minutes: int = DEFAULT_TIMEBOX_MINUTES,
    addressee: Address | None = None,
) -> dict[str, Any]:
    """Every template variable for one reply (see the module docstring for the list).

    ``addressee`` is whom the reply greets when that is not the sender: in an introduction
    ("Anna, meet Lars") the reply goes to the introduced person.
    """
    lang = normalize_language(decision.reply_language)
    formal = decision.formality is not Formality.INFORMAL
    full, first = display_names(addressee or original.sender)
    proposed_text, proposed_date = "", None
    if verdict.proposed is not None:
        proposed_text = clean_header_text(verdict.proposed.text)
        on = verdict.proposed.on
        aware = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
        today: date = aware.astimezone(tz).date()
        if on is not None and on > today:
            proposed_date = on
        elif on is not None:
            proposed_text = ""  # a past date is never repeated back
    colleague = decision.delegate_to
    colleague_full, colleague_first = display_names(colleague)
    sender = original.sender
    return {
        "sender_name": full,
        "sender_first_name": first,
        "salutation": salutation(
            lang, formal=formal, full_name=full, first_name=first, override=salutation_override
        ),
        "user_name": clean_header_text(me.name),
        "signature": _clean_signature(signature),
        "intent": verdict.intent.value if verdict.intent else None,
        "intent_phrase": intent_phrase(lang, verdict.intent),
        "proposed_text": proposed_text,
        "proposed_date": proposed_date,
        "proposed_date_text": _date_text(lang, proposed_date),
        "booking_link": booking_link or None,
        "colleague_name": colleague_full or (colleague.email if colleague else ""),
        "colleague_first_name": colleague_first,
        "colleague_email": colleague.email if colleague else "",
        "call_minutes": call_minutes,
        "short_minutes": short_minutes,
        "timebox_minutes": timebox_minutes,
        "formal": formal,
        "tier": decision.tier.value,
        "reasons": list(decision.reasons),
        "subject": clean_header_text(original.subject),
        "language": lang,
        "attribution": _attribution(lang, sender, original.date, tz),
        "quoted": original.new_text.strip("\n"),
        "introduced_by": _introducer_name(original.sender) if addressee is not None else "",
    }
