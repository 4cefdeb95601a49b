"""SQLite state: where each folder's last pass stopped, and every decision and draft made.

The IMAP server is the source of truth for *whether a draft exists* (the Drafts folder is
searched for the recomputed Message-ID before every APPEND); this store remembers *where we
are* so a pass reads only new mail, *what we decided*, so a user can see why and a draft the
user deleted is not made again, and *what was deferred* (daily cap, per-sender window), so
held-back mail is looked at again later instead of being dropped. Each message is committed
on its own: a crash loses at most the message in hand, which the next pass redoes.

The schema carries a version. Opening an older file copies it to ``<name>.v<N>.bak`` (mode
0600) and then applies the numbered MIGRATIONS in order, each in its own transaction.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from responder.errors import StateError

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS folders (
    account TEXT NOT NULL, folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL, last_uid INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account, folder)
);
CREATE TABLE IF NOT EXISTS decisions (
    account TEXT NOT NULL, folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL,
    message_id TEXT, thread TEXT, sender TEXT, subject TEXT,
    action TEXT, skip_rule TEXT, reasons TEXT NOT NULL,
    draft_id TEXT, decided_at TEXT NOT NULL,
    PRIMARY KEY (account, folder, uidvalidity, uid)
);
CREATE INDEX IF NOT EXISTS decisions_message_id ON decisions (account, message_id);
CREATE INDEX IF NOT EXISTS decisions_thread ON decisions (account, thread);
"""
# Version N's script turns a version N-1 database into version N.
MIGRATIONS: dict[int, str] = {
    2: """
CREATE TABLE IF NOT EXISTS deferred (
    account TEXT NOT NULL, folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL,
    message_id TEXT, sender TEXT, reason TEXT NOT NULL,
    first_at TEXT NOT NULL, retry_after TEXT NOT NULL, tries INTEGER NOT NULL,
    PRIMARY KEY (account, folder, uidvalidity, uid)
);
CREATE INDEX IF NOT EXISTS decisions_sender ON decisions (account, sender);
CREATE INDEX IF NOT EXISTS decisions_decided_at ON decisions (decided_at);
""",
}


@dataclass(frozen=True)
class FolderMark:
    """Where the last pass over one folder stopped."""

    uidvalidity: int
    last_uid: int
    updated_at: datetime


@dataclass(frozen=True)
class Record:
    """One decision as stored (and as `responder` shows it later)."""

    uid: int
    message_id: str | None
    thread: str | None
    sender: str
    subject: str
    action: str | None
    skip_rule: str | None
    reasons: tuple[str, ...]
    draft_id: str | None


@dataclass(frozen=True)
class Deferral:
    """A message held back (daily cap, sender window), to be looked at again after a time."""

    uid: int
    message_id: str | None
    sender: str
    reason: str
    retry_after: datetime


