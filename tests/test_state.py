"""The SQLite state: private on disk, marks and decisions that survive a restart."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from responder.errors import StateError
from responder.state import SCHEMA_VERSION, FolderMark, Record, State

NOW = datetime(2024, 3, 12, 9, 30, tzinfo=UTC)
ACCOUNT = "default"


def rec(
    uid: int,
    message_id: str | None = None,
    *,
    thread: str | None = None,
    draft_id: str | None = None,
    action: str | None = "accept",
) -> Record:
    return Record(
        uid=uid,
        message_id=message_id,
        thread=thread,
        sender="tom@northwind.example",
        subject="Coffee next week?",
        action=action,
        skip_rule=None if action else "not_invitation",
        reasons=("cue coffee", "tier unknown: not in contacts", "Grüße, «quoted»"),
        draft_id=draft_id,
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "responder.sqlite3"


@pytest.fixture
def state(db_path: Path) -> Iterator[State]:
    with State(db_path) as st:
        yield st


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class TestFiles:
    """The database holds personal data and is created private."""

    def test_file_mode_0600(self, state: State, db_path: Path) -> None:
        """A new state file is readable by its owner only."""
        assert mode(db_path) == 0o600

    def test_created_parent_dir_mode_0700(self, state: State, db_path: Path) -> None:
        """A state directory created for it is private too."""
        assert mode(db_path.parent) == 0o700

    def test_wal_side_files_stay_private(self, state: State, db_path: Path) -> None:
        """After a write, SQLite's -wal and -shm files are no more readable than the db."""
        state.record(ACCOUNT, "INBOX", 1, rec(1, "<a@x>"), NOW)
        for suffix in ("-wal", "-shm"):
            side = db_path.with_name(db_path.name + suffix)
            assert side.exists()
            assert mode(side) & 0o077 == 0

    def test_in_dir(self, tmp_path: Path) -> None:
        """State.in_dir puts responder.sqlite3 in the given directory."""
        with State.in_dir(tmp_path / "s") as st:
            assert st.path == tmp_path / "s" / "responder.sqlite3"
        assert (tmp_path / "s" / "responder.sqlite3").is_file()

    def test_schema_version_written(self, state: State, db_path: Path) -> None:
        """A new database records the schema version it was made with."""
        with closing(sqlite3.connect(db_path)) as db:
            row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        assert row == (str(SCHEMA_VERSION),)


class TestFolderMarks:
    """Where the last pass over each folder stopped."""

    def test_no_mark_yet(self, state: State) -> None:
        """A folder never seen has no mark."""
        assert state.folder_mark(ACCOUNT, "INBOX") is None

    def test_round_trip(self, state: State) -> None:
        """A mark set is read back exactly, with an aware timestamp."""
        state.set_folder_mark(ACCOUNT, "INBOX", 1700, 42, NOW)
        assert state.folder_mark(ACCOUNT, "INBOX") == FolderMark(1700, 42, NOW)

    def test_timestamp_stored_in_utc(self, state: State) -> None:
        """A local-time clock is stored as the same instant."""
        oslo = timezone(timedelta(hours=1))
        state.set_folder_mark(ACCOUNT, "INBOX", 1, 5, datetime(2024, 3, 12, 10, 30, tzinfo=oslo))
        mark = state.folder_mark(ACCOUNT, "INBOX")
        assert mark is not None
        assert mark.updated_at == NOW

    def test_update_replaces(self, state: State) -> None:
        """Setting a mark again replaces UIDVALIDITY and last UID."""
        state.set_folder_mark(ACCOUNT, "INBOX", 1700, 42, NOW)
        state.set_folder_mark(ACCOUNT, "INBOX", 1800, 3, NOW + timedelta(minutes=5))
        assert state.folder_mark(ACCOUNT, "INBOX") == FolderMark(
            1800, 3, NOW + timedelta(minutes=5)
        )

    def test_folders_and_accounts_apart(self, state: State) -> None:
        """Each (account, folder) pair has its own mark."""
        state.set_folder_mark(ACCOUNT, "INBOX", 1, 10, NOW)
        state.set_folder_mark(ACCOUNT, "Clients", 1, 20, NOW)
        state.set_folder_mark("work", "INBOX", 1, 30, NOW)
        marks = [
            state.folder_mark(ACCOUNT, "INBOX"),
            state.folder_mark(ACCOUNT, "Clients"),
            state.folder_mark("work", "INBOX"),
        ]
        assert [m.last_uid if m else None for m in marks] == [10, 20, 30]


