"""Raw bytes → Message: headers, addresses, body choice, charsets, MIME damage, calendars."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.message import Message as MimePart
from pathlib import Path
from typing import Any

import pytest

import responder.parse as parse_mod
from responder.errors import ParseError
from responder.htmltext import html_to_text
from responder.model import Address, Message
from responder.parse import Head, decode_words, parse_addresses, parse_message

FIXTURES = Path(__file__).parent / "fixtures" / "parse"


def load(name: str, **kwargs: Any) -> Message:
    return parse_message((FIXTURES / name).read_bytes(), **kwargs)


def raw(*headers: str, body: bytes = b"Coffee?\r\n") -> bytes:
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


class TestHeaders:
    """Header fields decoded, unfolded and kept with every occurrence."""

    def test_rfc2047_subject_folded(self) -> None:
        """Adjacent encoded words join; folding and the whitespace between words vanish."""
        msg = load("encoded_headers.eml")
        assert msg.subject.startswith("Kaffe på fredag? ☕café and ")

    def test_broken_encoded_word_kept_literally(self) -> None:
        """An encoded word without its "?=" stays as written instead of failing."""
        assert load("encoded_headers.eml").subject.endswith("=?utf-8?q?broken_word")

    def test_unknown_charset(self) -> None:
        """An unknown charset in an encoded word is decoded leniently and noted."""
        msg = load("encoded_headers.eml")
        assert "café" in msg.subject
        assert "charset_unknown:x-unknown-zz" in msg.defects

    def test_iso_8859_1_word(self) -> None:
        """=?iso-8859-1?q?J=FCrgen?= is Jürgen."""
        assert decode_words("=?iso-8859-1?q?J=FCrgen?=") == "Jürgen"

    def test_utf8_word_with_underscores(self) -> None:
        """Q-encoding turns "_" into spaces."""
        assert decode_words("=?utf-8?q?Bj=C3=B8rn_S=C3=A6ther?=") == "Bjørn Sæther"

    def test_split_multibyte_across_words(self) -> None:
        """A character split over two base64 words of one charset is put back together."""
        assert decode_words("=?utf-8?b?S2Fmw6k=?= =?utf-8?b?w6Q=?=") == "Kaféä"
        assert decode_words("=?utf-8?q?=C3?= =?utf-8?q?=A6?=") == "æ"

    def test_text_between_words_kept(self) -> None:
        """Plain text between encoded words keeps its spaces."""
        assert decode_words("=?utf-8?q?a?= and =?utf-8?q?b?=") == "a and b"

    def test_bad_base64_word(self) -> None:
        """A word with impossible base64 stays as written and is noted."""
        defects: list[str] = []
        assert decode_words("=?utf-8?b?!!!?=", defects) == "=?utf-8?b?!!!?="
        assert defects == ["encoded_word_invalid"]

    def test_unpadded_base64_word(self) -> None:
        """A base64 word missing its "=" padding is still decoded."""
        assert decode_words("=?utf-8?b?QQ?=") == "A"

    def test_raw_8bit_latin1(self) -> None:
        """Undeclared 8-bit latin-1 header bytes are read as cp1252."""
        msg = load("latin1_undeclared_de.eml")
        assert msg.subject == "Kaffee mit Jürgen?"
        assert msg.from_ == (Address("Jürgen Müller", "juergen@beispiel.de"),)

    def test_raw_8bit_in_body_charset(self) -> None:
        """Raw 8-bit header bytes that are not UTF-8 are read in the body's charset."""
        data = (b"From: a@x.example\r\nSubject: \xbb\xc6\xc9\xbd\r\n"
                b"Content-Type: text/plain; charset=gb2312\r\n\r\nx")  # fmt: skip
        assert parse_message(data).subject == "黄山"

    def test_iso_2022_jp_word(self) -> None:
        """A 7-bit ISO-2022-JP encoded word is decoded with its charset, not as ASCII."""
        word = "=?ISO-2022-JP?B?GyRCJDckOCRfGyhC?="
        assert decode_words(word) == "しじみ"

    def test_raw_8bit_utf8(self) -> None:
        """Raw UTF-8 in a header is read as UTF-8."""
        msg = parse_message(raw("From: a@x.example", "Subject: Kaffe på fredag ☕"))
        assert msg.subject == "Kaffe på fredag ☕"
        assert msg.defects == ()

    def test_crlf_injection_stripped(self) -> None:
        """An encoded CR LF cannot smuggle a second header line out of a value."""
        value = load("encoded_headers.eml").header("X-Injected")
        assert value == "evil Bcc: x@evil.example"

    @pytest.mark.parametrize("char", ["\r", "\x00", "\x0b", "\u2028", "\x85"])
    def test_no_line_breaks_in_values(self, char: str) -> None:
        """No decoded value contains anything str.splitlines() would break on."""
        msg = parse_message(f"From: a@x.example\r\nSubject: a{char}b\r\n\r\nx".encode())
        assert msg.subject.splitlines() == [msg.subject]

    def test_all_occurrences(self) -> None:
        """Repeated fields keep every value, in order, under the lower-cased name."""
        msg = parse_message(raw("Received: one", "RECEIVED: two", "From: a@x.example"))
        assert msg.headers["received"] == ("one", "two")

    def test_folded_value_unfolded(self) -> None:
        """A folded value is one line with the folding whitespace kept."""
        msg = parse_message(raw("From: a@x.example", "Subject: Lunch\r\n\ton Friday?"))
        assert msg.subject == "Lunch\ton Friday?"

    def test_folded_words_in_mixed_charsets(self) -> None:
        """Encoded words in utf-8, latin-1 and cp1252, folded with spaces and tabs, one
        character split over two words on two lines: decoded as the sender wrote them."""
        msg = load("folded_mixed_charsets_de.eml")
        assert msg.subject == "Kaféä und Kuchen für € 5🍰 am Freitag"
        assert msg.from_ == (Address("Jürgen Müller", "jurgen@muller.example"),)
        assert msg.to == (
            Address("Françoise \u2013 Legal", "f@firma.example"),
            Address("Bjørn Sæther", "bjorn@saether.example"),
        )
        assert msg.defects == ()

    def test_header_alone_reads_the_same(self) -> None:
        """The header stage (what the guard sees) decodes every value as the whole parse does."""
        for name in ("folded_mixed_charsets_de.eml", "encoded_headers.eml"):
            data = (FIXTURES / name).read_bytes()
            head, whole = Head(data).message, parse_message(data)
            assert (head.subject, head.from_, head.to, head.cc, head.date, head.references) == (
                whole.subject, whole.from_, whole.to, whole.cc, whole.date, whole.references
            )
            assert head.headers == whole.headers and head.new_text == ""

    def test_ten_thousand_headers(self) -> None:
        """A header block of 10,000 fields is read whole and quickly."""
        fields = [f"X-Spam-{i}: {i}" for i in range(10_000)]
        msg = parse_message(raw("From: a@x.example", *fields, "Subject: last"))
        assert len(msg.headers) == 10_002
        assert msg.subject == "last"

    def test_message_ids(self) -> None:
        """Message-IDs are "<...>"; References and In-Reply-To keep only the ids."""
        msg = load("encoded_headers.eml")
        assert msg.message_id == "<20240312091100.ABC123@saether.example>"
        assert msg.in_reply_to == ("<parent-1@firma.no>",)
        assert msg.references == ("<root-1@firma.no>", "<parent-1@firma.no>")
        assert msg.thread_root == "<root-1@firma.no>"

    def test_date_aware(self) -> None:
        """The date keeps its offset."""
        msg = load("gmail_reply_en.eml")
        assert msg.date == datetime(2024, 3, 12, 0, 20, 29, tzinfo=timezone(timedelta(hours=1)))

    def test_date_minus_zero(self) -> None:
        """"-0000" (zone unknown) is read as UTC, still aware."""
        assert load("encoded_headers.eml").date == datetime(2024, 3, 12, 9, 11, tzinfo=UTC)

    @pytest.mark.parametrize("value", ["yesterday", "Tue, 99 Foo 2024 99:99:99 +0100", ""])
    def test_date_bad(self, value: str) -> None:
        """An unreadable date is None, never an exception."""
        assert parse_message(raw("From: a@x.example", f"Date: {value}")).date is None


