"""The RFC 3834 / RFC 5230 guard: which mail never gets a draft, and which still does."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from responder import guard
from responder.config import PolicySettings
from responder.cues import load_lexicon
from responder.model import Address, Identity, Message, Skip
from responder.parse import parse_message
from responder.pipeline import Core, assess
from responder.tiers import Contacts

FIXTURES = Path(__file__).parent / "fixtures" / "guard"
ME = Identity("Anna Berg", "anna.berg@example.com", aliases=("anna@berg.no",))


NOW = datetime(2024, 3, 12, 18, 0, tzinfo=UTC)  # the fixtures' day


def load(name: str) -> Message:
    return parse_message((FIXTURES / name).read_bytes())


def core() -> Core:
    return Core(ME, Contacts(), PolicySettings(), load_lexicon())


def mail(*headers: str, body: str = "Coffee on Friday?\r\n") -> Message:
    """A message from header lines; From/To/Return-Path default to a plain invitation."""
    names = {h.partition(":")[0].lower() for h in headers}
    defaults = {
        "return-path": "Return-Path: <tom@northwind.example>",
        "from": "From: Tom Hughes <tom@northwind.example>",
        "to": "To: Anna Berg <anna.berg@example.com>",
    }
    lines = [*headers, *(v for k, v in defaults.items() if k not in names), "Subject: Coffee"]
    return parse_message(("\r\n".join(lines) + "\r\n\r\n" + body).encode())


def rule(msg: Message, **kwargs: object) -> str | None:
    skip = guard.check(msg, ME, **kwargs)  # type: ignore[arg-type]
    return skip.rule if skip else None


@dataclass(frozen=True)
class Case:
    """One row of fixtures/guard/cases.csv: a mail, where it lies, and what the guard says."""

    file: str
    lang: str
    folder: str
    expected: str | None  # the Skip rule, or None: it must be answered
    what: str

    def __str__(self) -> str:
        return self.file


def cases() -> list[Case]:
    with (FIXTURES / "cases.csv").open(encoding="utf-8", newline="") as fh:
        return [
            Case(r["file"], r["lang"], r["folder"] or "INBOX", r["expected"] or None, r["what"])
            for r in csv.DictReader(fh)
        ]


CASES = cases()
LANGUAGES = ("en", "de", "nb")


class TestFixtures:
    """The guard over realistic .eml files, table-driven by fixtures/guard/cases.csv.

    Every rule has a fixture in each of en, de and nb; the controls are look-alikes
    (Auto-Submitted: no, Precedence: normal, X-Auto-Response-Suppress: None, a German
    "Auto:" subject about a car, ...) that must still be answered.
    """

    @pytest.mark.parametrize("case", CASES, ids=str)
    def test_case(self, case: Case) -> None:
        """Each fixture is skipped by exactly its rule, or passes every rule."""
        skip = guard.check(load(case.file), ME, folder=case.folder)
        assert (skip.rule if skip else None) == case.expected, (case.what, skip)
        if skip is not None:
            assert skip.detail  # said in words, for the log

    @pytest.mark.parametrize("rule", guard.SKIP_RULES)
    def test_every_rule_in_every_language(self, rule: str) -> None:
        """Each rule the guard can name has at least one fixture in each of en, de and nb."""
        langs = {c.lang for c in CASES if c.expected == rule}
        assert langs >= set(LANGUAGES), f"{rule}: fixtures only in {sorted(langs)}"

    def test_controls_in_every_language(self) -> None:
        """Mail that must be answered exists in every language too."""
        assert {c.lang for c in CASES if c.expected is None} >= set(LANGUAGES)

    def test_table_and_files_agree(self) -> None:
        """Every .eml is in the table once, every row has a file, every rule is real."""
        files = sorted(p.name for p in FIXTURES.glob("*.eml"))
        assert sorted(c.file for c in CASES) == files
        assert {c.expected for c in CASES} - {None} <= set(guard.SKIP_RULES)
        assert {c.lang for c in CASES} == set(LANGUAGES)

    def test_skip_has_detail(self) -> None:
        """A Skip names the rule and says in words what was found."""
        skip = guard.check(load("precedence_bulk_nb.eml"), ME)
        assert skip == Skip("precedence", "Precedence: bulk")

    @pytest.mark.parametrize("case", [c for c in CASES if c.expected is None], ids=str)
    def test_controls_get_a_draft(self, case: Case) -> None:
        """Through the whole core, every control is an invitation and gets a draft."""
        raw = (FIXTURES / case.file).read_bytes()
        outcome = assess(core(), raw, now=NOW, folder=case.folder)
        assert outcome.decision.draft, (case.what, outcome.decision.reasons)

    @pytest.mark.parametrize("case", [c for c in CASES if c.expected], ids=str)
    def test_skips_hold_through_the_core(self, case: Case) -> None:
        """Through the whole core, the guard's rule is the reason no draft is made."""
        raw = (FIXTURES / case.file).read_bytes()
        decision = assess(core(), raw, now=NOW, folder=case.folder).decision
        assert not decision.draft
        assert decision.skip is not None and decision.skip.rule == case.expected


