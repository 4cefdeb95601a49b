"""Where the secret to log in with comes from, fetched afresh for every connection.

Sources, by ``imap.auth``:

- ``password``: ``password_cmd`` (its first output line, like mbsync's PassCmd), else the
  system keyring (``password_keyring`` names the service, ``imap.user`` the entry; needs
  the optional ``keyring`` package), else ``password``.
- ``xoauth2`` / ``oauthbearer``: ``oauth2_token_cmd``, whose first output line is an OAuth2
  access token. It is run on every connect because access tokens expire (Microsoft's after
  about an hour); keeping them fresh is the command's job (e.g. ``oama access me@x``).

A command that fails, prints nothing or times out is a ``ConfigError`` that names the
setting and the exit status, never the command's output: it may hold the secret.
"""

from __future__ import annotations

import shlex
import subprocess
from typing import Final

import structlog

from responder.config import AccountSettings, Secret
from responder.errors import ConfigError
from responder.mailbox import AUTH_METHODS, Auth, ServerSettings

log = structlog.get_logger(__name__)

COMMAND_TIMEOUT: Final = 30.0
TOKEN_METHODS: Final = frozenset({"xoauth2", "oauthbearer"})


def auth_method(account: AccountSettings) -> Auth:
    """The account's log-in method, checked against the ones responder speaks."""
    for method in AUTH_METHODS:
        if account.auth == method:
            return method
    raise ConfigError(
        f"account {account.name!r}: imap.auth must be one of {', '.join(AUTH_METHODS)}, "
        f"got {account.auth!r}"
    )


def run_secret_command(command: str, *, setting: str, account: str) -> Secret:
    """The first line ``command`` prints, as a Secret; ConfigError if it fails or prints none."""
    where = f"{setting} for account {account!r}"
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise ConfigError(f"{where} cannot be split into words ({exc})") from None
    if not argv:
        raise ConfigError(f"{where} is empty")
    try:
        done = subprocess.run(  # noqa: S603 - the user's own configured command
            argv,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise ConfigError(f"{where} did not finish in {COMMAND_TIMEOUT:.0f} s") from None
    except (OSError, UnicodeDecodeError) as exc:
        kind = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise ConfigError(f"{where} could not run ({kind}): check {argv[0]!r}") from None
    if done.returncode != 0:
        raise ConfigError(
            f"{where} exited with status {done.returncode}; run it by hand to see why"
        )
    lines = done.stdout.splitlines()
    secret = lines[0].strip() if lines else ""
    if not secret:
        raise ConfigError(f"{where} printed nothing on its first line")
    return Secret(secret)


def keyring_password(service: str, user: str, *, account: str) -> Secret:
    """The password stored in the system keyring under (service, user)."""
    try:
        import keyring  # noqa: PLC0415 - optional: pip install 'responder[keyring]'
        import keyring.errors  # noqa: PLC0415
    except ImportError:
        raise ConfigError(
            f"account {account!r}: password_keyring needs the keyring package: "
            "pip install 'responder[keyring]'"
        ) from None
    try:
        value = keyring.get_password(service, user)
    except keyring.errors.KeyringError as exc:
        raise ConfigError(
            f"account {account!r}: the keyring could not be read ({type(exc).__name__})"
        ) from None
    if not value:
        raise ConfigError(
            f"account {account!r}: the keyring has no password for service {service!r} and "
            f"user {user!r}; store one with `keyring set {service} {user}`"
        )
    return Secret(value)


def credential(account: AccountSettings) -> Secret:
    """The password or access token to log in with, fetched now (see the module doc)."""
    method = auth_method(account)
    if method in TOKEN_METHODS:
        if not account.oauth2_token_cmd:
            raise ConfigError(
                f"account {account.name!r}: imap.auth = {method} needs imap.oauth2_token_cmd "
                "(RESPONDER_IMAP_OAUTH2_TOKEN_CMD), a command that prints an access token"
            )
        return run_secret_command(
            account.oauth2_token_cmd, setting="oauth2_token_cmd", account=account.name
        )
    if account.password_cmd:
        return run_secret_command(
            account.password_cmd, setting="password_cmd", account=account.name
        )
    if account.password_keyring:
        return keyring_password(account.password_keyring, account.user, account=account.name)
    return account.password


def server_settings(account: AccountSettings) -> ServerSettings:
    """How to reach and log in to the account's server, with a freshly fetched secret."""
    secret = credential(account)
    log.debug("imap_credential", account=account.name, auth=account.auth)
    return ServerSettings(
        host=account.host,
        port=account.port,
        security=account.security,
        user=account.user,
        password=secret.reveal(),
        ca_file=account.ca_file,
        timeout=float(account.timeout),
        auth=auth_method(account),
    )
