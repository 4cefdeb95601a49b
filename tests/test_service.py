"""End to end against a real Dovecot: `once` drafts exactly one threaded reply per invitation."""

from __future__ import annotations

import email
import email.policy
import shutil
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from daemon_support import env_for, settings_for
from dovecot import Account

from responder.commands import run_pass, server_settings
from responder.compose import Composer
from responder.config import Settings
from responder.demo import freshen, samples
from responder.draft import decode_flowed
from responder.mailbox import Mailbox
from responder.pipeline import Core
from responder.service import Pass
from responder.state import State

pytestmark = pytest.mark.integration

ME = "ingrid@solberg.example"
INVITES = {  # demo sample → (language marker expected in the draft body)
    "01-en-coffee.eml": "Hi Tom",
    "02-de-kaffee-sie.eml": "Guten Tag Hans Schmidt",
    "03-nb-lunsj.eml": "Hei Kari",
    "04-de-du-call.eml": "Hallo Lena",
}


def make_settings(account: Account, tmp: Path, **env: str) -> Settings:
    """Settings for account over IMAPS (CA-verified); the same variables the daemon tests use."""
    return settings_for(env_for(account, tmp, security="ssl", **env), tmp)


def seed(account: Account, *, seen: bool = False) -> dict[str, int]:
    """APPEND every demo sample with a fresh date; return file name → UID."""
    now = datetime.now(UTC)
    uids = {}
    for i, (name, raw) in enumerate(samples()):
        when = now - timedelta(minutes=30 - i)
        flags = ("\\Seen",) if seen and name.startswith("01") else ()
        uids[name] = account.append(freshen(raw, when), flags=flags, when=when)
    return uids