class TestAutoSubmitted:
    """RFC 3834 §5: any Auto-Submitted value but "no" is an automatic message."""

    @pytest.mark.parametrize(
        "value",
        [
            "auto-replied",
            "Auto-Generated",
            "auto-notified",
            'auto-replied; owner-email="a@b.example"',
            "(robot) auto-generated",
            "x-custom-value",
        ],
    )
    def test_automatic(self, value: str) -> None:
        """Every value other than "no" skips, whatever its case, comments or parameters."""
        assert rule(mail(f"Auto-Submitted: {value}")) == "auto_submitted"

    @pytest.mark.parametrize("value", ["no", "No", "NO (a person wrote this)", "(c) no ((x) y)"])
    def test_no(self, value: str) -> None:
        """ "no", with comments around it, marks a human message."""
        assert rule(mail(f"Auto-Submitted: {value}")) is None

    def test_folded(self) -> None:
        """A folded value is unfolded before it is read."""
        assert rule(mail("Auto-Submitted:\r\n auto-replied")) == "auto_submitted"

    def test_second_header_counts(self) -> None:
        """A second Auto-Submitted header is not hidden by a first "no"."""
        msg = mail("Auto-Submitted: no", "Auto-Submitted: auto-replied")
        assert rule(msg) == "auto_submitted"


class TestPrecedence:
    """RFC 3834 §2: Precedence bulk, list and junk mark mass mail."""

    @pytest.mark.parametrize("value", ["bulk", "List", "JUNK", "bulk (newsletter)"])
    def test_mass(self, value: str) -> None:
        """bulk/list/junk, in any case, skip."""
        assert rule(mail(f"Precedence: {value}")) == "precedence"

    @pytest.mark.parametrize("value", ["normal", "first-class", "urgent", "bulky"])
    def test_other(self, value: str) -> None:
        """Other values, even ones that start like "bulk", are answered."""
        assert rule(mail(f"Precedence: {value}")) is None


class TestListHeaders:
    """RFC 2369 / RFC 2919 list headers mark list mail."""

    @pytest.mark.parametrize(
        "name",
        ["List-Id", "List-Help", "List-Subscribe", "List-Unsubscribe", "List-Post",
         "List-Owner", "List-Archive"],
    )  # fmt: skip
    def test_each(self, name: str) -> None:
        """Any one of the seven list headers is enough."""
        assert rule(mail(f"{name}: <mailto:x@lists.example>")) == "list_mail"

    def test_list_unsubscribe_post_alone(self) -> None:
        """List-Unsubscribe-Post without List-Unsubscribe is not one of them."""
        assert rule(mail("List-Unsubscribe-Post: List-Unsubscribe=One-Click")) is None


class TestAutoResponseSuppress:
    """Exchange's X-Auto-Response-Suppress asks auto-responders to stay quiet."""

    @pytest.mark.parametrize("value", ["All", "OOF", "AutoReply", "DR, RN, NRN, OOF, AutoReply"])
    def test_suppressed(self, value: str) -> None:
        """All, OOF or AutoReply among the values skip."""
        assert rule(mail(f"X-Auto-Response-Suppress: {value}")) == "auto_response_suppressed"

    @pytest.mark.parametrize("value", ["None", "DR, RN", "NRN", "DR"])
    def test_not_for_replies(self, value: str) -> None:
        """Values about receipts only (or None) leave replies allowed."""
        assert rule(mail(f"X-Auto-Response-Suppress: {value}")) is None