class TestRecord:
    """Decisions are stored, and the mark moves with them in one transaction."""

    def test_record_and_advance(self, state: State) -> None:
        """record(advance_to=uid) stores the decision and moves the mark."""
        state.record(ACCOUNT, "INBOX", 1700, rec(7, "<a@x>", draft_id="<d@me>"), NOW, advance_to=7)
        assert state.folder_mark(ACCOUNT, "INBOX") == FolderMark(1700, 7, NOW)
        assert state.records(ACCOUNT) == [rec(7, "<a@x>", draft_id="<d@me>")]

    def test_record_without_advance(self, state: State) -> None:
        """Without advance_to the mark is left alone."""
        state.record(ACCOUNT, "INBOX", 1700, rec(7, "<a@x>"), NOW)
        assert state.folder_mark(ACCOUNT, "INBOX") is None
        assert state.decided(ACCOUNT, "<a@x>")

    def test_failed_mark_rolls_back_the_decision(self, state: State) -> None:
        """If moving the mark fails, the decision is not stored either."""
        bad_uid: int = object()  # type: ignore[assignment]
        with pytest.raises(sqlite3.Error):
            state.record(ACCOUNT, "INBOX", 1700, rec(7, "<a@x>"), NOW, advance_to=bad_uid)
        assert not state.decided(ACCOUNT, "<a@x>")
        assert state.folder_mark(ACCOUNT, "INBOX") is None
        state.record(ACCOUNT, "INBOX", 1700, rec(8, "<b@x>"), NOW, advance_to=8)
        assert state.decided(ACCOUNT, "<b@x>")

    def test_mark_never_moves_back(self, state: State) -> None:
        """Recording an older UID later (a deferred mail) leaves the mark where it was."""
        state.record(ACCOUNT, "INBOX", 1700, rec(9, "<b@x>"), NOW, advance_to=9)
        state.record(ACCOUNT, "INBOX", 1700, rec(4, "<a@x>"), NOW, advance_to=4)
        mark = state.folder_mark(ACCOUNT, "INBOX")
        assert mark is not None
        assert mark.last_uid == 9
        assert state.decided(ACCOUNT, "<a@x>")

    def test_new_uidvalidity_resets_the_mark(self, state: State) -> None:
        """After UIDVALIDITY changes, the mark follows the new numbering even if lower."""
        state.record(ACCOUNT, "INBOX", 1700, rec(9, "<b@x>"), NOW, advance_to=9)
        state.record(ACCOUNT, "INBOX", 1800, rec(2, "<c@x>"), NOW, advance_to=2)
        assert state.folder_mark(ACCOUNT, "INBOX") == FolderMark(1800, 2, NOW)

    def test_same_uid_replaces(self, state: State) -> None:
        """Recording the same UID again keeps one row, the latest."""
        state.record(ACCOUNT, "INBOX", 1, rec(7, "<a@x>"), NOW)
        state.record(ACCOUNT, "INBOX", 1, rec(7, "<a@x>", draft_id="<d@me>"), NOW)
        assert state.records(ACCOUNT) == [rec(7, "<a@x>", draft_id="<d@me>")]

    def test_records_newest_first_and_limited(self, state: State) -> None:
        """records() lists the newest decisions first, up to the limit."""
        for uid in (1, 2, 3):
            state.record(ACCOUNT, "INBOX", 1, rec(uid), NOW + timedelta(minutes=uid))
        assert [r.uid for r in state.records(ACCOUNT, limit=2)] == [3, 2]

    def test_records_per_account(self, state: State) -> None:
        """Another account's decisions are not listed."""
        state.record("work", "INBOX", 1, rec(1, "<a@x>"), NOW)
        assert state.records(ACCOUNT) == []


