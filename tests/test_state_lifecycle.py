"""State over months: migrations, retention, forgetting, deferral, cleanup, a lost state file."""

from __future__ import annotations

import io
import sqlite3
import stat
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from daemon_support import Mailbag, draft_counts, env_for, responder_cli, settings_for
from dovecot import Account

from responder.cli import main
from responder.commands import run_pass, server_settings
from responder.compose import Composer
from responder.config import Settings
from responder.errors import StateError
from responder.mailbox import Mailbox
from responder.pipeline import Core
from responder.service import Pass, PassReport
from responder.state import SCHEMA_VERSION, Deferral, Record, State

NOW = datetime(2024, 3, 12, 9, 30, tzinfo=UTC)
V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE folders (account TEXT NOT NULL, folder TEXT NOT NULL, uidvalidity INTEGER NOT NULL,
    last_uid INTEGER NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (account, folder));
CREATE TABLE decisions (account TEXT NOT NULL, folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL, message_id TEXT, thread TEXT,
    sender TEXT, subject TEXT, action TEXT, skip_rule TEXT, reasons TEXT NOT NULL,
    draft_id TEXT, decided_at TEXT NOT NULL, PRIMARY KEY (account, folder, uidvalidity, uid));
INSERT INTO meta VALUES ('schema_version', '1');
INSERT INTO folders VALUES ('default', 'INBOX', 7, 42, '2024-03-01T10:00:00+00:00');
INSERT INTO decisions VALUES ('default', 'INBOX', 7, 42, '<m@x>', '<m@x>', 'tom@x.example',
    'Coffee?', 'accept', NULL, '[]', '<d@me>', '2024-03-01T10:00:00+00:00');