def _ts(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


def _private_file(path: Path) -> None:
    if not path.exists():
        # Addresses and subjects are personal data: nobody else may read them.
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


class State:
    """The state database of one responder installation (all accounts)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.backup: Path | None = None  # set when opening migrated an older file
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            _private_file(path)
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA secure_delete=ON")  # purged records leave no trace
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StateError(
                f"{path}: not a usable responder state database ({exc}); move it aside and "
                "run again — drafts already in your Drafts folder are found and not doubled"
            ) from None
        except OSError as exc:
            raise StateError(f"{path}: cannot open state ({exc.strerror})") from None

    @classmethod
    def in_dir(cls, state_dir: Path) -> State:
        return cls(state_dir / "responder.sqlite3")

    def _migrate(self) -> None:
        fresh = self._db.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone() is None
        # executescript commits on its own, so it runs outside an explicit transaction;
        # every statement in SCHEMA is idempotent.
        self._db.executescript(SCHEMA)
        if fresh:
            for script in MIGRATIONS.values():
                self._db.executescript(script)
            self._db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
            return
        row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        try:
            version = 1 if row is None else int(row[0])
        except ValueError:
            raise StateError(
                f"{self.path}: schema version {row[0]!r} is not a number; the file was "
                "changed by something else — move it aside and run again"
            ) from None
        if version > SCHEMA_VERSION:
            raise StateError(
                f"{self.path}: written by a newer responder (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade responder"
            )
        if version < SCHEMA_VERSION:
            self.backup = self._backup(version)
            for target in range(version + 1, SCHEMA_VERSION + 1):
                with self.transaction() as db:
                    for statement in MIGRATIONS[target].split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                        (str(target),),
                    )

    def _backup(self, version: int) -> Path:
        """Copy the database (a consistent snapshot, WAL included) before migrating it."""
        target = self.path.with_name(f"{self.path.name}.v{version}.bak")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.v{version}.{n}.bak")
        _private_file(target)
        with closing(sqlite3.connect(target)) as dst:
            self._db.backup(dst)
        return target

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> State:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0])

    # -- folders --------------------------------------------------------------------------

    def folder_mark(self, account: str, folder: str) -> FolderMark | None:
        row = self._db.execute(
            "SELECT uidvalidity, last_uid, updated_at FROM folders WHERE account=? AND folder=?",
            (account, folder),
        ).fetchone()
        if row is None:
            return None
        return FolderMark(int(row[0]), int(row[1]), datetime.fromisoformat(row[2]))

    def set_folder_mark(
        self, account: str, folder: str, uidvalidity: int, last_uid: int, now: datetime
    ) -> None:
        with self.transaction() as db:
            _upsert_mark(db, account, folder, uidvalidity, last_uid, now)

    # -- decisions ------------------------------------------------------------------------

    def record(
        self,
        account: str,
        folder: str,
        uidvalidity: int,
        rec: Record,
        now: datetime,
        *,
        advance_to: int | None = None,
    ) -> None:
        """Store a decision and, in the same transaction, move the folder mark forward.

        A deferral of the same message, if any, ends here: the message is decided.
        """
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO decisions (account, folder, uidvalidity, uid, message_id,"
                " thread, sender, subject, action, skip_rule, reasons, draft_id, decided_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    account,
                    folder,
                    uidvalidity,
                    rec.uid,
                    rec.message_id,
                    rec.thread,
                    rec.sender,
                    rec.subject,
                    rec.action,
                    rec.skip_rule,
                    json.dumps(list(rec.reasons), ensure_ascii=False),
                    rec.draft_id,
                    _ts(now),
                ),
            )
            db.execute(
                "DELETE FROM deferred WHERE account=? AND folder=? AND uidvalidity=? AND uid=?",
                (account, folder, uidvalidity, rec.uid),
            )
            if advance_to is not None:
                _upsert_mark(db, account, folder, uidvalidity, advance_to, now, only_up=True)

    def drafted_for(self, account: str, message_id: str) -> str | None:
        """The draft id made for a message (by Message-ID), from any folder or UIDVALIDITY."""
        row = self._db.execute(
            "SELECT draft_id FROM decisions WHERE account=? AND message_id=? AND draft_id IS NOT "
            "NULL LIMIT 1",
            (account, message_id),
        ).fetchone()
        return None if row is None else str(row[0])

    def decided(self, account: str, message_id: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM decisions WHERE account=? AND message_id=? LIMIT 1",
            (account, message_id),
        ).fetchone()
        return row is not None

    def thread_drafted(self, account: str, threads: Sequence[str]) -> str | None:
        """A draft id already made in any of these threads (at most one draft per thread)."""
        for thread in threads:
            row = self._db.execute(
                "SELECT draft_id FROM decisions WHERE account=? AND draft_id IS NOT NULL AND "
                "(thread=? OR message_id=?) LIMIT 1",
                (account, thread, thread),
            ).fetchone()
            if row is not None:
                return str(row[0])
        return None

    def records(self, account: str, limit: int = 50) -> list[Record]:
        rows = self._db.execute(
            "SELECT uid, message_id, thread, sender, subject, action, skip_rule, reasons, "
            "draft_id FROM decisions WHERE account=? ORDER BY decided_at DESC LIMIT ?",
            (account, limit),
        ).fetchall()
        return [
            Record(r[0], r[1], r[2], r[3], r[4], r[5], r[6], tuple(json.loads(r[7])), r[8])
            for r in rows
        ]

    def drafts_since(self, account: str, since: datetime) -> int:
        """How many drafts this account made (or found made) since a moment (the daily cap)."""
        row = self._db.execute(
            "SELECT COUNT(*) FROM decisions WHERE account=? AND draft_id IS NOT NULL AND "
            "decided_at >= ?",
            (account, _ts(since)),
        ).fetchone()
        return int(row[0])

    def last_draft_to(self, account: str, sender: str, since: datetime) -> datetime | None:
        """When the latest draft to sender since a moment was made (the per-sender window)."""
        row = self._db.execute(
            "SELECT MAX(decided_at) FROM decisions WHERE account=? AND draft_id IS NOT NULL AND "
            "sender=? COLLATE NOCASE AND decided_at >= ?",
            (account, sender, _ts(since)),
        ).fetchone()
        return None if row is None or row[0] is None else datetime.fromisoformat(row[0])

    # -- deferred mail --------------------------------------------------------------------

    def defer(
        self,
        account: str,
        folder: str,
        uidvalidity: int,
        item: Deferral,
        now: datetime,
        *,
        advance_to: int | None = None,
    ) -> None:
        """Hold a message back until item.retry_after; advance the mark in the same commit."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO deferred (account, folder, uidvalidity, uid, message_id, sender,"
                " reason, first_at, retry_after, tries) VALUES (?,?,?,?,?,?,?,?,?,1)"
                " ON CONFLICT (account, folder, uidvalidity, uid) DO UPDATE SET"
                " reason=excluded.reason, retry_after=excluded.retry_after, tries=tries+1",
                (
                    account,
                    folder,
                    uidvalidity,
                    item.uid,
                    item.message_id,
                    item.sender,
                    item.reason,
                    _ts(now),
                    _ts(item.retry_after),
                ),
            )
            if advance_to is not None:
                _upsert_mark(db, account, folder, uidvalidity, advance_to, now, only_up=True)

    def deferred_due(self, account: str, folder: str, uidvalidity: int, now: datetime) -> list[int]:
        """UIDs of deferred messages in this folder whose time to look again has come."""
        rows = self._db.execute(
            "SELECT uid FROM deferred WHERE account=? AND folder=? AND uidvalidity=? AND "
            "retry_after <= ? ORDER BY uid",
            (account, folder, uidvalidity, _ts(now)),
        ).fetchall()
        return [int(r[0]) for r in rows]

    def deferrals(self, account: str) -> list[Deferral]:
        rows = self._db.execute(
            "SELECT uid, message_id, sender, reason, retry_after FROM deferred WHERE account=? "
            "ORDER BY folder, uid",
            (account,),
        ).fetchall()
        return [Deferral(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4])) for r in rows]

    def drop_deferred(
        self, account: str, folder: str, uidvalidity: int, uids: Sequence[int]
    ) -> None:
        """Forget deferrals whose message is gone (deleted or moved by the user)."""
        with self.transaction() as db:
            db.executemany(
                "DELETE FROM deferred WHERE account=? AND folder=? AND uidvalidity=? AND uid=?",
                [(account, folder, uidvalidity, uid) for uid in uids],
            )

    def drop_stale_deferred(self, account: str, folder: str, uidvalidity: int) -> int:
        """Deferrals under an old UIDVALIDITY: their UIDs mean nothing now (the window re-scan
        finds the mail by date)."""
        with self.transaction() as db:
            cur = db.execute(
                "DELETE FROM deferred WHERE account=? AND folder=? AND uidvalidity<>?",
                (account, folder, uidvalidity),
            )
            return cur.rowcount

    # -- privacy and life cycle -----------------------------------------------------------

    def purge(self, before: datetime) -> int:
        """Delete decision records older than before (retention); returns how many."""
        with self.transaction() as db:
            cur = db.execute("DELETE FROM decisions WHERE decided_at < ?", (_ts(before),))
            return cur.rowcount

    def forget(self, address: str) -> int:
        """Erase every record of mail from address (any account); returns how many rows.

        Deleted pages are overwritten (secure_delete), the WAL is truncated and the file
        rebuilt, so the address is gone from disk, not only from queries.
        """
        with self.transaction() as db:
            n = db.execute(
                "DELETE FROM decisions WHERE sender=? COLLATE NOCASE", (address,)
            ).rowcount
            n += db.execute(
                "DELETE FROM deferred WHERE sender=? COLLATE NOCASE", (address,)
            ).rowcount
        self.compact()
        return n

    def forget_account(self, account: str) -> int:
        """Erase all state of one account (marks, decisions, deferrals); returns rows."""
        with self.transaction() as db:
            n = 0
            for table in ("folders", "decisions", "deferred"):
                n += db.execute(f"DELETE FROM {table} WHERE account=?", (account,)).rowcount
        self.compact()
        return n

    def compact(self) -> None:
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.execute("VACUUM")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def accounts(self) -> list[str]:
        rows = self._db.execute(
            "SELECT account FROM folders UNION SELECT account FROM decisions ORDER BY 1"
        ).fetchall()
        return [str(r[0]) for r in rows]


def _upsert_mark(
    db: sqlite3.Connection,
    account: str,
    folder: str,
    uidvalidity: int,
    last_uid: int,
    now: datetime,
    *,
    only_up: bool = False,
) -> None:
    """Set the mark; with only_up, never move it back within the same UIDVALIDITY (a
    deferred message decided later sits below the mark)."""
    keep = (
        "CASE WHEN folders.uidvalidity=excluded.uidvalidity AND folders.last_uid>excluded.last_uid"
        " THEN folders.last_uid ELSE excluded.last_uid END"
        if only_up
        else "excluded.last_uid"
    )
    db.execute(
        "INSERT INTO folders (account, folder, uidvalidity, last_uid, updated_at)"
        " VALUES (?,?,?,?,?) ON CONFLICT (account, folder) DO UPDATE SET"
        f" uidvalidity=excluded.uidvalidity, last_uid={keep},"
        " updated_at=excluded.updated_at",
        (account, folder, uidvalidity, last_uid, _ts(now)),
    )
