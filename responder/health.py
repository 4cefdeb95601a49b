"""The daemon's health signal: a small JSON file in the state directory, and its verdict.

`responder run` rewrites ``<state_dir>/health.json`` (atomically, mode 0600) after every
pass: per account the time of the last successful pass, the last failure and whether the
server refused the login. `responder health` reads it and exits non-zero when any account
is unhealthy — no successful pass in three polling intervals, or a refused login — which is
what Docker's HEALTHCHECK and monitoring scripts want. Reading the file needs no server.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from responder.config import Settings

FILE_NAME = "health.json"
MISSED_INTERVALS = 3


def now_utc() -> datetime:
    return datetime.now(UTC)


class HealthFile:
    """The writer side, shared by every account's thread."""

    def __init__(self, state_dir: Path, *, clock: Callable[[], datetime] = now_utc) -> None:
        self.path = state_dir / FILE_NAME
        self._clock = clock
        self._lock = threading.Lock()
        self._data: dict[str, Any] = {
            "pid": os.getpid(),
            "started": clock().isoformat(),
            "accounts": {},
        }

    def start(self) -> None:
        """Write the file for a daemon that just started (no pass yet)."""
        with self._lock:
            self._write()

    def update(self, account: str, **fields: Any) -> None:
        """Merge fields into the account's entry and rewrite the file."""
        with self._lock:
            entry = self._data["accounts"].setdefault(account, {})
            for key, value in fields.items():
                entry[key] = value.isoformat() if isinstance(value, datetime) else value
            self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self._data, fh, indent=1)
        os.replace(tmp, self.path)


@dataclass(frozen=True)
class Verdict:
    """One account's health, in words."""

    account: str
    healthy: bool
    detail: str


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def check(settings: Settings, *, now: datetime | None = None) -> list[Verdict]:
    """The verdict for every configured account from the health file."""
    now = now or now_utc()
    path = settings.state_dir / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        started = _time(data["started"])
        entries = data["accounts"]
        assert started is not None and isinstance(entries, dict)
    except FileNotFoundError:
        return [Verdict("-", False, f"{path} does not exist: is `responder run` running?")]
    except (OSError, ValueError, KeyError, TypeError, AssertionError):
        return [Verdict("-", False, f"{path} is unreadable: is `responder run` running?")]
    if not _alive(data.get("pid")):
        return [Verdict("-", False, f"the daemon (pid {data.get('pid')}) is not running")]
    verdicts = []
    for acct in settings.accounts or (settings.account,):
        entry = entries.get(acct.name) or {}
        limit = timedelta(seconds=MISSED_INTERVALS * acct.poll_seconds)
        last = _time(entry.get("last_success"))
        if entry.get("login_failed"):
            verdicts.append(
                Verdict(acct.name, False, f"login refused: {entry.get('error') or '?'}")
            )
        elif last is None and now - started > limit:
            error = entry.get("error")
            why = f" (last error: {error})" if error else ""
            verdicts.append(
                Verdict(acct.name, False, f"no successful pass since the start {started}{why}")
            )
        elif last is None:
            verdicts.append(Verdict(acct.name, True, "starting: no pass yet"))
        elif now - last > limit:
            error = entry.get("error")
            why = f" (last error: {error})" if error else ""
            verdicts.append(Verdict(acct.name, False, f"no successful pass since {last}{why}"))
        else:
            ago = int((now - last).total_seconds())
            verdicts.append(Verdict(acct.name, True, f"last pass ok {ago} s ago"))
    return verdicts