class TestReturnPath:
    """RFC 3834 §2/§3.1.3: a null envelope sender marks a bounce or a report."""

    @pytest.mark.parametrize("value", ["<>", "< >", "<  >"])
    def test_null(self, value: str) -> None:
        """An empty Return-Path, spaces or not, skips."""
        assert rule(mail(f"Return-Path: {value}")) == "null_return_path"

    def test_null_even_when_not_required(self) -> None:
        """A null Return-Path skips even when a missing one is tolerated."""
        msg = mail("Return-Path: <>")
        assert rule(msg, require_return_path=False) == "null_return_path"

    def test_missing_required(self) -> None:
        """A missing Return-Path skips by default: delivered mail always has one."""
        assert rule(load("missing_return_path_en.eml")) == "missing_return_path"

    def test_missing_tolerated(self) -> None:
        """With require_return_path=False (APPENDed mail, archives) it is answered."""
        assert rule(load("missing_return_path_en.eml"), require_return_path=False) is None

    def test_rule_alone_on_bounce(self) -> None:
        """The bounce fixture also fails the Return-Path rule on its own."""
        ctx = guard.Context(ME, "INBOX", (), True)
        skip = guard.return_path(load("null_return_path_en.eml"), ctx)
        assert skip is not None
        assert skip.rule == "null_return_path"


class TestSystemSenders:
    """RFC 5230 §4.5 and vacation(1): daemons, list software and no-reply addresses."""

    @pytest.mark.parametrize(
        "address",
        ["MAILER-DAEMON@mx.example", "postmaster@x.example", "LISTSERV@x.example",
         "majordomo@x.example", "coffee-request@lists.example", "owner-coffee@lists.example"],
    )  # fmt: skip
    def test_system(self, address: str) -> None:
        """System local parts skip, whatever their case."""
        assert rule(mail(f"From: {address}")) == "system_sender"

    @pytest.mark.parametrize(
        "address",
        ["noreply@x.example", "no-reply@x.example", "No_Reply@x.example",
         "donotreply@x.example", "do-not-reply@x.example", "noreply-123@x.example",
         "noreply+x@x.example", "calendar-noreply@x.example", "no.reply@x.example"],
    )  # fmt: skip
    def test_noreply(self, address: str) -> None:
        """No-reply addresses skip, with suffixes and as a word of a longer local part."""
        assert rule(mail(f"From: {address}")) == "noreply_sender"

    @pytest.mark.parametrize(
        "address",
        ["norah.replyer@x.example", "requests@x.example", "owner@x.example",
         "daemon.fan@x.example", "request-for-coffee@x.example", "noreplyguy@x.example"],
    )  # fmt: skip
    def test_people(self, address: str) -> None:
        """Local parts that only resemble system names are people."""
        assert rule(mail(f"From: {address}")) is None

    @pytest.mark.parametrize("header", ["Reply-To", "Sender", "Return-Path"])
    def test_other_sender_fields(self, header: str) -> None:
        """Reply-To, Sender and Return-Path are checked like From."""
        assert rule(mail(f"{header}: <noreply@x.example>")) == "noreply_sender"

    def test_postmaster_domain_is_fine(self) -> None:
        """Only the local part counts: a person at postmaster.example is answered."""
        assert rule(mail("From: Tom <tom@postmaster.example>")) is None


class TestSenderProblem:
    """The per-address check callers use to pick where a reply goes."""

    def test_person(self) -> None:
        """A person's address has no problem."""
        assert guard.sender_problem(Address("Tom", "tom@northwind.example"), ME) is None

    def test_own(self) -> None:
        """The user's own alias is no place to reply to."""
        skip = guard.sender_problem(Address("", "ANNA@berg.no"), ME, "Reply-To")
        assert skip == Skip("from_self", "Reply-To is your own address (anna@berg.no)")

    def test_noreply(self) -> None:
        """A no-reply address is named as such."""
        skip = guard.sender_problem(Address("", "no-reply@x.example"), ME)
        assert skip is not None
        assert skip.rule == "noreply_sender"