"""


def rec(uid: int, sender: str = "tom@northwind.example", draft: bool = True) -> Record:
    return Record(
        uid=uid,
        message_id=f"<m{uid}@x>",
        thread=f"<m{uid}@x>",
        sender=sender,
        subject="Coffee next week?",
        action="accept",
        skip_rule=None,
        reasons=("cue coffee",),
        draft_id=f"<d{uid}@me>" if draft else None,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class TestMigration:
    def test_v1_file_is_backed_up_then_migrated(self, tmp_path: Path) -> None:
        """An old file is copied (0600) before migration; its data survives both ways."""
        path = tmp_path / "responder.sqlite3"
        with closing(sqlite3.connect(path)) as db:
            db.executescript(V1_SCHEMA)
        with State(path) as state:
            assert state.schema_version == SCHEMA_VERSION
            assert state.backup == tmp_path / "responder.sqlite3.v1.bak"
            assert state.drafted_for("default", "<m@x>") == "<d@me>"
            assert state.folder_mark("default", "INBOX") is not None
            assert state.deferrals("default") == []  # the new table exists
        backup = tmp_path / "responder.sqlite3.v1.bak"
        assert mode(backup) == 0o600
        with closing(sqlite3.connect(backup)) as db:
            assert db.execute("SELECT value FROM meta").fetchone() == ("1",)
            assert db.execute("SELECT COUNT(*) FROM decisions").fetchone() == (1,)
        with State(path) as state:  # opening again migrates nothing and backs up nothing
            assert state.backup is None

    def test_garbled_version_is_a_clear_error(self, tmp_path: Path) -> None:
        """A schema version that is not a number names the file and what to do."""
        path = tmp_path / "responder.sqlite3"
        State(path).close()
        with closing(sqlite3.connect(path)) as db, db:
            db.execute("UPDATE meta SET value='one' WHERE key='schema_version'")
        with pytest.raises(StateError, match="move it aside"):
            State(path)


class TestRetentionAndForget:
    def test_purge_removes_only_old_records(self, tmp_path: Path) -> None:
        """Records older than the cut-off go; newer ones and the folder marks stay."""
        with State(tmp_path / "s.sqlite3") as state:
            state.record("default", "INBOX", 1, rec(1), NOW - timedelta(days=200), advance_to=1)
            state.record("default", "INBOX", 1, rec(2), NOW - timedelta(days=10), advance_to=2)
            assert state.purge(NOW - timedelta(days=180)) == 1
            assert [r.uid for r in state.records("default")] == [2]
            mark = state.folder_mark("default", "INBOX")
            assert mark is not None and mark.last_uid == 2

    def test_forget_erases_a_person_from_the_file(self, tmp_path: Path) -> None:
        """After forget the address is in no row and in no byte of the database files."""
        path = tmp_path / "s.sqlite3"
        with State(path) as state:
            state.record("default", "INBOX", 1, rec(1, "Anna.Berg@fjord.example"), NOW)
            state.record("work", "INBOX", 1, rec(2, "anna.berg@fjord.example"), NOW)
            state.record("default", "INBOX", 1, rec(3, "per@fjord.example"), NOW)
            state.defer(
                "default", "INBOX", 1, Deferral(4, "<m4@x>", "anna.berg@fjord.example",
                                                "daily_cap", NOW), NOW,
            )  # fmt: skip
            assert state.forget("anna.berg@fjord.example") == 3
            assert [r.sender for r in state.records("default")] == ["per@fjord.example"]
            assert state.records("work") == [] and state.deferrals("default") == []
        for file in tmp_path.iterdir():
            assert b"anna.berg" not in file.read_bytes().lower(), file

    def test_forget_command(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """`responder forget ADDRESS` reports what it erased."""
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("RESPONDER_STATE_DIR", str(tmp_path / "state"))
        with State.in_dir(tmp_path / "state") as state:
            state.record("default", "INBOX", 1, rec(1, "anna@fjord.example"), NOW)
        out = io.StringIO()
        assert main(["forget", "anna@fjord.example"], out=out) == 0
        assert "1 record(s) erased" in out.getvalue()
        assert main(["forget", "not-an-address"], out=io.StringIO()) == 2


class TestDeferralStore:
    def test_deferred_mail_is_due_after_its_time_and_ends_when_decided(
        self, tmp_path: Path
    ) -> None:
        """A deferral moves the mark on, is due only after retry_after, and ends on record."""
        with State(tmp_path / "s.sqlite3") as state:
            later = NOW + timedelta(hours=5)
            state.defer(
                "default", "INBOX", 9, Deferral(5, "<m5@x>", "a@x", "daily_cap", later), NOW,
                advance_to=5,
            )  # fmt: skip
            state.record("default", "INBOX", 9, rec(6), NOW, advance_to=6)
            assert state.deferred_due("default", "INBOX", 9, NOW) == []
            assert state.deferred_due("default", "INBOX", 9, later) == [5]
            state.record("default", "INBOX", 9, rec(5), later, advance_to=5)
            mark = state.folder_mark("default", "INBOX")
            assert mark is not None and mark.last_uid == 6, "the mark never moves back"
            assert state.deferrals("default") == []

    def test_cap_and_window_queries(self, tmp_path: Path) -> None:
        """Drafts since a time, and the last draft to a sender (any case)."""
        with State(tmp_path / "s.sqlite3") as state:
            state.record("default", "INBOX", 1, rec(1, "Tom@x.example"), NOW - timedelta(days=2))
            state.record("default", "INBOX", 1, rec(2, "tom@x.example"), NOW)
            state.record("default", "INBOX", 1, rec(3, "eva@x.example", draft=False), NOW)
            assert state.drafts_since("default", NOW - timedelta(hours=1)) == 1
            assert state.last_draft_to("default", "TOM@x.example", NOW - timedelta(days=7)) == NOW
            assert state.last_draft_to("default", "eva@x.example", NOW - timedelta(days=7)) is None


# -- against Dovecot ------------------------------------------------------------------------


def one_pass(settings: Settings, when: datetime) -> PassReport:
    """One real pass with the clock at `when`."""
    with (
        State.in_dir(settings.state_dir) as state,
        Mailbox.connect(server_settings(settings)) as mailbox,
    ):
        (report,) = Pass(
            settings, Core.from_settings(settings), Composer.from_settings(settings), state,
            mailbox, clock=lambda: when,
        ).run()  # fmt: skip
    return report


def start_before_mail(settings: Settings, account: Account, when: datetime) -> None:
    """Record an empty folder as the starting point, so later mail counts as new."""
    one_pass(settings, when)
    assert account.messages("INBOX") == []


@pytest.mark.integration
class TestDeferral:
    def test_daily_cap_defers_and_the_next_day_drafts(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """Over the cap: deferred with its reason, not dropped; drafted after midnight."""
        settings = settings_for(env_for(imap_account, tmp_path, RESPONDER_DAILY_CAP="2"), tmp_path)
        now = datetime.now(UTC)
        start_before_mail(settings, imap_account, now)
        bag = Mailbag()
        bag.deliver(imap_account, "cap")
        first = one_pass(settings, now)
        assert (first.drafted, first.deferred["daily_cap"]) == (2, 2)
        again = one_pass(settings, now + timedelta(minutes=5))
        assert again.seen == 0, "not looked at again before its time"
        tomorrow = now + timedelta(days=1)
        last = one_pass(settings, tomorrow)
        assert (last.seen, last.drafted) == (2, 2)
        counts = draft_counts(imap_account)
        assert sorted(counts) == sorted(bag.invitations) and set(counts.values()) == {1}
        with State.in_dir(settings.state_dir) as state:
            assert state.deferrals("default") == []

    def test_sender_window_defers_a_second_thread(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """A second new thread from the same sender waits out the window, then gets a draft."""
        env = env_for(imap_account, tmp_path, RESPONDER_SENDER_WINDOW_DAYS="3")
        settings = settings_for(env, tmp_path)
        now = datetime.now(UTC)
        start_before_mail(settings, imap_account, now)
        bag = Mailbag()
        bag.deliver(imap_account, "w1", only=("01-en-coffee.eml",))
        bag.deliver(imap_account, "w2", only=("01-en-coffee.eml",))
        report = one_pass(settings, now)
        assert (report.drafted, report.deferred["sender_window"]) == (1, 1)
        with State.in_dir(settings.state_dir) as state:
            (held,) = state.deferrals("default")
        assert held.reason == "sender_window" and held.retry_after > now + timedelta(days=2)
        assert one_pass(settings, now + timedelta(days=2)).seen == 0
        assert one_pass(settings, now + timedelta(days=3, minutes=1)).drafted == 1
        assert sorted(draft_counts(imap_account)) == sorted(bag.invitations)

    def test_deferred_mail_the_user_deleted_is_let_go(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """A deferred message that vanished is logged and forgotten, never drafted."""
        settings = settings_for(env_for(imap_account, tmp_path, RESPONDER_DAILY_CAP="1"), tmp_path)
        now = datetime.now(UTC)
        start_before_mail(settings, imap_account, now)
        Mailbag().deliver(imap_account, "del", only=("01-en-coffee.eml", "03-nb-lunsj.eml"))
        assert one_pass(settings, now).deferred["daily_cap"] == 1
        with imap_account.client() as imap:
            imap.select_folder("INBOX")
            imap.delete_messages(imap.search(["ALL"]))
            imap.expunge()
        assert one_pass(settings, now + timedelta(days=1)).drafted == 0
        with State.in_dir(settings.state_dir) as state:
            assert state.deferrals("default") == []
        assert sum(draft_counts(imap_account).values()) == 1


@pytest.mark.integration
class TestCleanupAndLostState:
    def test_cleanup_removes_keywords_and_state_but_keeps_drafts(
        self, imap_account: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """After cleanup no message carries the keyword, the state is gone, drafts stay."""
        env = env_for(imap_account, tmp_path)
        settings = settings_for(env, tmp_path)
        bag = Mailbag()
        bag.deliver(imap_account, "clean")
        run_pass(settings, dry_run=False, lookback_days=1)
        assert any("$ResponderDrafted" in m.flags for m in imap_account.messages())
        monkeypatch.chdir(tmp_path)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        out = io.StringIO()
        assert main(["cleanup"], out=out) == 0
        assert "removed $ResponderDrafted from 4 message(s)" in out.getvalue()
        assert not any("$ResponderDrafted" in m.flags for m in imap_account.messages())
        with State.in_dir(settings.state_dir) as state:
            assert state.accounts() == []
        assert sum(draft_counts(imap_account).values()) == len(bag.invitations)
        (again,) = run_pass(settings, dry_run=False)
        assert again.first_pass and again.drafted == 0

    def test_corrupt_state_is_reported_and_a_fresh_one_drafts_nothing_twice(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """A corrupt file stops `run` with a clear message; without it nothing is redrafted."""
        env = env_for(imap_account, tmp_path, RESPONDER_LOOKBACK_DAYS="1")
        settings = settings_for(env, tmp_path)
        bag = Mailbag()
        bag.deliver(imap_account, "lost")
        run_pass(settings, dry_run=False)
        assert sum(draft_counts(imap_account).values()) == len(bag.invitations)
        db = settings.state_dir / "responder.sqlite3"
        db.write_bytes(b"\x00garbage, not SQLite\xff" * 400)
        result = responder_cli(env, tmp_path, "run")
        assert result.returncode == 1
        assert str(db) in result.stderr and "move it aside" in result.stderr
        db.rename(db.with_name("corrupt.sqlite3"))  # what the message says to do
        for suffix in ("-wal", "-shm"):
            db.with_name(db.name + suffix).unlink(missing_ok=True)
        # A missing state with a look-back: every invitation in the window is seen again,
        # and every draft is found in Drafts by its Message-ID.
        (report,) = run_pass(settings, dry_run=False)
        assert report.first_pass and report.seen == 9 and report.drafted == 0
        counts = draft_counts(imap_account)
        assert sorted(counts) == sorted(bag.invitations) and set(counts.values()) == {1}
