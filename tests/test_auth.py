"""Logging in: every secret source and method, against a Dovecot configured for it.

Password, password command and keyring log in to the session's Dovecot; XOAUTH2 and
OAUTHBEARER log in to a Dovecot whose ``oauth2`` passdb asks a token-introspection endpoint
on 127.0.0.1 (tests/oauth.py) about each token, so an expired token is really refused.
"""

from __future__ import annotations

import shlex
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import structlog
from dovecot import Account, Dovecot
from oauth import Introspection, TokenIssuer, oauth2_dovecot

from responder import auth
from responder.commands import run_pass
from responder.config import (
    AccountSettings,
    Secret,
    Settings,
    load_settings,
    require_account,
)
from responder.errors import ConfigError, LoginError, MailboxError
from responder.mailbox import Mailbox, ServerSettings, is_loopback

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def oauth2(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Dovecot, TokenIssuer, Introspection]]:
    """A Dovecot with an oauth2 passdb, its token issuer and its introspection endpoint."""
    with oauth2_dovecot(tmp_path_factory.mktemp("tokens")) as world:
        yield world


def env_for(account: Account, tmp: Path, **extra: str) -> dict[str, str]:
    return {
        "RESPONDER_IMAP_HOST": account.host,
        "RESPONDER_IMAP_PORT": str(account.imaps_port),
        "RESPONDER_IMAP_SECURITY": "ssl",
        "RESPONDER_IMAP_CA_FILE": str(account.ca_file),
        "RESPONDER_IMAP_USER": account.user,
        "RESPONDER_IDENTITY_EMAIL": "anna@example.com",
        "RESPONDER_STATE_DIR": str(tmp / "state"),
        "RESPONDER_KEY_FILE": str(tmp / "draft.key"),
        **extra,
    }


def load(tmp: Path, env: dict[str, str]) -> Settings:
    return load_settings(tmp / "absent.toml", environ=env, read_dotenv=False, allow_missing=True)


def counting_command(tmp: Path, secret: str) -> str:
    """A command printing secret that appends a line to tmp/runs each time it runs."""
    script = tmp / "secret.sh"
    script.write_text(f"#!/bin/sh\necho run >> {shlex.quote(str(tmp / 'runs'))}\n"
                      f"printf '%s\\n' {shlex.quote(secret)}\n")  # fmt: skip
    script.chmod(0o700)
    return str(script)


def runs(tmp: Path) -> int:
    path = tmp / "runs"
    return len(path.read_text().splitlines()) if path.exists() else 0