class TestRecipients:
    """RFC 3834 §2: answer only mail that names the user as a recipient."""

    def test_to(self) -> None:
        """The user's address in To is enough."""
        assert rule(mail("To: anna.berg@example.com")) is None

    def test_cc_alias_case(self) -> None:
        """An alias in Cc counts, compared without regard to case."""
        assert rule(mail("To: team@example.com", "Cc: Anna <Anna@Berg.NO>")) is None

    def test_substring_is_not_a_match(self) -> None:
        """hanna.berg@example.com is not anna.berg@example.com."""
        assert rule(mail("To: hanna.berg@example.com")) == "not_addressed"

    def test_superstring_domain(self) -> None:
        """anna.berg@example.com.evil is not the user's address either."""
        assert rule(mail("To: anna.berg@example.com.evil")) == "not_addressed"

    def test_name_is_not_address(self) -> None:
        """The user's address as display name of someone else's mailbox does not count."""
        assert rule(mail('To: "anna.berg@example.com" <x@evil.example>')) == "not_addressed"

    def test_resent_cc(self) -> None:
        """Resent-Cc naming the user counts."""
        assert rule(mail("To: office@example.com", "Resent-Cc: anna.berg@example.com")) is None

    def test_received_for_alone(self) -> None:
        """A Received "for" clause alone does not make the user a recipient."""
        msg = mail(
            "Received: from a by b for <anna.berg@example.com>; Tue, 12 Mar 2024 09:00 +0100",
            "To: all@example.com",
        )
        assert rule(msg) == "not_addressed"


class TestSender:
    """Mail without an author, or from the user, is never answered."""

    def test_own_alias(self) -> None:
        """Mail from one of the user's aliases is the user's own."""
        assert rule(mail("From: Anna <anna@berg.no>")) == "from_self"

    def test_empty_from(self) -> None:
        """An empty From header counts as none."""
        assert rule(mail("From: ")) == "no_from"


class TestVerdicts:
    """Spam and virus verdicts of filters upstream."""

    @pytest.mark.parametrize(
        "header",
        ["X-Spam-Flag: YES", "X-Spam-Flag: yes", "X-Spam-Status: Yes, score=8.0",
         "X-Spam: Yes", "X-Rspamd-Action: rewrite subject", "X-Rspamd-Action: reject"],
    )  # fmt: skip
    def test_spam(self, header: str) -> None:
        """SpamAssassin and rspamd verdicts skip."""
        assert rule(mail(header)) == "spam_verdict"

    @pytest.mark.parametrize(
        "header",
        ["X-Spam-Flag: NO", "X-Spam-Status: No, score=-1.0", "X-Spam: no",
         "X-Rspamd-Action: no action", "X-Virus-Status: Clean", "X-Virus-Found: no"],
    )  # fmt: skip
    def test_clean(self, header: str) -> None:
        """Negative verdicts are answered."""
        assert rule(mail(header)) is None

    @pytest.mark.parametrize(
        "header", ["X-Virus-Status: Infected (Eicar-Test-Signature)", "X-Virus-Found: Yes"]
    )
    def test_virus(self, header: str) -> None:
        """ClamAV-style verdicts skip."""
        assert rule(mail(header)) == "virus_verdict"


class TestJunkFolder:
    """Mail filed as junk is never answered."""

    @pytest.mark.parametrize("folder", ["Junk", "spam", "INBOX.Spam", "[Gmail]/Spam",
                                        "Junk-E-Mail", "Uønsket e-post", "Søppelpost"])  # fmt: skip
    def test_known_names(self, folder: str) -> None:
        """Common junk folder names (en, de, nb) skip without configuration."""
        assert rule(mail(), folder=folder) == "junk_folder"

    def test_configured(self) -> None:
        """A configured junk folder skips, compared case-insensitively."""
        assert rule(mail(), folder="werbung", junk_folders=("Werbung",)) == "junk_folder"

    @pytest.mark.parametrize("folder", ["INBOX", "Archive/Spamfilter-Regeln", "Junkyard"])
    def test_other_folders(self, folder: str) -> None:
        """Folders that merely contain the words are not junk."""
        assert rule(mail(), folder=folder) is None


class TestOrder:
    """Rules run cheapest and most certain first, so the plainest reason is reported."""

    def test_from_self_before_addressing(self) -> None:
        """A note to self reports from_self, not not_addressed."""
        assert rule(mail("From: anna.berg@example.com", "To: x@example.com")) == "from_self"

    def test_auto_submitted_before_list(self) -> None:
        """An auto-reply from a list reports auto_submitted."""
        msg = mail("Auto-Submitted: auto-replied", "List-Id: <x.lists.example>")
        assert rule(msg) == "auto_submitted"

    def test_rules_tuple(self) -> None:
        """The guard runs exactly the documented rules, no_from first, not_addressed last."""
        assert guard.RULES[0] is guard.no_from
        assert guard.RULES[-1] is guard.not_addressed
        assert len(guard.RULES) == 14
        assert len(guard.SKIP_RULES) == len(set(guard.SKIP_RULES)) == 17


