"""The scan's fetch path against a real Dovecot: BODYSTRUCTURE, then the text parts only.

For big multipart mail that passed the guard, a scan asks for BODYSTRUCTURE and then only
the text part (and a calendar part): never an attachment's bytes. Mail whose structure is
odd falls back to the start of the whole body.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from dovecot import Account
from tcpproxy import TcpProxy

from responder.errors import MailboxError, ParseError
from responder.mailbox import Mailbox, PartInfo, text_parts
from responder.model import Message
from responder.parse import Part, parse_message, with_parts, with_text
from responder.service import TEXT_LIMIT

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).parent / "fixtures"

INVITE = "Hi Anna,\n\nwould you have time for a coffee next Tuesday?\n\nBest,\nTom\n"


def base(subject: str = "Coffee?") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Tom Baker <tom@brightlane.example>"
    msg["To"] = "Anna Berg <anna.berg@example.com>"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{abs(hash(subject))}@brightlane.example>"
    msg["Date"] = "Mon, 02 Mar 2026 10:00:00 +0100"
    return msg


def with_attachment(size: int = 3_000_000) -> bytes:
    msg = base("Coffee with the slides")
    msg.set_content(INVITE)
    msg.add_alternative(f"<p>{INVITE}</p>", subtype="html")
    msg.add_attachment(
        bytes(range(256)) * (size // 256), maintype="application", subtype="pdf",
        filename="slides.pdf",
    )  # fmt: skip
    return bytes(msg)


def html_only() -> bytes:
    msg = base("HTML only")
    msg.set_content(f"<html><body><p>{INVITE}</p></body></html>", subtype="html")
    msg.add_attachment(b"x" * 50_000, maintype="application", subtype="zip", filename="a.zip")
    return bytes(msg)


def calendar() -> bytes:
    msg = base("Invitation: Coffee")
    msg.set_content("You have been invited to: Coffee\n")
    ics = (
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Coffee with Tom\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    msg.add_alternative(ics, subtype="calendar", params={"method": "REQUEST"})
    return bytes(msg)


def forward() -> bytes:
    inner = base("Lunch?")
    inner.set_content("Lunch on Friday, Tom?\n")
    msg = base("Fwd: Lunch?")
    msg.set_content("See below, what do you think?\n")
    msg.add_attachment(inner)
    return bytes(msg)


def no_boundary() -> bytes:
    return (
        b"From: Tom <tom@brightlane.example>\r\nTo: anna.berg@example.com\r\n"
        b"Subject: broken\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n"
        b"Coffee next week?\r\n"
    )


@dataclass(frozen=True)
class Item:
    """A fetched header and the parts its BODYSTRUCTURE names (None: read the whole body)."""

    uid: int
    header: bytes
    parts: tuple[PartInfo, ...] | None


def fetch(mailbox: Mailbox, uids: Sequence[int]) -> list[Item]:
    heads = list(mailbox.fetch_headers(uids))
    plans = mailbox.fetch_structure(uids)
    return [Item(h.uid, h.header, plans[h.uid]) for h in heads]


@pytest.fixture
def fetched(imap_account: Account) -> Iterator[tuple[Mailbox, dict[str, Item]]]:
    mails = {
        "attachment": with_attachment(),
        "html": html_only(),
        "calendar": calendar(),
        "forward": forward(),
        "broken": no_boundary(),
    }
    uids = {imap_account.append(raw): name for name, raw in mails.items()}
    with Mailbox.connect(imap_account.settings()) as mailbox:
        mailbox.select("INBOX")
        yield mailbox, {uids[i.uid]: i for i in fetch(mailbox, sorted(uids))}


def read(mailbox: Mailbox, item: Item) -> Message:
    """What the service does: the chosen parts, or the whole body's start as a fallback."""
    head = parse_message(item.header, read_body=False)
    if item.parts is None:
        got = mailbox.fetch_sections({item.uid: ("TEXT",)}, limit=TEXT_LIMIT)
        return parse_message(item.header + got[item.uid]["TEXT"])
    sections = tuple(p.section for p in item.parts)
    got = mailbox.fetch_sections({item.uid: sections}, limit=TEXT_LIMIT).get(item.uid, {})
    parts = [
        Part(got.get(p.section, b""), p.ctype, p.charset, p.encoding, p.method, p.size)
        for p in item.parts
    ]
    return with_parts(head, parts)


