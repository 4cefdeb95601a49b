"""The pure core end to end: raw bytes → Outcome (message, verdict, decision).

No I/O happens here: the clock, the folder's facts (INTERNALDATE, flags) and what the
mailbox knows (has the user written to this sender before?) are arguments. `classify`,
`preview`, `scan` and the service all call `assess`, so a dry run shows exactly what a real
pass would do.
"""

from __future__ import annotations

import gc
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from responder import guard
from responder.classify import classify
from responder.config import PolicySettings, Settings
from responder.cues import Lexicon, load_lexicon
from responder.errors import ParseError
from responder.model import Address, Decision, Identity, Message, Signal, Skip, Tier, Verdict
from responder.parse import Head
from responder.policy import decide
from responder.tiers import Contacts, load_contacts, resolve_tier


@dataclass(frozen=True)
class Core:
    """Everything the pure core needs, built once from Settings."""

    identity: Identity
    contacts: Contacts
    policy: PolicySettings
    lexicon: Lexicon
    default_language: str = "en"
    max_age: timedelta = timedelta(days=14)
    require_return_path: bool = True
    junk_folders: tuple[str, ...] = ("Junk", "Spam")

    @classmethod
    def from_settings(cls, settings: Settings, *, contacts: Contacts | None = None) -> Core:
        """The core for ``settings``; what it holds lives as long as the process.

        The lexicon's phrase trie and tables are tens of thousands of objects that never
        die, so they are moved out of the cyclic collector's sight (``gc.freeze``): its
        full collections would otherwise walk them again and again, some 10% of a mail's
        cost. Objects made later are collected as usual.
        """
        core = cls(
            identity=settings.identity,
            contacts=contacts if contacts is not None else load_contacts(settings.contacts_file),
            policy=settings.policy,
            lexicon=load_lexicon(),
            default_language=settings.reply_language,
            max_age=timedelta(days=settings.max_age_days),
            require_return_path=settings.require_return_path,
        )
        gc.freeze()
        return core


@dataclass(frozen=True)
class Outcome:
    """What the core made of one mail; ``decision.draft`` says whether to write a draft."""

    message: Message | None
    verdict: Verdict | None
    decision: Decision
    notes: tuple[str, ...] = field(default=())


def skipped(skip: Skip, *, language: str = "und", reasons: tuple[str, ...] = ()) -> Decision:
    """A decision to make no draft, carrying why."""
    return Decision(
        action=None,
        tier=Tier.UNKNOWN,
        reply_language=language,
        formality=None,
        reasons=(*reasons, str(skip)),
        skip=skip,
    )


def too_old(
    message: Message, *, now: datetime, max_age: timedelta, internaldate: datetime | None
) -> Skip | None:
    """Mail older than max_age by the server's date *or* its own Date header is never answered.

    Both count: after a provider migration INTERNALDATE is the import day, and mail moved
    back into INBOX gets a new UID; a reply weeks late is worse than none.
    """
    limit = now - max_age
    if internaldate is not None and internaldate < limit:
        return Skip("too_old", f"arrived {internaldate:%Y-%m-%d}, older than {max_age.days} days")
    if message.date is not None and message.date < limit:
        return Skip("too_old", f"dated {message.date:%Y-%m-%d}, older than {max_age.days} days")
    return None


def screen(
    core: Core,
    message: Message,
    *,
    now: datetime,
    internaldate: datetime | None = None,
    folder: str = "INBOX",
    flags: Collection[str] = (),
) -> Skip | None:
    """Header-level checks that need no body: age, answered, and the RFC 3834 guard."""
    old = too_old(message, now=now, max_age=core.max_age, internaldate=internaldate)
    if old is not None:
        return old
    if any(f.lower() == "\\answered" for f in flags):
        return Skip("answered", "you have already answered this mail")
    if any(f.lower() == "\\draft" for f in flags):
        return Skip("draft", "the mail is a draft")
    return guard.check(
        message,
        core.identity,
        folder=folder,
        junk_folders=core.junk_folders,
        require_return_path=core.require_return_path,
    )


_BEFORE_BODY = frozenset(
    ("too_old", "answered", "draft", *guard.SKIP_RULES[: guard.SKIP_RULES.index("calendar_reply")])
)
"""Skips decided before the one rule that reads the body (a calendar's METHOD)."""