def drafts(account: Account) -> list[EmailMessage]:
    out = []
    for stored in account.messages("Drafts"):
        msg = email.message_from_bytes(stored.raw, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        assert "\\Draft" in stored.flags
        out.append(msg)
    return out


def body(msg: EmailMessage) -> str:
    part = msg.get_body(("plain",))
    assert isinstance(part, EmailMessage)
    return decode_flowed(part.get_content())


class TestOnce:
    def test_first_pass_only_records_the_start(self, imap_account: Account, tmp_path: Path) -> None:
        """Without a look-back the first pass drafts nothing; mail arriving later is answered."""
        settings = make_settings(imap_account, tmp_path)
        seed(imap_account)
        (report,) = run_pass(settings, dry_run=False)
        assert report.first_pass and report.seen == 0
        assert drafts(imap_account) == []
        raw = dict(samples())["03-nb-lunsj.eml"].replace(b"demo-03", b"demo-03-again")
        imap_account.append(freshen(raw, datetime.now(UTC)))
        (report,) = run_pass(settings, dry_run=False)
        assert report.seen == 1 and report.drafted == 1
        assert [d["In-Reply-To"] for d in drafts(imap_account)] == [
            "<demo-03-again-lunsj@fjordtech.example>"
        ]

    def test_lookback_drafts_one_threaded_reply_per_invitation(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """Invitations in en/de/nb get one threaded draft each; nothing else gets any."""
        uids = seed(imap_account, seen=True)
        settings = make_settings(imap_account, tmp_path)
        (report,) = run_pass(settings, dry_run=False, lookback_days=1)
        made = {d["In-Reply-To"]: d for d in drafts(imap_account)}
        originals = {
            name: email.message_from_bytes(raw, policy=email.policy.default)
            for name, raw in samples()
        }
        expected = {str(originals[n]["Message-ID"]): greet for n, greet in INVITES.items()}
        assert set(made) == set(expected)
        assert report.drafted == len(INVITES)
        for mid, greeting in expected.items():
            draft = made[mid]
            assert draft["References"].split()[-1] == mid
            assert draft["From"].addresses[0].addr_spec == ME
            assert str(draft["Subject"]).startswith("Re: ")
            assert body(draft).startswith(greeting)
            assert draft["Auto-Submitted"] is None
        stored = {m.uid: m for m in imap_account.messages("INBOX")}
        for name, uid in uids.items():
            flags = stored[uid].flags
            assert ("\\Seen" in flags) == name.startswith("01"), "fetching must not mark read"
            assert ("$ResponderDrafted" in flags) == (name in INVITES)

    def test_second_pass_and_lost_state_add_nothing(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """Running twice, even after deleting the state directory, never doubles a draft."""
        seed(imap_account)
        settings = make_settings(imap_account, tmp_path)
        run_pass(settings, dry_run=False, lookback_days=1)
        assert len(drafts(imap_account)) == len(INVITES)
        (again,) = run_pass(settings, dry_run=False)
        assert again.seen == 0 and again.drafted == 0
        shutil.rmtree(settings.state_dir)
        (fresh,) = run_pass(settings, dry_run=False, lookback_days=1)
        assert fresh.drafted == 0
        assert len(drafts(imap_account)) == len(INVITES)

    def test_crash_between_append_and_commit_does_not_double(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """A pass that dies right after APPEND is redone without a second draft."""
        seed(imap_account)
        settings = make_settings(imap_account, tmp_path)

        class Crash(Exception):
            pass

        class CrashingMailbox(Mailbox):
            def append(self, *args: object, **kwargs: object) -> int | None:
                super().append(*args, **kwargs)  # type: ignore[arg-type]
                raise Crash

        state = State.in_dir(settings.state_dir)
        with CrashingMailbox.connect(server_settings(settings)) as mbox:
            run = Pass(
                settings,
                Core.from_settings(settings),
                Composer.from_settings(settings),
                state,
                mbox,
                clock=lambda: datetime.now(UTC),
                lookback_days=1,
            )
            with pytest.raises(Crash):
                run.run()
        state.close()
        assert len(drafts(imap_account)) == 1
        (report,) = run_pass(settings, dry_run=False)
        assert len(drafts(imap_account)) == len(INVITES)
        assert report.drafted == len(INVITES) - 1

    def test_too_old_mail_is_never_drafted(self, imap_account: Account, tmp_path: Path) -> None:
        """Max age applies to both the Date header and INTERNALDATE."""
        settings = make_settings(imap_account, tmp_path, RESPONDER_MAX_AGE_DAYS="14")
        raw = dict(samples())["01-en-coffee.eml"]
        now = datetime.now(UTC)
        old = now - timedelta(days=30)
        imap_account.append(freshen(raw, old), when=now)  # old Date, fresh arrival
        imap_account.append(freshen(raw.replace(b"demo-01", b"demo-01b"), now), when=old)
        (report,) = run_pass(settings, dry_run=False, lookback_days=60)
        assert report.drafted == 0
        assert drafts(imap_account) == []

    def test_thread_the_user_answered_gets_no_draft(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """A reply in a thread whose earlier message is in Sent is left to the user."""
        settings = make_settings(imap_account, tmp_path)
        sent = EmailMessage()
        sent["From"] = ME
        sent["To"] = "tom.baker@brightlane.example"
        sent["Subject"] = "Hello"
        sent["Message-ID"] = "<mine-1@solberg.example>"
        sent["Date"] = format_datetime(datetime.now(UTC))
        sent.set_content("Hi Tom")
        imap_account.append(sent.as_bytes(), folder="Sent", flags=("\\Seen",))
        raw = dict(samples())["01-en-coffee.eml"].replace(
            b"Message-ID:", b"In-Reply-To: <mine-1@solberg.example>\nMessage-ID:"
        )
        imap_account.append(freshen(raw, datetime.now(UTC)))
        (report,) = run_pass(settings, dry_run=False, lookback_days=1)
        assert report.skips["already_answered"] == 1
        assert drafts(imap_account) == []

    def test_scan_writes_nothing(self, imap_account: Account, tmp_path: Path) -> None:
        """`scan` shows the same decisions and leaves the mailbox and state untouched."""
        seed(imap_account)
        settings = make_settings(imap_account, tmp_path)
        (report,) = run_pass(settings, dry_run=True)
        assert sorted(r.result for r in report.rows if r.outcome.decision.draft) == [
            "would draft"
        ] * len(INVITES)
        assert drafts(imap_account) == []
        with State.in_dir(settings.state_dir) as state:
            assert state.folder_mark("default", "INBOX") is None
