"""A private Dovecot (and a pymap) on 127.0.0.1 for integration tests.

``Dovecot`` writes a self-contained configuration into a short temporary directory (unix
sockets are limited to 108 bytes), starts ``dovecot -F`` as a child in a process group of
its own (master.pid is checked against it) and stops that group. ``stop()``/``start()`` or
``restart()`` bring it back on the same ports with the same users and Maildirs, so fault
tests can cut the server off mid-pass. ``add_user()`` gives each test its own account, so
one server serves a whole session. Start ~0.15 s (certificates included), stop ~0.1 s.

``Account`` bundles a user's credentials with small imapclient-based helpers to put mail in
(``append``), look at it (``messages``) and build ``ServerSettings`` for the code under test.
"""

from __future__ import annotations

import contextlib
import ctypes
import email
import email.policy
import grp
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from pathlib import Path
from typing import Literal, NoReturn

import pytest
from imapclient import IMAPClient
from pki import ServerPki, make_server_pki

from responder.mailbox import ServerSettings

HOST = "127.0.0.1"
SPECIAL_FOLDERS = (("Drafts", "\\Drafts"), ("Sent", "\\Sent"), ("Junk", "\\Junk"),
                   ("Trash", "\\Trash"))  # fmt: skip


class ServerUnavailable(RuntimeError):
    """The server program is not installed or did not come up; the message says which."""


def skip_or_fail(reason: str) -> NoReturn:
    """Skip the test, or fail it when CI is set: CI must never pass by skipping."""
    if os.environ.get("CI"):
        pytest.fail(f"integration tests cannot be skipped under CI: {reason}")
    pytest.skip(reason)


def start_or_skip(server: Dovecot) -> Dovecot:
    """Start server; skip_or_fail when Dovecot is unavailable."""
    try:
        server.start()
    except ServerUnavailable as exc:
        skip_or_fail(str(exc))
    return server


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def _signal_group(group: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, sig)


