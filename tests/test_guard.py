"""The RFC 3834 / RFC 5230 guard: which mail never gets a draft, and which still does."""

from __future__ import annotations

from pathlib import Path

import pytest

from responder import guard
from responder.model import Address, Identity, Message, Skip
from responder.parse import parse_message

FIXTURES = Path(__file__).parent / "fixtures" / "guard"
ME = Identity("Anna Berg", "anna.berg@example.com", aliases=("anna@berg.no",))


def load(name: str) -> Message:
    return parse_message((FIXTURES / name).read_bytes())


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


class TestFixtures:
    """Each rule on a realistic .eml file, and the mails that must still be answered."""

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("auto_replied_de.eml", "auto_submitted"),
            ("auto_generated_en.eml", "auto_submitted"),
            ("null_return_path_en.eml", "auto_submitted"),
            ("precedence_bulk_nb.eml", "precedence"),
            ("list_id_en.eml", "list_mail"),
            ("list_unsubscribe_de.eml", "list_mail"),
            ("suppress_oof_en.eml", "auto_response_suppressed"),
            ("null_return_path_spaced_nb.eml", "null_return_path"),
            ("mailer_daemon_en.eml", "system_sender"),
            ("postmaster_de.eml", "system_sender"),
            ("owner_prefix_en.eml", "system_sender"),
            ("noreply_nb.eml", "noreply_sender"),
            ("noreply_suffix_en.eml", "noreply_sender"),
            ("reply_to_noreply_de.eml", "noreply_sender"),
            ("not_addressed_en.eml", "not_addressed"),
            ("delivered_to_only_de.eml", "not_addressed"),
            ("from_self_en.eml", "from_self"),
            ("no_from_en.eml", "no_from"),
            ("spam_flag_en.eml", "spam_verdict"),
            ("spam_status_de.eml", "spam_verdict"),
            ("rspamd_add_header_nb.eml", "spam_verdict"),
            ("virus_en.eml", "virus_verdict"),
        ],
    )
    def test_skipped(self, name: str, expected: str) -> None:
        """A mail that must not be answered is skipped by the named rule."""
        assert rule(load(name)) == expected

    @pytest.mark.parametrize(
        "name",
        [
            "invitation_en.eml",
            "invitation_de.eml",
            "invitation_nb.eml",
            "auto_submitted_no_en.eml",
            "precedence_normal_en.eml",
            "suppress_dr_rn_en.eml",
            "suppress_none_en.eml",
            "bcc_addressed_nb.eml",
            "resent_to_de.eml",
            "rspamd_no_action_nb.eml",
            "auto_subject_de.eml",
        ],
    )
    def test_answered(self, name: str) -> None:
        """A personal mail (including the look-alike controls) passes every rule."""
        assert guard.check(load(name), ME) is None

    def test_skip_has_detail(self) -> None:
        """A Skip names the rule and says in words what was found."""
        skip = guard.check(load("precedence_bulk_nb.eml"), ME)
        assert skip == Skip("precedence", "Precedence: bulk")

    def test_every_fixture_is_used(self) -> None:
        """No fixture file lies around untested (a renamed rule would leave one behind)."""
        source = Path(__file__).read_text()
        unused = [p.name for p in FIXTURES.glob("*.eml") if f'"{p.name}"' not in source]
        assert unused == []


class TestAutoSubmitted:
    """RFC 3834 §5: any Auto-Submitted value but "no" is an automatic message."""

    @pytest.mark.parametrize(
        "value",
        [
            "auto-replied",
            "Auto-Generated",
            "auto-notified",
            "auto-replied; owner-email=\"a@b.example\"",
            "(robot) auto-generated",
            "x-custom-value",
        ],
    )
    def test_automatic(self, value: str) -> None:
        """Every value other than "no" skips, whatever its case, comments or parameters."""
        assert rule(mail(f"Auto-Submitted: {value}")) == "auto_submitted"

    @pytest.mark.parametrize("value", ["no", "No", "NO (a person wrote this)", "(c) no ((x) y)"])
    def test_no(self, value: str) -> None:
        """"no", with comments around it, marks a human message."""
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
        assert len(guard.RULES) == 11
