"""Benchmarks 3 and 4: new-mail latency and the idle cost of `responder run`.

Both start real `responder run` daemons (``python -m responder run``, configured through
RESPONDER_* variables, in an empty working directory so no .env or config file leaks in)
against a private Dovecot, and stop them with SIGTERM (by the pid they were started with).

Latency: after the daemon's first pass, wait a random part of the poll interval, APPEND an
invitation, and time until the Drafts folder holds one more message (STATUS polled every
20 ms on a separate connection). IDLE mode runs only when the configuration has an option
whose key mentions ``idle``; otherwise that row says "n/a: no IDLE yet".

Idle cost: three daemons (one per account: responder's configuration holds one account),
CPU seconds from /proc/PID/stat and RSS from /proc/PID/status over the period after each
finished its first pass, and the TCP connections each holds to the server.
"""

from __future__ import annotations

import contextlib
import imaplib
import inspect
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from contenders import bench_env
from mailgen import ME, ME_NAME
from server import Account, Dovecot

from responder import config, scheduler

TICKS = os.sysconf("SC_CLK_TCK")


def idle_option() -> config.Option | None:
    """The option that switches IDLE, once both the configuration and the daemon have it."""
    if "idle" not in inspect.getsource(scheduler).lower():
        return None
    return next((o for o in config.OPTIONS if o.key.lower() == "idle" and o.env), None)


def multi_account() -> bool:
    """Whether one `responder run` serves every [[accounts]] table."""
    return hasattr(config, "ACCOUNT_KEYS") and "accounts" in inspect.getsource(scheduler)


