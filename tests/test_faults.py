"""Crashes and cuts at the worst moments: every invitation ends with exactly one draft.

Named fault points are repeatable: ``RESPONDER_TEST_FAULT`` (read only by
responder/faults.py) SIGKILLs the daemon subprocess at a chosen place, and the TCP proxy
stalls the connection on a chosen IMAP command or answer. The seeded run at the end mixes
SIGKILLs, Dovecot restarts and proxy drops and stalls at random moments. After each, the
check is the same: every invitation has exactly one draft and nothing else has any.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest
from daemon_support import DaemonProcess, Mailbag, all_drafted, daemon, draft_counts, env_for
from daemon_support import wait_for as wait
from dovecot import Account, Dovecot
from tcpproxy import TcpProxy

from responder.state import State

pytestmark = pytest.mark.integration
SEED = int(os.environ.get("FAULT_SEED", "20240611"))  # FAULT_SEED=n tries another run


class TestNamedFaultPoints:
    @pytest.mark.parametrize(
        "fault", ["after_append", "after_append@3", "mid_batch@2", "during_idle"]
    )
    def test_sigkill_at_fault_point_then_restart(
        self, imap_account: Account, tmp_path: Path, fault: str
    ) -> None:
        """SIGKILL at the point; a restarted daemon leaves exactly one draft per invitation."""
        env = env_for(imap_account, tmp_path)
        bag = Mailbag()
        with daemon(env, tmp_path, fault=fault) as d:
            assert d.ready(), d.log_text()
            bag.deliver(imap_account, "fault")
            assert wait(lambda: not d.alive), d.log_text()
            assert d.proc.returncode == -signal.SIGKILL
        if fault.startswith("after_append"):
            # The killed APPEND reached Drafts; its decision was never committed.
            made = sum(draft_counts(imap_account).values())
            assert made == int(fault.partition("@")[2] or 1)
            with State.in_dir(tmp_path / "state") as state:
                assert sum(1 for r in state.records("default") if r.draft_id) == made - 1
        with daemon(env, tmp_path) as d:
            all_drafted(imap_account, bag)
            assert d.stop() == 0


class TestConnectionFaults:
    def test_dovecot_restart_while_the_append_answer_is_in_flight(
        self, imap_account: Account, dovecot: Dovecot, tmp_path: Path
    ) -> None:
        """The server stores the draft, restarts before the answer arrives: no double."""
        with TcpProxy(dovecot.imap_port) as proxy:
            env = env_for(imap_account, tmp_path, port=proxy.port)
            bag = Mailbag()
            with daemon(env, tmp_path) as d:
                assert d.ready(), d.log_text()
                proxy.stall_on(b"APPENDUID", from_server=True)
                bag.deliver(imap_account, "restart")
                assert wait(lambda: proxy.stalled), d.log_text()
                dovecot.stop()
                proxy.resume()
                time.sleep(0.5)
                dovecot.start()
                all_drafted(imap_account, bag)
                assert "pass_failed" in d.names()
                assert d.stop() == 0

    def test_connection_reset_mid_pass(
        self, imap_account: Account, dovecot: Dovecot, tmp_path: Path
    ) -> None:
        """Every connection is reset while an APPEND is on the wire: retried, not doubled."""
        with TcpProxy(dovecot.imap_port) as proxy:
            env = env_for(imap_account, tmp_path, port=proxy.port)
            bag = Mailbag()
            with daemon(env, tmp_path) as d:
                assert d.ready(), d.log_text()
                proxy.stall_on(b"APPEND")
                bag.deliver(imap_account, "reset")
                assert wait(lambda: proxy.stalled), d.log_text()
                proxy.drop()
                proxy.resume()
                all_drafted(imap_account, bag)
                assert d.wait_event("idle_watching", count=2), "IDLE came back"
                assert d.stop() == 0

    def test_stalled_connection_times_out_and_recovers(
        self, imap_account: Account, dovecot: Dovecot, tmp_path: Path
    ) -> None:
        """A connection that goes silent mid-pass hits the socket timeout; the pass is redone."""
        with TcpProxy(dovecot.imap_port) as proxy:
            env = env_for(imap_account, tmp_path, port=proxy.port, RESPONDER_IMAP_TIMEOUT="2")
            bag = Mailbag()
            with daemon(env, tmp_path) as d:
                assert d.ready(), d.log_text()
                proxy.stall_on(b"UID FETCH")
                bag.deliver(imap_account, "stall")
                assert wait(lambda: proxy.stalled), d.log_text()
                assert d.wait_event("pass_failed"), d.log_text()
                proxy.resume()
                all_drafted(imap_account, bag)
                assert d.stop() == 0


class TestRandomKills:
    def test_seeded_run_of_random_faults(
        self, imap_account: Account, dovecot: Dovecot, tmp_path: Path
    ) -> None:
        """Rounds of new mail, each hit by a seeded random fault: exactly once at the end."""
        rng = random.Random(SEED)  # noqa: S311 - a repeatable test schedule, not a secret
        bag = Mailbag()
        actions: list[str] = []
        with TcpProxy(dovecot.imap_port) as proxy:
            env = env_for(imap_account, tmp_path, port=proxy.port, RESPONDER_IMAP_TIMEOUT="3")
            d = DaemonProcess(env, tmp_path)
            try:
                assert d.ready(), d.log_text()
                for n in range(10):
                    bag.deliver(imap_account, f"r{n}")
                    action = rng.choice(["sigkill", "sigkill", "dovecot", "drop", "stall", "none"])
                    actions.append(action)
                    time.sleep(rng.uniform(0.0, 0.5))  # lands before, in or after the pass
                    if action == "sigkill":
                        d.kill()
                        d = DaemonProcess(env, tmp_path)
                    elif action == "dovecot":
                        dovecot.stop()
                        time.sleep(rng.uniform(0.1, 1.0))
                        dovecot.start()
                    elif action == "drop":
                        proxy.drop()
                    elif action == "stall":
                        proxy.stall()
                        time.sleep(rng.uniform(0.2, 1.5))
                        if rng.random() < 0.5:
                            proxy.drop()
                        proxy.resume()
                all_drafted(imap_account, bag, timeout=60)
                assert d.stop() == 0
            finally:
                if d.alive:
                    d.kill()
        assert len(bag.invitations) == 40, actions
        logs = "".join(f.read_text() for f in sorted(tmp_path.glob("daemon-*.log")))
        assert "pass_crashed" not in logs and "Traceback" not in logs, "only expected failures"
        assert logs.count('"pass_failed"') + logs.count('"idle_failed"') > 0, actions
