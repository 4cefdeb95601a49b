"""`responder run`: APScheduler runs the pass on an interval until SIGTERM/SIGINT.

One job, ``max_instances=1`` and ``coalesce=True``: a slow pass is never overlapped by the
next, and passes missed while the machine slept run once, not in a burst. The first signal
lets the pass in hand finish (each message is committed on its own, so stopping between
messages is always safe); a second signal exits at once.
"""

from __future__ import annotations

import os
import signal
import threading
from datetime import UTC, datetime
from types import FrameType

import structlog
from apscheduler.schedulers.background import BackgroundScheduler

from responder.config import Settings
from responder.errors import ConfigError, LoginError, MailboxError, StateError

log = structlog.get_logger("responder.scheduler")


def run_forever(settings: Settings) -> int:
    """Run passes every ``poll_seconds`` until a signal; returns the exit code."""
    from responder.commands import run_pass  # noqa: PLC0415 - avoid an import cycle

    stop = threading.Event()
    signals = {"count": 0}

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        signals["count"] += 1
        if signals["count"] > 1:
            log.warning("shutdown_now", signal=signal.Signals(signum).name)
            os._exit(130)
        log.info(
            "shutdown_requested",
            signal=signal.Signals(signum).name,
            hint="finishing the message in hand; signal again to stop at once",
        )
        stop.set()

    def job() -> None:
        if stop.is_set():
            return
        try:
            run_pass(settings, dry_run=False)
        except LoginError as exc:
            # Retrying a refused login soon only locks the account or trips fail2ban.
            log.error(
                "login_failed",
                account=settings.account.name,
                error=str(exc),
                hint="fix the credentials and restart",
            )
            stop.set()
        except (MailboxError, OSError) as exc:
            log.warning(
                "pass_failed",
                account=settings.account.name,
                error=str(exc),
                retry_in=settings.poll_seconds,
            )
        except (ConfigError, StateError) as exc:
            log.error("pass_failed", error=str(exc))
            stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        job,
        "interval",
        seconds=settings.poll_seconds,
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
        id="pass",
    )
    scheduler.start()
    log.info("running", account=settings.account.name, poll_seconds=settings.poll_seconds)
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
    log.info("stopped")
    return 0