class TestParts:
    def test_attachment_is_never_fetched(self, imap_account: Account) -> None:
        """A 3 MB attachment: the scan reads the header fields and the text part only."""
        uid = imap_account.append(with_attachment())
        with TcpProxy(imap_account.imap_port) as proxy:
            settings = imap_account.settings("plain", port=proxy.port)
            with Mailbox.connect(settings) as mailbox:
                mailbox.select("INBOX")
                [item] = fetch(mailbox, [uid])
                assert item.parts is not None
                # The plain part is short (it might be blank), so the HTML comes along.
                assert [p.ctype for p in item.parts] == ["text/plain", "text/html"]
                before = proxy.bytes_from_server
                message = read(mailbox, item)
                text_bytes = proxy.bytes_from_server - before
            total = proxy.bytes_from_server
        assert "coffee next Tuesday" in message.new_text
        assert not message.html_only
        assert text_bytes < 1_000  # the two ~80-byte text parts and the FETCH framing
        assert total < 10_000  # log-in, header fields, BODYSTRUCTURE, text: not 3 MB

    def test_html_only(self, fetched: tuple[Mailbox, dict[str, Item]]) -> None:
        """No text/plain: the HTML part is fetched and read as text; the zip is not."""
        mailbox, items = fetched
        parts = items["html"].parts
        assert parts is not None and [p.ctype for p in parts] == ["text/html"]
        message = read(mailbox, items["html"])
        assert message.html_only and "coffee next Tuesday" in message.new_text

    def test_calendar_invitation(self, fetched: tuple[Mailbox, dict[str, Item]]) -> None:
        """The text/calendar part comes along: METHOD and SUMMARY reach the message."""
        mailbox, items = fetched
        parts = items["calendar"].parts
        assert parts is not None
        assert [p.ctype for p in parts] == ["text/plain", "text/calendar"]
        message = read(mailbox, items["calendar"])
        assert message.calendar_method == "REQUEST"
        assert message.calendar_summary == "Coffee with Tom"
        assert "invited to: Coffee" in message.new_text

    def test_nested_forward_falls_back(self, fetched: tuple[Mailbox, dict[str, Item]]) -> None:
        """A forwarded mail (message/rfc822) takes the whole-body path: its text is history."""
        mailbox, items = fetched
        assert items["forward"].parts is None
        message = read(mailbox, items["forward"])
        assert "what do you think" in message.new_text
        assert "Lunch on Friday" in message.quoted_text

    def test_broken_structure_falls_back(self, fetched: tuple[Mailbox, dict[str, Item]]) -> None:
        """multipart without a boundary: Dovecot invents an empty part; the body is read raw."""
        mailbox, items = fetched
        assert items["broken"].parts is None
        assert "Coffee next week?" in read(mailbox, items["broken"]).new_text

    def test_same_message_as_a_whole_parse(
        self, fetched: tuple[Mailbox, dict[str, Item]], imap_account: Account
    ) -> None:
        """Header fields + parts give the text, addresses and ids a whole-mail parse gives."""
        mailbox, items = fetched
        whole = {
            parse_message(m.raw).subject: parse_message(m.raw) for m in imap_account.messages()
        }
        for item in items.values():
            got = read(mailbox, item)
            want = whole[got.subject]
            assert (got.new_text, got.quoted_text) == (want.new_text, want.quoted_text)
            assert (got.from_, got.to, got.message_id) == (want.from_, want.to, want.message_id)
            assert (got.html_only, got.calendar_method) == (want.html_only, want.calendar_method)


class TestTextParts:
    """text_parts on structures no well-behaved server sends: never an exception."""

    @pytest.mark.parametrize(
        "structure",
        [None, b"", (), ([],), ([], b"mixed", None), ([(b"text",)], b"mixed", (b"boundary", b"x")),
         ([(1, 2, 3, 4, 5, 6, 7)], b"mixed", (b"boundary", b"x")), "garbage"],
    )  # fmt: skip
    def test_odd_structures_fall_back(self, structure: object) -> None:
        assert text_parts(structure) is None

    def test_attachment_text_is_skipped(self) -> None:
        """A text/plain attachment is not the text; the inline one is."""
        inline = (b"text", b"plain", (b"charset", b"utf-8"), None, None, b"7bit", 10, 1, None,
                  None, None, None)  # fmt: skip
        attached = (b"text", b"plain", None, None, None, b"base64", 99, 2, None,
                    (b"attachment", (b"filename", b"a.txt")), None, None)  # fmt: skip
        parts = text_parts(([attached, inline], b"mixed", (b"boundary", b"b")))
        assert parts == (PartInfo("2", "text/plain", "utf-8", "7bit", 10),)


