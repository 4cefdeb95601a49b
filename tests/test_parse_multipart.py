"""mimetree: a well-formed multipart body split as the stdlib parser splits it, or left to it."""

from __future__ import annotations

import re
from email.message import Message as MimePart
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import responder.parse as parse_mod
from responder.errors import ParseError
from responder.mimetree import parse_tree
from responder.parse import Head, parse_message

TESTS = Path(__file__).parent
HEAD = b"From: Anna <anna@x.example>\nTo: me@y.example\nSubject: Lunch?\nMIME-Version: 1.0\n"
PDF = b"JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURlY29kZT4+\n" * 20


def mail(
    body: bytes, ctype: bytes = b'multipart/mixed; boundary="XyZ"', extra: bytes = b""
) -> bytes:
    return HEAD + extra + b"Content-Type: " + ctype + b"\n\n" + body


def both(raw: bytes) -> tuple[MimePart | None, MimePart]:
    """parse_tree's tree (every payload kept) and the stdlib's, for the same bytes."""
    return parse_tree(raw, Head(raw)._body_start, lambda part: True), BytesParser(
        policy=compat32
    ).parsebytes(raw)


def shape(part: MimePart) -> object:
    """What the pass reads of a tree: types, headers, defects and leaf payloads."""
    payload = part.get_payload()
    return (
        part.get_content_type(),
        part.items() if part is not None else None,
        [type(d).__name__ for d in part.defects],
        [shape(p) for p in payload] if isinstance(payload, list) else payload,
    )


def same_tree(raw: bytes) -> None:
    fast, slow = both(raw)
    assert fast is not None, "expected the fast split"
    # The root holds only its Content-* fields; compare its children and defects.
    assert [type(d).__name__ for d in fast.defects] == [type(d).__name__ for d in slow.defects]
    assert [shape(p) for p in fast.get_payload()] == [shape(p) for p in slow.get_payload()]


