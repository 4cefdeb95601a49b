"""The daemon's parts without a server: backoff, throttle, faults, IDLE watcher, health, config."""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from responder import faults
from responder.backoff import Backoff, Throttle
from responder.config import Settings, load_settings, require_account
from responder.errors import ConfigError, LoginError, MailboxError
from responder.health import HealthFile, check
from responder.idle import IdleWatcher

NOW = datetime(2024, 3, 12, 9, 30, tzinfo=UTC)
REPO = Path(__file__).resolve().parent.parent


def load(tmp_path: Path, text: str = "", **env: str) -> Settings:
    path = tmp_path / "responder.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return load_settings(path, environ=env, read_dotenv=False)


class TestBackoff:
    def test_delays_double_up_to_the_cap_with_jitter(self) -> None:
        """Each delay lies between half and all of min(cap, first * 2**n)."""
        backoff = Backoff(first=1, cap=300)
        for n in range(12):
            ceiling = min(300, 2**n)
            assert ceiling / 2 <= backoff.next() <= ceiling
        assert backoff.failures == 12

    def test_jitter_spreads_and_reset_starts_over(self) -> None:
        """Two draws differ (jitter); after reset the first delay is short again."""
        lo, hi = Backoff(rng=lambda: 0.0), Backoff(rng=lambda: 1.0)
        assert (lo.next(), hi.next()) == (0.5, 1.0)
        for _ in range(20):
            hi.next()
        assert hi.next() == 300
        hi.reset()
        assert hi.next() == 1.0


class TestThrottle:
    def test_repeats_in_the_window_are_held_back_and_counted(self) -> None:
        """The first occurrence is loud, repeats are quiet, the next loud one says how many."""
        now = [0.0]
        throttle = Throttle(window=600, clock=lambda: now[0])
        assert throttle.allow("e") == (True, 0)
        assert throttle.allow("e") == (False, 1)
        assert throttle.allow("e") == (False, 2)
        assert throttle.allow("other") == (True, 0)
        now[0] = 601
        assert throttle.allow("e") == (True, 2)


class TestFaults:
    def test_parse(self) -> None:
        """Specs name a known point, an optional count and a mode."""
        armed = faults.parse("mid_batch@3:raise")
        assert (armed.name, armed.at, armed.mode) == ("mid_batch", 3, "raise")
        assert faults.parse("after_append").mode == "kill"
        for bad in ("nowhere", "mid_batch@x", "after_append:explode"):
            with pytest.raises(ValueError, match="RESPONDER_TEST_FAULT"):
                faults.parse(bad)

    def test_inert_unless_armed_and_fires_on_the_nth_hit(self) -> None:
        """Unarmed points do nothing; an armed one raises on exactly its n-th hit."""
        faults.arm(None)
        faults.point("after_append")
        faults.arm("after_append@2:raise")
        try:
            faults.point("mid_batch")
            faults.point("after_append")
            with pytest.raises(faults.FaultInjected):
                faults.point("after_append")
            faults.point("after_append")
        finally:
            faults.arm(None)