class TestAddresses:
    """Address lists split into (name, address) correctly."""

    def test_quoted_comma_name(self) -> None:
        """"Schmidt, Hans" <h@x> is one address."""
        to = load("encoded_headers.eml").to
        assert to[0] == Address("Schmidt, Hans", "h.schmidt@beispiel.de")

    def test_encoded_names(self) -> None:
        """Encoded names are decoded after splitting, so an encoded comma splits nothing."""
        to = load("encoded_headers.eml").to
        assert to[1] == Address("Jürgen", "juergen@beispiel.de")
        assert to[2] == Address("Nordmann, Kari", "kari@firma.no")

    def test_comment_name(self) -> None:
        """The old "addr (Name)" form gives the name."""
        assert load("encoded_headers.eml").to[3] == Address("Anna Berg", "anna.berg@example.com")
        assert len(load("encoded_headers.eml").to) == 4

    def test_empty_group(self) -> None:
        """"undisclosed-recipients:;" names no one."""
        assert load("encoded_headers.eml").cc == ()

    def test_from_name(self) -> None:
        """An encoded From name is decoded."""
        expected = Address("Bjørn Sæther", "bjorn@saether.example")
        assert load("encoded_headers.eml").sender == expected

    def test_junk_addresses(self) -> None:
        """Junk in an address list yields what can be read and no exception."""
        found = parse_addresses(["junk <<>>, @@, , bob@x.example, <carl@y.example"])
        assert Address("", "bob@x.example") in found
        assert all(a.email for a in found)

    def test_quoted_local_part(self) -> None:
        """A needlessly quoted local part is the same mailbox without the quotes."""
        found = parse_addresses(['"anna.berg"@example.com'])
        assert found == (Address("", "anna.berg@example.com"),)

    def test_resent_and_bcc(self) -> None:
        """Resent-To and Resent-Cc are collected together; Bcc is kept."""
        msg = parse_message(raw("From: a@x.example", "Resent-To: r@x.example",
                                "Resent-Cc: s@x.example", "Bcc: b@x.example"))  # fmt: skip
        assert [a.email for a in msg.resent_to] == ["r@x.example", "s@x.example"]
        assert [a.email for a in msg.bcc] == ["b@x.example"]


