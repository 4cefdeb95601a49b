"""A real terminal mail client (NeoMutt in tmux) shows the drafts as a user would see them."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dovecot import Account
from test_service import make_settings

from responder.commands import run_pass
from responder.demo import freshen, samples

pytestmark = pytest.mark.integration


def _tools() -> None:
    missing = [t for t in ("neomutt", "tmux") if shutil.which(t) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} missing in CI (.ci/run installs them)")
        pytest.skip(f"{', '.join(missing)} not installed")


class Screen:
    """A tmux session running one program, read with capture-pane."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.name = f"responder-{uuid.uuid4().hex[:8]}"
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", "150", "-y", "45", *command],
            check=True,
            env=env,
        )

    def text(self) -> str:
        out = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name],
            capture_output=True,
            text=True,
            check=False,
        )
        return out.stdout

    def wait_for(self, needle: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.text()
            if needle in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{needle!r} never appeared; screen was:\n{self.text()}")

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], check=False, capture_output=True)


@pytest.fixture
def neomutt(imap_account: Account, tmp_path: Path) -> Iterator[Screen]:
    """NeoMutt opened on the account's Drafts folder over IMAPS (CA-verified)."""
    _tools()
    settings = make_settings(imap_account, tmp_path)
    now = datetime.now(UTC)
    for name, raw in samples():
        if name.startswith(("02-", "03-")):  # a German (Sie) and a Norwegian invitation
            imap_account.append(freshen(raw, now))
    (report,) = run_pass(settings, dry_run=False, lookback_days=1)
    assert report.drafted == 2
    muttrc = tmp_path / "muttrc"
    muttrc.write_text(
        f'set folder="imaps://{imap_account.user}@127.0.0.1:{imap_account.imaps_port}/"\n'
        f'set imap_pass="{imap_account.password}"\n'
        f'set ssl_ca_certificates_file="{imap_account.ca_file}"\n'
        'set spoolfile="+Drafts"\nset charset="utf-8"\nset sort=date\n'
        'set from="ingrid@solberg.example"\n'
        "set mail_check_stats=no\nset header_cache=\nset message_cachedir=\n"
        "set pager_stop=yes\nset markers=no\nset wait_key=no\n"
        'set index_format="%4C %Z %-20.20F %s"\n',
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),
    }
    screen = Screen(["neomutt", "-n", "-F", str(muttrc)], env)
    try:
        yield screen
    finally:
        screen.close()


class TestNeoMutt:
    """What a user sees of the drafts in a real terminal mail client."""

    def test_drafts_listed_with_subject_and_recipient(self, neomutt: Screen) -> None:
        """The Drafts index lists both replies, To the senders, with Re: subjects intact."""
        index = neomutt.wait_for("Re: Lunsj på fredag?")
        assert "Re: Kurzes Kennenlernen bei einem Kaffee?" in index
        assert "To Kari Nordmann" in index  # mutt shows "To <recipient>" for the user's own mail

    def test_norwegian_draft_reads_without_mojibake(self, neomutt: Screen) -> None:
        """Opening the Norwegian draft shows æøå, the greeting, the signature line and the quote."""
        neomutt.wait_for("Re: Lunsj på fredag?")
        neomutt.keys("/", "Lunsj", "Enter", "Enter")
        page = neomutt.wait_for("Hei Kari,")
        assert "Subject: Re: Lunsj på fredag?" in page
        assert "skrev Kari Nordmann" in page
        assert "> Jeg har en kunde som trenger hjelp" in page
        assert "=C3" not in page and "Ã" not in page

    def test_german_draft_uses_sie(self, neomutt: Screen) -> None:
        """The German draft opens with the neutral Sie greeting and umlauts intact."""
        neomutt.wait_for("Re: Kurzes Kennenlernen")
        neomutt.keys("/", "Kennenlernen", "Enter", "Enter")
        page = neomutt.wait_for("Guten Tag Hans Schmidt,")
        assert "Ihre" in page or "Ihnen" in page
        assert "schrieb" in page and "ü" in page + "ä"
        assert "=C3" not in page
