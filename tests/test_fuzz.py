"""Hostile and broken mail: every input gets a decision or a skip with a reason, never a crash.

Three sources of bad input, all through ``responder.pipeline.assess`` (parse → guard →
classify → tier → decide) and, where a draft results, through ``Composer.compose``:

- generated mail (hypothesis): truncated MIME, wrong or missing boundaries, undeclared,
  unknown and lying charsets, raw 8-bit headers, broken RFC 2047 words, nested
  message/rfc822, empty and HTML-only bodies, CR/LF and template syntax in every field;
- the real corpus (``../shared/corpus``), damaged the ways real mail is;
- a few monsters built once: a 50 MB attachment, 10,000 header lines, deep nesting.

Every draft that results is checked: parseable MIME with no defects, only the headers a
reply has, each once, nothing injected, no template syntax evaluated. The number of
generated cases is recorded in the README ("Bad input"): keep ``EXAMPLES`` in step with it.
"""

from __future__ import annotations

import base64
import email
import email.policy
import os
import quopri
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from dovecot import Account
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from responder.commands import run_pass
from responder.compose import Composer
from responder.config import PolicySettings, load_settings
from responder.cues import load_lexicon
from responder.model import Identity
from responder.pipeline import Core, Outcome, assess
from responder.templates import TemplateSet
from responder.tiers import Contacts

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "raw"
ME = Identity("Anna Berg", "anna.berg@example.com", aliases=("anna@berg.no",))
NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
EXAMPLES = {"generated": 250, "corpus": 150, "fields": 150}  # README: "Bad input"
FUZZ = settings(
    deadline=None,
    database=None,
    # CI replays the same examples on every run, so a landing is never decided by the luck of
    # the draw; a developer's run explores new ones (that is how a fuzz bug gets found).
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DRAFT_HEADERS = frozenset({"from", "to", "cc", "bcc", "subject", "date", "message-id",
                           "in-reply-to", "references", "content-language", "mime-version",
                           "content-type", "content-transfer-encoding"})  # fmt: skip
# 4649*239 = 1111111: a product no date, time or size in a draft can spell by chance
# (the quoted "On ... 05:49 ... wrote:" line once made a check for "49" fail).
EVALUATED = "1111111"
INJECTIONS = (
    "{{ 4649*239 }}",
    "{% raw %}",
    "{{ config }}",
    "{% include 'x' %}",
    "${4649*239}",
    "#{4649*239}",
)


@pytest.fixture(scope="module")
def core() -> Core:
    """The pure core with no contacts; Return-Path not required so more mail gets through."""
    return Core(ME, Contacts(), PolicySettings(), load_lexicon(), require_return_path=False)


@pytest.fixture(scope="module")
def composer() -> Composer:
    return Composer(
        templates=TemplateSet(),
        key=bytes(range(32)),
        identity=ME,
        contacts=Contacts(),
        timezone=UTC,
        booking_link=None,
        signatures={},
    )


# --- what every outcome and every draft must satisfy ---------------------------------------


def check_outcome(outcome: Outcome) -> None:
    """A decision to draft, or a skip that names its rule and says why."""
    decision = outcome.decision
    if decision.draft:
        assert decision.skip is None and outcome.message is not None
    else:
        assert decision.skip is not None and decision.skip.rule and decision.skip.detail


def check_draft(data: bytes, outcome: Outcome | None = None) -> EmailMessage:
    """A well-formed single-part reply: known headers once each, CRLF, ASCII, no defects."""
    head, sep, _ = data.partition(b"\r\n\r\n")
    assert sep and head.isascii()
    lines = head.split(b"\r\n")
    assert all(len(line) <= 998 for line in lines)
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert not data.replace(b"\r\n", b"").count(b"\n") and b"\r" not in data.replace(b"\r\n", b"")
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    names = [k.lower() for k in msg]
    assert len(names) == len(set(names)), names
    assert set(names) <= DRAFT_HEADERS, set(names) - DRAFT_HEADERS
    assert not msg.is_multipart() and msg.get_content_type() == "text/plain"
    assert not msg.defects and all(not v.defects for v in msg.values())  # type: ignore[attr-defined]
    body = msg.get_content()
    assert isinstance(body, str)
    for reason in outcome.decision.reasons if outcome else ():  # nothing of it leaks
        if len(reason) > 12:
            assert reason not in body
    return msg


def run(core: Core, composer: Composer, raw: bytes, folder: str = "INBOX") -> Outcome:
    outcome = assess(core, raw, now=NOW, folder=folder)
    check_outcome(outcome)
    if outcome.decision.draft:
        check_draft(composer.compose(outcome, now=NOW), outcome)
    return outcome


# --- generated hostile mail ----------------------------------------------------------------

HEADER_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40
) | st.sampled_from([*INJECTIONS, "Re: AW: SV: Re[2]:", "Kaffee? ☕", "Lunsj på fredag?",
                     "a\r\nBcc: evil@x.example", "\u2028X-Evil: 1", "=?utf-8?q?x?= y"])  # fmt: skip
