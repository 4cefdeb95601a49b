"""Values that flow through the pure core: parse → guard → classify → tier → decide → render.

Every type here is a frozen dataclass or an enum, so a decision can be printed (dry run),
stored (state) and carried out (service) without anyone mutating it on the way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Action(StrEnum):
    """What the draft says; the policy picks one per invitation."""

    ACCEPT = "accept"
    ACCEPT_TIMEBOXED = "accept_timeboxed"
    REDIRECT_CALL = "redirect_call"
    REDIRECT_SHORT = "redirect_short"
    REDIRECT_EMAIL = "redirect_email"
    DELEGATE = "delegate"
    DECLINE = "decline"


class Tier(StrEnum):
    """Who the sender is to the user; from contacts first, the mail's own words second."""

    CLIENT = "client"
    PROSPECT = "prospect"
    REFERRER = "referrer"
    CREDITOR = "creditor"
    UNKNOWN = "unknown"
    PERSONAL = "personal"  # family and friends: never drafted for


class Intent(StrEnum):
    """What kind of meeting the sender asks for."""

    COFFEE = "coffee"
    LUNCH = "lunch"
    DINNER = "dinner"
    DRINKS = "drinks"
    BREAKFAST = "breakfast"
    CALL = "call"
    MEETING = "meeting"
    PICK_BRAIN = "pick_brain"
    CATCH_UP = "catch_up"


class Formality(StrEnum):
    """German Sie (formal) / du (informal); None where the language has no such choice."""

    FORMAL = "formal"
    INFORMAL = "informal"


class Signal(StrEnum):
    """Facts the mail itself states that the tier and the policy may use."""

    REFERRAL = "referral"  # brings a concrete client or project to the user
    BONA_FIDE = "bona_fide"  # budget / timeline / need / authority
    LONG_MEETING = "long_meeting"  # asks for a long meeting (e.g. 90 minutes, half a day)
    CALL_PROPOSED = "call_proposed"  # already offers a phone/video call
    INTRODUCTION = "introduction"  # a third party introduces someone to the user
    CALENDAR_REQUEST = "calendar_request"  # an .ics METHOD:REQUEST from a person


@dataclass(frozen=True, slots=True)
class Address:
    """One mailbox: decoded display name (may be empty) and the addr-spec as written."""

    name: str
    email: str

    @property
    def key(self) -> str:
        """Case-folded address used for every comparison (local parts are matched as whole)."""
        return self.email.strip().lower()

    @property
    def local(self) -> str:
        return self.key.rpartition("@")[0]

    @property
    def domain(self) -> str:
        return self.key.rpartition("@")[2]


@dataclass(frozen=True)
class Identity:
    """The user: the name and addresses that mail to them arrives at and drafts come from."""

    name: str
    email: str
    aliases: tuple[str, ...] = ()

    @property
    def addresses(self) -> frozenset[str]:
        return frozenset(a.strip().lower() for a in (self.email, *self.aliases) if a.strip())

    def owns(self, address: str) -> bool:
        return address.strip().lower() in self.addresses

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2].lower() or "localhost"


@dataclass(frozen=True)
class Message:
    """What the pure core knows of one mail: decoded headers and its text split three ways.

    ``headers`` maps lower-cased header names to every (unfolded, RFC 2047-decoded) value, so
    the guard can apply RFC 3834 rules without re-parsing. ``new_text`` is only what the
    sender wrote this time; quoted history and signature are kept apart so detection never
    fires on an old invitation further down the thread.
    """

    message_id: str | None  # "<id@host>" or None
    subject: str
    from_: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    bcc: tuple[Address, ...]
    resent_to: tuple[Address, ...]  # Resent-To + Resent-Cc
    date: datetime | None  # timezone-aware, None if missing or unparseable
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    headers: Mapping[str, tuple[str, ...]]
    new_text: str
    quoted_text: str = ""
    signature: str = ""
    html_only: bool = False
    calendar_method: str | None = None  # METHOD of a text/calendar part, upper-cased
    calendar_summary: str | None = None
    truncated: bool = False  # body was cut (partial fetch or size limit)
    defects: tuple[str, ...] = ()  # short notes on malformed structure, for reasons/logs

    @property
    def sender(self) -> Address | None:
        return self.from_[0] if self.from_ else None

    def header(self, name: str) -> str | None:
        """First value of a header (name case-insensitive), or None."""
        values = self.headers.get(name.lower())
        return values[0] if values else None

    @property
    def thread_root(self) -> str | None:
        """The earliest Message-ID this mail's thread is known by (References order)."""
        if self.references:
            return self.references[0]
        if self.in_reply_to:
            return self.in_reply_to[0]
        return self.message_id


@dataclass(frozen=True)
class Skip:
    """Why no draft is made: a stable rule name (for logs/metrics) and a human detail."""

    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.detail}"


@dataclass(frozen=True)
class ProposedTime:
    """A time the sender proposed, as written and, where it can be resolved, as a date."""

    text: str
    on: date | None = None


@dataclass(frozen=True)
class Verdict:
    """The classifier's reading of a message's new text; reasons are short and human."""

    invitation: bool
    language: str  # ISO 639-1 of the new text ("en", "de", "nb", ...) or "und"
    language_confidence: float = 0.0
    intent: Intent | None = None
    formality: Formality | None = None
    proposed: ProposedTime | None = None
    signals: frozenset[Signal] = field(default_factory=frozenset)
    score: float = 0.0
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """What to do with one mail. A value: `scan` prints it, the service carries it out.

    ``action`` is None exactly when no draft is to be made; ``skip`` then says why.
    ``reasons`` explain the whole chain (guard, classifier, tier, policy) for the user and
    are never rendered into the draft.
    """

    action: Action | None
    tier: Tier
    reply_language: str
    formality: Formality | None
    reasons: tuple[str, ...]
    skip: Skip | None = None
    delegate_to: Address | None = None

    @property
    def draft(self) -> bool:
        return self.action is not None