class TestLookups:
    """What has been decided and drafted, by Message-ID and by thread."""

    def test_drafted_for(self, state: State) -> None:
        """The draft id made for a Message-ID is found, from any folder."""
        state.record(ACCOUNT, "Clients", 9, rec(3, "<a@x>", draft_id="<d@me>"), NOW)
        assert state.drafted_for(ACCOUNT, "<a@x>") == "<d@me>"

    def test_not_drafted(self, state: State) -> None:
        """A decision without a draft is decided but not drafted."""
        state.record(ACCOUNT, "INBOX", 1, rec(3, "<a@x>", action=None), NOW)
        assert state.drafted_for(ACCOUNT, "<a@x>") is None
        assert state.decided(ACCOUNT, "<a@x>") is True

    def test_unknown_message(self, state: State) -> None:
        """A Message-ID never seen is neither decided nor drafted."""
        assert state.decided(ACCOUNT, "<new@x>") is False
        assert state.drafted_for(ACCOUNT, "<new@x>") is None

    def test_lookups_per_account(self, state: State) -> None:
        """Another account's draft does not count."""
        state.record("work", "INBOX", 1, rec(3, "<a@x>", draft_id="<d@me>"), NOW)
        assert state.drafted_for(ACCOUNT, "<a@x>") is None
        assert state.decided(ACCOUNT, "<a@x>") is False

    def test_thread_drafted_by_root(self, state: State) -> None:
        """A draft in a thread is found by the thread's root."""
        state.record(
            ACCOUNT, "INBOX", 1, rec(3, "<b@x>", thread="<root@x>", draft_id="<d@me>"), NOW
        )
        assert state.thread_drafted(ACCOUNT, ["<root@x>"]) == "<d@me>"

    def test_thread_drafted_by_message_id(self, state: State) -> None:
        """A reference to a drafted message itself finds its draft."""
        state.record(
            ACCOUNT, "INBOX", 1, rec(3, "<b@x>", thread="<root@x>", draft_id="<d@me>"), NOW
        )
        assert state.thread_drafted(ACCOUNT, ["<other@x>", "<b@x>"]) == "<d@me>"

    def test_thread_without_draft(self, state: State) -> None:
        """A thread whose messages got no draft has none."""
        state.record(ACCOUNT, "INBOX", 1, rec(3, "<b@x>", thread="<root@x>", action=None), NOW)
        assert state.thread_drafted(ACCOUNT, ["<root@x>", "<b@x>"]) is None
        assert state.thread_drafted(ACCOUNT, []) is None


class TestReopen:
    """Everything survives closing and opening the same file."""

    def test_reopen_keeps_everything(self, db_path: Path) -> None:
        """Marks, decisions and reasons (with non-ASCII text) are there after a restart."""
        with State(db_path) as st:
            st.record(
                ACCOUNT,
                "INBOX",
                1700,
                rec(7, "<a@x>", thread="<root@x>", draft_id="<d@me>"),
                NOW,
                advance_to=7,
            )
        with State(db_path) as st:
            assert st.folder_mark(ACCOUNT, "INBOX") == FolderMark(1700, 7, NOW)
            assert st.drafted_for(ACCOUNT, "<a@x>") == "<d@me>"
            assert st.thread_drafted(ACCOUNT, ["<root@x>"]) == "<d@me>"
            assert st.records(ACCOUNT) == [rec(7, "<a@x>", thread="<root@x>", draft_id="<d@me>")]
        assert mode(db_path) == 0o600


def set_schema_version(path: Path, value: str) -> None:
    """Create a state database at path, then overwrite its schema version."""
    State(path).close()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE meta SET value=? WHERE key='schema_version'", (value,))


class TestBrokenDatabase:
    """An unusable database is a StateError that names the file and what to do."""

    def test_garbage_file(self, tmp_path: Path) -> None:
        """A file of random bytes names the file and promises no doubled drafts."""
        path = tmp_path / "responder.sqlite3"
        path.write_bytes(b"\x00\xffthis is not sqlite\x13" * 300)
        with pytest.raises(StateError) as info:
            State(path)
        msg = str(info.value)
        assert str(path) in msg
        assert "move it aside" in msg
        assert "not doubled" in msg
        assert "Drafts" in msg

    def test_newer_schema(self, db_path: Path) -> None:
        """A database from a newer responder says to upgrade."""
        set_schema_version(db_path, "99")
        with pytest.raises(StateError) as info:
            State(db_path)
        msg = str(info.value)
        assert str(db_path) in msg
        assert "upgrade" in msg
        assert "99" in msg

    def test_garbled_schema_version(self, db_path: Path) -> None:
        """A schema version that is not a number is a StateError naming the file."""
        set_schema_version(db_path, "one")
        with pytest.raises(StateError) as info:
            State(db_path)
        assert str(db_path) in str(info.value)
        assert "move it aside" in str(info.value)

    def test_same_schema_reopens(self, db_path: Path) -> None:
        """The current schema version opens without complaint."""
        State(db_path).close()
        with State(db_path) as st:
            assert st.folder_mark(ACCOUNT, "INBOX") is None

    def test_parent_is_a_file(self, tmp_path: Path) -> None:
        """A state path under a regular file is a StateError naming it."""
        blocker = tmp_path / "blocker"
        blocker.write_text("x", encoding="utf-8")
        path = blocker / "responder.sqlite3"
        with pytest.raises(StateError) as info:
            State(path)
        assert str(path) in str(info.value)