CHARSETS = ["utf-8", "iso-8859-1", "windows-1252", "iso-2022-jp", "utf-7", "koi8-r",
            "x-unknown", "utf-16", "", '"utf-8"', "utf-8*en", "ascii", "unicode-1-1-utf-7",
            "gb2312"]  # fmt: skip
CODECS = ["utf-8", "latin-1", "cp1252", "iso2022_jp", "utf-7", "koi8_r", "utf-16", "shift_jis"]


@st.composite
def encoded_word(draw: st.DrawFn, text: str) -> str:
    """text as an RFC 2047 word: valid, mislabelled (UTF-8 called latin-1), with bad base64,
    an unknown charset, cut short, or smuggling CR/LF."""
    data = text.encode("utf-8")
    b64 = base64.b64encode(data).decode()
    qp = quopri.encodestring(data, header=True).decode()
    return draw(st.sampled_from([
        f"=?utf-8?b?{b64}?=", f"=?UTF-8?Q?{qp}?=", f"=?iso-8859-1?q?{qp}?=",
        f"=?utf-8?b?{b64[:-1]}!*?=", f"=?x-klingon?q?{qp}?=", f"=?utf-8?q?{qp}",
        "=?utf-8?q?Tom=0D=0ABcc:_evil@x.example=0A=0D?=",
    ]))  # fmt: skip


@st.composite
def header_value(draw: st.DrawFn) -> bytes:
    """A header value as bytes: plain, encoded words, or raw 8-bit in some charset."""
    text = draw(HEADER_TEXT)
    how = draw(st.sampled_from(["plain", "word", "8bit", "mixed"]))
    if how == "word":
        return draw(encoded_word(text)).encode("ascii", "replace")
    if how == "8bit":
        codec = draw(st.sampled_from(CODECS))
        return text.encode(codec, "replace")
    if how == "mixed":
        return text.encode("utf-8") + b" " + draw(encoded_word(text)).encode("ascii", "replace")
    return text.encode("ascii", "replace")


@st.composite
def address(draw: st.DrawFn) -> bytes:
    local = draw(st.sampled_from(["anna.berg", "anna", "tom.hughes", "hanna.berg", "noreply",
                                  "x", "", "a b", "ünïcode", '"quoted@local"']))  # fmt: skip
    domain = draw(st.sampled_from(["example.com", "berg.no", "northwind.example", "", "[::1]"]))
    name = draw(header_value())
    shape = draw(st.sampled_from(["name", "bare", "group", "broken", "two"]))
    spec = f"{local}@{domain}".encode()
    if shape == "name":
        return b'"' + name.replace(b'"', b"") + b'" <' + spec + b">"
    if shape == "bare":
        return spec
    if shape == "group":
        return b"undisclosed-recipients:;"
    if shape == "broken":
        return name + b" <" + spec
    return name + b" <" + spec + b">, Anna <anna.berg@example.com>"


