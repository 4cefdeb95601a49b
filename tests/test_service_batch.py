"""A pass decides a chunk, then asks Sent and Drafts for the whole chunk in one visit.

Against a real Dovecot: the folder switches per chunk, that `scan` shows what a real pass
does on mail with attachments, HTML-only and calendar invitations and forwards, and that
a server error in the lookups fails the pass instead of being taken for a bad mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from daemon_support import env_for, settings_for
from dovecot import Account
from tcpproxy import TcpProxy
from test_mailbox_parts import calendar, forward, html_only, with_attachment
from test_service import drafts, make_settings, seed

from responder.commands import run_pass, server_settings
from responder.compose import Composer
from responder.config import Settings
from responder.demo import freshen, samples
from responder.errors import MailboxError
from responder.mailbox import FolderState, Mailbox
from responder.parse import parse_message
from responder.pipeline import Core
from responder.service import Pass, Row
from responder.state import State

pytestmark = pytest.mark.integration

ME = "ingrid@solberg.example"


class CountingMailbox(Mailbox):
    """A real connection that notes every SELECT/EXAMINE."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.selects: list[str] = []
        self.twins: list[CountingMailbox] = []

    def select(self, folder: str, *, readonly: bool = True) -> FolderState:
        self.selects.append(folder)
        return super().select(folder, readonly=readonly)

    def twin(self) -> Mailbox:
        made = super().twin()
        assert isinstance(made, CountingMailbox)
        self.twins.append(made)
        return made


class RefusingMailbox(CountingMailbox):
    """A real connection to a server that allows only one connection per user."""

    def twin(self) -> Mailbox:
        raise MailboxError("127.0.0.1: too many connections from this user")


class FailingMailbox(Mailbox):
    """A real connection whose lookups in one folder fail as a dead server's would."""

    failing = "Sent"

    def message_ids_in(
        self, folder: str, message_ids: Sequence[str], *, chunk: int = 25
    ) -> set[str]:
        if folder == self.failing:
            raise MailboxError(f"IMAP SEARCH HEADER Message-ID in {folder!r} failed: gone")
        return super().message_ids_in(folder, message_ids, chunk=chunk)

    def has_mail_to(self, folder: str, address: str) -> bool:
        if folder == self.failing:
            raise MailboxError(f"IMAP SEARCH TO in {folder!r} failed: gone")
        return super().has_mail_to(folder, address)


def retarget(raw: bytes, n: int) -> bytes:
    """A generated test mail to the test identity from sender n (no per-sender window), now."""
    raw = raw.replace(b"anna.berg@example.com", ME.encode()).replace(b"Hi Anna", b"Hi Ingrid")
    raw = raw.replace(b"tom@", f"tom{n}@".encode())
    raw = f"Return-Path: <tom{n}@brightlane.example>\n".encode() + raw.replace(b"\r\n", b"\n")
    return freshen(raw, datetime.now(UTC))


def seed_mixed(account: Account) -> None:
    """The demo samples plus multipart invitations: attachment, HTML only, calendar, forward."""
    seed(account)
    now = datetime.now(UTC)
    for n, make in enumerate((with_attachment, html_only, calendar, forward)):
        account.append(retarget(make(), n), when=now - timedelta(minutes=5))


def one_pass(mailbox_type: type[Mailbox], settings: Settings, **kwargs: Any) -> Mailbox:
    with State.in_dir(settings.state_dir) as state, \
            mailbox_type.connect(server_settings(settings)) as mailbox:  # fmt: skip
        Pass(
            settings,
            Core.from_settings(settings),
            Composer.from_settings(settings),
            state,
            mailbox,
            clock=lambda: datetime.now(UTC),
            lookback_days=1,
            **kwargs,
        ).run()
    return mailbox


