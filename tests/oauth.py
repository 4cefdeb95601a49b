"""A tiny OAuth2 world for tests: a token issuer command and an RFC 7662 introspection endpoint.

``TokenIssuer`` keeps one file per user holding that user's only valid access token. Its
``command(user)`` is a shell command (for ``oauth2_token_cmd``) that mints a new token on
every run, which invalidates the one before: the way a refreshed access token replaces an
expired one. ``Introspection`` is an ``http.server`` on 127.0.0.1 that Dovecot's ``oauth2``
passdb POSTs ``token=...`` to; it answers ``{"active": true, "username": ...}`` for a
user's current token and ``{"active": false}`` for anything else, and counts the calls.

Run as a script (``python oauth.py STATE_DIR USER``) this file is the issuer command.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shlex
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from dovecot import Dovecot

HOST = "127.0.0.1"


class TokenIssuer:
    """Mints access tokens; only the latest one per user is valid."""

    def __init__(self, state: Path) -> None:
        self.state = state
        state.mkdir(parents=True, exist_ok=True)

    def command(self, user: str) -> str:
        """The shell command that prints a fresh token for user (and revokes the old one)."""
        return shlex.join([sys.executable, str(Path(__file__).resolve()), str(self.state), user])

    def issue(self, user: str) -> str:
        return issue(self.state, user)

    def current(self, user: str) -> str | None:
        try:
            return (self.state / user).read_text().strip() or None
        except FileNotFoundError:
            return None

    def user_of(self, token: str) -> str | None:
        """The user whose current token this is, or None (unknown, revoked or expired)."""
        for entry in self.state.iterdir():
            if entry.read_text().strip() == token:
                return entry.name
        return None


def issue(state: Path, user: str) -> str:
    token = f"ya29.{secrets.token_urlsafe(24)}"
    tmp = state / f".{user}.tmp"
    tmp.write_text(token + "\n")
    os.replace(tmp, state / user)  # atomic: the endpoint never reads half a token
    return token


class Introspection:
    """An introspection endpoint on a free loopback port, in a daemon thread."""

    def __init__(self, issuer: TokenIssuer) -> None:
        self.issuer = issuer
        self.calls: list[tuple[str, bool]] = []  # (token, active) per request
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode("ascii", "replace"))
                token = form.get("token", [""])[0]
                user = outer.issuer.user_of(token) if token else None
                outer.calls.append((token, user is not None))
                body = {"active": True, "username": user} if user else {"active": False}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output quiet

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self._server.server_address[1]}/introspect"

    def __enter__(self) -> Introspection:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@contextlib.contextmanager
def oauth2_dovecot(state: Path) -> Iterator[tuple[Dovecot, TokenIssuer, Introspection]]:
    """A Dovecot whose oauth2 passdb asks a fresh endpoint about tokens from a fresh issuer."""
    from dovecot import Dovecot, start_or_skip  # noqa: PLC0415 - the issuer script stays light

    issuer = TokenIssuer(state)
    with Introspection(issuer) as endpoint:
        server = start_or_skip(Dovecot(oauth2_introspection_url=endpoint.url))
        try:
            yield server, issuer, endpoint
        finally:
            server.close()


if __name__ == "__main__":
    print(issue(Path(sys.argv[1]), sys.argv[2]))
