"""responder: drafts replies to meeting invitations in an IMAP mailbox; it never sends mail."""

from __future__ import annotations

__version__ = "0.1.0"