def _env(account: Account, tmp: Path, poll: int, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RESPONDER_")}
    env.update(
        {
            "RESPONDER_IMAP_HOST": account.host,
            "RESPONDER_IMAP_PORT": str(account.imap_port),
            "RESPONDER_IMAP_SECURITY": "plain",
            "RESPONDER_IMAP_USER": account.user,
            "RESPONDER_IMAP_PASSWORD": account.password,
            "RESPONDER_IDENTITY_NAME": ME_NAME,
            "RESPONDER_IDENTITY_EMAIL": ME,
            "RESPONDER_STATE_DIR": str(tmp / "state"),
            "RESPONDER_KEY_FILE": str(tmp / "key" / "draft.key"),
            "RESPONDER_POLL_SECONDS": str(poll),
            "RESPONDER_TIMEZONE": "UTC",
            **bench_env(),
            **extra,
        }
    )
    return env


def _accounts_toml(accounts: list[Account], path: Path) -> None:
    """A config whose [[accounts]] tables hold every account after the first (mode 0600)."""
    tables = "".join(
        f'[[accounts]]\nname = "acct{i}"\nhost = "{a.host}"\nport = {a.imap_port}\n'
        f'security = "plain"\nuser = "{a.user}"\npassword = "{a.password}"\n\n'
        for i, a in enumerate(accounts[1:], start=2)
    )
    path.touch(mode=0o600)
    path.write_text(tables)


class Daemon:
    """`responder run` in a child process, started after a `responder once` with the same
    settings has recorded where each folder starts, so any mail APPENDed later is new to it.
    ``ready`` is set once the daemon says it runs and, with IDLE on, every account IDLEs
    (``idle_watching``); polling daemons get 3 s for their first pass.

    With several accounts, the first is given through RESPONDER_IMAP_*, the others as
    [[accounts]] tables of a config file (only where one daemon serves several accounts).
    """

    def __init__(self, accounts: list[Account], poll: int, extra: dict[str, str]) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="rd"))
        self.ready = threading.Event()
        self.idle = extra.get("RESPONDER_IDLE", "true") == "true" and idle_option() is not None
        self.accounts = len(accounts)
        self.tail: list[str] = []
        command = [sys.executable, "-m", "responder"]
        if len(accounts) > 1:
            _accounts_toml(accounts, self.tmp / "responder.toml")
            command += ["--config", str(self.tmp / "responder.toml")]
        env = _env(accounts[0], self.tmp, poll, extra)
        subprocess.run([*command, "once"], cwd=self.tmp, env=env, check=True, capture_output=True)
        self.proc = subprocess.Popen(
            [*command, "run"],
            cwd=self.tmp,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        assert self.proc.stderr is not None
        watching = 0
        for line in self.proc.stderr:
            self.tail = [*self.tail[-30:], line.decode(errors="replace")]
            if b'"running"' in line and not self.idle:
                time.sleep(3)
                self.ready.set()
            if b'"idle_watching"' in line:
                watching += 1
                if watching >= self.accounts:
                    self.ready.set()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime

    def memory_mb(self) -> tuple[float, float]:
        """(current RSS, peak RSS) in MB."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        get = lambda key: int(re.search(rf"^{key}:\s+(\d+)", status, re.M).group(1)) / 1024  # type: ignore[union-attr]  # noqa: E731
        return get("VmRSS"), get("VmHWM")

    def connections(self, port: int) -> int:
        """TCP connections this process holds to the server's port (Linux /proc)."""
        inodes = set()
        for fd in Path(f"/proc/{self.proc.pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        count = 0
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with contextlib.suppress(OSError):
                for line in Path(table).read_text().splitlines()[1:]:
                    cols = line.split()
                    if int(cols[2].rsplit(":", 1)[1], 16) == port and cols[9] in inodes:
                        count += 1
        return count


@contextlib.contextmanager
def daemons(accounts: list[Account], poll: int, extra: dict[str, str]) -> Iterator[list[Daemon]]:
    """One daemon for all accounts where responder can, else one daemon per account."""
    groups = [accounts] if multi_account() else [[a] for a in accounts]
    started = [Daemon(group, poll, extra) for group in groups]
    try:
        for d in started:
            if not d.ready.wait(60):
                raise RuntimeError("responder run was not ready in 60 s:\n" + "".join(d.tail))
        yield started
    finally:
        for d in started:
            d.stop()


def invitation(i: int) -> bytes:
    now = datetime.now(UTC)
    return (
        f"Return-Path: <tom.berg{i}@fjordtech.example>\r\n"
        f"From: Tom Berg <tom.berg{i}@fjordtech.example>\r\nTo: {ME_NAME} <{ME}>\r\n"
        f"Subject: Coffee next week?\r\nDate: {format_datetime(now)}\r\n"
        f"Message-ID: <lat-{i}-{os.urandom(4).hex()}@fjordtech.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Hi Ingrid,\r\n\r\nWould you like to grab a coffee next Tuesday? I would love to "
        "hear how the new office is going.\r\n\r\nTom\r\n"
    ).encode()


class NoDraft(RuntimeError):
    """The daemon made no draft for an invitation in time (it logs why)."""


def _drafts(imap: imaplib.IMAP4) -> int:
    _typ, data = imap.status("Drafts", "(MESSAGES)")
    return int(re.search(rb"MESSAGES (\d+)", data[0]).group(1))  # type: ignore[index,union-attr]


def latency(
    server: Dovecot, mails: int, poll: int, extra: dict[str, str], phase: float
) -> list[float]:
    account = server.add_user()
    watcher = imaplib.IMAP4(account.host, account.imap_port)
    watcher.login(account.user, account.password)
    out = []
    try:
        with daemons([account], poll, extra):
            for i in range(mails):
                time.sleep(random.uniform(0, phase))  # noqa: S311 - a random phase, not a secret
                before = _drafts(watcher)
                start = time.monotonic()
                account.append(invitation(i))
                while _drafts(watcher) == before:
                    if time.monotonic() - start > 2 * poll + 30:
                        raise NoDraft(f"no draft {2 * poll + 30}s after APPEND of mail {i + 1}")
                    time.sleep(0.02)
                out.append(time.monotonic() - start)
    finally:
        watcher.logout()
    return out


def run_latency(mails: int, poll: int, log: Any) -> list[dict[str, Any]]:
    option = idle_option()
    rows = []
    with Dovecot() as server:
        modes: list[tuple[str, dict[str, str] | None, float]] = [
            ("IDLE", {option.env: "true"} if option and option.env else None, 2.0),
            (
                f"polling every {poll}s",
                {option.env: "false"} if option and option.env else {},
                float(poll),
            ),
        ]
        for label, extra, phase in modes:
            if extra is None:
                rows.append(
                    {
                        "mode": label,
                        "mails": 0,
                        "median_s": None,
                        "p95_s": None,
                        "note": "n/a: no IDLE yet",
                    }
                )
                continue
            try:
                times = latency(server, mails, poll, extra, phase)
            except NoDraft as exc:
                rows.append({"mode": label, "mails": 0, "note": f"failed: {exc}"})
                continue
            log(f"latency {label}: " + ", ".join(f"{t:.2f}" for t in times))
            p95 = (
                statistics.quantiles(times, n=20, method="inclusive")[-1]
                if len(times) >= 2
                else times[0]
            )
            rows.append(
                {
                    "mode": label,
                    "mails": len(times),
                    "median_s": statistics.median(times),
                    "p95_s": p95,
                    "note": "",
                }
            )
    return rows


def run_idle(seconds: float, accounts: int, log: Any) -> list[dict[str, Any]]:
    option = idle_option()
    extra = {option.env: "true"} if option and option.env else {}
    mode = "IDLE" if extra else "polling every 300s (no IDLE yet)"
    with Dovecot() as server:
        users = [server.add_user() for _ in range(accounts)]
        with daemons(users, 300, extra) as running:
            time.sleep(2)  # let the first pass's allocations settle
            cpu0 = [d.cpu_seconds() for d in running]
            log(f"idle: {accounts} daemons up; measuring {seconds:.0f}s")
            time.sleep(seconds)
            cpu = [d.cpu_seconds() - c for d, c in zip(running, cpu0, strict=True)]
            mem = [d.memory_mb() for d in running]
            conns = [d.connections(server.imap_port) / (accounts // len(running)) for d in running]
    total = sum(cpu)
    return [
        {
            "mode": mode,
            "accounts": accounts,
            "daemons": len(running),
            "period_s": seconds,
            "cpu_s": total,
            "core_pct": 100 * total / seconds,
            "rss_mb": sum(m[0] for m in mem),
            "peak_rss_mb_each": max(m[1] for m in mem),
            "connections_per_account": max(conns),
        }
    ]
