"""Push for `responder run`: one IDLE connection per watched folder wakes the account's pass.

Each ``IdleWatcher`` is a thread with a connection of its own (passes never share it). It
logs in, turns on TCP keepalive, EXAMINEs its folder, asks for a pass (mail may have come
while it was away), then sits in IDLE. New mail (EXISTS) wakes the pass at once; every
``renew`` seconds it ends IDLE and starts it again, because NAT routers and firewalls drop
quiet connections long before the 29 minutes RFC 2177 allows. Dovecot announces new mail
~0.5 s after delivery, so a draft follows within about a second.

Without IDLE on the server the watcher says so once and ends: the account is polled.
Network errors reconnect with backoff (a log line per retry); a refused login is handed to
the account, which stops every connection of that account until its long login delay or a
config change. ``interrupt()`` (from the signal path) shuts the socket down, so a watcher
blocked in IDLE returns at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

import structlog

from responder import faults
from responder.backoff import Backoff, Throttle
from responder.errors import LoginError, MailboxError
from responder.mailbox import Mailbox

log = structlog.get_logger("responder.idle")
_throttle = Throttle()


class Account(Protocol):
    """What a watcher needs from its account (``accounts.AccountRunner``)."""

    name: str
    stop: threading.Event

    @property
    def login_blocked(self) -> bool: ...

    def connect(self) -> Mailbox: ...

    def request(self, reason: str) -> None: ...

    def login_failed(self, exc: LoginError, where: str) -> None: ...

    def idle_state(self, folder: str, connected: bool) -> None: ...


class IdleWatcher(threading.Thread):
    """Watches one folder of one account with IMAP IDLE."""

    def __init__(
        self,
        account: Account,
        folder: str,
        *,
        renew: float,
        backoff: Callable[[], Backoff] = Backoff,
    ) -> None:
        super().__init__(name=f"idle:{account.name}:{folder}", daemon=True)
        self.account = account
        self.folder = folder
        self.renew = renew
        self.backoff = backoff()
        self.unsupported = False
        self._poke = threading.Event()
        self._lock = threading.Lock()
        self._mailbox: Mailbox | None = None

    # -- called from other threads --------------------------------------------------------

    def interrupt(self) -> None:
        """End a blocked IDLE now (shutdown, or a login the account gave up on)."""
        self._poke.set()
        with self._lock:
            if self._mailbox is not None:
                self._mailbox.interrupt()

    def poke(self) -> None:
        """Stop waiting (login allowed again, or shutting down)."""
        self._poke.set()

    # -- the thread -----------------------------------------------------------------------

    def run(self) -> None:
        stop = self.account.stop
        while not stop.is_set():
            if self.account.login_blocked:
                self._sleep(None)  # until the account's login works again (or shutdown)
                continue
            try:
                self._watch()
                if self.unsupported:
                    return
                continue
            except LoginError as exc:
                if not stop.is_set():
                    self.account.login_failed(exc, "idle")
                continue
            except Exception as exc:  # MailboxError, or anything a dying socket raises
                if stop.is_set():
                    break
                delay = self.backoff.next()
                loud, repeated = _throttle.allow((self.name, str(exc)))
                (log.warning if loud else log.info)(
                    "idle_failed",
                    account=self.account.name,
                    folder=self.folder,
                    error=str(exc) or type(exc).__name__,
                    attempt=self.backoff.failures,
                    retry_in=round(delay, 1),
                    repeated=repeated,
                )
                if not isinstance(exc, MailboxError):
                    log.debug("idle_failed_detail", exc_info=exc)
                self._sleep(delay)
        log.debug("idle_stopped", account=self.account.name, folder=self.folder)

    def _sleep(self, seconds: float | None) -> None:
        self._poke.wait(seconds)
        self._poke.clear()

    def _watch(self) -> None:
        mailbox = self.account.connect()
        with self._lock:
            self._mailbox = mailbox
        broken = False
        try:
            if self.account.stop.is_set():
                return
            mailbox.keepalive()
            if "IDLE" not in mailbox.capabilities:
                log.warning(
                    "idle_unsupported",
                    account=self.account.name,
                    folder=self.folder,
                    hint="the server has no IDLE; new mail is found by polling",
                )
                self.unsupported = True
                return
            mailbox.select(self.folder, readonly=True)
            self.account.idle_state(self.folder, True)
            log.info("idle_watching", account=self.account.name, folder=self.folder)
            # Mail that came while this connection was down: the pass finds it. Anything
            # after the SELECT above is announced in the IDLE below.
            self.account.request("idle_connected")
            self.backoff.reset()
            while not self.account.stop.is_set() and not self.account.login_blocked:
                if mailbox.idle(self.renew):
                    faults.point("during_idle")  # the server said "new mail"; no pass yet
                    log.debug("idle_new_mail", account=self.account.name, folder=self.folder)
                    self.account.request("idle")
        except BaseException:
            broken = True
            raise
        finally:
            self.account.idle_state(self.folder, False)
            with self._lock:
                self._mailbox = None
            if broken or self.account.stop.is_set():
                mailbox.interrupt()  # no LOGOUT round trip on a dead socket or on the way out
            mailbox.close()