def _live_members(group: int) -> set[int]:
    """Pids of the processes in a process group that are not zombies (Linux /proc)."""
    members = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if len(fields) > 2 and fields[2] == str(group) and fields[0] != "Z":
            members.add(int(stat.parent.name))
    return members


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if the test process dies (Linux only)."""
    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def wait_for_greeting(port: int, deadline: float, proc: subprocess.Popen[bytes]) -> None:
    """Poll until port greets with '* OK' or the process exits or time runs out."""
    while True:
        if proc.poll() is not None:
            raise ServerUnavailable(f"server exited with status {proc.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1) as sock:
                if sock.recv(200).startswith(b"* OK"):
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise ServerUnavailable(f"no IMAP greeting on {HOST}:{port}")
        time.sleep(0.01)


@dataclass(frozen=True)
class StoredMessage:
    """One message as a test sees it: UID, flags, INTERNALDATE, parsed headers, raw bytes."""

    uid: int
    flags: frozenset[str]
    internaldate: datetime
    raw: bytes

    @property
    def headers(self) -> Message:
        return email.message_from_bytes(self.raw, policy=email.policy.compat32)


@dataclass(frozen=True)
class Account:
    """A user on a test server and helpers that act on its mail through imapclient."""

    host: str
    imap_port: int
    imaps_port: int | None
    ca_file: Path | None
    user: str
    password: str

    def settings(
        self, security: Literal["ssl", "starttls", "plain"] = "ssl", **overrides: object
    ) -> ServerSettings:
        """ServerSettings for this account: IMAPS with the test CA unless told otherwise."""
        port = self.imaps_port if security == "ssl" else self.imap_port
        assert port is not None, "this server has no IMAPS port"
        values: dict[str, object] = {
            "host": self.host, "port": port, "security": security, "user": self.user,
            "password": self.password, "ca_file": self.ca_file, "timeout": 10.0,
        }  # fmt: skip
        values.update(overrides)
        return ServerSettings(**values)  # type: ignore[arg-type]

    @contextlib.contextmanager
    def client(self) -> Iterator[IMAPClient]:
        """A logged-in imapclient connection (plain IMAP on loopback), logged out after."""
        imap = IMAPClient(self.host, self.imap_port, ssl=False, timeout=10)
        try:
            imap.normalise_times = False
            imap.login(self.user, self.password)
            yield imap
        finally:
            with contextlib.suppress(Exception):
                imap.logout()

    def append(
        self,
        raw: bytes,
        *,
        folder: str = "INBOX",
        flags: Sequence[str] = (),
        when: datetime | None = None,
    ) -> int:
        """APPEND raw .eml bytes with flags and INTERNALDATE; return the new UID."""
        with self.client() as imap:
            response = imap.append(folder, raw, flags=tuple(flags), msg_time=when)
        text = response.decode() if isinstance(response, bytes) else str(response)
        # "[APPENDUID <uidvalidity> <uid>] Append completed."
        return int(text.split("APPENDUID", 1)[1].split()[1].rstrip("]"))

    def create_folder(self, name: str, *, subscribe: bool = True) -> None:
        with self.client() as imap:
            imap.create_folder(name)
            if subscribe:
                imap.subscribe_folder(name)

    def folders(self) -> list[str]:
        with self.client() as imap:
            return [name for _flags, _delim, name in imap.list_folders()]

    def messages(self, folder: str = "INBOX") -> list[StoredMessage]:
        """Every message in folder, by UID, read without changing any flag."""
        with self.client() as imap:
            imap.select_folder(folder, readonly=True)
            uids = imap.search(["ALL"])
            data = imap.fetch(uids, ["FLAGS", "INTERNALDATE", "BODY.PEEK[]"]) if uids else {}
        return [
            StoredMessage(
                uid=uid,
                flags=frozenset(f.decode() for f in item[b"FLAGS"]),
                internaldate=item[b"INTERNALDATE"],
                raw=item[b"BODY[]"],
            )
            for uid, item in sorted(data.items())
        ]

    def flags(self, uid: int, folder: str = "INBOX") -> frozenset[str]:
        return next(m.flags for m in self.messages(folder) if m.uid == uid)


def _user_names() -> tuple[str, str, str, dict[str, str]]:
    """(internal user, login user, group, settings) for running as root or as anyone else."""
    if os.geteuid() == 0:

        def exists(name: str) -> bool:
            try:
                pwd.getpwnam(name)
            except KeyError:
                return False
            return True

        internal = "dovecot" if exists("dovecot") else "mail"
        login = "dovenull" if exists("dovenull") else internal
        group = grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name
        mail = pwd.getpwnam("mail")
        return internal, login, group, {
            "mail_uid": str(mail.pw_uid), "mail_gid": str(mail.pw_gid),
            "first_valid_uid": str(min(mail.pw_uid, 1)), "first_valid_gid": "1",
        }  # fmt: skip
    me = pwd.getpwuid(os.getuid())
    group = grp.getgrgid(os.getgid()).gr_name
    return me.pw_name, me.pw_name, group, {
        "mail_uid": str(me.pw_uid), "mail_gid": str(os.getgid()),
        "first_valid_uid": str(min(me.pw_uid, 1)), "first_valid_gid": str(min(os.getgid(), 1)),
    }  # fmt: skip


class Dovecot:
    """A private Dovecot on 127.0.0.1: plain IMAP (with STARTTLS) and IMAPS on free ports.

    Use as a context manager, or call start()/close(). ``special_use=False`` leaves the
    namespace bare (INBOX only, no SPECIAL-USE attributes) for name-fallback tests.
    ``capabilities`` replaces the advertised CAPABILITY list (Dovecot's ``imap_capability``)
    to play a server without IDLE, UIDPLUS, NAMESPACE or SPECIAL-USE.
    ``oauth2_introspection_url`` adds an ``oauth2`` passdb for AUTH=XOAUTH2 and
    AUTH=OAUTHBEARER that checks each token by an RFC 7662 POST to that URL (username in
    ``username``, ``active`` true); passwords keep working through the passwd-file.
    """

    host = HOST

    def __init__(
        self,
        *,
        special_use: bool = True,
        plaintext_auth: bool = True,
        binary: str | None = None,
        start_timeout: float = 10.0,
        capabilities: str | None = None,
        oauth2_introspection_url: str | None = None,
    ) -> None:
        self.special_use = special_use
        self.plaintext_auth = plaintext_auth
        self.capabilities = capabilities
        self.oauth2_introspection_url = oauth2_introspection_url
        self.binary = binary or shutil.which("dovecot") or "/usr/sbin/dovecot"
        self.start_timeout = start_timeout
        self.dir: Path | None = None
        self.pki: ServerPki | None = None
        self.imap_port = 0
        self.imaps_port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._users = 0

    # --- life cycle -------------------------------------------------------------------
    def __enter__(self) -> Dovecot:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """Start the server (first call: make its directory, certificate and ports)."""
        if self.running:
            return
        if not Path(self.binary).is_file() or not os.access(self.binary, os.X_OK):
            raise ServerUnavailable(
                f"dovecot is not installed ({self.binary} not found): apt-get install dovecot-imapd"
            )
        first = self.dir is None
        try:
            if first:
                self._prepare()
            self._launch()
        except BaseException:
            if first:
                self.close()
            else:
                self.stop()  # keep the mail and the log of a failed restart
            raise

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server and every process it forked; its ports are free on return.

        Dovecot runs in a process group of its own (its pid is the group id). On SIGTERM
        the master leaves busy imap/imap-login processes serving their clients and then
        idles ~1 s for its log process, so: SIGTERM to the master, SIGTERM to the group,
        wait until no child is left, SIGKILL the master if it is still waiting. Clients
        see "* BYE Server shutting down" or EOF, as in a real restart. ~0.15 s.
        """
        proc, self._proc = self._proc, None
        if proc is None:
            return
        group = proc.pid
        deadline = time.monotonic() + timeout
        proc.send_signal(signal.SIGTERM)  # the master first: it stops its services in order
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(0.1)
        _signal_group(group, signal.SIGTERM)
        while _live_members(group) - {group} and time.monotonic() < deadline:
            time.sleep(0.01)
        for pid in _live_members(group) - {group}:  # did not obey SIGTERM in time
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout)
        while not (_port_free(self.imap_port) and _port_free(self.imaps_port)):
            if time.monotonic() > deadline + timeout:
                raise RuntimeError("something still holds dovecot's IMAP ports")
            time.sleep(0.01)

    def restart(self) -> None:
        """Stop and start again on the same ports with the same users and mail."""
        self.stop()
        self.start()

    def close(self) -> None:
        """Stop the server and delete its directory."""
        try:
            self.stop()
        finally:
            if self.dir is not None:
                shutil.rmtree(self.dir, ignore_errors=True)
                self.dir = None

    # --- users, logs ------------------------------------------------------------------
    def add_user(self, user: str | None = None, password: str | None = None) -> Account:
        """Add a user to the passwd-file (Dovecot re-reads it) and return its Account."""
        assert self.dir is not None, "start() the server first"
        self._users += 1
        user = user or f"u{self._users}-{os.urandom(3).hex()}"
        password = password or f"pw-{os.urandom(8).hex()}"
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", user) or "\n" in password:
            raise ValueError("user must be [A-Za-z0-9._-]; the password one line")
        # One passwd-file per user: Dovecot re-checks a changed passwd-file at most once a
        # second, so users appended to a single file would be unknown for up to a second.
        entry = self.dir / "users" / user
        entry.write_text(f"{user}:{{PLAIN}}{password}::::::\n")
        entry.chmod(0o644)  # the auth process reads it as the internal user
        return Account(HOST, self.imap_port, self.imaps_port, self.ca_file, user, password)

    @property
    def ca_file(self) -> Path:
        assert self.pki is not None, "start() the server first"
        return self.pki.ca_cert

    def log_text(self) -> str:
        """Dovecot's log and whatever it wrote to stdout/stderr, for debugging."""
        if self.dir is None:
            return ""
        parts = []
        for name in ("stdout.log", "dovecot.log"):
            with contextlib.suppress(OSError):
                parts.append(f"--- {name} ---\n" + (self.dir / name).read_text("utf-8", "replace"))
        return "\n".join(parts)

    # --- internals --------------------------------------------------------------------
    def _prepare(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="dv", dir="/tmp"))
        self.dir.chmod(0o711)  # mail processes run as an unprivileged user and need o+x
        self.pki = make_server_pki(self.dir)
        self.imap_port, self.imaps_port = free_port(), free_port()
        while self.imaps_port == self.imap_port:
            self.imaps_port = free_port()
        (self.dir / "users").mkdir(mode=0o755)
        mail = self.dir / "mail"
        mail.mkdir()
        if os.geteuid() == 0:
            entry = pwd.getpwnam("mail")
            os.chown(mail, entry.pw_uid, entry.pw_gid)
        (self.dir / "dovecot.conf").write_text(self._config())

    def _config(self) -> str:
        assert self.dir is not None and self.pki is not None
        d = self.dir
        internal, login, group, ids = _user_names()
        mailboxes = "".join(
            f"  mailbox {name} {{\n    special_use = {flag}\n    auto = subscribe\n  }}\n"
            for name, flag in SPECIAL_FOLDERS
        ) if self.special_use else ""  # fmt: skip
        mechanisms = "plain login"
        oauth2 = ""
        if self.oauth2_introspection_url is not None:
            mechanisms += " xoauth2 oauthbearer"
            (d / "oauth2.conf.ext").write_text(
                f"introspection_url = {self.oauth2_introspection_url}\n"
                "introspection_mode = post\nusername_attribute = username\n"
                "active_attribute = active\nactive_value = true\n"
            )
            oauth2 = (
                f"passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
                f"  args = {d}/oauth2.conf.ext\n}}\n"
            )
        capability = (
            f"imap_capability = {self.capabilities}\n"
            f"protocol imap {{\n  imap_capability = {self.capabilities}\n}}\n"
        ) if self.capabilities is not None else ""  # fmt: skip
        return f"""# written by tests/dovecot.py; self-contained, no include of /etc/dovecot
base_dir = {d}/run
state_dir = {d}/state
instance_name = dovecot-{d.name}
log_path = {d}/dovecot.log
protocols = imap
listen = {HOST}
ssl = yes
ssl_cert = <{self.pki.cert}
ssl_key = <{self.pki.key}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = {"no" if self.plaintext_auth else "yes"}
auth_mechanisms = {mechanisms}
auth_failure_delay = 0  # a refused login still takes ~0.5 s
auth_verbose = yes
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
mail_uid = {ids["mail_uid"]}
mail_gid = {ids["mail_gid"]}
first_valid_uid = {ids["first_valid_uid"]}
first_valid_gid = {ids["first_valid_gid"]}
mail_location = maildir:~/Maildir
mail_fsync = never
mail_max_userip_connections = 50
shutdown_clients = yes
{oauth2}passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {d}/users/%u
}}
userdb {{
  driver = static
  args = home={d}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
{mailboxes}}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {HOST}
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = {HOST}
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0  # no growing delay (up to 15 s) after failed logins from 127.0.0.1
  }}
}}
{capability}"""

    def _launch(self) -> None:
        assert self.dir is not None
        conf = self.dir / "dovecot.conf"
        with (self.dir / "stdout.log").open("ab") as out:
            self._proc = subprocess.Popen(
                [self.binary, "-F", "-c", str(conf)],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so stop() finds every child
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
            )  # fmt: skip
        try:
            wait_for_greeting(self.imap_port, time.monotonic() + self.start_timeout, self._proc)
        except ServerUnavailable as exc:
            log = self.log_text()
            self.stop()
            raise ServerUnavailable(f"dovecot did not start: {exc}\n{log}") from None
        master_pid = (self.dir / "run" / "master.pid").read_text().strip()
        assert master_pid == str(self._proc.pid), "master.pid is not the process started"


