"""Which mail must never get an automatic reply draft: RFC 3834 and RFC 5230, as code.

Pure: a :class:`~responder.model.Message` in, a :class:`~responder.model.Skip` (or None)
out. The rules follow what Dovecot Pigeonhole, Cyrus and vacation(1) do, and run cheapest
and most certain first, so the reason a mail is skipped is the plainest one. Each rule's
docstring says why it exists. Rule names are stable: logs and metrics count them.

A draft is not a sent reply, but a draft to a bounce or a list is a trap one click away
from a mail loop or a message to thousands, so the guard is as strict as a responder's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Final

from responder.model import Address, Identity, Message, Skip
from responder.parse import parse_addresses

_COMMENT: Final = re.compile(r"\([^()]*\)")
_LIST_HEADERS: Final = (
    "list-id",
    "list-help",
    "list-subscribe",
    "list-unsubscribe",
    "list-post",
    "list-owner",
    "list-archive",
)
_BULK_PRECEDENCE: Final = frozenset({"bulk", "list", "junk"})
_SUPPRESS_REPLIES: Final = frozenset({"all", "oof", "autoreply"})
# Local parts of system senders (RFC 5230 §4.5; vacation(1) also skips postmaster).
_SYSTEM_LOCALS: Final = frozenset({"mailer-daemon", "mailer_daemon", "postmaster", "listserv",
                                   "majordomo"})  # fmt: skip
# "noreply" as a word of the local part: noreply, no-reply+x, noreply-123, calendar-noreply.
_NOREPLY: Final = re.compile(r"(?:^|[-_.+])(?:no[-_.]?reply|do[-_.]?not[-_.]?reply)(?:$|[-_.+=\d])")
# Junk folder names as servers and clients create them (en, de, nb), compared case-folded.
_JUNK_NAMES: Final = frozenset(
    {"junk", "spam", "junk e-mail", "junk email", "junk-e-mail", "bulk mail", "spamverdacht",
     "uønsket e-post", "søppelpost"}
)  # fmt: skip
_CLEAN_VIRUS_VALUES: Final = frozenset({"", "no", "none", "false", "0", "clean"})


@dataclass(frozen=True)
class Context:
    """What the rules know besides the mail: the user and where the mail was found."""

    me: Identity
    folder: str
    junk_folders: Collection[str]
    require_return_path: bool


Rule = Callable[[Message, Context], Skip | None]
"""One guard rule: a Skip if the mail must not be answered, else None."""


def _token(value: str) -> str:
    """The first token of a structured header, without comments or parameters, lower-case."""
    while "(" in value:
        stripped = _COMMENT.sub(" ", value)
        if stripped == value:
            break
        value = stripped
    return value.partition(";")[0].strip().lower()


def _values(msg: Message, name: str) -> tuple[str, ...]:
    return msg.headers.get(name, ())


def no_from(msg: Message, ctx: Context) -> Skip | None:
    """No author, no one to answer: RFC 5322 §3.6 requires From, so this is broken or forged."""
    if not msg.from_:
        return Skip("no_from", "the mail has no From address")
    return None


def from_self(msg: Message, ctx: Context) -> Skip | None:
    """Mail from the user (a copy, a note to self) must not be answered (RFC 3834 §2)."""
    for addr in msg.from_:
        if ctx.me.owns(addr.email):
            return Skip("from_self", f"sent by you ({addr.key})")
    return None


def auto_submitted(msg: Message, ctx: Context) -> Skip | None:
    """RFC 3834 §5 and §2, RFC 5230 §4.5: any Auto-Submitted value but "no" is automatic."""
    for value in _values(msg, "auto-submitted"):
        word = _token(value)
        if word != "no":
            return Skip("auto_submitted", f"Auto-Submitted: {word or 'empty'}")
    return None


def junk_folder(msg: Message, ctx: Context) -> Skip | None:
    """The server or the user filed it as junk: never answer spam (it confirms the address)."""
    folder = ctx.folder.strip().lower()
    leaf = re.split(r"[/.]", folder)[-1]
    if folder in {f.strip().lower() for f in ctx.junk_folders} or leaf in _JUNK_NAMES:
        return Skip("junk_folder", f"in the junk folder {ctx.folder!r}")
    return None


def spam_verdict(msg: Message, ctx: Context) -> Skip | None:
    """A filter upstream (SpamAssassin, rspamd, ClamAV) judged it spam or infected."""
    for name, bad, kind in _VERDICTS:
        for value in _values(msg, name):
            if bad(value.strip()):
                return Skip(f"{kind}_verdict", f"{name}: {value[:60]}")
    return None


def _yes(value: str) -> bool:
    return value.lower().startswith("yes")


# (header, is-a-bad-verdict, kind): SpamAssassin, rspamd, ClamAV and the like.
_VERDICTS: Final[tuple[tuple[str, Callable[[str], bool], str], ...]] = (
    ("x-spam-flag", _yes, "spam"),
    ("x-spam-status", _yes, "spam"),
    ("x-spam", _yes, "spam"),
    ("x-rspamd-action", lambda v: v.lower() not in ("no action", ""), "spam"),
    ("x-virus-status", lambda v: v.lower().startswith("infected"), "virus"),
    ("x-virus-found", lambda v: _token(v) not in _CLEAN_VIRUS_VALUES, "virus"),
)


def precedence(msg: Message, ctx: Context) -> Skip | None:
    """RFC 3834 §2 and vacation(1): Precedence bulk, list or junk marks mass mail."""
    for value in _values(msg, "precedence"):
        word = _token(value)
        if word in _BULK_PRECEDENCE:
            return Skip("precedence", f"Precedence: {word}")
    return None


def list_mail(msg: Message, ctx: Context) -> Skip | None:
    """RFC 3834 §2, RFC 5230 §4.5: List-* headers (RFC 2369, RFC 2919) mark list mail."""
    for name in _LIST_HEADERS:
        if name in msg.headers:
            return Skip("list_mail", f"has a {name} header")
    return None


def auto_response_suppressed(msg: Message, ctx: Context) -> Skip | None:
    """Exchange's X-Auto-Response-Suppress (MS-OXCMAIL §2.2.3.2.20) asks for no auto-reply."""
    for value in _values(msg, "x-auto-response-suppress"):
        tokens = {t.strip().lower() for t in value.split(",")}
        if tokens & _SUPPRESS_REPLIES:
            return Skip("auto_response_suppressed", f"X-Auto-Response-Suppress: {value[:40]}")
    return None