@st.composite
def leaf(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """(headers, body) of one non-multipart part: text or HTML, honest or not."""
    kind = draw(st.sampled_from(["text/plain", "text/html", "application/octet-stream",
                                 "text/calendar", "TEXT/PLAIN", "text"]))  # fmt: skip
    text = draw(st.sampled_from([
        "Hi Anna,\n\nwould you like to grab a coffee next week?\n\nTom",
        "Hallo Anna,\n\nhast du Zeit für einen Kaffee?\n\nJonas",
        "Hei Anna!\n\nSkal vi ta en lunsj neste uke?\n\nKari",
        "", " ", "\n\n\n", "<p>Lunch {{ 4649*239 }} on {% raw %} Friday?</p>",
        "On Tue, Tom wrote:\n> coffee?\n-- \nsig",
    ])) + draw(st.text(max_size=80))  # fmt: skip
    if kind == "text/html":
        opening = draw(st.sampled_from(["<html><body>", "<div><script>x</script>", "<p", ""]))
        closing = draw(st.sampled_from(["</body></html>", "<!--", "&nbsp", ""]))
        text = opening + text.replace("\n", "<br>") + closing
    if kind == "text/calendar":
        method = draw(st.sampled_from(["REQUEST", "REPLY", "CANCEL", "", "X\r\n"]))
        text = f"BEGIN:VCALENDAR\r\nMETHOD:{method}\r\nSUMMARY:{text[:30]}\r\nEND:VCALENDAR\r\n"
    codec = draw(st.sampled_from(CODECS))
    declared = draw(st.sampled_from(CHARSETS))
    data = text.encode(codec, "replace")
    cte = draw(st.sampled_from(["", "7bit", "8bit", "base64", "quoted-printable", "x-uuencode",
                                "BASE64 "]))  # fmt: skip
    if cte.strip().lower() == "base64":
        data = base64.encodebytes(data)
        if draw(st.booleans()):
            data = data[: draw(st.integers(0, len(data)))] + b"@@=="
    elif cte == "quoted-printable":
        data = quopri.encodestring(data)
        if draw(st.booleans()):
            data += b"=Z9=\r\n=4"
    head = b"Content-Type: " + kind.encode()
    if declared:
        head += b"; charset=" + declared.encode()
    if kind == "application/octet-stream" or draw(st.integers(0, 9)) == 0:
        head += b'\r\nContent-Disposition: attachment; filename="a.bin"'
    if cte:
        head += b"\r\nContent-Transfer-Encoding: " + cte.encode()
    return head, data


@st.composite
def body(draw: st.DrawFn, depth: int = 0) -> tuple[bytes, bytes]:
    """(headers, body) of a part: a leaf, a multipart with honest or wrong boundaries, or an
    attached message/rfc822 holding a whole mail."""
    shape = draw(
        st.sampled_from(["leaf", "leaf", "multipart", "rfc822"] if depth < 3 else ["leaf"])
    )
    if shape == "leaf":
        return draw(leaf())
    if shape == "rfc822":
        inner = draw(mail(depth + 1))
        return b"Content-Type: message/rfc822", inner
    subtype = draw(st.sampled_from(["mixed", "alternative", "related", "report", "signed"]))
    boundary = draw(st.sampled_from(["b1", "=_NextPart_0", "same", "a b", ""]))
    used = boundary if draw(st.integers(0, 3)) else draw(st.sampled_from(["b2", "b", "", "--"]))
    parts = draw(st.lists(body(depth + 1), min_size=0, max_size=3))
    out = [draw(st.sampled_from([b"", b"This is a multi-part message in MIME format.\r\n"]))]
    for head, data in parts:
        out.append(b"--" + used.encode() + b"\r\n" + head + b"\r\n\r\n" + data + b"\r\n")
    if draw(st.booleans()):
        out.append(b"--" + used.encode() + b"--\r\n")
    head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"'.encode()
    if draw(st.integers(0, 5)) == 0:
        head = f"Content-Type: multipart/{subtype}".encode()  # no boundary at all
    return head, b"".join(out)


@st.composite
def mail(draw: st.DrawFn, depth: int = 0) -> bytes:
    """A whole hostile message, maybe cut short, maybe with bare LF or CR line ends."""
    headers = [b"From: " + draw(address()), b"To: " + draw(address())]
    if draw(st.booleans()):
        headers.append(b"Cc: " + draw(address()))
    if draw(st.booleans()):
        headers.append(b"Reply-To: " + draw(address()))
    headers.append(b"Subject: " + draw(header_value()))
    dates = [b"Tue, 12 Mar 2024 10:00:00 +0100", b"yesterday", b"Tue, 12 Mar 2024 99:99:99",
             b"", b"Mon, 32 Foo 10000 00:00 +9999"]  # fmt: skip
    headers.append(b"Date: " + draw(st.sampled_from(dates)))
    ids = [b"<a@b>", b"garbage", b"<>", b"<x y@z>", b"<\xff@x>", b""]
    headers.append(b"Message-ID: " + draw(st.sampled_from(ids)))
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from([b"X-Junk", b"Auto-Submitted", b"Precedence", b"List-Id",
                                     b"References", b"In-Reply-To", b"X-\xe4\xf6", b"Received",
                                     b"Resent-To", b"Content-Type"]))  # fmt: skip
        headers.append(name + b": " + draw(header_value()))
    if draw(st.integers(0, 7)) == 0:
        odd = [b"no colon here", b" continuation first", b"X-Long: " + b"x" * 5000, b"\0\1: nul"]
        headers.append(draw(st.sampled_from(odd)))
    part_head, part_body = draw(body(depth))
    raw = b"\r\n".join([*headers, b"MIME-Version: 1.0", part_head]) + b"\r\n\r\n" + part_body
    if depth == 0:
        ending = draw(st.sampled_from(["crlf", "crlf", "lf", "cr"]))
        if ending == "lf":
            raw = raw.replace(b"\r\n", b"\n")
        elif ending == "cr":
            raw = raw.replace(b"\r\n", b"\r")
        if draw(st.integers(0, 3)) == 0:  # a partial fetch: cut anywhere
            raw = raw[: draw(st.integers(0, len(raw)))]
    return raw


