"""Every setting declared once: where it lives in the TOML, its variable, type and default.

The README's configuration table, the loader in `responder.config` and its error messages all
read this table, so they cannot disagree.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any


def did_you_mean(word: str, choices: list[str]) -> str:
    """' (did you mean 'x'?)' for the nearest valid name, or ''."""
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Secret(str):
    """A string whose repr and str never show the value (passwords in logs/tracebacks)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secret('***')" if self else "Secret('')"

    def __str__(self) -> str:
        return "***" if self else ""

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)  # f"{pw:>10}" must not reveal it either

    def reveal(self) -> str:
        return str.__str__(self)


def as_secret(value: str) -> Secret:
    """Wrap a plain string; a Secret stays itself (Secret(secret) would copy "***")."""
    return value if isinstance(value, Secret) else Secret(value)


@dataclass(frozen=True)
class Option:
    """One setting: where it lives in the TOML, its variable, how to read it, its default."""

    section: str
    key: str
    env: str | None
    kind: str  # str | int | bool | path | list | secret
    default: Any
    doc: str


OPTIONS: tuple[Option, ...] = (
    Option(
        "identity", "name", "RESPONDER_IDENTITY_NAME", "str", "", "Your name, as drafts sign it."
    ),
    Option("identity", "email", "RESPONDER_IDENTITY_EMAIL", "str", "", "Your address."),
    Option(
        "identity", "aliases", "RESPONDER_IDENTITY_ALIASES", "list", [], "Other addresses of yours."
    ),
    Option("imap", "host", "RESPONDER_IMAP_HOST", "str", "", "IMAP server host name."),
    Option(
        "imap", "port", "RESPONDER_IMAP_PORT", "int", 0, "Port; 0 = 993 for ssl, 143 otherwise."
    ),
    Option("imap", "user", "RESPONDER_IMAP_USER", "str", "", "Login name."),
    Option(
        "imap", "password", "RESPONDER_IMAP_PASSWORD", "secret", "", "Password (prefer the env)."
    ),
    Option(
        "imap",
        "password_cmd",
        "RESPONDER_IMAP_PASSWORD_CMD",
        "str",
        "",
        "Command whose first output line is the password (e.g. `pass show mail`).",
    ),
    Option(
        "imap",
        "password_keyring",
        "RESPONDER_IMAP_PASSWORD_KEYRING",
        "str",
        "",
        "System keyring service holding the password for imap.user (needs responder[keyring]).",
    ),
    Option(
        "imap",
        "auth",
        "RESPONDER_IMAP_AUTH",
        "str",
        "password",
        "password | xoauth2 | oauthbearer (OAuth2 access token from oauth2_token_cmd).",
    ),
    Option(
        "imap",
        "oauth2_token_cmd",
        "RESPONDER_IMAP_OAUTH2_TOKEN_CMD",
        "str",
        "",
        "Command whose first output line is an OAuth2 access token; run on every connect.",
    ),
    Option("imap", "security", "RESPONDER_IMAP_SECURITY", "str", "ssl", "ssl | starttls | plain."),
    Option("imap", "ca_file", "RESPONDER_IMAP_CA_FILE", "path", None, "Trust this CA bundle."),
    Option("imap", "timeout", "RESPONDER_IMAP_TIMEOUT", "int", 60, "Socket timeout in seconds."),
    Option("imap", "folders", "RESPONDER_IMAP_FOLDERS", "list", ["INBOX"], "Folders to watch."),
    Option("imap", "drafts_folder", "RESPONDER_DRAFTS_FOLDER", "str", "", "Override Drafts."),
    Option("imap", "sent_folder", "RESPONDER_SENT_FOLDER", "str", "", "Override Sent."),
    Option("responder", "contacts", "RESPONDER_CONTACTS", "path", None, "Contacts TOML file."),
    Option(
        "responder",
        "state_dir",
        "RESPONDER_STATE_DIR",
        "path",
        None,
        "State directory (default $XDG_STATE_HOME/responder).",
    ),
    Option(
        "responder",
        "key_file",
        "RESPONDER_KEY_FILE",
        "path",
        None,
        "Secret for draft Message-IDs (default $XDG_CONFIG_HOME/responder/draft.key).",
    ),
    Option(
        "responder",
        "templates_dir",
        "RESPONDER_TEMPLATES_DIR",
        "path",
        None,
        "Your template overrides; shipped templates fill the gaps.",
    ),
    Option(
        "responder",
        "lookback_days",
        "RESPONDER_LOOKBACK_DAYS",
        "int",
        0,
        "How far back the very first pass looks (0 = only new mail).",
    ),
    Option(
        "responder",
        "max_age_days",
        "RESPONDER_MAX_AGE_DAYS",
        "int",
        14,
        "Never draft for mail older than this.",
    ),
    Option(
        "responder",
        "reply_language",
        "RESPONDER_REPLY_LANGUAGE",
        "str",
        "en",
        "Reply language for mail in other languages (en | de | nb).",
    ),
    Option("responder", "timezone", "RESPONDER_TIMEZONE", "str", "UTC", "IANA zone for dates."),
    Option(
        "responder",
        "booking_link",
        "RESPONDER_BOOKING_LINK",
        "str",
        "",
        "Link offered with call redirects.",
    ),
    Option(
        "responder",
        "drafts_unread",
        "RESPONDER_DRAFTS_UNREAD",
        "bool",
        True,
        "APPEND drafts without \\Seen, so the unread count shows what awaits review.",
    ),
    Option(
        "responder",
        "keyword",
        "RESPONDER_KEYWORD",
        "str",
        "$ResponderDrafted",
        "IMAP keyword set on originals that got a draft ('' = none).",
    ),
    Option(
        "responder",
        "introducer",
        "RESPONDER_INTRODUCER",
        "str",
        "cc",
        "Introduction mails: reply to the introduced person with the introducer in cc | bcc.",
    ),
    Option(
        "responder",
        "require_return_path",
        "RESPONDER_REQUIRE_RETURN_PATH",
        "bool",
        True,
        "Skip mail without a Return-Path (RFC 3834 §2).",
    ),
    Option(
        "responder",
        "poll_seconds",
        "RESPONDER_POLL_SECONDS",
        "int",
        300,
        "Polling interval of `responder run`.",
    ),
    # -- daemon (issue 5); the per-account ones can be set again in each [[accounts]] table --
    Option(
        "responder",
        "idle",
        "RESPONDER_IDLE",
        "bool",
        True,
        "`run`: wait for new mail with IMAP IDLE where the server has it (else poll only).",
    ),
    Option(
        "responder",
        "idle_renew_seconds",
        "RESPONDER_IDLE_RENEW_SECONDS",
        "int",
        240,
        "`run`: end and restart IDLE this often (NAT routers drop quiet connections).",
    ),
    Option(
        "responder",
        "daily_cap",
        "RESPONDER_DAILY_CAP",
        "int",
        30,
        "At most this many drafts per account and day; more mail is deferred (0 = no cap).",
    ),
    Option(
        "responder",
        "sender_window_days",
        "RESPONDER_SENDER_WINDOW_DAYS",
        "int",
        0,
        "At most one draft per sender in this many days; more is deferred (0 = off).",
    ),
    Option(
        "responder",
        "retention_days",
        "RESPONDER_RETENTION_DAYS",
        "int",
        180,
        "Delete decision records older than this (0 = keep; else at least max_age_days).",
    ),
    Option(
        "responder",
        "login_retry_seconds",
        "RESPONDER_LOGIN_RETRY_SECONDS",
        "int",
        3600,
        "`run`: after a refused login, try that account again only after this long.",
    ),
    Option(
        "metrics",
        "port",
        "RESPONDER_METRICS_PORT",
        "int",
        0,
        "`run`: serve Prometheus metrics on this port (0 = off; needs responder[metrics]).",
    ),
    Option(
        "metrics",
        "address",
        "RESPONDER_METRICS_ADDRESS",
        "str",
        "127.0.0.1",
        "Address the metrics endpoint binds to.",
    ),
    Option(
        "policy", "busy", "RESPONDER_BUSY", "bool", False, "Heavy week: accepts become redirects."
    ),
    Option("signatures", "en", "RESPONDER_SIGNATURE_EN", "path", None, "English signature file."),
    Option("signatures", "de", "RESPONDER_SIGNATURE_DE", "path", None, "German signature file."),
    Option("signatures", "nb", "RESPONDER_SIGNATURE_NB", "path", None, "Norwegian signature file."),
)
EXTRA_ENV = {
    "RESPONDER_CONFIG": "Path of the TOML config file.",
    # Read only by responder/faults.py; inert unless set. Tests use it to crash a subprocess
    # at a named point (e.g. after APPEND, before the state commit). Never set it in production.
    "RESPONDER_TEST_FAULT": "Test hook: crash at a named fault point (tests only).",
}
