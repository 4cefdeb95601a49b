"""Outcome → the draft's bytes: recipients, template context, body, headers.

Pure apart from reading templates (which may change on disk while the daemon runs: Jinja
re-reads a changed file) and the draft key, which is loaded once. The draft's Message-ID is a
keyed hash of the original's, so any later pass — even with the state directory gone — can
recompute it and find the draft in the Drafts folder instead of writing a second one.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from email.message import EmailMessage
from pathlib import Path

from responder.config import Settings
from responder.draft import decode_flowed
from responder.errors import ConfigError
from responder.model import Action, Identity, Message
from responder.pipeline import Outcome, recipients
from responder.render import (
    build_context,
    build_draft,
    draft_message_id,
    render_body,
    salutation,
)
from responder.templates import TemplateSet, sample_contexts
from responder.tiers import Contacts, load_contacts

KEY_BYTES = 32


def readable(raw: bytes, *, headers: Sequence[str] | None = None) -> str:
    """A draft as a mail client shows it: headers decoded, then the text with soft breaks joined.

    ``headers`` None shows every header in order; otherwise only those named.
    """
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    names = headers if headers is not None else list(dict.fromkeys(msg.keys()))
    lines = [f"{h}: {msg[h]}" for h in names if msg[h] is not None]
    part = msg.get_body(("plain",)) if isinstance(msg, EmailMessage) else None
    text = part.get_content() if isinstance(part, EmailMessage) else ""
    if isinstance(part, EmailMessage) and part.get_param("format") == "flowed":
        text = decode_flowed(text)
    return "\n".join(lines) + "\n\n" + text.replace("\r\n", "\n")


def load_key(path: Path) -> bytes:
    """Read the draft-id secret, creating it (0600) on first use.

    It lives apart from the state directory on purpose: deleting state must not change the
    ids, or the Drafts-folder check could no longer recognise drafts made before.
    """
    try:
        data = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        data = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the draft key ({exc})") from None
    if data:
        try:
            key = bytes.fromhex(data)
        except ValueError:
            raise ConfigError(
                f"{path}: the draft key is not hex; restore it or delete it"
            ) from None
        if len(key) < 16:
            raise ConfigError(f"{path}: the draft key is too short; restore it or delete it")
        return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return load_key(path)  # another process made it first: use theirs
    except OSError as exc:
        raise ConfigError(f"{path}: cannot create the draft key ({exc.strerror})") from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(KEY_BYTES) + "\n")
    return load_key(path)


@dataclass(frozen=True)
class Composer:
    """Turns a drafting Outcome into the bytes to APPEND."""

    templates: TemplateSet
    key: bytes
    identity: Identity
    contacts: Contacts
    timezone: tzinfo
    booking_link: str | None
    signatures: dict[str, str]
    introducer: str = "cc"

    @classmethod
    def from_settings(cls, settings: Settings, *, contacts: Contacts | None = None) -> Composer:
        overrides = [settings.templates_dir] if settings.templates_dir else []
        if settings.templates_dir is not None and not settings.templates_dir.is_dir():
            raise ConfigError(
                f"{settings.source}: responder.templates_dir {settings.templates_dir} is not a "
                "directory"
            )
        return cls(
            templates=TemplateSet(overrides),
            key=load_key(settings.key_file),
            identity=settings.identity,
            contacts=contacts if contacts is not None else load_contacts(settings.contacts_file),
            timezone=settings.timezone,
            booking_link=settings.booking_link or None,
            signatures=dict(settings.signatures),
            introducer=settings.introducer,
        )

    def draft_id(self, message: Message) -> str:
        """The draft's Message-ID, recomputable from the original alone."""
        fallback = hashlib.sha256(
            "\x00".join(
                [
                    message.sender.key if message.sender else "",
                    message.subject,
                    message.date.isoformat() if message.date else "",
                    message.new_text[:2000],
                ]
            ).encode("utf-8", "replace")
        ).hexdigest()
        return draft_message_id(
            message.message_id, fallback, key=self.key, domain=self.identity.domain
        )

    def compose(self, outcome: Outcome, *, now: datetime, me: Identity | None = None) -> bytes:
        """The complete draft message as bytes (CRLF line ends, as IMAP APPEND wants)."""
        msg, verdict, decision = outcome.message, outcome.verdict, outcome.decision
        assert msg is not None and verdict is not None and decision.action is not None
        me = me or self.identity
        rcpt = recipients(msg, decision, me, verdict=verdict, introducer=self.introducer)
        sender = msg.sender
        person = self.contacts.person(sender) if sender is not None else None
        context = build_context(
            msg,
            decision,
            verdict,
            me=me,
            now=now,
            tz=self.timezone,
            signature=self.signatures.get(decision.reply_language, ""),
            booking_link=self.booking_link,
            salutation_override=person.salutation if person and rcpt.addressee is None else None,
            addressee=rcpt.addressee,
        )
        body = render_body(self.templates, decision.reply_language, decision.action, context)
        draft = build_draft(
            msg,
            decision,
            verdict,
            me=me,
            from_address=rcpt.from_address,
            body_text=body,
            to=rcpt.to,
            cc=rcpt.cc,
            bcc=rcpt.bcc,
            message_id=self.draft_id(msg),
            date=now,
        )
        return draft.as_bytes()  # the draft's own policy: CRLF, unfolded headers

    def sample(self, lang: str, action: str, *, formal: bool) -> str:
        """`preview --lang --action`: one template rendered with sample data."""
        try:
            act = Action(action)
        except ValueError:
            raise ConfigError(
                f"preview: --action {action!r} is not one of {', '.join(a.value for a in Action)}"
            ) from None
        context = dict(sample_contexts(lang)[0])
        context["formal"] = formal
        context["salutation"] = salutation(
            lang,
            formal=formal,
            full_name=context["sender_name"],
            first_name=context["sender_first_name"],
        )
        return render_body(self.templates, lang, act, context)