class TestBody:
    """The best text part is chosen and decoded; attachments are not."""

    def test_alternative_prefers_plain(self) -> None:
        """multipart/alternative gives the text/plain part, quoted-printable decoded."""
        msg = load("gmail_reply_en.eml")
        assert msg.new_text.startswith("Hi Bjørn,\n\nSure, coffee on Thursday")
        assert not msg.html_only

    def test_html_only(self) -> None:
        """An HTML-only mail is converted to text: no style/script, line breaks kept."""
        msg = load("html_only_nb.eml")
        assert msg.html_only
        assert msg.new_text == (
            "Hei Anna,\n\nSkal vi ta en lunsj på torsdag?\nForslag:\n\n"
            "- Kl. 11.30 på Fiskeriet\n- Kl. 12.00 på Kaffebrenneriet\n\nHilsen Kari"
        )
        assert msg.quoted_text.startswith("Fra: Anna Berg <anna@berg.no>\nSendt:")

    def test_empty_plain_falls_back_to_html(self) -> None:
        """An empty text/plain alternative does not hide the HTML one."""
        body = (b"--b\r\nContent-Type: text/plain\r\n\r\n\r\n--b\r\n"
                b"Content-Type: text/html\r\n\r\n<p>Lunch?</p>\r\n--b--\r\n")  # fmt: skip
        ctype = 'Content-Type: multipart/alternative; boundary="b"'
        msg = parse_message(raw("From: a@x.example", ctype, body=body))
        assert (msg.new_text, msg.html_only) == ("Lunch?", True)

    def test_latin1_without_charset(self) -> None:
        """8-bit latin-1 with no charset declared is decoded as cp1252."""
        assert load("latin1_undeclared_de.eml").new_text.endswith("Grüße, Jürgen")

    def test_lying_utf8(self) -> None:
        """A part that claims UTF-8 but is latin-1 is read as cp1252 and noted."""
        msg = load("lying_utf8_de.eml")
        assert msg.new_text == "Mittagessen am Freitag im Gasthaus Straßenbahn? Schöne Grüße"
        assert "charset_wrong:utf-8" in msg.defects

    def test_mislabelled_latin1(self) -> None:
        """Valid UTF-8 labelled ISO-8859-1 is read as UTF-8, not as mojibake."""
        msg = load("mislabelled_latin1_nb.eml")
        assert msg.new_text == "Kaffe på fredag? Jeg tar med wienerbrød. Hilsen Kåre"
        assert msg.subject == "Kaffe på fredag?"

    def test_windows_1252_qp(self) -> None:
        """A Windows-1252 quoted-printable body is decoded."""
        assert "Skal vi ta en kaffe på fredag?" in load("outlook_reply_nb.eml").new_text

    def test_unknown_body_charset(self) -> None:
        """An unknown declared charset falls back to UTF-8 and is noted."""
        msg = parse_message(raw("From: a@x.example", "Content-Type: text/plain; charset=x-foo",
                                body="Kaffe på fredag?".encode()))  # fmt: skip
        assert msg.new_text == "Kaffe på fredag?"
        assert "charset_unknown:x-foo" in msg.defects

    def test_single_part_base64(self) -> None:
        """A single-part base64 body is decoded."""
        msg = parse_message(raw("From: a@x.example", "Content-Transfer-Encoding: base64",
                                body=b"THVuY2g/\r\n"))  # fmt: skip
        assert msg.new_text == "Lunch?"

    def test_attachment_not_decoded(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Only the text part's payload is decoded, never the PDF's."""
        decoded: list[str] = []
        original: Any = MimePart.get_payload

        def spy(self: MimePart, i: int | None = None, decode: bool = False) -> Any:
            if decode:
                decoded.append(self.get_content_type())
            return original(self, i, decode)

        monkeypatch.setattr(MimePart, "get_payload", spy)
        msg = load("pdf_attachment_en.eml")
        assert msg.new_text == "Anna, lunch on Friday? Report attached."
        assert decoded == ["text/plain"]

    def test_max_text(self) -> None:
        """Text beyond max_text is cut and the message marked truncated."""
        msg = parse_message(raw("From: a@x.example", body=b"lunch " * 10_000), max_text=1_000)
        assert len(msg.new_text) <= 1_000
        assert msg.truncated
        assert "text_truncated" in msg.defects

    def test_empty_body(self) -> None:
        """A mail with headers only has empty texts."""
        msg = parse_message(b"From: a@x.example\r\nSubject: Lunch?\r\n")
        assert (msg.subject, msg.new_text, msg.truncated) == ("Lunch?", "", False)

    def test_no_text_part(self) -> None:
        """A mail that is only an attachment has no text and says so."""
        msg = parse_message(raw("From: a@x.example", "Content-Type: application/pdf",
                                "Content-Transfer-Encoding: base64", body=b"JVBERi0="))  # fmt: skip
        assert msg.new_text == ""
        assert "no_text_part" in msg.defects


class TestAttachmentLines:
    """An attachment's base64 lines are skipped before the MIME parser, never a text's."""

    def test_attachment_lines_skipped(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With the PDF's lines elided the mail parses exactly as with them (the stdlib
        path, taken when mimetree declines the mail)."""
        data = (FIXTURES / "pdf_attachment_en.eml").read_bytes()
        assert len(parse_mod._thin(data)) < len(data) // 2
        monkeypatch.setattr(parse_mod, "parse_tree", lambda *args: None)
        thinned = parse_message(data)
        monkeypatch.setattr(parse_mod, "_thin", lambda raw: raw)
        assert parse_message(data) == thinned

    def test_text_quoting_an_attachment_kept(self) -> None:
        """A text part that quotes another mail's MIME source (a PDF's header and base64) is
        read whole: the lines only look like an attachment's."""
        msg = load("pasted_mime_source_en.eml")
        assert 'Content-Type: application/pdf; name="report.pdf"' in msg.new_text
        assert len(msg.new_text.splitlines()) > 25
        assert "RESPONDERELIDED" not in msg.new_text


class TestMimeDamage:
    """Broken structure never raises; it is noted in defects."""

    def test_truncated_multipart(self) -> None:
        """A partial fetch (no closing boundary, cut base64) keeps the text, marks truncation."""
        msg = load("truncated_multipart_en.eml")
        assert msg.new_text == "Hi Anna, lunch on Friday? The deck is attached.\n\nTom"
        assert msg.truncated
        assert "close_boundary_not_found" in msg.defects

    def test_wrong_boundary(self) -> None:
        """A boundary that never occurs: the body is shown raw, as mail clients do."""
        body = b"--other\r\nContent-Type: text/plain\r\n\r\nLunch?\r\n--other--\r\n"
        ctype = 'Content-Type: multipart/mixed; boundary="b"'
        msg = parse_message(raw("From: a@x.example", ctype, body=body))
        assert msg.new_text == "--other\nContent-Type: text/plain\n\nLunch?\n--other--"
        assert "start_boundary_not_found" in msg.defects

    def test_missing_boundary_parameter(self) -> None:
        """multipart without a boundary parameter is read as one text."""
        msg = parse_message(raw("From: a@x.example", "Content-Type: multipart/mixed", body=b"x"))
        assert msg.new_text == "x"
        assert "no_boundary_in_multipart" in msg.defects

    def test_deep_nesting(self) -> None:
        """Hundreds of nested multiparts do not exhaust the stack."""
        depth = 400
        head = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n'
                       for i in range(depth))  # fmt: skip
        data = b"From: a@x.example\r\n" + head.encode() + b"Content-Type: text/plain\r\n\r\nHi\r\n"
        assert isinstance(parse_message(data), Message)

    def test_missing_header_separator(self) -> None:
        """A non-field line in the header block starts the body, as in the stdlib."""
        msg = parse_message(b"From: a@x.example\r\nSubject: Lunch\r\nthis is text\r\nmore\r\n")
        assert msg.subject == "Lunch"
        assert msg.new_text == "this is text\nmore"
        assert "missing_header_body_separator" in msg.defects

    def test_mbox_from_line(self) -> None:
        """A leading mbox "From " separator line is skipped."""
        msg = parse_message(b"From MAILER-DAEMON Tue Mar 12 09:00:00 2024\nFrom: a@x.example\n\nHi")
        assert msg.sender == Address("", "a@x.example")

    def test_bare_lf_and_cr(self) -> None:
        """LF-only and CR-only line ends parse like CRLF."""
        for eol in ("\n", "\r"):
            msg = parse_message(eol.join(["From: a@x.example", "Subject: S", "", "Hi"]).encode())
            assert (msg.subject, msg.new_text) == ("S", "Hi")

    @pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\r\nbody only", b"hello world"])
    def test_not_a_mail(self, data: bytes) -> None:
        """Bytes without a header block raise ParseError with a short reason."""
        with pytest.raises(ParseError) as info:
            parse_message(data)
        assert str(info.value) in ("empty input", "no header lines: not a mail")


