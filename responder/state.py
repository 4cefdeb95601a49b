"""SQLite state: where each folder's last pass stopped, and every decision and draft made.

The IMAP server is the source of truth for *whether a draft exists* (the Drafts folder is
searched for the recomputed Message-ID before every APPEND); this store remembers *where we
are* so a pass reads only new mail, and *what we decided*, so a user can see why, and so a
draft the user deleted is not made again. Each message is committed on its own: a crash
loses at most the message in hand, which the next pass redoes.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from responder.errors import StateError

SCHEMA_VERSION = 1
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


class State:
    """The state database of one responder installation (all accounts)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                # Addresses and subjects are personal data: nobody else may read them.
                fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
                os.close(fd)
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
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
        # executescript commits on its own, so it runs outside an explicit transaction;
        # every statement in SCHEMA is idempotent.
        self._db.executescript(SCHEMA)
        row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None:
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        elif int(row[0]) > SCHEMA_VERSION:
            raise StateError(
                f"{self.path}: written by a newer responder (schema {row[0]}, this one knows "
                f"{SCHEMA_VERSION}); upgrade responder"
            )

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
        """Store a decision and, in the same transaction, move the folder mark forward."""
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
                    now.astimezone(UTC).isoformat(),
                ),
            )
            if advance_to is not None:
                _upsert_mark(db, account, folder, uidvalidity, advance_to, now)

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


def _upsert_mark(
    db: sqlite3.Connection,
    account: str,
    folder: str,
    uidvalidity: int,
    last_uid: int,
    now: datetime,
) -> None:
    db.execute(
        "INSERT INTO folders (account, folder, uidvalidity, last_uid, updated_at)"
        " VALUES (?,?,?,?,?) ON CONFLICT (account, folder) DO UPDATE SET"
        " uidvalidity=excluded.uidvalidity, last_uid=excluded.last_uid,"
        " updated_at=excluded.updated_at",
        (account, folder, uidvalidity, last_uid, now.astimezone(UTC).isoformat()),
    )
