"""`responder run`: every account's passes on APScheduler, until SIGTERM/SIGINT.

One ``AccountRunner`` per account (see accounts.py): an interval job with
``max_instances=1`` and ``coalesce=True`` — a slow pass is never overlapped by the next,
and passes missed while the machine slept run once, not in a burst — plus IDLE watchers
that wake the job within a second of new mail.

Shutdown: the first signal sets the stop flag and shuts the IDLE sockets down; each pass
finishes the message in hand (every message is committed on its own) and returns. A pass
still busy after ``GRACE`` seconds (a server that stopped answering) has its socket cut:
the message in hand is then not committed and is redone next time, which the Drafts check
makes safe. The daemon exits 0 well inside Docker's 10 s. A second signal exits at once
(128 + the signal's number); SQLite rolls back whatever was not committed.

The daemon also watches its config file and ``.env``: when one changes, an account stopped
by a refused login is tried again with the new settings (other changes need a restart).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from types import FrameType

import structlog
from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from responder.accounts import AccountRunner
from responder.config import Settings, require_account
from responder.errors import ResponderError
from responder.health import HealthFile
from responder.metrics import Metrics, Prometheus
from responder.state import State

log = structlog.get_logger("responder.scheduler")
GRACE = 5.0  # seconds a pass gets to finish its message after the first signal
CUT_GRACE = 2.0  # seconds after cutting the sockets of passes that did not finish
WATCH_SECONDS = 2.0  # how often the config files are looked at

Reload = Callable[[], Settings]


class Daemon:
    """Every account's runner, the scheduler, metrics and the health file."""

    def __init__(
        self,
        settings: Settings,
        *,
        reload: Reload | None = None,
        watch: tuple[Path, ...] = (),
    ) -> None:
        self.settings = settings
        self.stop = threading.Event()
        self.reload = reload
        self._mtimes = {p: _mtime(p) for p in watch}
        self.health = HealthFile(settings.state_dir)
        self.metrics: Metrics = Metrics()
        self.runners: list[AccountRunner] = []
        self.scheduler: BackgroundScheduler | None = None

    def start(self) -> None:
        """Check everything that can be checked before the first pass, then start."""
        accounts = self.settings.accounts or (self.settings.account,)
        for acct in accounts:
            require_account(self.settings.for_account(acct))
        with State.in_dir(self.settings.state_dir) as state:  # a broken file fails here
            if state.backup is not None:
                log.info("state_migrated", backup=str(state.backup))
        if self.settings.metrics_port:
            prom = Prometheus()
            prom.serve(self.settings.metrics_address, self.settings.metrics_port)
            self.metrics = prom
            log.info(
                "metrics_serving",
                address=self.settings.metrics_address,
                port=self.settings.metrics_port,
            )
        self.runners = [
            AccountRunner(
                self.settings.for_account(acct),
                stop=self.stop,
                health=self.health,
                metrics=self.metrics,
            )
            for acct in accounts
        ]
        self.health.start()
        # APScheduler's own warnings ("skipped: maximum number of running instances") are
        # expected here (IDLE wake-ups during a pass) and handled; keep them out of the log.
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=len(self.runners) + 1)},
        )
        self.scheduler.add_listener(self._skipped, EVENT_JOB_MAX_INSTANCES)
        for runner in self.runners:
            runner.start(self.scheduler)
        self.scheduler.start()
        log.info("running", accounts=[r.name for r in self.runners], pid=os.getpid())

    def _skipped(self, event: JobExecutionEvent) -> None:
        for runner in self.runners:
            if runner.job_id == event.job_id:
                runner.skipped_while_running()

    def request_stop(self) -> None:
        """Safe from a signal handler: set the flag, shut IDLE sockets down."""
        self.stop.set()
        for runner in self.runners:
            runner.interrupt()

    def wait(self) -> None:
        """Until stop: look at the config files now and then."""
        while not self.stop.wait(WATCH_SECONDS):
            self._watch_config()

    def shutdown(self) -> bool:
        """Let passes finish the message in hand; True when every pass ended by itself."""
        self.request_stop()
        clean = _wait_until(lambda: not any(r.running for r in self.runners), GRACE)
        if not clean:
            busy = [r.name for r in self.runners if r.running]
            log.warning("shutdown_cutting", accounts=busy, hint="a pass did not finish in time")
            for runner in self.runners:
                if runner.running:
                    runner.interrupt_pass()
            _wait_until(lambda: not any(r.running for r in self.runners), CUT_GRACE)
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        for runner in self.runners:
            runner.close()
        self.metrics.close()
        return clean

    def _watch_config(self) -> None:
        changed = [p for p, m in self._mtimes.items() if _mtime(p) != m]
        if not changed or self.reload is None:
            return
        self._mtimes = {p: _mtime(p) for p in self._mtimes}
        try:
            fresh = self.reload()
        except ResponderError as exc:
            log.error("config_reload_failed", error=str(exc), files=[str(p) for p in changed])
            return
        blocked = [r for r in self.runners if r.login_blocked]
        log.info(
            "config_changed",
            files=[str(p) for p in changed],
            retrying=[r.name for r in blocked],
            hint="only accounts stopped by a refused login pick it up; restart for the rest",
        )
        for runner in blocked:
            for acct in fresh.accounts or (fresh.account,):
                if acct.name == runner.name:
                    runner.retry_login(fresh.for_account(acct))


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def _wait_until(done: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def run_forever(
    settings: Settings, *, reload: Reload | None = None, watch: tuple[Path, ...] = ()
) -> int:
    """Run every account until a signal; returns the exit code."""
    daemon = Daemon(settings, reload=reload, watch=watch)
    signals = {"count": 0}

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        signals["count"] += 1
        name = signal.Signals(signum).name
        if signals["count"] > 1:
            log.warning("shutdown_now", signal=name, hint="second signal: exiting at once")
            os._exit(128 + signum)
        log.info(
            "shutdown_requested",
            signal=name,
            hint="finishing the message in hand; signal again to stop at once",
        )
        daemon.request_stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        daemon.start()
        daemon.wait()
    finally:
        started = time.monotonic()
        clean = daemon.shutdown()
        log.info("stopped", clean=clean, seconds=round(time.monotonic() - started, 2))
    if any(r.running for r in daemon.runners):
        # A pass stuck where a cut cannot reach (e.g. connecting); the interpreter would wait
        # for its thread. SQLite keeps every commit and rolls back the rest: exit now.
        log.warning("shutdown_forced", hint="a pass did not end; nothing committed is lost")
        sys.stderr.flush()
        os._exit(0)
    return 0