class TestNested:
    """Forwarded mail (message/rfc822) is history, never new text."""

    def test_forward_as_attachment(self) -> None:
        """The attached message's text lands in quoted_text, the note in new_text."""
        msg = load("forward_attached_en.eml")
        assert msg.new_text == "Anna, see the attached. Shall we have a coffee first to prepare?"
        assert msg.quoted_text == "Tom, would you and Anna join us for dinner on the 20th?"
        assert msg.subject == "Fw: Dinner with the Oslo team"


class TestCalendar:
    """text/calendar parts give METHOD and SUMMARY."""

    def test_request(self) -> None:
        """An inline REQUEST is read; the folded, escaped SUMMARY is unfolded and unescaped."""
        msg = load("calendar_request_en.eml")
        assert msg.calendar_method == "REQUEST"
        assert msg.calendar_summary == (
            "Coffee with Tom, Anna and Bjørn \u2013 catch-up on the data platform"
        )
        assert msg.new_text == "Let's catch up over coffee on Thursday."

    def test_method_from_content_type(self) -> None:
        """Without a METHOD line, the Content-Type method parameter is used."""
        ics = b"BEGIN:VCALENDAR\r\nSUMMARY:Lunch\r\nEND:VCALENDAR\r\n"
        ctype = "Content-Type: text/calendar; method=cancel"
        msg = parse_message(raw("From: a@x.example", ctype, body=ics))
        assert (msg.calendar_method, msg.calendar_summary) == ("CANCEL", "Lunch")

    def test_ics_attachment(self) -> None:
        """An .ics attachment of another content type is still read."""
        body = (b"--b\r\nContent-Type: text/plain\r\n\r\nSee invite.\r\n--b\r\n"
                b"Content-Type: application/octet-stream\r\n"
                b'Content-Disposition: attachment; filename="invite.ics"\r\n\r\n'
                b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nSUMMARY:Kaffe\r\n"
                b"END:VEVENT\r\nEND:VCALENDAR\r\n--b--\r\n")  # fmt: skip
        msg = parse_message(raw("From: a@x.example", 'Content-Type: multipart/mixed; boundary="b"',
                                body=body))  # fmt: skip
        assert (msg.calendar_method, msg.calendar_summary) == ("REPLY", "Kaffe")

    def test_no_calendar(self) -> None:
        """A mail without a calendar part has neither field."""
        msg = load("gmail_reply_en.eml")
        assert (msg.calendar_method, msg.calendar_summary) == (None, None)


    @pytest.mark.parametrize(
        ("mark", "may"),
        [(b"Text/Calendar", True), (b'name="x.ICS"', True), (b"application/ics", True),
         (b"name*=utf-8''x", True), (b"name*0=x", True), (b"ics at the start", False),
         (b"topics and physics", False), (b"a * b", False), (b"calenda", False)],
    )  # fmt: skip
    def test_may_hold_calendar(self, mark: bytes, may: bool) -> None:
        """The cheap look at a multipart body finds each calendar mark in any case, and
        nothing that merely looks like part of one."""
        body = b"--b\r\nContent-Type: text/plain\r\n\r\n" + mark + b"\r\n--b--\r\n"
        head = Head(raw("From: a@x.example", 'Content-Type: multipart/mixed; boundary="b"',
                        body=body))  # fmt: skip
        assert head.may_hold_calendar() is may

