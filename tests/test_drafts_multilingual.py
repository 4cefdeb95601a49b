"""Every invitation of the multilingual set gets a draft in the sender's language and register.

The verdict is built from the set's labels (language, formality, intent), so this tests the
policy, the templates and the draft builder on 87 real-looking mails independently of how
well the detector does (that is measured by `bench/eval.py`, not asserted here).
"""

from __future__ import annotations

import csv
import email
import email.policy
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from responder.compose import Composer
from responder.config import PolicySettings
from responder.draft import decode_flowed
from responder.model import Action, Formality, Identity, Intent, Tier, Verdict
from responder.parse import parse_message
from responder.pipeline import Outcome
from responder.policy import decide
from responder.templates import TemplateSet
from responder.tiers import Contacts, Person

SET = Path(__file__).resolve().parent / "data" / "multilingual"
NOW = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)  # before every mail's date: proposals stay future
ROWS = [r for r in csv.DictReader((SET / "labels.csv").open(encoding="utf-8"))
        if r["label"] == "invitation"]
REPLY_LANGUAGE = {"en": "en", "de": "de", "nb": "nb", "nn": "nb"}  # others: the default, en
GREETING = {"en": "Hi", "nb": "Hei", "de-formal": "Guten Tag", "de-informal": "Hallo"}
DU = re.compile(r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|euch|euer)\b", re.IGNORECASE)
SIE = re.compile(r"(?<![.!?]\s)(?<!^)\b(Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer)\b")


def composer() -> Composer:
    return Composer(
        templates=TemplateSet(), key=b"k" * 32,
        identity=Identity("Jonas Weber", "jonas.weber@weber-beratung.de",
                          ("ingrid@solberg-consulting.no", "post@solberg-consulting.no")),
        contacts=Contacts(), timezone=ZoneInfo("Europe/Oslo"), booking_link=None,
        signatures={"de": "Jonas Weber\nWeber Beratung GmbH · HRB 12345"},
    )


def reply_text(raw: bytes) -> tuple[EmailMessage, str]:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    part = msg.get_body(("plain",))
    assert isinstance(part, EmailMessage)
    text = decode_flowed(part.get_content())
    return msg, text.split("\n-- \n")[0]  # the reply itself, above signature and quote


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_invitation_draft_language_and_register(row: dict[str, str]) -> None:
    """The draft greets in the sender's language and register, and threads to the mail."""
    message = parse_message((SET / "mail" / row["file"]).read_bytes())
    formality = Formality(row["formality"]) if row["formality"] else None
    verdict = Verdict(
        invitation=True, language=row["language"], formality=formality,
        intent=Intent(row["intent"]) if row["intent"] else None,
    )
    decision = decide(verdict, Tier.UNKNOWN, "tier unknown", Person(), PolicySettings(),
                      default_language="en")
    assert decision.action is Action.DECLINE  # the seeds' answer to a cold contact
    language = REPLY_LANGUAGE.get(row["language"], "en")
    assert decision.reply_language == language
    raw = composer().compose(Outcome(message, verdict, decision), now=NOW)
    msg, reply = reply_text(raw)
    key = f"de-{formality.value if formality else 'formal'}" if language == "de" else language
    assert reply.startswith(GREETING[key]), reply[:80]
    if key == "de-formal":
        assert not DU.search(reply), reply
    if key == "de-informal":
        assert not SIE.search(reply), reply
    assert str(msg["Subject"]).startswith("Re: ")
    assert msg["In-Reply-To"] == message.message_id
    sender = message.reply_to[0] if message.reply_to else message.sender
    assert sender is not None
    assert msg["To"].addresses[0].addr_spec.lower() in {
        sender.key, *(a.key for a in (*message.to, *message.cc))
    }