def assess(
    core: Core,
    mail: bytes | Message,
    *,
    now: datetime,
    internaldate: datetime | None = None,
    folder: str = "INBOX",
    flags: Collection[str] = (),
    known_correspondent: bool = False,
    header_screened: bool = False,
) -> Outcome:
    """parse → screen (age, guard) → classify → tier → decide, for raw bytes or a parsed mail.

    Raw bytes are screened on their header first; a mail skipped there is never read
    further (its Outcome's message then holds the header alone), unless it may hold a
    calendar part whose METHOD the guard would see first. ``header_screened`` says the
    caller has passed this mail's header through :func:`screen` already (the service does
    for a whole chunk before it fetches any text): only the METHOD of a calendar part,
    the one thing the body adds for the guard, is then checked again.
    """
    def screened(message: Message) -> Skip | None:
        return screen(core, message, now=now, internaldate=internaldate, folder=folder, flags=flags)

    if isinstance(mail, Message):
        message = mail
        skip = None if header_screened and message.calendar_method is None else screened(message)
    else:
        try:
            head = Head(mail)
        except ParseError as exc:
            return Outcome(None, None, skipped(Skip("unparseable", str(exc))))
        skip = screened(head.message)
        if skip is not None and (skip.rule in _BEFORE_BODY or not head.may_hold_calendar()):
            return Outcome(head.message, None, skipped(skip))  # the body cannot change this
        message = head.full()
        if message.calendar_method is not None:
            skip = screened(message)
    if skip is not None:
        return Outcome(message, None, skipped(skip))
    verdict = classify(message, lexicon=core.lexicon)
    if not verdict.invitation:
        return Outcome(
            message,
            verdict,
            skipped(
                Skip("not_invitation", "no invitation to meet in the new text"),
                language=verdict.language,
                reasons=verdict.reasons,
            ),
        )
    sender = message.sender
    assert sender is not None  # the guard skips mail without From
    tier, tier_reason = resolve_tier(sender, core.contacts, verdict)
    if tier is Tier.PERSONAL:
        return Outcome(
            message,
            verdict,
            skipped(
                Skip("personal", "family or friend: answer in person"),
                language=verdict.language,
                reasons=verdict.reasons,
            ),
        )
    decision = decide(
        verdict,
        tier,
        tier_reason,
        core.contacts.person(sender),
        core.policy,
        default_language=core.default_language,
        known_correspondent=known_correspondent,
    )
    return Outcome(message, verdict, decision)


@dataclass(frozen=True)
class Recipients:
    """Who the draft goes to, whom it greets, and which of the user's addresses it comes from."""

    from_address: str
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    bcc: tuple[Address, ...] = ()
    addressee: Address | None = None  # greeted person when not the sender (introductions)


def introduced(message: Message, me: Identity) -> Address | None:
    """The one person an introduction mail introduces: the only other recipient."""
    sender = message.sender
    others = [
        a
        for a in (*message.to, *message.cc)
        if "@" in a.key and not me.owns(a.email) and (sender is None or a.key != sender.key)
    ]
    unique = {a.key: a for a in others}
    return next(iter(unique.values())) if len(unique) == 1 else None


def recipients(
    message: Message,
    decision: Decision,
    me: Identity,
    *,
    verdict: Verdict | None = None,
    introducer: str = "cc",
) -> Recipients:
    """Reply-all semantics without the user: Reply-To (if it passes the sender checks) or From;
    others the sender copied stay in Cc; a delegate colleague is added to Cc. An introduction
    is answered to the introduced person, with the introducer in Cc (or Bcc, if configured).
    """
    target: Address | None = None
    for candidate in message.reply_to:
        if guard.sender_problem(candidate, me) is None:
            target = candidate
            break
    if target is None:
        target = message.sender
    assert target is not None
    from_address = me.email
    for addr in (*message.to, *message.cc, *message.bcc, *message.resent_to):
        if me.owns(addr.email):
            from_address = addr.email
            break
    taken = {target.key} | set(me.addresses)
    target = guard.wire_address(target)  # an IDN domain in its ASCII form, as headers need
    taken.add(target.key)
    cc: list[Address] = []
    for addr in (*message.to, *message.cc):
        wire = guard.wire_address(addr)
        if addr.key and not {addr.key, wire.key} & taken and guard.usable_address(addr.key):
            cc.append(wire)
            taken |= {addr.key, wire.key}
    if decision.delegate_to is not None and decision.delegate_to.key not in taken:
        cc.append(decision.delegate_to)
    guest = (
        introduced(message, me)
        if verdict is not None and Signal.INTRODUCTION in verdict.signals
        else None
    )
    if guest is not None:
        rest = tuple(a for a in cc if a.key != guest.key)
        if introducer == "bcc":
            return Recipients(from_address, (guest,), rest, (target,), guest)
        return Recipients(from_address, (guest,), (target, *rest), (), guest)
    return Recipients(from_address, (target,), tuple(cc))
