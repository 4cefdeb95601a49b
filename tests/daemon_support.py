"""Helpers for the daemon and fault tests: env config, a daemon subprocess, mail, checks.

The daemon under test is the real thing, ``python -m responder --json-log run``, started in
a temp directory (so no repo config or .env leaks in) with its whole configuration in
RESPONDER_* variables pointing at the test Dovecot (directly, or through ``TcpProxy``).
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from dovecot import Account

from responder.config import Settings, load_settings
from responder.demo import freshen, samples

ME = "ingrid@solberg.example"
INVITATIONS = ("01-en-coffee.eml", "02-de-kaffee-sie.eml", "03-nb-lunsj.eml", "04-de-du-call.eml")
DEADLINE = 30.0  # generous: the assertions are about outcomes, never about speed


def env_for(
    account: Account,
    tmp: Path,
    *,
    port: int | None = None,
    security: str = "plain",
    **extra: str,
) -> dict[str, str]:
    """RESPONDER_* variables for account (plain IMAP on loopback unless told otherwise)."""
    contacts = tmp / "contacts.toml"
    contacts.write_text('[tiers]\nclient = ["@kunde-gmbh.example"]\n', encoding="utf-8")
    if port is None:
        port = account.imaps_port if security == "ssl" else account.imap_port
    env = {
        "RESPONDER_IMAP_HOST": account.host,
        "RESPONDER_IMAP_PORT": str(port),
        "RESPONDER_IMAP_SECURITY": security,
        "RESPONDER_IMAP_USER": account.user,
        "RESPONDER_IMAP_PASSWORD": account.password,
        "RESPONDER_IMAP_TIMEOUT": "5",
        "RESPONDER_IDENTITY_NAME": "Ingrid Solberg",
        "RESPONDER_IDENTITY_EMAIL": ME,
        "RESPONDER_CONTACTS": str(contacts),
        "RESPONDER_STATE_DIR": str(tmp / "state"),
        "RESPONDER_KEY_FILE": str(tmp / "key" / "draft.key"),
        "RESPONDER_TIMEZONE": "Europe/Oslo",
        "RESPONDER_POLL_SECONDS": "3600",  # only IDLE and the start-up pass find mail
        "RESPONDER_IDLE_RENEW_SECONDS": "60",
        "RESPONDER_DAILY_CAP": "0",  # the fault runs draft more than a day's default cap
    }
    if security == "ssl" and account.ca_file is not None:
        env["RESPONDER_IMAP_CA_FILE"] = str(account.ca_file)
    env.update(extra)
    return env


def settings_for(env: dict[str, str], tmp: Path) -> Settings:
    return load_settings(tmp / "absent.toml", environ=env, read_dotenv=False, allow_missing=True)


# -- mail -------------------------------------------------------------------------------


@dataclass
class Mailbag:
    """Mail put into INBOX by a test, and which of it are invitations (by Message-ID)."""

    invitations: set[str] = field(default_factory=set)
    others: set[str] = field(default_factory=set)

    def deliver(
        self, account: Account, tag: str, *, only: tuple[str, ...] = (), folder: str = "INBOX"
    ) -> None:
        """APPEND every demo sample (or only those named) with Message-IDs unique to tag."""
        now = datetime.now(UTC)
        for name, raw in samples():
            if only and name not in only:
                continue
            unique = _retag(raw, tag)
            msg = email.message_from_bytes(unique, policy=email.policy.compat32)
            mid = " ".join(str(msg["Message-ID"]).split())
            (self.invitations if name in INVITATIONS else self.others).add(mid)
            when = now - timedelta(minutes=1)
            account.append(freshen(unique, when), when=when, folder=folder)


def _retag(raw: bytes, tag: str) -> bytes:
    """The sample with its Message-ID made unique (<demo-01-…> → <demo-01-…-tag…>)."""
    head, sep, body = raw.partition(b"\n\n")
    lines = head.split(b"\n")
    for i, line in enumerate(lines):
        if line.lower().startswith(b"message-id:"):
            lines[i] = line.replace(b"@", f".{tag}@".encode(), 1)
    return b"\n".join(lines) + sep + body


def draft_counts(account: Account) -> Counter[str]:
    """How many drafts answer each Message-ID (by In-Reply-To)."""
    counts: Counter[str] = Counter()
    for stored in account.messages("Drafts"):
        msg = email.message_from_bytes(stored.raw, policy=email.policy.compat32)
        counts[" ".join(str(msg["In-Reply-To"]).split())] += 1
    return counts


def exactly_once(account: Account, bag: Mailbag) -> tuple[bool, str]:
    """(every invitation has exactly one draft and nothing else has any, what is wrong)."""
    counts = draft_counts(account)
    missing = sorted(m for m in bag.invitations if counts[m] == 0)
    doubled = sorted(m for m in bag.invitations if counts[m] > 1)
    stray = sorted(m for m in counts if m not in bag.invitations)
    ok = not (missing or doubled or stray)
    return ok, f"missing={missing} doubled={doubled} stray={stray}"


def wait_for(predicate: Callable[[], bool], timeout: float = DEADLINE, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def all_drafted(account: Account, bag: Mailbag, timeout: float = DEADLINE) -> None:
    """Wait until exactly-once holds, then assert it (the message says what is wrong)."""
    wait_for(lambda: exactly_once(account, bag)[0], timeout, step=0.2)
    ok, detail = exactly_once(account, bag)
    assert ok, detail


# -- the daemon as a subprocess -----------------------------------------------------------


def responder_cli(
    env: dict[str, str], workdir: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """Run a responder command the way a user (or Docker's HEALTHCHECK) does."""
    full = {"PATH": os.environ.get("PATH", ""), "HOME": str(workdir), **env}
    return subprocess.run(
        [sys.executable, "-m", "responder", *args],
        cwd=workdir, env=full, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


class DaemonProcess:
    """``python -m responder --json-log run`` in a temp dir; its log is JSON lines."""

    def __init__(self, env: dict[str, str], workdir: Path, *, fault: str | None = None):
        self.workdir = workdir
        self.log_path = workdir / f"daemon-{time.monotonic_ns()}.log"
        full = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(workdir),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        if fault:
            full["RESPONDER_TEST_FAULT"] = fault
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "responder", "--json-log", "run"],
                cwd=workdir, env=full, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.proc.pid

    def events(self) -> list[dict[str, Any]]:
        out = []
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                out.append(json.loads(line))
        return out

    def names(self) -> list[str]:
        return [str(e.get("event")) for e in self.events()]

    def wait_event(self, name: str, timeout: float = DEADLINE, count: int = 1) -> bool:
        return wait_for(lambda: self.names().count(name) >= count or not self.alive, timeout)

    def ready(self, watchers: int = 1) -> bool:
        """IDLE is up and the start-up pass is done. On fresh state that pass records where
        it starts, so mail delivered before it ends would count as old: wait for both."""
        return self.wait_event("idle_watching", count=watchers) and self.wait_event("pass_done")

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def signal(self, sig: signal.Signals) -> None:
        if self.alive:
            self.proc.send_signal(sig)

    def kill(self) -> None:
        if self.alive:
            self.proc.kill()
        self.proc.wait(10)

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM (once the daemon is up and has its handlers) and wait; the exit status."""
        self.wait_event("running")
        self.signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def daemon(
    env: dict[str, str], workdir: Path, *, fault: str | None = None
) -> Iterator[DaemonProcess]:
    proc = DaemonProcess(env, workdir, fault=fault)
    try:
        yield proc
    except BaseException:
        print(f"--- {proc.log_path.name} (pid {proc.pid}) ---\n{proc.log_text()[-30000:]}")
        raise
    finally:
        if proc.alive:
            proc.kill()