class TestGenerated:
    """Generated hostile mail through the whole core and, if drafted, the composer."""

    @settings(FUZZ, max_examples=EXAMPLES["generated"])
    @given(raw=mail())
    def test_every_mail_gets_a_decision(self, core: Core, composer: Composer, raw: bytes) -> None:
        """Any bytes: a decision or a skip with a reason; any draft is well-formed."""
        run(core, composer, raw)


# --- sender-controlled fields reaching a draft ---------------------------------------------

INVITATION = "Hi Anna,\r\n\r\nwould you like to grab a coffee next week?\r\n\r\nTom\r\n"


def invitation(*, name: str = "Tom Hughes", subject: str = "Coffee next week?",
               text: str = INVITATION, extra: str = "") -> bytes:  # fmt: skip
    """An invitation that gets a draft, with the given sender-controlled text (UTF-8)."""
    return (
        f"From: {name} <tom.hughes@northwind.example>\r\n"
        "To: Anna Berg <anna.berg@example.com>\r\n"
        f"Subject: {subject}\r\n"
        "Date: Tue, 12 Mar 2024 10:00:00 +0100\r\n"
        "Message-ID: <fuzz-1@northwind.example>\r\n"
        f"{extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}"
    ).encode("utf-8", "surrogateescape")


def encoded(text: str) -> str:
    return f"=?utf-8?b?{base64.b64encode(text.encode()).decode()}?="


class TestSenderText:
    """Names, subjects and bodies are data: no header injection, no template evaluation."""

    def draft_of(self, core: Core, composer: Composer, raw: bytes) -> tuple[EmailMessage, str]:
        outcome = assess(core, raw, now=NOW)
        assert outcome.decision.draft, outcome.decision.reasons
        msg = check_draft(composer.compose(outcome, now=NOW), outcome)
        content = msg.get_content()
        assert isinstance(content, str)
        return msg, content

    @pytest.mark.parametrize(
        "name",
        [encoded("Tom\r\nBcc: evil@x.example"), encoded("Tom\nX-Evil: 1"),
         encoded("Tom\u2028Bcc: evil@x.example"), encoded("{{ 4649*239 }} Hughes"),
         encoded("Tom {% raw %}"), '"Tom\\"\r\n Bcc: evil@x.example"', encoded("Tom\x00\x85"),
         "=?utf-8?b?Hw=!*?=", "Tom =?utf-8?q?=0D=0ABcc:_evil=40x.example?="],
    )  # fmt: skip
    def test_display_name(self, core: Core, composer: Composer, name: str) -> None:
        """CR/LF, NEL, U+2028 or NUL in an (encoded) name never become a header or a line,
        nor does an encoded word we could not decode, which a reader would decode again
        (found by the fuzzer: "Hw=!*" decodes leniently to a control character)."""
        msg, content = self.draft_of(core, composer, invitation(name=name))
        assert "evil@x.example" not in str(msg.get("Bcc", "")) and "X-Evil" not in msg
        assert EVALUATED not in content

    @pytest.mark.parametrize(
        "subject",
        [*INJECTIONS, encoded("Coffee?\r\nBcc: evil@x.example"), encoded("Coffee?\r\n\r\nbody"),
         "Coffee " + "very long subject " * 30, encoded("Kaffee ☕ {{ 4649*239 }}"),
         "Re: =?bogus?="],
    )  # fmt: skip
    def test_subject(self, core: Core, composer: Composer, subject: str) -> None:
        """A hostile subject stays one Subject header, template syntax unevaluated."""
        msg, content = self.draft_of(core, composer, invitation(subject=f"Coffee? {subject}"))
        subject_out = str(msg["Subject"])
        assert subject_out.startswith("Re: ") and "\n" not in subject_out
        assert "Bcc" not in msg and EVALUATED not in subject_out and EVALUATED not in content
        if subject in INJECTIONS:
            assert subject in subject_out  # kept as the sender wrote it

    @pytest.mark.parametrize(
        "trap",
        [*INJECTIONS, "\r\n.\r\n", "\r\n--boundary\r\nContent-Type: text/html\r\n\r\n<b>x</b>",
         "\r\nFrom evil\r\n", "\r\n\r\nBcc: evil@x.example\r\n", "{% for x in range(10**9) %}"],
    )  # fmt: skip
    def test_body(self, core: Core, composer: Composer, trap: str) -> None:
        """Body text is quoted as text: never evaluated, never a MIME boundary or header."""
        text = INVITATION.replace("next week?", f"next week? {trap}")
        msg, content = self.draft_of(core, composer, invitation(text=text))
        assert EVALUATED not in content and "Bcc" not in msg
        assert not msg.is_multipart()

    def test_draft_reveals_no_automation(self, core: Core, composer: Composer) -> None:
        """No Auto-Submitted or X- header, no tier, rule or reason in the user's draft."""
        outcome = assess(core, invitation(), now=NOW)
        data = composer.compose(outcome, now=NOW)
        msg = check_draft(data, outcome)
        assert "Auto-Submitted" not in msg and not any(k.lower().startswith("x-") for k in msg)
        text = data.decode("ascii", "replace").lower()
        for word in ("tier", "responder", "auto-generated", "classif"):
            assert word not in text
        for reason in outcome.decision.reasons:
            assert reason.lower() not in text

    @settings(FUZZ, max_examples=EXAMPLES["fields"])
    @given(name=HEADER_TEXT, subject=HEADER_TEXT, body_text=st.text(max_size=300))
    def test_any_text(
        self, core: Core, composer: Composer, name: str, subject: str, body_text: str
    ) -> None:
        """Arbitrary Unicode as name, subject and text: whatever is drafted is well-formed."""
        raw = invitation(name=encoded(name), subject="Coffee? " + encoded(subject),
                         text=INVITATION + body_text)  # fmt: skip
        run(core, composer, raw)