class FakeMailbox:
    """Scripted IDLE answers; records what the watcher did."""

    def __init__(self, idle_answers: list[Any], capabilities: frozenset[str]) -> None:
        self.answers = idle_answers
        self.capabilities = capabilities
        self.timeouts: list[float] = []
        self.closed = False

    def keepalive(self) -> None:
        pass

    def select(self, folder: str, readonly: bool) -> None:
        assert readonly

    def idle(self, timeout: float) -> bool:
        self.timeouts.append(timeout)
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return bool(answer)

    def interrupt(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


class FakeAccount:
    """Just enough of an AccountRunner for a watcher."""

    name = "acct"

    def __init__(self, mailboxes: list[Any]) -> None:
        self.stop = threading.Event()
        self.mailboxes = mailboxes
        self.requests: list[str] = []
        self.login_failures: list[str] = []
        self.blocked = False

    @property
    def login_blocked(self) -> bool:
        return self.blocked

    def connect(self) -> Any:
        if not self.mailboxes:
            self.stop.set()
            raise MailboxError("no more connections in this script")
        box = self.mailboxes.pop(0)
        if isinstance(box, BaseException):
            raise box
        return box

    def request(self, reason: str) -> None:
        self.requests.append(reason)

    def login_failed(self, exc: LoginError, where: str) -> None:
        self.login_failures.append(where)
        self.blocked = True
        self.stop.set()

    def idle_state(self, folder: str, connected: bool) -> None:
        pass


def quick_backoff() -> Backoff:
    return Backoff(first=0.001, cap=0.002)


class TestIdleWatcher:
    def test_new_mail_wakes_the_pass_and_idle_is_renewed(self) -> None:
        """On connect a pass is asked for; EXISTS asks again; each IDLE lasts `renew`."""
        box = FakeMailbox([False, True, False, MailboxError("gone")], frozenset({"IDLE"}))
        account = FakeAccount([box])
        watcher = IdleWatcher(account, "INBOX", renew=240, backoff=quick_backoff)
        watcher.run()
        assert account.requests == ["idle_connected", "idle"]
        assert box.timeouts == [240] * 4
        assert box.closed

    def test_without_idle_the_account_is_polled(self) -> None:
        """A server without IDLE: the watcher says so and ends; nothing else changes."""
        box = FakeMailbox([], frozenset({"IMAP4REV1"}))
        account = FakeAccount([box])
        watcher = IdleWatcher(account, "INBOX", renew=240, backoff=quick_backoff)
        watcher.run()
        assert watcher.unsupported
        assert account.requests == []
        assert box.closed

    def test_errors_reconnect_and_refused_login_is_handed_to_the_account(self) -> None:
        """A network error reconnects (and asks for a pass again); LoginError goes up."""
        first = FakeMailbox([MailboxError("reset")], frozenset({"IDLE"}))
        account = FakeAccount([first, MailboxError("refused"), LoginError("no")])
        watcher = IdleWatcher(account, "INBOX", renew=240, backoff=quick_backoff)
        watcher.run()
        assert account.requests == ["idle_connected"]
        assert account.login_failures == ["idle"]
        assert watcher.backoff.failures == 2


class TestHealth:
    def settings(self, tmp_path: Path) -> Settings:
        return load(
            tmp_path,
            f'[responder]\nstate_dir = "{tmp_path}/state"\npoll_seconds = 60\n'
            '[imap]\nhost = "imap.example"\n'
            '[[accounts]]\nname = "work"\nhost = "imap.work.example"\npoll_seconds = 600\n',
        )

    def test_missing_file_is_unhealthy(self, tmp_path: Path) -> None:
        """No health file: nothing runs, and `health` says so."""
        (verdict,) = check(self.settings(tmp_path), now=NOW)
        assert not verdict.healthy and "is `responder run` running" in verdict.detail

    def test_each_account_by_its_own_interval(self, tmp_path: Path) -> None:
        """Three missed intervals of that account, or a refused login, is unhealthy."""
        settings = self.settings(tmp_path)
        health = HealthFile(settings.state_dir, clock=lambda: NOW - timedelta(hours=2))
        health.start()
        health.update("default", last_success=NOW - timedelta(seconds=170))
        health.update("work", last_success=NOW - timedelta(seconds=1700))
        verdicts = {v.account: v for v in check(settings, now=NOW)}
        assert verdicts["default"].healthy and verdicts["work"].healthy
        verdicts = {v.account: v for v in check(settings, now=NOW + timedelta(seconds=20))}
        assert not verdicts["default"].healthy and verdicts["work"].healthy
        health.update("work", login_failed=True, error="login refused")
        verdicts = {v.account: v for v in check(settings, now=NOW)}
        assert not verdicts["work"].healthy and "login refused" in verdicts["work"].detail
        assert (settings.state_dir / "health.json").stat().st_mode & 0o077 == 0

    def test_a_dead_daemon_is_unhealthy(self, tmp_path: Path) -> None:
        """A health file left by a process that is gone does not count."""
        settings = self.settings(tmp_path)
        HealthFile(settings.state_dir).start()
        path = settings.state_dir / "health.json"
        data = json.loads(path.read_text())
        data["pid"] = 2**22 + 12345  # above Linux's pid_max default: never a live process
        path.write_text(json.dumps(data))
        (verdict,) = check(settings, now=NOW)
        assert not verdict.healthy and "not running" in verdict.detail

    def test_no_pass_yet_is_ok_only_at_first(self, tmp_path: Path) -> None:
        """Just started: ok; three intervals later still no pass: unhealthy."""
        settings = self.settings(tmp_path)
        HealthFile(settings.state_dir, clock=lambda: NOW).start()
        assert all(v.healthy for v in check(settings, now=NOW + timedelta(seconds=5)))
        late = {v.account: v.healthy for v in check(settings, now=NOW + timedelta(hours=1))}
        assert late == {"default": False, "work": False}


class TestAccountsConfig:
    def test_env_account_comes_first_and_others_follow(self, tmp_path: Path) -> None:
        """[imap] is "default"; [[accounts]] add more with their own identity and schedule."""
        s = load(
            tmp_path,
            '[identity]\nemail = "me@home.example"\nname = "Me"\n'
            "[responder]\npoll_seconds = 120\ndaily_cap = 5\n"
            '[[accounts]]\nname = "work"\nhost = "imap.work.example"\nuser = "me"\n'
            'folders = ["INBOX", "Clients"]\npoll_seconds = 30\nidle = false\n'
            '[accounts.identity]\nemail = "me@work.example"\n',
            RESPONDER_IMAP_HOST="imap.home.example",
            WORK_PW="pw",
        )
        assert [a.name for a in s.accounts] == ["default", "work"]
        assert s.account is s.accounts[0] and s.account.host == "imap.home.example"
        assert (s.account.poll_seconds, s.account.daily_cap) == (120, 5)
        work = s.accounts[1]
        assert (work.poll_seconds, work.idle, work.daily_cap) == (30, False, 5)
        assert work.folders == ("INBOX", "Clients")
        assert work.port == 993 and work.security == "ssl"  # defaults, not [imap]'s values
        narrowed = s.for_account(work)
        assert narrowed.identity.email == "me@work.example"
        assert narrowed.identity.name == "Me"  # unset keys come from [identity]
        assert narrowed.poll_seconds == 30 and narrowed.accounts == (work,)

    def test_only_listed_accounts_when_imap_has_no_host(self, tmp_path: Path) -> None:
        """Without [imap] host the first [[accounts]] entry is Settings.account."""
        s = load(tmp_path, '[[accounts]]\nname = "a"\nhost = "h"\npassword_env = "PW"\n', PW="x")
        assert [a.name for a in s.accounts] == ["a"]
        assert s.account.password.reveal() == "x"

    @pytest.mark.parametrize(
        ("text", "env", "words"),
        [
            ('[[accounts]]\nname = "a"\nhost = "h"\nhots = 1\n', {}, "did you mean 'host'"),
            ('[[accounts]]\nname = "a"\n', {}, "host is missing"),
            ('[[accounts]]\nhost = "h"\n', {}, "needs a name"),
            ('[[accounts]]\nname = "default"\nhost = "h"\n', {}, "needs a name"),
            (
                '[[accounts]]\nname = "a"\nhost = "h"\n[[accounts]]\nname = "a"\nhost = "i"\n',
                {},
                "two accounts are named 'a'",
            ),
            (
                '[[accounts]]\nname = "a"\nhost = "h"\npassword_env = "RESPONDER_X"\n',
                {},
                "outside RESPONDER_",
            ),
            ('[[accounts]]\nname = "a"\nhost = "h"\nidle_renew_seconds = 3\n', {}, "10 to 1740"),
            ("[responder]\nretention_days = 3\n", {}, "at least max_age_days"),
            ("[responder]\nlogin_retry_seconds = 5\n", {}, "at least 60"),
            ("[metrics]\nport = 70000\n", {}, "not a TCP port"),
        ],
    )
    def test_mistakes_are_named(
        self, tmp_path: Path, text: str, env: dict[str, str], words: str
    ) -> None:
        """Each mistake in an [[accounts]] table or a daemon setting is a clear ConfigError."""
        with pytest.raises(ConfigError, match=words):
            load(tmp_path, text, **env)

    def test_unset_password_env_is_named_when_a_password_is_needed(self, tmp_path: Path) -> None:
        """Loading works without the variable (health, forget); connecting names it."""
        s = load(tmp_path, '[[accounts]]\nname = "a"\nhost = "h"\npassword_env = "NOPE"\n')
        with pytest.raises(ConfigError, match=r"NOPE \(its password_env\) is not set"):
            require_account(s.for_account(s.account))

    def test_example_accounts_table_is_valid(self, tmp_path: Path) -> None:
        """The commented [[accounts]] example in config/responder.toml loads when enabled."""
        example = (REPO / "config" / "responder.toml").read_text(encoding="utf-8")
        block = example[example.index("# [[accounts]]") :]
        text = "\n".join(line.removeprefix("# ") for line in block.splitlines())
        s = load(tmp_path, text, WORK_IMAP_PASSWORD="pw")
        (work,) = s.accounts
        assert (work.name, work.folders, work.daily_cap) == ("work", ("INBOX", "Clients"), 10)
        assert work.identity is not None and work.identity.email == "ingrid@work.example"

    def test_password_in_accounts_needs_a_private_file(self, tmp_path: Path) -> None:
        """A password written into an [[accounts]] table is refused in a readable file."""
        path = tmp_path / "responder.toml"
        path.write_text('[[accounts]]\nname = "a"\nhost = "h"\npassword = "pw"\n')
        path.chmod(0o644)
        with pytest.raises(ConfigError, match="chmod 600"):
            load_settings(path, environ={}, read_dotenv=False)

    def test_the_fault_variable_is_accepted(self, tmp_path: Path) -> None:
        """RESPONDER_TEST_FAULT is declared, so the strict env check lets it through."""
        load(tmp_path, "", RESPONDER_TEST_FAULT="after_append")
        assert "RESPONDER_TEST_FAULT" not in os.environ
