"""A private Dovecot for the benchmarks: tests/dovecot.py's server with a cached Maildir attached.

``attach(server, maildir)`` adds a user whose home holds a symlink to the cached Maildir, so
Dovecot's own index (dovecot.index*, dovecot-uidlist) is kept next to the mail between runs
and only the first run ever indexes it. Every contender speaks plain IMAP on 127.0.0.1.
"""

from __future__ import annotations

import imaplib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from dovecot import Account, Dovecot, ServerUnavailable  # noqa: E402 (path set up above)

__all__ = ["Account", "Dovecot", "ServerUnavailable", "attach", "warm"]


def attach(server: Dovecot, maildir: Path) -> Account:
    """A new user on server whose INBOX is maildir (a symlink from the user's home)."""
    account = server.add_user()
    assert server.dir is not None
    home = server.dir / "mail" / account.user
    home.mkdir(mode=0o700)
    (home / "Maildir").symlink_to(maildir)
    if os.geteuid() == 0:
        owner = maildir.stat()
        os.chown(home, owner.st_uid, owner.st_gid)
        os.chown(home / "Maildir", owner.st_uid, owner.st_gid, follow_symlinks=False)
    return account


def warm(account: Account, batch: int = 500) -> int:
    """One untimed wire pass (headers + 8 KiB), so every timed contender finds Dovecot's
    index built and the mail in the page cache; returns the number of messages."""
    imap = imaplib.IMAP4(account.host, account.imap_port)
    try:
        imap.login(account.user, account.password)
        imap.select("INBOX", readonly=True)
        _typ, data = imap.uid("SEARCH", "ALL")
        uids = data[0].split() if data and data[0] else []
        for start in range(0, len(uids), batch):
            chunk = b",".join(uids[start : start + batch]).decode()
            imap.uid(
                "FETCH",
                chunk,
                "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.8192>)",
            )
        return len(uids)
    finally:
        imap.logout()