class TestLookups:
    def test_one_visit_per_chunk(self, imap_account: Account, tmp_path: Path) -> None:
        """Eight invitations in one chunk: Sent and Drafts once each, INBOX re-selected once."""
        seed_mixed(imap_account)
        settings = make_settings(imap_account, tmp_path)
        mailbox = one_pass(CountingMailbox, settings)
        assert isinstance(mailbox, CountingMailbox)
        assert len(drafts(imap_account)) >= 6
        assert mailbox.selects.count("Sent") == 1
        assert mailbox.selects.count("Drafts") == 1
        assert mailbox.selects.count("INBOX") == 2  # the pass's SELECT and the one return

    def test_second_connection_never_leaves_the_work_folder(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """With a lookup connection (scan, once), INBOX is selected once and never left;
        Sent and Drafts are asked on the second connection, which the pass then closes."""
        seed_mixed(imap_account)
        settings = make_settings(imap_account, tmp_path)
        mailbox = one_pass(CountingMailbox, settings, lookup_connection=True)
        assert isinstance(mailbox, CountingMailbox)
        assert len(drafts(imap_account)) >= 6
        assert mailbox.selects == ["INBOX"]
        (twin,) = mailbox.twins
        assert sorted(twin.selects) == ["Drafts", "Sent"]
        assert twin._client is None  # logged out

    def test_no_second_connection_without_invitations(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """A pass with nothing to look up never opens the second connection."""
        settings = make_settings(imap_account, tmp_path)
        mailbox = one_pass(CountingMailbox, settings, lookup_connection=True)
        assert isinstance(mailbox, CountingMailbox)
        assert mailbox.twins == []

    def test_refused_second_connection_falls_back(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """A server that refuses a second connection: the pass looks up on its one
        connection (INBOX re-selected once) and drafts as before."""
        seed_mixed(imap_account)
        settings = make_settings(imap_account, tmp_path)
        mailbox = one_pass(RefusingMailbox, settings, lookup_connection=True)
        assert isinstance(mailbox, RefusingMailbox)
        assert len(drafts(imap_account)) >= 6
        assert mailbox.selects.count("INBOX") == 2
        assert mailbox.selects.count("Sent") == mailbox.selects.count("Drafts") == 1

    @pytest.mark.parametrize("second", [False, True], ids=["one connection", "two"])
    @pytest.mark.parametrize("folder", ["Sent", "Drafts"])
    def test_a_lookup_error_fails_the_pass(
        self, imap_account: Account, tmp_path: Path, folder: str, second: bool
    ) -> None:
        """A failed lookup fails the pass: nothing is recorded as a bad mail; the retry drafts."""
        seed(imap_account)
        settings = make_settings(imap_account, tmp_path)
        FailingMailbox.failing = folder
        with pytest.raises(MailboxError, match=folder):
            one_pass(FailingMailbox, settings, lookup_connection=second)
        with State.in_dir(settings.state_dir) as state:
            assert state.records("default") == []
        (report,) = run_pass(settings, dry_run=False)
        assert report.drafted == 4 and len(drafts(imap_account)) == 4


class TestBytes:
    def test_a_pass_never_fetches_the_attachment(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """An invitation with a 3 MB attachment is drafted from a few KB of fetched bytes."""
        imap_account.append(retarget(with_attachment(), 0))
        with TcpProxy(imap_account.imap_port) as proxy:
            settings = settings_for(env_for(imap_account, tmp_path, port=proxy.port), tmp_path)
            (report,) = run_pass(settings, dry_run=True, lookback_days=1)
            fetched = proxy.bytes_from_server
        assert report.seen == 1 and report.invitations == 1
        assert fetched < 30_000  # log-in, LIST, header fields, BODYSTRUCTURE, the text parts


class TestScanEqualsPass:
    def test_same_decisions(self, imap_account: Account, tmp_path: Path) -> None:
        """`scan` (a dry run) shows, mail by mail, what the real pass then does."""
        seed_mixed(imap_account)
        settings = make_settings(imap_account, tmp_path)
        shown: list[Row] = []
        run_pass(settings, dry_run=True, lookback_days=1, on_row=shown.append)
        done: list[Row] = []
        run_pass(settings, dry_run=False, lookback_days=1, on_row=done.append)

        def view(rows: list[Row], drafted: str) -> dict[int, tuple[str, str | None, str | None]]:
            return {
                r.uid: (
                    "draft" if r.result == drafted else r.result,
                    r.outcome.decision.action.value if r.outcome.decision.action else None,
                    r.outcome.decision.skip.rule if r.outcome.decision.skip else None,
                )
                for r in rows
            }

        assert view(shown, "would draft") == view(done, "drafted")
        made = {d["Subject"] for d in drafts(imap_account)}
        assert len(made) == 7
        for subject in ("Coffee with the slides", "HTML only", "Invitation: Coffee"):
            assert f"Re: {subject}" in made

    def test_same_thread_cap_and_window_within_one_pass(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """A dry run counts the drafts it would make: a second mail in a drafted thread, a
        second invitation from the same sender and mail past the daily cap are held back
        in `scan` exactly as in the pass."""
        seed(imap_account)
        raw = dict(samples())["01-en-coffee.eml"]
        first = parse_message(raw).message_id
        assert first is not None
        now = datetime.now(UTC)
        again = raw.replace(
            b"Message-ID: <demo-01", b"In-Reply-To: " + first.encode() + b"\nMessage-ID: <again-01"
        )
        imap_account.append(freshen(again, now))
        other = dict(samples())["02-de-kaffee-sie.eml"].replace(b"<demo-02", b"<other-02")
        imap_account.append(freshen(other.replace(b"Subject: ", b"Subject: Noch einmal: "), now))
        for n, make in enumerate((with_attachment, html_only, calendar)):
            imap_account.append(retarget(make(), n))
        settings = make_settings(
            imap_account, tmp_path, RESPONDER_DAILY_CAP="5", RESPONDER_SENDER_WINDOW_DAYS="3"
        )
        shown: list[Row] = []
        run_pass(settings, dry_run=True, lookback_days=1, on_row=shown.append)
        done: list[Row] = []
        run_pass(settings, dry_run=False, lookback_days=1, on_row=done.append)
        want = [(r.uid, r.result, r.outcome.decision.skip) for r in done]
        got = [(r.uid, "drafted" if r.result == "would draft" else r.result,
                r.outcome.decision.skip) for r in shown]  # fmt: skip
        assert got == want
        results = [r.result for r in done]
        assert results.count("drafted") == 5 and results.count("deferred") == 3
        assert [r.outcome.decision.skip.rule for r in done if r.outcome.decision.skip].count(
            "thread_has_draft"
        ) == 1