def return_path(msg: Message, ctx: Context) -> Skip | None:
    """RFC 3834 §2 and §3.1.3, RFC 5230 §4.5: a null envelope sender marks a bounce or report.

    A missing Return-Path skips only if ``require_return_path``: the delivery agent (LMTP,
    LDA) adds one to every mail it stores, but mail a client APPENDed (and old archives
    such as the Enron corpus) never had one, so the caller decides per mailbox.
    """
    values = _values(msg, "return-path")
    if not values:
        if ctx.require_return_path:
            return Skip("missing_return_path", "no Return-Path: not delivered mail")
        return None
    if not values[0].strip().strip("<>").strip():
        return Skip("null_return_path", "Return-Path <> (a bounce or auto-reply)")
    return None


def _senders(msg: Message) -> Iterable[tuple[str, Address]]:
    for name in ("return-path", "sender"):
        for addr in parse_addresses(_values(msg, name)):
            yield name.title(), addr
    for addr in msg.from_:
        yield "From", addr
    for addr in msg.reply_to:
        yield "Reply-To", addr


def _system_problem(addr: Address, field: str) -> Skip | None:
    local = addr.local or addr.key
    if local in _SYSTEM_LOCALS or local.endswith("-request") or local.startswith("owner-"):
        return Skip("system_sender", f"{field} is a system address ({addr.key})")
    if _NOREPLY.search(local):
        return Skip("noreply_sender", f"{field} is a no-reply address ({addr.key})")
    return None


def sender_problem(addr: Address, me: Identity, field: str = "From") -> Skip | None:
    """Why a reply must not go to ``addr``: the user's own, a system or a no-reply address.

    For callers choosing where a reply goes (Reply-To or From), with the rules below.
    """
    if me.owns(addr.email):
        return Skip("from_self", f"{field} is your own address ({addr.key})")
    return _system_problem(addr, field)


def system_sender(msg: Message, ctx: Context) -> Skip | None:
    """RFC 5230 §4.5, vacation(1): daemons, list software and no-reply addresses.

    Checked for From, Reply-To (where a reply would go), Sender and Return-Path.
    """
    for field, addr in _senders(msg):
        skip = _system_problem(addr, field)
        if skip is not None:
            return skip
    return None


def not_addressed(msg: Message, ctx: Context) -> Skip | None:
    """RFC 3834 §2, RFC 5230 §4.5: answer only mail that names the user as a recipient.

    To, Cc, Bcc, Resent-To and Resent-Cc count, matched as whole addresses against the
    identity and its aliases. Delivered-To or "Received: ... for" alone do not.
    """
    recipients = (*msg.to, *msg.cc, *msg.bcc, *msg.resent_to)
    if any(ctx.me.owns(addr.email) for addr in recipients):
        return None
    return Skip("not_addressed", "you are not among the To/Cc recipients")


RULES: Final[tuple[Rule, ...]] = (
    no_from,
    from_self,
    auto_submitted,
    junk_folder,
    spam_verdict,
    precedence,
    list_mail,
    auto_response_suppressed,
    return_path,
    system_sender,
    not_addressed,
)
"""The rules in the order they run: cheapest and most certain first."""


def check(
    msg: Message,
    me: Identity,
    *,
    folder: str = "INBOX",
    junk_folders: Collection[str] = (),
    require_return_path: bool = True,
) -> Skip | None:
    """Why ``msg`` must not be answered, or None if it may be.

    ``folder`` is where the mail was found; it and ``junk_folders`` (plus common junk
    names) catch mail a filter filed away. ``require_return_path`` says whether a missing
    Return-Path means "not delivered mail" (True for mailboxes fed by LMTP/LDA) or is
    normal (False for mail APPENDed by a client and for archives): see :func:`return_path`.
    """
    ctx = Context(me, folder, junk_folders, require_return_path)
    for rule in RULES:
        skip = rule(msg, ctx)
        if skip is not None:
            return skip
    return None