class TestQuotedHistory:
    """Real client styles, end to end: only the sender's new words are new text."""

    @pytest.mark.parametrize(
        ("name", "new_text"),
        [
            ("gmail_reply_en.eml",
             "Hi Bjørn,\n\nSure, coffee on Thursday at 10 works for me. The place on Torggata?"
             "\n\nAnna"),
            ("apple_mail_nb.eml", "Ja gjerne! Onsdag kl. 11.30 på Fiskeriet?"),
            ("thunderbird_de.eml",
             "Ja, sehr gern! Dienstag um 15 Uhr im Café Einstein?\n\n\n"
             "Mittag geht bei mir leider nicht.\n\nGruß\nHans"),
            ("apple_forward_en.eml",
             "Anna, this looks like fun. Want to grab lunch before it and go together?\n\nTom"),
            ("gmail_forward_de.eml", "Schau mal, das könnte dich interessieren."),
            ("outlook_original_en.eml",
             "Anna - happy to. How about drinks on Thursday after work?"),
            ("lotus_forward_en.eml", "Let's grab lunch on Monday and get this started.\nMark"),
            ("lotus_reply_en.eml", "Dinner sounds great. I'll bring the wine."),
        ],
    )  # fmt: skip
    def test_new_text(self, name: str, new_text: str) -> None:
        """The new text is exactly what the sender wrote this time."""
        assert load(name).new_text == new_text

    def test_outlook_german(self) -> None:
        """German Outlook: Von/Gesendet/An/Betreff block is history, the disclaimer signature."""
        msg = load("outlook_reply_de.eml")
        assert msg.new_text.startswith("Hallo Frau Berg,\n\ngerne! Wie wäre es mit einem Mittag")
        assert msg.new_text.endswith("Beispiel GmbH | Hauptstraße 1 | 10115 Berlin")
        assert msg.signature.startswith("Diese E-Mail enthält vertrauliche")
        assert msg.quoted_text.startswith("Von: Anna Berg <anna.berg@example.com>\nGesendet:")

    def test_outlook_norwegian(self) -> None:
        """Norwegian Outlook: Fra/Sendt/Til/Emne block is history, the disclaimer signature."""
        msg = load("outlook_reply_nb.eml")
        assert msg.new_text.endswith("Vennlig hilsen\nKari Nordmann\nFirma AS")
        assert msg.signature.startswith("Denne e-posten og eventuelle vedlegg er konfidensiell")
        assert msg.quoted_text.startswith("________________________________\nFra: Anna Berg")

    def test_mobile_footer_signature(self) -> None:
        """Footers are signature: "Sendt fra min iPhone", a BlackBerry line and disclaimer."""
        assert load("apple_mail_nb.eml").signature == "Sendt fra min iPhone"
        sig = load("outlook_original_en.eml").signature
        assert sig.startswith("Sent from my BlackBerry")
        assert sig.endswith("delete it.")

    def test_delimiter_signature(self) -> None:
        """The "-- " signature of a Thunderbird mail is split off."""
        assert load("thunderbird_de.eml").signature.startswith("-- \nHans Schmidt")

    def test_quoted_text(self) -> None:
        """The quoted part keeps the attribution and the ``>`` lines."""
        quoted = load("gmail_reply_en.eml").quoted_text
        assert quoted.startswith("On Mon, Mar 11, 2024 at 4:02\u202fPM Bjørn Sæther")
        assert "> Would you like to grab a coffee next week?" in quoted