class TestAutoReplyHeaders:
    """Autoresponders older than RFC 3834 mark themselves with their own headers."""

    @pytest.mark.parametrize(
        "header",
        ["X-Autoreply: yes", "X-AutoReply: YES", "X-Autorespond: Autoresponder",
         "X-Autogenerated: Reply", "X-Auto-Reply: 1"],
    )  # fmt: skip
    def test_marked(self, header: str) -> None:
        """Any of these headers with a value other than no skips."""
        assert rule(mail(header)) == "auto_reply_header"

    @pytest.mark.parametrize("header", ["X-Autoreply: no", "X-Autoreply: False", "X-Autoreply:"])
    def test_negative(self, header: str) -> None:
        """A plain no (or nothing) is not a mark."""
        assert rule(mail(header)) is None


class TestReports:
    """RFC 3834 §2, RFC 6522: reports are machine-made, whoever sends them."""

    @pytest.mark.parametrize(
        "ctype",
        ["multipart/report; report-type=delivery-status; boundary=x",
         "Multipart/Report; report-type=disposition-notification; boundary=\"y\"",
         "multipart/report; report-type=feedback-report; boundary=z",
         "message/delivery-status"],
    )  # fmt: skip
    def test_report(self, ctype: str) -> None:
        """DSNs, read receipts (MDN) and abuse reports skip."""
        assert rule(mail(f"Content-Type: {ctype}")) == "report"

    def test_mixed_with_an_attached_report(self) -> None:
        """A person forwarding a bounce (multipart/mixed) is answered as any mail."""
        assert rule(mail("Content-Type: multipart/mixed; boundary=b")) is None


class TestCalendarReplies:
    """RFC 5546: what a calendar client sends by itself needs no answer."""

    @staticmethod
    def invite(method: str) -> Message:
        body = (
            "--b\r\nContent-Type: text/plain\r\n\r\nCoffee\r\n--b\r\n"
            f"Content-Type: text/calendar; method={method}\r\n\r\n"
            f"BEGIN:VCALENDAR\r\nMETHOD:{method}\r\nBEGIN:VEVENT\r\nSUMMARY:Coffee\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n--b--\r\n"
        )
        return mail("MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=b", body=body)

    @pytest.mark.parametrize("method", ["REPLY", "CANCEL", "COUNTER", "DECLINECOUNTER", "REFRESH"])
    def test_calendar_answers(self, method: str) -> None:
        """Accepted:/Declined:/cancelled and the other iTIP answers skip."""
        assert rule(self.invite(method)) == "calendar_reply"

    @pytest.mark.parametrize("method", ["REQUEST", "PUBLISH"])
    def test_requests(self, method: str) -> None:
        """A person's invitation (REQUEST) or a published event is left to the classifier."""
        assert rule(self.invite(method)) is None


class TestMoreVerdicts:
    """rspamd, Microsoft 365 / Exchange and amavis verdicts."""

    @pytest.mark.parametrize(
        ("header", "expected"),
        [("X-Spamd-Result: default: True [15.20 / 15.00]", "spam_verdict"),
         ("X-Spamd-Result: default: False [1.20 / 15.00]", None),
         ("X-MS-Exchange-Organization-SCL: 5", "spam_verdict"),
         ("X-MS-Exchange-Organization-SCL: 1", None),
         ("X-MS-Exchange-Organization-SCL: -1", None),
         ("X-Forefront-Antispam-Report: CIP:192.0.2.1;SFV:SPM;H:x", "spam_verdict"),
         ("X-Forefront-Antispam-Report: CIP:192.0.2.1;SFV:SKS;", "spam_verdict"),
         ("X-Forefront-Antispam-Report: CIP:192.0.2.1;SFV:NSPM;H:x", None),
         ("X-Amavis-Alert: BANNED, message contains text.exe", "virus_verdict"),
         ("X-Amavis-Alert: BAD HEADER SECTION, Duplicate header field", None)],
    )  # fmt: skip
    def test_verdict(self, header: str, expected: str | None) -> None:
        """Positive verdicts skip; negative or unrelated ones do not."""
        assert rule(mail(header)) == expected