def same_message(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """parse_message gives the same Message with and without the fast split."""
    fast = parse_message(raw)
    with monkeypatch.context() as m:
        m.setattr(parse_mod, "parse_tree", lambda *args: None)
        assert parse_message(raw) == fast


TEXT = b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
HTML = b"Content-Type: text/html; charset=utf-8\n\n"
ATTACHMENT = (
    b'Content-Type: application/pdf; name="a.pdf"\nContent-Disposition: attachment\n'
    b"Content-Transfer-Encoding: base64\n\n" + PDF
)
CALENDAR = (
    b"Content-Type: text/calendar; method=REQUEST\n\n"
    b"BEGIN:VCALENDAR\nMETHOD:REQUEST\nEND:VCALENDAR\n"
)

WELL_FORMED = {
    "text and attachment": b"preamble\n--XyZ\n" + TEXT + b"Coffee on Friday?\n--XyZ\n"
    + ATTACHMENT + b"--XyZ--\nepilogue\n--XyZ\n",
    "crlf": (b"--XyZ\n" + TEXT + b"Coffee?\n\n--XyZ\n" + ATTACHMENT + b"--XyZ--\n").replace(
        b"\n", b"\r\n"
    ),
    "nested alternative and calendar": b"--XyZ\nContent-Type: multipart/alternative; "
    b'boundary="in"\n\n--in\n' + TEXT + b"Lunch?\n--in\n" + HTML + b"<p>Lunch?</p>\n--in--\n\n"
    b"--XyZ\n" + CALENDAR + b"--XyZ--\n",
    "part without header": b"--XyZ\n\nno header at all\n\n--XyZ--\n",
    "close boundary with blanks, no last line break": b"--XyZ\n" + TEXT + b"hi\n--XyZ-- \t",
    "dashes inside the text": b"--XyZ\n" + TEXT + b"---XyZ\n x--XyZ\n--XyZ-x\n--XyZ--\n",
    "cut short: no close boundary": b"--XyZ\n" + TEXT + b"Coffee?\n--XyZ\n" + ATTACHMENT[:300],
    "nested, inner close missing": b"--XyZ\nContent-Type: multipart/alternative; boundary=in\n\n"
    b"--in\n" + TEXT + b"Lunch?\n--XyZ\n" + ATTACHMENT + b"--XyZ--\n",
    "first header line a continuation": b"--XyZ\n folded\nContent-Type: text/plain\n\nx\n--XyZ--\n",
    "qp and 8-bit text": b"--XyZ\nContent-Type: text/plain; charset=latin-1\n"
    b"Content-Transfer-Encoding: quoted-printable\n\nKaffee f=FCr \xe4lle\n--XyZ--\n",
}


class TestSameAsTheStdlib:
    """For the common case the tree is the stdlib's, part by part, and the Message too."""

    @pytest.mark.parametrize("body", WELL_FORMED.values(), ids=WELL_FORMED.keys())
    def test_same_tree(self, body: bytes) -> None:
        """Headers, defects and payloads of every part match email.parser's."""
        same_tree(mail(body))

    @pytest.mark.parametrize("body", WELL_FORMED.values(), ids=WELL_FORMED.keys())
    def test_same_message(self, body: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
        """parse_message reads the same text, calendar and defects either way."""
        same_message(mail(body), monkeypatch)

    def test_multipart_7bit(self) -> None:
        """A multipart declared 7bit (as some clients write) is split here."""
        cte = b"Content-Transfer-Encoding: 7bit\n"
        same_tree(mail(b"--XyZ\n" + TEXT + b"x\n--XyZ--\n", extra=cte))

    def test_multipart_declared_qp(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A multipart declared quoted-printable (the stdlib notes a defect) is left to it."""
        raw = mail(b"--XyZ\n" + TEXT + b"x\n--XyZ--\n", extra=b"Content-Transfer-Encoding: qp \n")
        assert both(raw)[0] is None
        same_message(raw, monkeypatch)
        assert "invalid_multipart_content_transfer_encoding" in parse_message(raw).defects

    @pytest.mark.parametrize(
        "header",
        [
            b'Content-Type: application/octet-stream; name="Invite.ICS"\n',
            b"Content-Type: application/octet-stream\nContent-Disposition: attachment;"
            b" filename*0=invite.i; filename*1=cs\n",
            b"Content-Type: application/octet-stream; name*=utf-8''invite%2Eics\n",
        ],
        ids=["name", "rfc 2231 pieces", "rfc 2231 escape"],
    )
    def test_ics_file_is_the_calendar(self, header: bytes) -> None:
        """An attachment named .ics, however its name is spelled, is read as the calendar."""
        ics = b"BEGIN:VCALENDAR\nMETHOD:REPLY\nSUMMARY:Kaffe\nEND:VCALENDAR\n"
        text = b"--XyZ\n" + TEXT + b"See invite.\n"
        raw = mail(text + b"--XyZ\n" + header + b"\n" + ics + b"--XyZ--\n")
        assert both(raw)[0] is not None
        msg = parse_message(raw)
        assert (msg.calendar_method, msg.calendar_summary) == ("REPLY", "Kaffe")

    def test_unread_attachment_payload_left_empty(self) -> None:
        """A leaf ``wanted`` turns down is never decoded: its payload is empty."""
        raw = mail(WELL_FORMED["text and attachment"])
        tree = parse_tree(raw, Head(raw)._body_start, lambda p: p.get_content_maintype() == "text")
        assert tree is not None
        text, pdf = tree.get_payload()
        assert (text.get_payload(), pdf.get_payload()) == ("Coffee on Friday?", "")

    def test_fixtures(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Every multipart .eml fixture parses to the same Message either way."""
        split = 0
        for path in sorted(TESTS.glob("**/*.eml")):
            raw = path.read_bytes()
            same_message(raw, monkeypatch)
            try:
                head = Head(raw)
            except ParseError:  # fixtures that are no mail at all
                continue
            if parse_tree(raw, head._body_start, lambda part: True) is not None:
                split += 1
        assert split >= 100


UNUSUAL = {
    "lone CR before a boundary": b"--XyZ\n" + TEXT + b"x\r--XyZ\ny\n--XyZ--\n",
    "boundary line ended by a lone CR": b"--XyZ\n"
    + TEXT
    + b"x\n--XyZ\rContent-Type: x/y\n\n--XyZ--\n",
    "no start boundary": b"just text\n--XyZ--\n",
    "close boundary first": b"--XyZ--\n--XyZ\n" + TEXT + b"x\n",
    "two boundary lines in a row": b"--XyZ\n--XyZ\n" + TEXT + b"x\n--XyZ--\n",
    "boundary line at the very end": b"--XyZ\n" + TEXT + b"x\n--XyZ",
    "part header without a blank line": b"--XyZ\nContent-Type: text/plain\n--XyZ--\n",
    "part header line that is no field": b"--XyZ\nContent-Type: text/plain\nnot a field\n\n"
    b"x\n--XyZ--\n",
    "From line in a part header": b"--XyZ\nFrom nobody\nContent-Type: text/plain\n\nx\n--XyZ--\n",
    "space before a header colon": b"--XyZ\nContent-Type : text/html\n\nx\n--XyZ--\n",
    "message/rfc822 part": b"--XyZ\nContent-Type: message/rfc822\n\nSubject: fwd\n\nhi\n--XyZ--\n",
    "nested without boundary": b"--XyZ\nContent-Type: multipart/mixed\n\nx\n--XyZ--\n",
    "nested digest": b'--XyZ\nContent-Type: multipart/digest; boundary="d"\n\n--d\n\nSubject: a\n\n'
    b"b\n--d--\n--XyZ--\n",
    "nested qp multipart": b"--XyZ\nContent-Type: multipart/mixed; boundary=in\n"
    b"Content-Transfer-Encoding: quoted-printable\n\n--in\n\nx\n--in--\n--XyZ--\n",
}


class TestLeftToTheStdlib:
    """Hostile or unusual structure is not split here, and the Message is still the same."""

    @pytest.mark.parametrize("body", UNUSUAL.values(), ids=UNUSUAL.keys())
    def test_unusual_body(self, body: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
        """parse_tree declines; parse_message falls back to email.parser."""
        raw = mail(body)
        assert both(raw)[0] is None
        same_message(raw, monkeypatch)

    @pytest.mark.parametrize(
        "ctype",
        [
            b'multipart/mixed; boundary="with space"',
            b"multipart/mixed; boundary*=utf-8''XyZ",
            b"multipart/mixed",
            b'multipart/mixed; boundary="=?utf-8?q?XyZ?="',
            b"text/plain",
        ],
    )
    def test_unusual_content_type(self, ctype: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
        """A boundary with blanks, an RFC 2231 or missing boundary: left to the stdlib."""
        raw = mail(b"--with space\n" + TEXT + b"x\n--with space--\n", ctype)
        assert both(raw)[0] is None
        same_message(raw, monkeypatch)

    @pytest.mark.parametrize(
        "extra",
        [b"From nobody\n", b" folded first\n", b":no name\n", b"X-A: b\rX: y\n", b"Odd : x\n",
         b"From: again\nFrom x\n"],
        ids=["mbox From line", "continuation first", "empty name", "lone CR", "space before colon",
             "From line inside"],
    )
    def test_odd_top_header(self, extra: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
        """A top header compat32 would note a defect in (or end early) is left to it."""
        whole = mail(b"--XyZ\n" + TEXT + b"x\n--XyZ--\n")
        if extra.startswith((b"From ", b" ")):
            raw = extra + whole
        else:
            first = whole.index(b"\n") + 1
            raw = whole[:first] + extra + whole[first:]
        if not raw.startswith(b"From "):  # an mbox "From " line first is fine
            assert both(raw)[0] is None
        same_message(raw, monkeypatch)

    def test_deep_nesting(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Nesting deeper than a mail needs is left to the stdlib (and its depth guard)."""
        body = b"x\n"
        for depth in range(12):
            head = f"--b{depth}\nContent-Type: multipart/mixed; boundary=b{depth + 1}\n\n"
            body = head.encode() + body
        raw = mail(body, b"multipart/mixed; boundary=b0")
        assert both(raw)[0] is None
        same_message(raw, monkeypatch)

    def test_many_parts(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Hundreds of parts are left to the stdlib, which notes too_many_parts at 500."""
        raw = mail(b"".join(b"--XyZ\n\nx\n" for _ in range(600)) + b"--XyZ--\n")
        assert both(raw)[0] is None
        same_message(raw, monkeypatch)


EDITS = (b"\r", b"\n", b"\r\n", b"--XyZ", b"--XyZ--", b"--in\n", b" ", b":", b"\n\n", b"\xff")


class TestMangled:
    """Well-formed mail damaged at random: whichever path reads it, the Message is the same."""

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.sampled_from(sorted(WELL_FORMED)),
        st.lists(
            st.tuples(st.integers(0, 2000), st.integers(0, 6), st.sampled_from(EDITS)),
            min_size=1,
            max_size=4,
        ),
        st.integers(0, 3000),
    )
    def test_same_message(self, name: str, edits: list[tuple[int, int, bytes]], cut: int) -> None:
        """Insert, overwrite or cut anywhere in the body: fast split and stdlib agree."""
        body = WELL_FORMED[name]
        for pick, drop, insert in edits:
            # Half the edits land at a line start or boundary, where the damage matters.
            near = [m.start() + d for m in re.finditer(rb"\n|--", body) for d in (0, 1, 7)]
            at = near[pick // 2 % len(near)] if pick % 2 else pick % (len(body) + 1)
            body = body[:at] + insert + body[at + drop :]
        raw = mail(body[: max(cut, 1)] if cut < len(body) else body)
        with pytest.MonkeyPatch.context() as m:
            same_message(raw, m)


class TestDamagedParameters:
    """RFC 2231 parameters in a charset Python lacks: the same Message on either path, and
    the guard's look for a calendar still answers, never missing one."""

    @pytest.mark.parametrize(
        ("ctype", "part_header", "calendar"),
        [
            (b"multipart/mixed; boundary*=x-no-such-charset''XyZ", b"", False),
            (
                b'multipart/mixed; boundary="XyZ"',
                b"Content-Type: application/octet-stream; name*=x-no-such-charset''a.ics\n",
                True,
            ),
        ],
        ids=["boundary", "filename"],
    )
    def test_unknown_rfc2231_charset(
        self, ctype: bytes, part_header: bytes, calendar: bool, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A body big enough for may_hold_calendar to split it: its answer is exact."""
        body = b"--XyZ\n" + TEXT + b"Lunch?\n--XyZ\n" + part_header + b"\n" + PDF * 40
        raw = mail(body + b"--XyZ--\n", ctype)
        head = Head(raw)
        assert len(raw) - head._body_start > parse_mod._SCAN_BODY_UNDER
        assert head.may_hold_calendar() is calendar
        assert bool(parse_mod._mime_parts(raw, head._body_start, []).calendars) is calendar
        same_message(raw, monkeypatch)

    def test_raising_parameters_fall_back(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Should the stdlib raise on a parameter, may_hold_calendar looks at the bytes."""
        raw = mail(b"--XyZ\n" + TEXT + b"Lunch?\n--XyZ\n" + ATTACHMENT * 40 + b"--XyZ--\n")

        def damaged(*args: object) -> None:
            raise LookupError("unknown charset")

        monkeypatch.setattr(parse_mod, "parse_tree", damaged)
        assert Head(raw).may_hold_calendar() is False  # no calendar mark in the bytes either
        assert "body_unreadable:LookupError" in parse_message(raw).defects