class TestVisit:
    def test_one_restore_and_errors_propagate(self, imap_account: Account) -> None:
        """Inside visit() the lookups switch folders freely; the home folder comes back once."""
        imap_account.append(b"Message-ID: <s1@x>\r\nSubject: s\r\n\r\nb\r\n", folder="Sent")
        imap_account.append(b"Message-ID: <d1@x>\r\nSubject: d\r\n\r\nb\r\n", folder="Drafts")
        with Mailbox.connect(imap_account.settings()) as mailbox:
            mailbox.select("INBOX", readonly=False)
            with mailbox.visit():
                assert mailbox.message_ids_in("Sent", ["<s1@x>", "<d1@x>"]) == {"<s1@x>"}
                assert mailbox.message_ids_in("Drafts", ["<s1@x>", "<d1@x>"]) == {"<d1@x>"}
                selected = mailbox.selected
                assert selected is not None and selected.name == "Drafts"
            selected = mailbox.selected
            assert selected is not None and (selected.name, selected.readonly) == ("INBOX", False)
            with pytest.raises(MailboxError), mailbox.visit():
                mailbox.message_ids_in("No such folder", ["<s1@x>"])
            selected = mailbox.selected
            assert selected is not None and selected.name == "INBOX"


class TestWithParts:
    """parse.with_parts on parts as a server hands them out: cut, encoded, mislabelled."""

    HEAD = b"From: Tom <tom@x.example>\r\nSubject: s\r\nContent-Type: multipart/mixed\r\n\r\n"

    def test_cut_base64_part(self) -> None:
        """A base64 part cut mid-line reads up to the cut and is marked truncated."""
        data = base64.b64encode(("Coffee on Tuesday? " * 40).encode())
        part = Part(data[:101], "text/plain", "utf-8", "base64", size=len(data))
        message = with_parts(parse_message(self.HEAD, read_body=False), [part])
        assert message.new_text.startswith("Coffee on Tuesday?") and message.truncated

    def test_unknown_charset_and_blank_plain(self) -> None:
        """A blank plain part gives way to the HTML one; an unknown charset is noted."""
        html = b"<p>Caf\xe9 tomorrow?</p>"
        parts = [
            Part(b"  \r\n", "text/plain", "x-klingon", "7bit", size=4),
            Part(html, "text/html", "x-klingon", "8bit", size=len(html)),
        ]
        message = with_parts(parse_message(self.HEAD, read_body=False), parts)
        assert message.html_only and message.new_text == "Café tomorrow?"
        assert "charset_unknown:x-klingon" in message.defects
        assert not message.truncated

    def test_head_only_parse_reads_no_body(self) -> None:
        """read_body=False: the same header fields, no text and no body defects."""
        raw = self.HEAD.replace(b"multipart/mixed", b"text/plain") + b"Lunch?\r\n"
        head = parse_message(raw, read_body=False)
        assert head.subject == parse_message(raw).subject == "s"
        assert head.new_text == "" and head.defects == ()

    @pytest.mark.parametrize("kind", ["guard", "classify", "parse", "pipeline"])
    def test_single_part_reads_as_a_whole_parse(self, kind: str) -> None:
        """with_text on the header read once gives a single-part fixture's whole-parse text."""
        checked = 0
        for path in sorted((FIXTURES / kind).glob("*.eml")):
            raw = path.read_bytes()
            try:
                whole = parse_message(raw)
            except ParseError:
                continue
            ctype = (whole.header("content-type") or "").lower().lstrip()
            if ctype.startswith(("multipart/", "message/")):
                continue
            head = parse_message(raw, read_body=False)
            ends = [p for p in (raw.find(b"\n\n"), raw.find(b"\n\r\n")) if p >= 0]
            if not ends or "missing_header_body_separator" in whole.defects:
                continue
            blank = min(ends)
            body = raw[blank + (2 if raw[blank + 1] == 10 else 3) :]
            got = with_text(head, body)
            fields = ("new_text", "quoted_text", "signature", "html_only", "calendar_method",
                      "calendar_summary")  # fmt: skip
            assert [getattr(got, f) for f in fields] == [getattr(whole, f) for f in fields], path
            checked += 1
        assert checked