# --- the real corpus, damaged -------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus() -> list[bytes]:
    """The raw corpus mail; skipped only when it is absent and CI is not set."""
    files = sorted(CORPUS.glob("*.eml"))
    if not files:
        if os.environ.get("CI"):
            pytest.fail(f"mail corpus not found at {CORPUS} (CI is set: it is required)")
        pytest.skip(f"mail corpus not found at {CORPUS}")
    return [f.read_bytes() for f in files]


MUTATIONS: dict[str, Callable[[st.DrawFn, bytes], bytes]] = {
    "cut": lambda draw, raw: raw[: draw(st.integers(0, len(raw)))],
    "flip": lambda draw, raw: bytes(
        b ^ 0x80 if i % draw(st.integers(2, 50)) == 0 else b for i, b in enumerate(raw)
    ),
    "boundary": lambda draw, raw: raw.replace(b"boundary=", b"boundary=x", 1),
    "charset": lambda draw, raw: raw.replace(  # a lying or unknown charset
        b"charset=", b"charset=%s;x=" % draw(st.sampled_from([b"x-bogus", b"utf-7", b"utf-16"])), 1
    ),
    "8bit-header": lambda draw, raw: raw.replace(b"Subject: ", b"Subject: \xe4\xf6\xfc\xff ", 1),
    "rfc2047": lambda draw, raw: raw.replace(b"Subject: ", b"Subject: =?utf-8?b?w6Q=?= =?x?q?", 1),
    "lf": lambda draw, raw: raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r"),
    "nest": lambda draw, raw: (
        b"From: x@y.example\r\nTo: anna.berg@example.com\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: message/rfc822\r\n\r\n" + raw
    ),
    "html-only": lambda draw, raw: raw.replace(b"text/plain", b"text/html"),
    "empty-body": lambda draw, raw: raw.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n",
}  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, corpus: list[bytes]) -> bytes:
    raw = draw(st.sampled_from(corpus))
    for name in draw(st.lists(st.sampled_from(sorted(MUTATIONS)), min_size=1, max_size=3)):
        raw = MUTATIONS[name](draw, raw)
    return raw


class TestCorpusMutations:
    """Real mail, damaged: through the whole core (parse-only checks live in test_corpus)."""

    @settings(FUZZ, max_examples=EXAMPLES["corpus"])
    @given(data=st.data())
    def test_mutated_corpus(
        self, core: Core, composer: Composer, corpus: list[bytes], data: st.DataObject
    ) -> None:
        """Every damaged corpus mail gets a decision or a skip with a reason."""
        run(core, composer, data.draw(mutated(corpus)))


