"""One exception root; each subclass is named for what the caller can do about it."""

from __future__ import annotations


class ResponderError(Exception):
    """Root of every error responder raises on purpose."""


class ConfigError(ResponderError):
    """The configuration is wrong; the message names the file, the key and the fix.

    Raised at start-up only, so a bad setting never surfaces mid-pass.
    """


class TemplateError(ConfigError):
    """A template does not load or render; the message names the file and line."""


class ParseError(ResponderError):
    """A message cannot be read at all; the pass skips it with this reason and goes on."""


class MailboxError(ResponderError):
    """The IMAP server or connection failed; a retry later may succeed."""


class LoginError(MailboxError):
    """The server refused the credentials; retrying soon would only lock the account."""


class FolderNotFound(MailboxError):
    """A folder responder needs (Drafts, Sent) is missing; configure it explicitly."""


class StateError(ResponderError):
    """The state database is unreadable or from an unknown schema; it names the file."""
