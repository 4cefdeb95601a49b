"""Secrets never reach a log line, an error message or the terminal.

Each test runs the real CLI (``responder --debug -v once``) into a login that fails, with
every log captured: structlog's output (stderr, JSON), the standard library's loggers at
DEBUG (imapclient logs the IMAP conversation there) and stdout. The secret is then
searched for as written and in the encodings a SASL exchange would carry it.
"""

from __future__ import annotations

import base64
import logging
import os
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from dovecot import Account, Dovecot
from oauth import Introspection, TokenIssuer, oauth2_dovecot

from responder.cli import EXIT_LOGIN, EXIT_USAGE, main

pytestmark = pytest.mark.integration

PASSWORD = "Tr0ub4dor&3-never-log-me"
TOKEN = "ya29.a0AfH6SMB-never-log-this-token"


@pytest.fixture(autouse=True)
def hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No RESPONDER_* from outside, an empty working directory, structlog restored after."""
    for name in list(os.environ):
        if name.startswith("RESPONDER_"):
            monkeypatch.delenv(name)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


@pytest.fixture(scope="module")
def oauth2(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Dovecot, TokenIssuer, Introspection]]:
    with oauth2_dovecot(tmp_path_factory.mktemp("tokens")) as world:
        yield world


def configure(monkeypatch: pytest.MonkeyPatch, account: Account, tmp: Path, **env: str) -> None:
    values = {
        "RESPONDER_IMAP_HOST": account.host,
        "RESPONDER_IMAP_PORT": str(account.imaps_port),
        "RESPONDER_IMAP_CA_FILE": str(account.ca_file),
        "RESPONDER_IMAP_USER": account.user,
        "RESPONDER_IDENTITY_EMAIL": "anna@example.com",
        "RESPONDER_STATE_DIR": str(tmp / "state"),
        "RESPONDER_KEY_FILE": str(tmp / "draft.key"),
        **env,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def run_and_capture(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture, *args: str
) -> tuple[int, str]:
    """Exit code and everything the run wrote or logged, at every level."""
    caplog.set_level(logging.DEBUG)
    code = main(["--debug", "-v", "--json-log", *args])
    out, err = capsys.readouterr()
    return code, "\n".join([out, err, caplog.text])


def forms(secret: str, user: str) -> list[str]:
    """The secret as written, quoted, and base64-encoded the ways SASL would send it."""
    b64 = base64.b64encode
    return [
        secret,
        repr(secret),
        shlex.quote(secret),
        b64(secret.encode()).decode(),
        b64(f"\0{user}\0{secret}".encode()).decode(),  # PLAIN
        b64(f"user={user}\1auth=Bearer {secret}\1\1".encode()).decode(),  # XOAUTH2
    ]


def assert_absent(text: str, secret: str, user: str) -> None:
    for form in forms(secret, user):
        assert form not in text, f"secret leaked as {form!r}"


class TestFailedLogin:
    """A run whose login fails names the account and the cause, never the secret."""

    def test_wrong_password(
        self,
        imap_account: Account,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """Wrong password: exit 3, a clear message; the wire log is there but redacted."""
        configure(monkeypatch, imap_account, tmp_path, RESPONDER_IMAP_PASSWORD=PASSWORD)
        code, text = run_and_capture(capsys, caplog, "once")
        assert code == EXIT_LOGIN
        assert "login failed" in text and imap_account.user in text
        assert "LOGIN **REDACTED**" in text  # imapclient's wire log was captured
        assert_absent(text, PASSWORD, imap_account.user)

    def test_wrong_password_from_command(
        self,
        imap_account: Account,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """A password command that prints a wrong password: refused, and never shown."""
        command = f"printf '%s\\n' {shlex.quote(PASSWORD)}"
        configure(monkeypatch, imap_account, tmp_path, RESPONDER_IMAP_PASSWORD_CMD=command)
        code, text = run_and_capture(capsys, caplog, "check")
        assert code == EXIT_LOGIN
        assert_absent(text, PASSWORD, imap_account.user)

    def test_failing_password_command(
        self,
        imap_account: Account,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """A command that fails after printing the secret (to stdout and stderr): exit 2,
        the setting and status named, none of its output repeated."""
        script = tmp_path / "pass.sh"
        script.write_text(f"#!/bin/sh\nprintf '%s\\n' {shlex.quote(PASSWORD)}\n"
                          f"printf 'gpg: %s\\n' {shlex.quote(PASSWORD)} >&2\nexit 2\n")  # fmt: skip
        script.chmod(0o700)
        configure(monkeypatch, imap_account, tmp_path, RESPONDER_IMAP_PASSWORD_CMD=str(script))
        code, text = run_and_capture(capsys, caplog, "once")
        assert code == EXIT_USAGE
        assert "password_cmd" in text and "status 2" in text
        assert_absent(text, PASSWORD, imap_account.user)

    def test_refused_oauth2_token(
        self,
        oauth2: tuple[Dovecot, TokenIssuer, Introspection],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """An access token the server refuses (XOAUTH2): exit 3; the token is nowhere."""
        server, _issuer, endpoint = oauth2
        account = server.add_user()
        configure(monkeypatch, account, tmp_path, RESPONDER_IMAP_AUTH="xoauth2",
                  RESPONDER_IMAP_OAUTH2_TOKEN_CMD=f"echo {TOKEN}")  # fmt: skip
        code, text = run_and_capture(capsys, caplog, "once")
        assert code == EXIT_LOGIN
        assert endpoint.calls[-1] == (TOKEN, False)  # it did reach the server, and was refused
        assert "AUTHENTICATE **REDACTED**" in text
        assert_absent(text, TOKEN, account.user)
