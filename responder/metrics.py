"""Prometheus metrics for `responder run` (optional: ``pip install 'responder[metrics]'``).

Off by default. With ``metrics.port`` set, the daemon serves ``/metrics`` on
``metrics.address`` (127.0.0.1 unless told otherwise). Labels are only the account name,
the folder, a skip or deferral rule, and an error kind: never an address or a subject.

``Metrics`` is the do-nothing base the daemon calls when metrics are off; ``Prometheus``
fills in the methods.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from responder.errors import ConfigError
from responder.service import PassReport


class Metrics:
    """Metrics switched off: every method does nothing."""

    def observe_pass(self, account: str, reports: Iterable[PassReport], seconds: float) -> None:
        """Count what one pass saw and did."""

    def error(self, account: str, kind: str) -> None:
        """Count a failure: network, login, state or internal."""

    def healthy(self, account: str, ok: bool) -> None:
        """Set the account's health gauge."""

    def idle(self, account: str, folder: str, connected: bool) -> None:
        """Set whether an IDLE connection watches the folder."""

    def close(self) -> None:
        """Stop serving."""


class Prometheus(Metrics):
    """Counters and a histogram in a registry of their own, served over HTTP."""

    def __init__(self) -> None:
        try:
            import prometheus_client as prom  # noqa: PLC0415 - optional dependency
        except ImportError:
            raise ConfigError(
                "metrics.port is set but prometheus-client is not installed: "
                "pip install 'responder[metrics]' (or set metrics.port = 0)"
            ) from None
        self._prom = prom
        self.registry = prom.CollectorRegistry()
        r = self.registry
        self.seen = prom.Counter(
            "responder_mails_seen", "Mails looked at.", ["account", "folder"], registry=r
        )
        self.invitations = prom.Counter(
            "responder_invitations", "Mails found to be invitations.", ["account"], registry=r
        )
        self.drafts = prom.Counter("responder_drafts", "Drafts APPENDed.", ["account"], registry=r)
        self.skips = prom.Counter(
            "responder_skips", "Mails given no draft, by rule.", ["account", "reason"], registry=r
        )
        self.deferred = prom.Counter(
            "responder_deferred",
            "Invitations held back for later, by rule.",
            ["account", "reason"],
            registry=r,
        )
        self.errors = prom.Counter(
            "responder_errors",
            "Failed passes and connections, by kind.",
            ["account", "kind"],
            registry=r,
        )
        self.duration = prom.Histogram(
            "responder_pass_duration_seconds",
            "Time one pass over an account took.",
            ["account"],
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
            registry=r,
        )
        self.up = prom.Gauge(
            "responder_account_healthy",
            "1 when the account's last pass succeeded.",
            ["account"],
            registry=r,
        )
        self.idling = prom.Gauge(
            "responder_idle_connected",
            "1 while an IDLE connection watches the folder.",
            ["account", "folder"],
            registry=r,
        )
        self._server: Any = None

    def serve(self, address: str, port: int) -> None:
        try:
            self._server, _thread = self._prom.start_http_server(
                port, addr=address, registry=self.registry
            )
        except OSError as exc:
            raise ConfigError(
                f"metrics: cannot listen on {address}:{port} ({exc.strerror or exc})"
            ) from None

    def observe_pass(self, account: str, reports: Iterable[PassReport], seconds: float) -> None:
        self.duration.labels(account).observe(seconds)
        for r in reports:
            self.seen.labels(account, r.folder).inc(r.seen)
            self.invitations.labels(account).inc(r.invitations)
            self.drafts.labels(account).inc(r.drafted)
            for reason, n in r.skips.items():
                self.skips.labels(account, reason).inc(n)
            for reason, n in r.deferred.items():
                self.deferred.labels(account, reason).inc(n)

    def error(self, account: str, kind: str) -> None:
        self.errors.labels(account, kind).inc()

    def healthy(self, account: str, ok: bool) -> None:
        self.up.labels(account).set(1 if ok else 0)

    def idle(self, account: str, folder: str, connected: bool) -> None:
        self.idling.labels(account, folder).set(1 if connected else 0)

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
