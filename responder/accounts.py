"""One account inside `responder run`: its polling job, its connections, its failures.

Every account is an ``AccountRunner`` with its own APScheduler job (interval
``poll_seconds``, ``max_instances=1``, coalesced), its own pass connection, one IDLE
watcher per folder, its own backoff and its own health entry. Nothing one account does —
a refused login, a server that is down, a crash in a pass — reaches another.

How a pass is started: by the interval; by an IDLE watcher (``request``), which moves the
job's next run to now; and, when a request arrives while a pass is running, by the pass
itself, which loops once more (the ``dirty`` flag) instead of being skipped by
``max_instances``.

Failures: a network or server error drops the pass connection and retries after the
backoff (1 s, 2 s, 4 s … 5 min, jittered; one log line per retry). A refused login stops
every connection of the account, marks it unhealthy and tries again only after
``login_retry_seconds`` or when the daemon sees the config change (``retry_login``).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from responder.backoff import Backoff, Throttle
from responder.compose import Composer
from responder.config import Settings
from responder.errors import LoginError, MailboxError, StateError
from responder.health import HealthFile
from responder.idle import IdleWatcher
from responder.mailbox import Mailbox
from responder.metrics import Metrics
from responder.pipeline import Core
from responder.service import Pass, PassReport
from responder.state import State

log = structlog.get_logger("responder.accounts")
PURGE_EVERY = timedelta(hours=1)


def now_utc() -> datetime:
    return datetime.now(UTC)


class AccountRunner:
    """Schedules, runs and guards the passes of one account."""

    def __init__(
        self,
        settings: Settings,
        *,
        stop: threading.Event,
        health: HealthFile,
        metrics: Metrics,
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        self.settings = settings
        self.name = settings.account.name
        self.stop = stop
        self.health = health
        self.metrics = metrics
        self.clock = clock
        self.job_id = f"pass:{self.name}"
        self.core = Core.from_settings(settings)
        self.composer = Composer.from_settings(settings)
        self.backoff = Backoff()
        self.watchers: list[IdleWatcher] = []
        self._scheduler: Any = None
        self._lock = threading.Lock()
        self._dirty = False
        self._running = False
        self._not_before = 0.0  # monotonic: no pass before this (backoff, login delay)
        self._login_blocked = False
        self._mailbox: Mailbox | None = None
        self._mailbox_used = 0.0
        self._last_purge: datetime | None = None
        self._folders: dict[str, str] = {}  # Drafts/Sent found once, kept across passes
        self._throttle = Throttle()

    # -- set-up ---------------------------------------------------------------------------

    def start(self, scheduler: Any) -> None:
        """Add the polling job (first run now) and start the IDLE watchers."""
        self._scheduler = scheduler
        acct = self.settings.account
        scheduler.add_job(
            self.job,
            "interval",
            seconds=acct.poll_seconds,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,  # a late run (machine slept) still runs, once
            next_run_time=datetime.now(UTC),
            id=self.job_id,
        )
        if acct.idle:
            for folder in acct.folders:
                watcher = IdleWatcher(self, folder, renew=float(acct.idle_renew_seconds))
                self.watchers.append(watcher)
                watcher.start()
        log.info(
            "account_started",
            account=self.name,
            folders=list(acct.folders),
            poll_seconds=acct.poll_seconds,
            idle=acct.idle,
        )

    # -- what watchers and the daemon call ------------------------------------------------

    @property
    def login_blocked(self) -> bool:
        return self._login_blocked

    @property
    def running(self) -> bool:
        return self._running

    def connect(self) -> Mailbox:
        from responder.commands import server_settings  # noqa: PLC0415 - import cycle

        mailbox = Mailbox.connect(server_settings(self.settings))
        mailbox.keepalive()
        return mailbox

    def request(self, reason: str) -> None:
        """Run a pass as soon as possible (new mail, or a watcher (re)connected)."""
        with self._lock:
            self._dirty = True
            if self._running or self.stop.is_set() or self._login_blocked:
                return  # a running pass loops once more; a blocked account waits
            if time.monotonic() < self._not_before:
                return  # backing off: the retry already scheduled will see the new mail
        log.debug("pass_requested", account=self.name, reason=reason)
        self._schedule(0.0)

    def skipped_while_running(self) -> None:
        """APScheduler skipped a run (max_instances): run it when the pass in hand ends."""
        with self._lock:
            if self._running or not self._dirty:
                return
        self._schedule(0.1)

    def login_failed(self, exc: LoginError, where: str) -> None:
        """A refused login: stop all connections of this account for a long while."""
        delay = self.settings.login_retry_seconds
        with self._lock:
            first = not self._login_blocked
            self._login_blocked = True
            self._not_before = time.monotonic() + delay
        if first:
            log.error(
                "login_failed",
                account=self.name,
                where=where,
                error=str(exc),
                retry_in=delay,
                hint="fix the credentials; responder tries again after retry_in seconds "
                "or as soon as its config file or .env changes",
            )
        self.health.update(self.name, login_failed=True, error=str(exc), last_attempt=self.clock())
        self.metrics.error(self.name, "login")
        self.metrics.healthy(self.name, False)
        for watcher in self.watchers:
            watcher.interrupt()
        self._schedule(delay)

    def retry_login(self, settings: Settings) -> None:
        """The config changed: try a refused account again now, with the new settings."""
        with self._lock:
            if not self._login_blocked:
                return
            self.settings = settings
            self._login_blocked = False
            self._not_before = 0.0
        log.info("login_retry", account=self.name, reason="config changed")
        self.request("config_changed")
        for watcher in self.watchers:
            watcher.poke()

    def idle_state(self, folder: str, connected: bool) -> None:
        self.metrics.idle(self.name, folder, connected)

    def interrupt(self) -> None:
        """Shutdown: end IDLE now, and with it the pass's wait on a dead server."""
        for watcher in self.watchers:
            watcher.interrupt()

    def interrupt_pass(self) -> None:
        """Shutdown, the pass did not finish in time: cut its connection."""
        mailbox = self._mailbox
        if mailbox is not None:
            mailbox.interrupt()

    def close(self) -> None:
        """After the scheduler stopped: log out of the pass connection; end the watchers."""
        for watcher in self.watchers:
            watcher.interrupt()
        self._drop_connection(polite=not self._running)
        for watcher in self.watchers:
            watcher.join(timeout=2)

    # -- the job --------------------------------------------------------------------------

    def _schedule(self, delay: float) -> None:
        if self._scheduler is None or self.stop.is_set():
            return
        when = datetime.now(UTC) + timedelta(seconds=delay)
        try:
            self._scheduler.modify_job(self.job_id, next_run_time=when)
        except Exception as exc:  # the scheduler is shutting down: nothing to schedule
            log.debug("schedule_failed", account=self.name, error=str(exc))

    def job(self) -> None:
        """The APScheduler job: one pass, again while requests came in during it."""
        with self._lock:
            if self.stop.is_set():
                return
            wait = self._not_before - time.monotonic()
            if wait <= 0:
                self._running = True
        if wait > 0:
            # An interval run during the backoff or the login delay: keep the retry's time.
            log.debug("pass_waiting", account=self.name, retry_in=round(wait, 1))
            self._schedule(wait)
            return
        try:
            while not self.stop.is_set():
                with self._lock:
                    self._dirty = False
                if not self.one_pass():
                    break
                with self._lock:
                    if not self._dirty:
                        break
        finally:
            with self._lock:
                self._running = False
                again = self._dirty and not self.stop.is_set() and not self._login_blocked
                again = again and time.monotonic() >= self._not_before
            if again:
                self._schedule(0.0)

    def one_pass(self) -> bool:
        """One pass over every folder; False when it failed (and a retry is scheduled)."""
        started = time.monotonic()
        try:
            mailbox = self._connection()
            with State.in_dir(self.settings.state_dir) as state:
                reports = Pass(
                    self.settings,
                    self.core,
                    self.composer,
                    state,
                    mailbox,
                    clock=self.clock,
                    stop=self.stop,
                    folders=self._folders,
                ).run()
                self._purge(state)
            self._mailbox_used = time.monotonic()
        except LoginError as exc:
            self.login_failed(exc, "pass")
            return False
        except (MailboxError, OSError) as exc:
            self._failed(exc, "network")
            return False
        except (StateError, sqlite3.Error) as exc:
            self._failed(exc, "state")
            return False
        except Exception as exc:
            log.exception("pass_crashed", account=self.name)
            self._failed(exc, "internal")
            return False
        self._succeeded(reports, time.monotonic() - started)
        return True

    def _connection(self) -> Mailbox:
        """The pass connection: kept between passes while it is fresh, else a new one."""
        mailbox = self._mailbox
        fresh = time.monotonic() - self._mailbox_used < self.settings.account.idle_renew_seconds
        if mailbox is not None and fresh:
            try:
                mailbox.noop()
                return mailbox
            except MailboxError:
                pass
        self._drop_connection(polite=mailbox is not None and fresh)
        self._mailbox = self.connect()
        return self._mailbox

    def _drop_connection(self, *, polite: bool = False) -> None:
        mailbox, self._mailbox = self._mailbox, None
        if mailbox is not None:
            if not polite:
                mailbox.interrupt()  # no LOGOUT round trip to a server that may not answer
            mailbox.close_soon()

    def _succeeded(self, reports: list[PassReport], seconds: float) -> None:
        with self._lock:
            was_blocked = self._login_blocked
            self._login_blocked = False
            self._not_before = 0.0
        if self.backoff.failures or was_blocked:
            log.info("account_recovered", account=self.name, after_failures=self.backoff.failures)
        self.backoff.reset()
        self.health.update(
            self.name,
            last_success=self.clock(),
            login_failed=False,
            error=None,
            deferred=sum(sum(r.deferred.values()) for r in reports),
        )
        self.metrics.observe_pass(self.name, reports, seconds)
        self.metrics.healthy(self.name, True)
        if was_blocked:
            for watcher in self.watchers:
                watcher.poke()

    def _failed(self, exc: BaseException, kind: str) -> None:
        self._drop_connection()
        self._folders.clear()  # a vanished Drafts folder is looked for again
        if self.stop.is_set():
            log.info("pass_stopped", account=self.name, error=str(exc) or type(exc).__name__)
            return
        if self._login_blocked:  # an IDLE login was refused meanwhile: its delay rules
            log.info("pass_failed", account=self.name, kind=kind, error=str(exc), login=False)
            return
        delay = self.backoff.next()
        with self._lock:
            self._not_before = time.monotonic() + delay
        loud, repeated = self._throttle.allow(str(exc))
        (log.warning if loud else log.info)(
            "pass_failed",
            account=self.name,
            kind=kind,
            error=str(exc) or type(exc).__name__,
            attempt=self.backoff.failures,
            retry_in=round(delay, 1),
            repeated=repeated,
        )
        self.health.update(self.name, error=str(exc) or type(exc).__name__)
        self.metrics.error(self.name, kind)
        self.metrics.healthy(self.name, False)
        self._schedule(delay)

    def _purge(self, state: State) -> None:
        days = self.settings.retention_days
        now = self.clock()
        if not days or (self._last_purge and now - self._last_purge < PURGE_EVERY):
            return
        self._last_purge = now
        purged = state.purge(now - timedelta(days=days))
        if purged:
            log.info("records_purged", account=self.name, records=purged, older_than_days=days)