class Pymap:
    """pymap's in-memory ``dict`` backend on 127.0.0.1: no SPECIAL-USE, no NAMESPACE.

    Its demo user starts with INBOX only (``--demo-data`` would add INBOX, Sent and Trash
    with sample mail); there is no Drafts folder until a client creates one. STARTTLS is
    advertised but fails without ``--cert``/``--key``.
    """

    host = HOST

    def __init__(self, user: str = "demo", password: str = "demopass") -> None:  # noqa: S107
        self.user, self.password = user, password
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Path | None = None

    def __enter__(self) -> Pymap:
        binary = Path(sys.executable).with_name("pymap")
        if not binary.exists():
            raise ServerUnavailable(f"pymap is not installed ({binary})")
        self.port = free_port()
        fd, log = tempfile.mkstemp(prefix="pymap", suffix=".log")
        self._log = Path(log)
        with os.fdopen(fd, "wb") as out:
            self._proc = subprocess.Popen(
                [str(binary), "--host", HOST, "--port", str(self.port), "dict",
                 "--demo-user", self.user, "--demo-password", self.password],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            wait_for_greeting(self.port, time.monotonic() + 20, self._proc)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None
        if self._log is not None:
            self._log.unlink(missing_ok=True)

    @property
    def account(self) -> Account:
        return Account(HOST, self.port, None, None, self.user, self.password)


def verified_context(ca_file: Path) -> ssl.SSLContext:
    """An SSL context that trusts only the test CA (for raw imapclient use in tests)."""
    return ssl.create_default_context(cafile=str(ca_file))