# --- monsters -----------------------------------------------------------------------------

HEAD = (
    "From: Tom Hughes <tom.hughes@northwind.example>\r\nTo: Anna Berg <anna.berg@example.com>\r\n"
    "Subject: Coffee next week?\r\nDate: Tue, 12 Mar 2024 10:00:00 +0100\r\n"
    "Message-ID: <monster@northwind.example>\r\nMIME-Version: 1.0\r\n"
)


def big_attachment(path: Path, size: int) -> None:
    """An invitation with a base64 attachment of about size bytes, written in 1 MB steps."""
    line = base64.b64encode(os.urandom(57)) + b"\r\n"
    block = line * (1024 * 1024 // len(line))
    with path.open("wb") as fh:
        fh.write(
            (HEAD + 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
             "Content-Type: text/plain; charset=utf-8\r\n\r\n" + INVITATION + "--b\r\n"
             "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
             'Content-Disposition: attachment; filename="video.mp4"\r\n\r\n').encode()
        )  # fmt: skip
        for _ in range(-(-size // len(block))):
            fh.write(block)
        fh.write(b"--b--\r\n")


@pytest.fixture(scope="module")
def fifty_mb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[bytes]:
    path = tmp_path_factory.mktemp("big") / "big.eml"
    big_attachment(path, 50 * 1024 * 1024)
    data = path.read_bytes()
    path.unlink()
    yield data


class TestMonsters:
    """Sizes and shapes no test corpus has, but a real inbox will."""

    def test_50_mb_attachment_is_never_decoded(
        self, core: Core, composer: Composer, fifty_mb: bytes
    ) -> None:
        """With parse_message's 64 KB text cap, a 50 MB mail costs a few MB and ms at most."""
        assert len(fifty_mb) > 50 * 1024 * 1024
        tracemalloc.start()
        started = time.perf_counter()
        try:
            outcome = assess(core, fifty_mb, now=NOW)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 16 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
        assert time.perf_counter() - started < 5
        assert outcome.message is not None
        assert "grab a coffee" in outcome.message.new_text
        assert outcome.message.truncated and "body_capped" in outcome.message.defects
        check_outcome(outcome)

    def test_20_mb_single_part_text(self, core: Core) -> None:
        """A huge single-part body is cut before it is decoded, not after."""
        text = base64.encodebytes(("coffee? " * 2_700_000).encode())  # ~29 MB of base64
        raw = (HEAD + "Content-Type: text/plain; charset=utf-8\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n").encode() + text  # fmt: skip
        tracemalloc.start()
        try:
            outcome = assess(core, raw, now=NOW)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 16 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
        assert outcome.message is not None and outcome.message.truncated
        assert len(outcome.message.new_text) <= 64 * 1024  # parse_message's default cap
        check_outcome(outcome)

    def test_10000_headers(self, core: Core, composer: Composer) -> None:
        """Ten thousand header lines: parsed, guarded and decided in well under a second."""
        junk = "".join(f"X-Trace-{i}: hop {i} via relay{i}.example\r\n" for i in range(10_000))
        raw = (
            HEAD + junk + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + INVITATION
        ).encode()
        started = time.perf_counter()
        outcome = run(core, composer, raw)
        assert time.perf_counter() - started < 2
        assert outcome.message is not None and len(outcome.message.headers) > 10_000

    def test_10000_received_lines_for_the_user(self, core: Core, composer: Composer) -> None:
        """Many "Received: ... for <user>" lines still do not make the user a recipient."""
        hops = "".join(f"Received: from r{i} by r{i + 1} for <anna.berg@example.com>; "
                       "Tue, 12 Mar 2024 10:00:00 +0100\r\n" for i in range(10_000))  # fmt: skip
        raw = (hops + HEAD.replace("anna.berg@example.com", "all@example.com")
               + "Content-Type: text/plain\r\n\r\n" + INVITATION).encode()  # fmt: skip
        outcome = run(core, composer, raw)
        assert outcome.decision.skip is not None and outcome.decision.skip.rule == "not_addressed"

    @pytest.mark.parametrize(
        "tail",
        ["", "\r\n", "Content-Type: text/plain\r\n\r\n", "Content-Type: text/html\r\n\r\n",
         'Content-Type: multipart/mixed; boundary="x"\r\n\r\n',
         'Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\n\r\n--x--\r\n',
         "Content-Type: message/rfc822\r\n\r\n"],
    )  # fmt: skip
    def test_empty_bodies(self, core: Core, composer: Composer, tail: str) -> None:
        """Header only, empty text, empty HTML, empty multipart, empty attached mail: read
        and decided (a subject alone may still be an invitation), or skipped with a reason."""
        outcome = run(core, composer, (HEAD + tail).encode())
        assert outcome.message is not None and not outcome.message.new_text.strip()
        quiet = run(core, composer, (HEAD.replace("Coffee next week?", "4711") + tail).encode())
        assert not quiet.decision.draft

    def test_html_only(self, core: Core, composer: Composer) -> None:
        """An HTML-only invitation is read as text (scripts and styles dropped) and drafted."""
        html = ("<html><head><style>p{color:red}</style><script>alert('{{ 4649*239 }}')</script>"
                "</head><body><p>Hi Anna,</p><p>would you like to grab a coffee next week?"
                "</p><p>Tom</p></body></html>")  # fmt: skip
        raw = (HEAD + "Content-Type: text/html; charset=utf-8\r\n\r\n" + html).encode()
        outcome = run(core, composer, raw)
        assert outcome.message is not None and outcome.message.html_only
        assert "alert" not in outcome.message.new_text and "color" not in outcome.message.new_text
        assert outcome.decision.draft

    def test_deeply_nested_rfc822(self, core: Core, composer: Composer) -> None:
        """A forward of a forward, 200 deep: a decision, not a RecursionError."""
        raw = (HEAD + "Content-Type: text/plain\r\n\r\n" + INVITATION).encode()
        for _ in range(200):
            raw = (HEAD + "Content-Type: message/rfc822\r\n\r\n").encode() + raw
        run(core, composer, raw)

    def test_many_parts(self, core: Core, composer: Composer) -> None:
        """Thousands of tiny parts: the walk stops at its limit and says so."""
        parts = "".join("--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n" for _ in range(3000))
        raw = (HEAD + 'Content-Type: multipart/mixed; boundary="x"\r\n\r\n' + parts
               + "--x--\r\n").encode()  # fmt: skip
        outcome = run(core, composer, raw)
        assert outcome.message is not None


class TestReplyAddresses:
    """Odd but valid addresses reach the draft in a form every header parser accepts."""

    def test_internationalised_domain(self, core: Core, composer: Composer) -> None:
        """A sender at an IDN domain is answered at its punycode form."""
        raw = invitation().replace(b"tom.hughes@northwind.example",
                                   "tom@bücher.example".encode())  # fmt: skip
        outcome = assess(core, raw, now=NOW)
        msg = check_draft(composer.compose(outcome, now=NOW), outcome)
        assert "tom@xn--bcher-kva.example" in str(msg["To"])

    def test_unusable_cc_is_dropped(self, core: Core, composer: Composer) -> None:
        """Copied addresses no server would take are left out of Cc, the rest kept."""
        raw = invitation(extra="Cc: broken@, Jane <jane@northwind.example>, x y@z\r\n")
        outcome = assess(core, raw, now=NOW)
        msg = check_draft(composer.compose(outcome, now=NOW), outcome)
        assert str(msg["Cc"]) == "Jane <jane@northwind.example>"


# --- through the real service -------------------------------------------------------------


def hostile_inbox(now: datetime) -> dict[str, bytes]:
    """A handful of hostile mails, dated now, each with a Return-Path as delivered mail has."""
    date = format_datetime(now - timedelta(minutes=5))

    def head(mid: str, *, name: str = "Tom Hughes", subject: str = "Coffee next week?") -> str:
        return (f"Return-Path: <tom.hughes@northwind.example>\r\n"
                f"From: {name} <tom.hughes@northwind.example>\r\n"
                f"To: Anna Berg <anna.berg@example.com>\r\nSubject: {subject}\r\n"
                f"Date: {date}\r\nMessage-ID: <{mid}@northwind.example>\r\n"
                "MIME-Version: 1.0\r\n")  # fmt: skip

    line = base64.b64encode(os.urandom(57)) + b"\r\n"
    # fmt: off
    return {
        "injection": (head("inj", name=encoded("Tom\r\nBcc: evil@x.example"),
                           subject="Coffee? {{ 4649*239 }} " + encoded("\r\nX-Evil: 1"))
                      + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                      + INVITATION.replace("next week?", "next week? {% raw %}{{ 4649*239 }}")
                      ).encode(),
        "attachment-5mb": (head("big") + 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
                           "--b\r\nContent-Type: text/plain\r\n\r\n" + INVITATION
                           + "--b\r\nContent-Type: application/zip\r\n"
                           "Content-Transfer-Encoding: base64\r\n\r\n").encode()
                          + line * (5 * 1024 * 1024 // len(line)) + b"--b--\r\n",
        "truncated": (head("cut") + 'Content-Type: multipart/alternative; boundary="zz"\r\n\r\n'
                      "--zz\r\nContent-Type: text/plain; charset=utf-8\r\n"
                      "Content-Transfer-Encoding: base64\r\n\r\n"
                      + base64.b64encode(INVITATION.encode()).decode()[:50]).encode(),
        "8bit-lying": head("8bit", subject="Kaffee n\xe4chste Woche?").encode("latin-1")
        + b"Content-Type: text/plain; charset=utf-8\r\n\r\nHallo, Kaffee n\xe4chste Woche?\r\n",
        "many-headers": (head("hdrs") + "".join(f"X-Hop-{i}: relay{i}\r\n" for i in range(2000))
                         + "Content-Type: text/plain\r\n\r\n" + INVITATION).encode(),
        "empty": (head("empty", subject="4711") + "Content-Type: text/plain\r\n\r\n").encode(),
        "nested": (head("nest", subject="Fwd: coffee") + "Content-Type: message/rfc822\r\n\r\n"
                   + head("inner") + "Content-Type: text/html\r\n\r\n<p>coffee?").encode(),
        "html-only": (head("html") + "Content-Type: text/html; charset=utf-8\r\n\r\n<p>"
                      + INVITATION.replace("\r\n", "<br>") + "<script>x()</script>").encode(),
        "garbage": b"\x00\xff\xfe garbage without any header\r\n\r\n\xff",
    }
    # fmt: on


@pytest.mark.integration
class TestServicePass:
    """Hostile mail in a real Dovecot INBOX: one `once` pass decides every message."""

    def test_pass_survives_hostile_mail(self, imap_account: Account, tmp_path: Path) -> None:
        """The pass completes; every mail has a decision or a skip with a reason; every
        draft APPENDed is well-formed, with nothing injected and nothing evaluated."""
        now = datetime.now(UTC)
        mails = hostile_inbox(now)
        uids = {imap_account.append(raw, when=now - timedelta(minutes=5)): name
                for name, raw in mails.items()}  # fmt: skip
        env = {
            "RESPONDER_IMAP_HOST": imap_account.host,
            "RESPONDER_IMAP_PORT": str(imap_account.imaps_port),
            "RESPONDER_IMAP_CA_FILE": str(imap_account.ca_file),
            "RESPONDER_IMAP_USER": imap_account.user,
            "RESPONDER_IMAP_PASSWORD": imap_account.password,
            "RESPONDER_IDENTITY_NAME": "Anna Berg",
            "RESPONDER_IDENTITY_EMAIL": ME.email,
            "RESPONDER_STATE_DIR": str(tmp_path / "state"),
            "RESPONDER_KEY_FILE": str(tmp_path / "draft.key"),
        }
        settings_ = load_settings(tmp_path / "absent.toml", environ=env, read_dotenv=False,
                                  allow_missing=True)  # fmt: skip
        (report,) = run_pass(settings_, dry_run=False, lookback_days=1)
        assert report.seen == len(mails)
        assert sorted(row.uid for row in report.rows) == sorted(uids)
        for row in report.rows:  # rows keep the decision, not the parsed mail
            decision = row.outcome.decision
            assert decision.draft or (decision.skip is not None and decision.skip.detail)
        decided = {uids[row.uid]: row.outcome.decision for row in report.rows}
        assert decided["injection"].draft and decided["attachment-5mb"].draft
        assert decided["garbage"].skip is not None
        drafts = imap_account.messages("Drafts")
        assert len(drafts) == sum(d.draft for d in decided.values()) >= 2
        for stored in drafts:
            msg = check_draft(stored.raw)
            assert "Bcc" not in msg and "X-Evil" not in msg
            assert [a.addr_spec for a in msg["To"].addresses] == ["tom.hughes@northwind.example"]
            content = msg.get_content()
            assert isinstance(content, str) and EVALUATED not in content
        injected = next(d for d in drafts if b"inj@northwind" in d.raw)
        assert "{{ 4649*239 }}" in str(check_draft(injected.raw)["Subject"])
        # Nothing was marked read, and a second pass finds nothing new.
        assert all("\\Seen" not in m.flags for m in imap_account.messages())
        (again,) = run_pass(settings_, dry_run=False)
        assert again.seen == 0
