"""`responder run` against a real Dovecot: IDLE, accounts, folders, shutdown, health, metrics.

The daemon runs as a subprocess (``python -m responder run`` with env config), as a user
runs it. Nothing here asserts how fast a draft comes: each test waits for an outcome with a
generous deadline (the latency is measured under bench/).
"""

from __future__ import annotations

import os
import signal
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from daemon_support import (
    DEADLINE,
    DaemonProcess,
    Mailbag,
    all_drafted,
    daemon,
    draft_counts,
    env_for,
    responder_cli,
    settings_for,
    wait_for,
)
from dovecot import Account, Dovecot, free_port
from tcpproxy import TcpProxy

from responder import faults
from responder.health import check
from responder.scheduler import Daemon
from responder.state import State

pytestmark = pytest.mark.integration


class TestIdle:
    def test_mail_arriving_while_idling_gets_its_draft(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """Mail APPENDed while the daemon sits in IDLE (polling is hourly) is drafted."""
        env = env_for(imap_account, tmp_path, security="ssl")
        bag = Mailbag()
        with daemon(env, tmp_path) as d:
            assert d.ready(), d.log_text()
            bag.deliver(imap_account, "idle")
            all_drafted(imap_account, bag)
            assert "pass_requested" not in d.names()  # debug events stay out of the log
            assert d.stop() == 0

    def test_several_folders_are_watched(self, imap_account: Account, tmp_path: Path) -> None:
        """Each configured folder has its own IDLE; mail in the second one is drafted too."""
        imap_account.create_folder("Clients")
        env = env_for(imap_account, tmp_path, RESPONDER_IMAP_FOLDERS="INBOX,Clients")
        bag = Mailbag()
        with daemon(env, tmp_path) as d:
            assert d.ready(2), d.log_text()
            bag.deliver(imap_account, "clients", only=("03-nb-lunsj.eml",), folder="Clients")
            all_drafted(imap_account, bag)
            assert d.stop() == 0


class TestShutdown:
    def test_sigterm_while_idling_exits_zero_with_state_committed(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """SIGTERM ends IDLE at once, exits 0 and leaves every decision committed."""
        env = env_for(imap_account, tmp_path, security="ssl")
        bag = Mailbag()
        with daemon(env, tmp_path) as d:
            assert d.ready(), d.log_text()
            bag.deliver(imap_account, "term")
            all_drafted(imap_account, bag)
            assert d.wait_event("pass_done")
            started = time.monotonic()
            assert d.stop(timeout=10) == 0
            assert time.monotonic() - started < 5, "shutdown must fit in Docker's 10 s"
        assert "stopped" in d.names()
        uids = [m.uid for m in imap_account.messages("INBOX")]
        with State.in_dir(tmp_path / "state") as state:
            mark = state.folder_mark("default", "INBOX")
            assert mark is not None and mark.last_uid == max(uids)
            assert len(state.records("default", limit=100)) == len(uids)

    def test_hung_server_still_stops_within_docker_grace(
        self, imap_account: Account, dovecot: Dovecot, tmp_path: Path
    ) -> None:
        """A pass stuck on a server that stopped answering is cut; exit 0 well before 10 s."""
        with TcpProxy(dovecot.imap_port) as proxy:
            env = env_for(imap_account, tmp_path, port=proxy.port, RESPONDER_IMAP_TIMEOUT="60")
            with daemon(env, tmp_path) as d:
                assert d.ready(), d.log_text()
                proxy.stall_on(b"APPEND")  # the pass hangs waiting for the server's answer
                bag = Mailbag()
                bag.deliver(imap_account, "hang")
                assert wait_for(lambda: proxy.stalled), d.log_text()
                started = time.monotonic()
                assert d.stop(timeout=15) == 0
                assert time.monotonic() - started < 9.5
            assert "shutdown_cutting" in d.names()
            proxy.resume()
        # Whatever was in hand when the socket was cut is redone, not doubled.
        with daemon(env_for(imap_account, tmp_path), tmp_path) as d:
            all_drafted(imap_account, bag)
            assert d.stop() == 0

    def test_second_signal_exits_at_once(
        self, imap_account: Account, dovecot: Dovecot, tmp_path: Path
    ) -> None:
        """While the first signal waits for a hung pass, a second one ends the process now."""
        with TcpProxy(dovecot.imap_port) as proxy:
            proxy.stall()  # the start-up pass hangs in its greeting
            env = env_for(imap_account, tmp_path, port=proxy.port, RESPONDER_IMAP_TIMEOUT="60")
            with daemon(env, tmp_path) as d:
                assert d.wait_event("running"), d.log_text()
                assert wait_for(lambda: proxy.open_connections > 0)
                d.signal(signal.SIGTERM)
                assert d.wait_event("shutdown_requested")
                d.signal(signal.SIGTERM)
                assert d.proc.wait(5) == 128 + signal.SIGTERM
            assert "shutdown_now" in d.names()


class TestAccounts:
    def test_a_bad_account_never_stops_the_others(
        self, imap_account: Account, dovecot: Dovecot, tmp_path: Path
    ) -> None:
        """Wrong password: one login attempt, unhealthy; server down: backoff; good: drafts."""
        other = dovecot.add_user()
        dead_port = free_port()
        config = tmp_path / "responder.toml"
        config.write_text(
            f"""
[[accounts]]
name = "wrong-password"
host = "127.0.0.1"
port = {dovecot.imap_port}
security = "plain"
user = "{other.user}"
password_env = "WRONG_PASSWORD"
timeout = 5

[[accounts]]
name = "server-down"
host = "127.0.0.1"
port = {dead_port}
security = "plain"
user = "nobody"
password_env = "WRONG_PASSWORD"
timeout = 5
""",
            encoding="utf-8",
        )
        env = env_for(imap_account, tmp_path)
        env.update(RESPONDER_CONFIG=str(config), WRONG_PASSWORD="not-the-password")
        bag = Mailbag()
        with daemon(env, tmp_path) as d:
            assert d.wait_event("login_failed"), d.log_text()
            bag.deliver(imap_account, "good")
            all_drafted(imap_account, bag)
            assert wait_for(lambda: _retries(d, "server-down") >= 3), d.log_text()
            delays = [
                e["retry_in"]
                for e in d.events()
                if e.get("event") == "pass_failed" and e.get("account") == "server-down"
            ]
            assert delays[2] > delays[0], "backoff grows"
            logins = [e for e in d.events() if e.get("event") == "login_failed"]
            assert [e["account"] for e in logins] == ["wrong-password"]
            assert logins[0]["retry_in"] == 3600
            health = responder_cli(env, tmp_path, "health")
            assert health.returncode == 1
            assert "default: ok" in health.stdout
            assert "wrong-password: UNHEALTHY: login refused" in health.stdout
            assert d.stop() == 0
        assert "not-the-password" not in d.log_text()

    def test_refused_login_is_retried_when_the_config_changes(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """After fixing the password in .env, the stopped account logs in and drafts."""
        env = env_for(imap_account, tmp_path)
        del env["RESPONDER_IMAP_PASSWORD"]
        dotenv = tmp_path / ".env"
        dotenv.write_text("RESPONDER_IMAP_PASSWORD=wrong\n", encoding="utf-8")
        bag = Mailbag()
        with daemon(env, tmp_path) as d:
            assert d.wait_event("login_failed"), d.log_text()
            bag.deliver(imap_account, "fixed")
            dotenv.write_text(f"RESPONDER_IMAP_PASSWORD={imap_account.password}\n")
            os.utime(dotenv, (time.time() + 5, time.time() + 5))  # a visibly new mtime
            assert d.wait_event("config_changed"), d.log_text()
            # The first pass after the fix records the start; mail after it is drafted.
            assert d.ready(), d.log_text()
            late = Mailbag()
            late.deliver(imap_account, "after-fix")
            all_drafted(imap_account, late)
            assert d.stop() == 0


def _retries(d: DaemonProcess, account: str) -> int:
    events = d.events()
    return sum(1 for e in events if e.get("event") == "pass_failed" and e["account"] == account)


class TestObservability:
    def test_metrics_and_health(self, imap_account: Account, tmp_path: Path) -> None:
        """/metrics counts mails, drafts and skips without addresses; `health` says ok."""
        port = free_port()
        env = env_for(imap_account, tmp_path, RESPONDER_METRICS_PORT=str(port))
        bag = Mailbag()
        with daemon(env, tmp_path) as d:
            assert d.ready(), d.log_text()
            bag.deliver(imap_account, "metrics")
            all_drafted(imap_account, bag)
            assert wait_for(lambda: "responder_drafts_total" in _scrape(port))
            assert wait_for(
                lambda: 'responder_drafts_total{account="default"} 4.0' in _scrape(port)
            )
            text = _scrape(port)
            assert 'responder_mails_seen_total{account="default",folder="INBOX"} 9.0' in text
            assert 'responder_skips_total{account="default",reason="precedence"} 1.0' in text
            assert "responder_pass_duration_seconds_count" in text
            assert "@" not in text, "no addresses in metrics"
            health = responder_cli(env, tmp_path, "health")
            assert health.returncode == 0, health.stdout + health.stderr
            assert d.stop() == 0
        assert responder_cli(env, tmp_path, "health").returncode == 1  # the daemon is gone


def _scrape(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
            return str(resp.read().decode())
    except OSError:
        return ""


class TestInProcess:
    def test_a_crashed_pass_is_retried_without_doubling(
        self, imap_account: Account, tmp_path: Path
    ) -> None:
        """A pass that fails right after an APPEND is retried after the backoff: one draft."""
        env = env_for(imap_account, tmp_path, security="ssl")
        settings = settings_for(env, tmp_path)
        bag = Mailbag()
        bag.deliver(imap_account, "crash")
        with State.in_dir(settings.state_dir) as state:  # start before the mail above
            state.set_folder_mark("default", "INBOX", _uidvalidity(imap_account), 0, _now())
        faults.arm("after_append@2:raise")
        engine = Daemon(settings)
        try:
            engine.start()
            all_drafted(imap_account, bag, timeout=DEADLINE)
        finally:
            faults.arm(None)
            assert engine.shutdown()
        assert sum(draft_counts(imap_account).values()) == len(bag.invitations)
        verdicts = check(settings)
        assert [v.healthy for v in verdicts] == [True]


def _uidvalidity(account: Account) -> int:
    with account.client() as imap:
        return int(imap.select_folder("INBOX", readonly=True)[b"UIDVALIDITY"])


def _now() -> datetime:
    return datetime.now(UTC)