class TestPassword:
    """auth = password: the secret comes from the env, a command or the keyring."""

    def test_password(self, imap_account: Account, tmp_path: Path) -> None:
        """RESPONDER_IMAP_PASSWORD logs in with IMAP LOGIN over verified TLS."""
        env = env_for(imap_account, tmp_path, RESPONDER_IMAP_PASSWORD=imap_account.password)
        settings = auth.server_settings(load(tmp_path, env).account)
        assert settings.auth == "password"
        with Mailbox.connect(settings) as mailbox:
            assert mailbox.select("INBOX").exists == 0

    def test_password_command_runs_on_every_connect(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """RESPONDER_IMAP_PASSWORD_CMD's first line is the password, fetched per connect."""
        command = counting_command(tmp_path, imap_account.password)
        account = load(tmp_path, env_for(imap_account, tmp_path,
                                         RESPONDER_IMAP_PASSWORD_CMD=command)).account  # fmt: skip
        for expected in (1, 2):
            with Mailbox.connect(auth.server_settings(account)):
                assert runs(tmp_path) == expected

    def test_command_beats_a_stale_password(self, imap_account: Account, tmp_path: Path) -> None:
        """With both set, the command wins (the password may be an old copy)."""
        command = counting_command(tmp_path, imap_account.password)
        env = env_for(imap_account, tmp_path, RESPONDER_IMAP_PASSWORD="stale",
                      RESPONDER_IMAP_PASSWORD_CMD=command)  # fmt: skip
        with Mailbox.connect(auth.server_settings(load(tmp_path, env).account)):
            pass

    def test_keyring(
        self, imap_account: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """RESPONDER_IMAP_PASSWORD_KEYRING reads (service, user) from the system keyring."""
        keyring = pytest.importorskip("keyring")
        backend = memory_keyring()
        backend.set_password("responder-test", imap_account.user, imap_account.password)
        previous = keyring.get_keyring()
        keyring.set_keyring(backend)
        try:
            env = env_for(imap_account, tmp_path, RESPONDER_IMAP_PASSWORD_KEYRING="responder-test")
            settings = load(tmp_path, env)
            require_account(settings)
            with Mailbox.connect(auth.server_settings(settings.account)):
                pass
            backend.delete_password("responder-test", imap_account.user)
            with pytest.raises(ConfigError, match="keyring set responder-test"):
                auth.server_settings(settings.account)
        finally:
            keyring.set_keyring(previous)


def memory_keyring() -> Any:
    """A keyring backend that keeps passwords in a dict (the real ones need a desktop)."""
    keyring_backend = pytest.importorskip("keyring.backend")

    class Memory(keyring_backend.KeyringBackend):  # type: ignore[misc, name-defined]
        priority = 1

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    return Memory()


class TestOAuth2:
    """XOAUTH2 and OAUTHBEARER with a token from a command, checked by introspection."""

    def test_xoauth2(self, oauth2: tuple[Dovecot, TokenIssuer, Introspection],
                     tmp_path: Path) -> None:  # fmt: skip
        """RESPONDER_IMAP_AUTH=xoauth2 logs in with the token the command printed."""
        server, issuer, endpoint = oauth2
        account = server.add_user()
        env = env_for(account, tmp_path, RESPONDER_IMAP_AUTH="xoauth2",
                      RESPONDER_IMAP_OAUTH2_TOKEN_CMD=issuer.command(account.user))  # fmt: skip
        settings = load(tmp_path, env)
        require_account(settings)
        with Mailbox.connect(auth.server_settings(settings.account)) as mailbox:
            assert mailbox.find_folder("drafts") == "Drafts"
        assert endpoint.calls[-1] == (issuer.current(account.user), True)

    def test_oauthbearer(self, oauth2: tuple[Dovecot, TokenIssuer, Introspection],
                         tmp_path: Path) -> None:  # fmt: skip
        """RESPONDER_IMAP_AUTH=oauthbearer (RFC 7628) logs in the same way."""
        server, issuer, _endpoint = oauth2
        account = server.add_user()
        env = env_for(account, tmp_path, RESPONDER_IMAP_AUTH="oauthbearer",
                      RESPONDER_IMAP_OAUTH2_TOKEN_CMD=issuer.command(account.user))  # fmt: skip
        with Mailbox.connect(auth.server_settings(load(tmp_path, env).account)) as mailbox:
            assert mailbox.select("INBOX").exists == 0

    def test_token_expires_between_two_connects(
        self, oauth2: tuple[Dovecot, TokenIssuer, Introspection], tmp_path: Path
    ) -> None:
        """Each connect runs the command again, so a token revoked since the last one is
        never reused; the old token itself is refused by the server."""
        server, issuer, endpoint = oauth2
        account = server.add_user()
        env = env_for(account, tmp_path, RESPONDER_IMAP_AUTH="xoauth2",
                      RESPONDER_IMAP_OAUTH2_TOKEN_CMD=issuer.command(account.user))  # fmt: skip
        settings = load(tmp_path, env)
        first = auth.server_settings(settings.account)
        with Mailbox.connect(first):
            pass
        reports = run_pass(settings, dry_run=False)  # a whole pass, with its own connect
        assert [r.folder for r in reports] == ["INBOX"]
        second = issuer.current(account.user)
        assert second is not None and second != first.password
        assert (first.password, False) not in endpoint.calls
        with pytest.raises(LoginError, match="xoauth2") as info:
            Mailbox.connect(first)  # the expired token, as a client without the command has it
        assert first.password not in str(info.value)
        assert endpoint.calls[-1] == (first.password, False)
        with Mailbox.connect(auth.server_settings(settings.account)):
            pass  # a third token: fine again

    def test_unknown_token_is_a_login_error(
        self, oauth2: tuple[Dovecot, TokenIssuer, Introspection]
    ) -> None:
        """A refused token ends the SASL exchange promptly with a LoginError."""
        server, _issuer, _endpoint = oauth2
        account = server.add_user()
        for method in ("xoauth2", "oauthbearer"):
            settings = account.settings("ssl", password="ya29.not-a-real-token", auth=method)
            with pytest.raises(LoginError) as info:
                Mailbox.connect(settings)
            assert "ya29.not-a-real-token" not in str(info.value)

    def test_password_still_works_beside_oauth2(
        self, oauth2: tuple[Dovecot, TokenIssuer, Introspection]
    ) -> None:
        """The oauth2 passdb serves only XOAUTH2/OAUTHBEARER; LOGIN uses the passwd-file."""
        server, _issuer, _endpoint = oauth2
        account = server.add_user()
        with Mailbox.connect(account.settings("starttls")) as mailbox:
            assert mailbox.select("INBOX").exists == 0

    def test_server_without_the_mechanism(self, imap_account: Account) -> None:
        """A server that does not offer AUTH=XOAUTH2 is told apart from a refused token."""
        settings = imap_account.settings("ssl", password="token", auth="xoauth2")
        with pytest.raises(LoginError, match="does not offer AUTH=XOAUTH2"):
            Mailbox.connect(settings)


class TestSecretSources:
    """What goes wrong fetching a secret is a ConfigError naming the setting, not the secret."""

    def account(self, **fields: Any) -> AccountSettings:
        base = AccountSettings(name="work", host="imap.example", port=993, user="anna",
                               password=Secret(""), security="ssl", ca_file=None,
                               timeout=10, folders=("INBOX",), drafts_folder=None,
                               sent_folder=None)  # fmt: skip
        return replace(base, **fields)

    def test_failing_command(self, tmp_path: Path) -> None:
        """A command that fails names the setting and its status; its output stays out."""
        script = tmp_path / "fail.sh"
        script.write_text("#!/bin/sh\necho hunter2-out\necho hunter2-err >&2\nexit 3\n")
        script.chmod(0o700)
        for fields, setting in (({"password_cmd": str(script)}, "password_cmd"),
                                ({"auth": "xoauth2", "oauth2_token_cmd": str(script)},
                                 "oauth2_token_cmd")):  # fmt: skip
            with pytest.raises(ConfigError) as info:
                auth.credential(self.account(**fields))
            message = str(info.value)
            assert setting in message and "status 3" in message and "'work'" in message
            assert "hunter2" not in message
            assert info.value.__cause__ is None and info.value.__context__ is None

    @pytest.mark.parametrize(
        ("command", "words"),
        [("true", "printed nothing"), ("/nonexistent/tokens", "could not run"),
         ("'unbalanced", "cannot be split")],
    )  # fmt: skip
    def test_command_problems(self, command: str, words: str) -> None:
        """No output, no such program and bad quoting each get their own message."""
        with pytest.raises(ConfigError, match=words):
            auth.credential(self.account(auth="xoauth2", oauth2_token_cmd=command))

    def test_first_line_only(self) -> None:
        """Only the first line counts, stripped (pass(1) prints metadata after it)."""
        command = f"{shlex.quote(sys.executable)} -c \"print(' tok '); print('login: x')\""
        secret = auth.credential(self.account(auth="xoauth2", oauth2_token_cmd=command))
        assert secret.reveal() == "tok" and repr(secret) == "Secret('***')"

    def test_token_method_needs_a_command(self) -> None:
        """auth=xoauth2 without oauth2_token_cmd says what to set."""
        with pytest.raises(ConfigError, match="RESPONDER_IMAP_OAUTH2_TOKEN_CMD"):
            auth.credential(self.account(auth="xoauth2"))

    def test_unknown_method_in_the_config(self, tmp_path: Path) -> None:
        """RESPONDER_IMAP_AUTH must be a method responder speaks; a near miss is suggested."""
        with pytest.raises(ConfigError, match="did you mean 'xoauth2'"):
            load(tmp_path, {"RESPONDER_IMAP_AUTH": "xoauth"})

    def test_require_account_names_the_token_command(self, tmp_path: Path) -> None:
        """An xoauth2 account without a token command is incomplete; no password is asked for."""
        env = {"RESPONDER_IMAP_HOST": "h", "RESPONDER_IMAP_USER": "u",
               "RESPONDER_IDENTITY_EMAIL": "a@b.example", "RESPONDER_IMAP_AUTH": "xoauth2",
               "RESPONDER_IMAP_PASSWORD": "unused"}  # fmt: skip
        with pytest.raises(ConfigError) as info:
            require_account(load(tmp_path, env))
        assert "RESPONDER_IMAP_OAUTH2_TOKEN_CMD" in str(info.value)
        assert "RESPONDER_IMAP_PASSWORD" not in str(info.value)


class FakeImap:
    """A one-connection IMAP server on 127.0.0.1 that records what the client sends.

    It offers STARTTLS or not; asked for it, it says OK and then answers in plain text,
    as a broken or hostile middlebox would.
    """

    def __init__(self, *, offer_starttls: bool) -> None:
        self.offer = offer_starttls
        self.received: list[bytes] = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        caps = b"IMAP4rev1 AUTH=PLAIN" + (b" STARTTLS" if self.offer else b"")
        conn, _ = self._sock.accept()
        with conn, conn.makefile("rb") as reader:
            conn.sendall(b"* OK fake server ready\r\n")
            for line in reader:
                self.received.append(line)
                tag, _, command = line.strip().partition(b" ")
                verb = command.split(b" ", 1)[0].upper()
                if verb == b"CAPABILITY":
                    conn.sendall(b"* CAPABILITY " + caps + b"\r\n" + tag + b" OK done\r\n")
                elif verb == b"STARTTLS":
                    conn.sendall(tag + b" OK Begin TLS negotiation now\r\n")
                    conn.sendall(b"* OK this is not a TLS handshake\r\n" * 3)
                    return
                elif verb == b"LOGOUT":
                    conn.sendall(b"* BYE\r\n" + tag + b" OK\r\n")
                    return
                else:
                    conn.sendall(tag + b" BAD unexpected\r\n")

    def close(self) -> None:
        self._sock.close()
        self._thread.join(5)


class TestTransportSecurity:
    """TLS is verified by default; plain is allowed, but said out loud off loopback."""

    @pytest.mark.parametrize(
        ("host", "loopback"),
        [("127.0.0.1", True), ("127.3.2.1", True), ("::1", True), ("[::1]", True),
         ("localhost", True), ("LOCALHOST.", True), ("imap.localhost", True),
         ("imap.example.com", False), ("10.0.0.1", False), ("localhost.example", False),
         ("::ffff:10.0.0.1", False)],
    )  # fmt: skip
    def test_is_loopback(self, host: str, loopback: bool) -> None:
        """Loopback by name or address; look-alike names are not."""
        assert is_loopback(host) is loopback

    def test_default_is_verified_tls(self, tmp_path: Path) -> None:
        """With nothing set, security is ssl on port 993 and the system CAs are used."""
        account = load(tmp_path, {}).account
        assert (account.security, account.port, account.ca_file) == ("ssl", 993, None)

    def test_plain_off_loopback_warns(self) -> None:
        """security=plain to a remote host logs a warning before anything is sent."""

        def refuse(_settings: ServerSettings, context: object) -> Any:
            assert context is None  # plain: no TLS context is even built
            raise ConnectionRefusedError("refused")

        settings = ServerSettings("imap.example.com", 143, "plain", "u", "pw")
        with structlog.testing.capture_logs() as logs, pytest.raises(MailboxError):
            Mailbox.connect(settings, factory=refuse)
        [warning] = [e for e in logs if e["event"] == "imap_plaintext"]
        assert warning["log_level"] == "warning" and warning["host"] == "imap.example.com"

    def test_plain_on_loopback_is_quiet(self, imap_account: Account) -> None:
        """Plain IMAP to 127.0.0.1 (a local proxy or test server) logs no warning."""
        with structlog.testing.capture_logs() as logs, \
                Mailbox.connect(imap_account.settings("plain")):  # fmt: skip
            pass
        assert not [e for e in logs if e["log_level"] == "warning"]

    @pytest.mark.parametrize("offer", [False, True], ids=["not-offered", "handshake-fails"])
    def test_starttls_failure_is_an_error(self, offer: bool) -> None:
        """No STARTTLS on offer, or a failed upgrade: MailboxError, and no LOGIN was sent."""
        server = FakeImap(offer_starttls=offer)
        try:
            settings = ServerSettings("127.0.0.1", server.port, "starttls", "anna", "s3cret-pw",
                                      timeout=5)  # fmt: skip
            with pytest.raises(MailboxError) as info:
                Mailbox.connect(settings)
        finally:
            server.close()
        assert not isinstance(info.value, LoginError)
        assert ("no STARTTLS" in str(info.value)) is not offer
        sent = b"".join(server.received)
        assert b"LOGIN" not in sent.upper() and b"s3cret-pw" not in sent

    def test_auth_method_is_checked_when_built(self) -> None:
        """ServerSettings refuses an auth method it does not know."""
        with pytest.raises(ValueError, match="auth"):
            ServerSettings("h", 993, "ssl", "u", "p", auth="cram-md5")  # type: ignore[arg-type]