class TestMoreSenders:
    """Reply-To and Sender get From's checks; more list and daemon addresses."""

    @pytest.mark.parametrize("header", ["Reply-To: Anna <anna@berg.no>",
                                        "Sender: anna.berg@example.com"])  # fmt: skip
    def test_own_address_in_other_fields(self, header: str) -> None:
        """A reply would go to, or the mail was sent by, the user: from_self."""
        assert rule(mail(header)) == "from_self"

    @pytest.mark.parametrize(
        "address",
        ["coffee-owner@lists.example", "coffee-bounces@lists.example", "uucp@x.example",
         "mailer@x.example", "smtp-relay@x.example"],
    )  # fmt: skip
    def test_more_system_senders(self, address: str) -> None:
        """Mailman's -owner/-bounces and vacation(1)'s uucp, mailer, -relay skip."""
        assert rule(mail(f"From: {address}")) == "system_sender"

    @pytest.mark.parametrize("address", ["bouncer@x.example", "relay.race@x.example",
                                         "mailer.jane@x.example"])  # fmt: skip
    def test_people_with_similar_names(self, address: str) -> None:
        """Whole local parts and true suffixes only."""
        assert rule(mail(f"From: {address}")) is None

    @pytest.mark.parametrize("value", ["auto_reply", "Auto-Reply"])
    def test_precedence_auto_reply(self, value: str) -> None:
        """Some autoresponders say Precedence: auto_reply."""
        assert rule(mail(f"Precedence: {value}")) == "precedence"

    def test_suppress_separated_by_semicolons(self) -> None:
        """X-Auto-Response-Suppress values split on commas, semicolons or spaces."""
        assert rule(mail("X-Auto-Response-Suppress: DR;OOF")) == "auto_response_suppressed"


class TestResentBcc:
    """RFC 3834 §2 lists Resent-Bcc among the recipient fields."""

    def test_resent_bcc(self) -> None:
        """The user in Resent-Bcc only counts as addressed."""
        msg = mail("To: office@example.com", "Resent-Bcc: <anna.berg@example.com>")
        assert rule(msg) is None

    def test_resent_bcc_substring(self) -> None:
        """Whole addresses only, there too."""
        msg = mail("To: office@example.com", "Resent-Bcc: joanna.berg@example.com")
        assert rule(msg) == "not_addressed"


class TestUsableAddress:
    """Where a reply can go: what no server would take is no sender at all."""

    @pytest.mark.parametrize(
        ("email", "usable"),
        [("tom@northwind.example", True), ("x@y", True), ("anna@[192.0.2.1]", True),
         ("kari@bücher.de", True), ('"tom"@x.example', True), ("tom@", False), ("@x", False),
         ("a b@x.example", False), ("x@y z", False), ("a@b@c", False), ("a,b@x", False),
         ("ünïcode@x.example", False), ("", False), ("tom", False)],
    )  # fmt: skip
    def test_table(self, email: str, usable: bool) -> None:
        """Plausible local@domain passes; broken shapes and SMTPUTF8 local parts do not."""
        assert guard.usable_address(email) is usable

    @pytest.mark.parametrize("header", ["From: tom@", "From: Tom <@northwind.example>",
                                        "From: Tom <tom hughes@northwind.example>"])  # fmt: skip
    def test_unusable_from(self, header: str) -> None:
        """A From no reply could reach counts as no From."""
        assert rule(mail(header)) == "no_from"

    def test_unusable_reply_to_falls_back(self) -> None:
        """sender_problem names an unusable Reply-To, so callers reply to From instead."""
        skip = guard.sender_problem(Address("", "tom@"), ME, "Reply-To")
        assert skip is not None and skip.rule == "no_from"
        assert rule(mail("Reply-To: tom@")) is None

    def test_wire_address(self) -> None:
        """An internationalised domain goes into headers as punycode; others stay as they are."""
        assert guard.wire_address(Address("K", "kari@bücher.de")).email == "kari@xn--bcher-kva.de"
        plain = Address("T", "tom@northwind.example")
        assert guard.wire_address(plain) is plain