class TestHtmlText:
    """HTML to text with the stdlib parser."""

    def test_blocks_and_breaks(self) -> None:
        """<br>, <p>, <div> and <li> become line breaks; whitespace collapses."""
        html = "<div>Hi   Anna,</div><div>lunch<br>on <b>Friday</b>?</div><ul><li>a</li></ul>"
        assert html_to_text(html) == "Hi Anna,\nlunch\non Friday?\n\n- a"

    def test_invisible_dropped(self) -> None:
        """Script, style, head and comments leave no text."""
        html = "<head><title>T</title><style>p{}</style></head><script>x()</script><!-- c -->Hi"
        assert html_to_text(html) == "Hi"

    def test_blockquote_is_quoted(self) -> None:
        """A Gmail blockquote is prefixed with "> " so the splitter sees a quote."""
        html = (
            '<div>Sure!</div><div class="gmail_quote">On Mon, Mar 11, 2024 at 4:02 PM Tom '
            '&lt;t@x.example&gt; wrote:<br><blockquote class="gmail_quote">Lunch?</blockquote>'
            "</div>"
        )
        text = html_to_text(html)
        assert text == "Sure!\nOn Mon, Mar 11, 2024 at 4:02 PM Tom <t@x.example> wrote:\n\n> Lunch?"

    def test_entities_and_nbsp(self) -> None:
        """Entities are decoded and non-breaking spaces become spaces."""
        assert html_to_text("Kaffe p&aring;&nbsp;fredag &amp; lunsj") == "Kaffe på fredag & lunsj"

    def test_broken_markup(self) -> None:
        """Unclosed tags and stray brackets do not raise."""
        assert "Lunch" in html_to_text("<div><p>Lunch <b>Friday</i> <<>> <script>x")
