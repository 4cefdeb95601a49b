"""Provider quirks: Gmail's and Outlook's folder names, and servers that lack extensions.

The folder rules are tested on LIST rows as Gmail (en/de/nb) and Microsoft 365 (en/de/nb)
send them. A Dovecot that advertises only ``IMAP4rev1 LITERAL+ ID`` (no SPECIAL-USE,
UIDPLUS, IDLE, NAMESPACE or UNSELECT) with Gmail's German folder layout, non-ASCII names
in modified UTF-7, then takes a whole pass and ``responder check``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import structlog
from dovecot import Account, Dovecot, start_or_skip

from responder.cli import main
from responder.commands import run_pass
from responder.config import Settings, load_settings
from responder.demo import freshen, samples
from responder.errors import FolderNotFound
from responder.folders import FolderInfo, Role, choose_folder
from responder.mailbox import Mailbox

NOSELECT = frozenset({"\\Noselect", "\\HasChildren"})
MINIMAL = "IMAP4rev1 LITERAL+ ID"
ME = "ingrid@solberg.example"


def rows(
    *names: str, parent: str | None = None, attrs: dict[str, str] | None = None
) -> list[FolderInfo]:
    """LIST rows: INBOX, an optional \\Noselect parent, then names (with attributes)."""
    out = [FolderInfo("INBOX", "/", frozenset())]
    if parent:
        out.append(FolderInfo(parent, "/", NOSELECT))
    for name in names:
        flag = (attrs or {}).get(name)
        out.append(FolderInfo(name, "/", frozenset({flag} if flag else set())))
    return out


class TestProviderNames:
    """Without SPECIAL-USE attributes, the names providers use in en/de/nb are recognised."""

    @pytest.mark.parametrize(
        ("layout", "drafts", "sent", "junk"),
        [
            (rows("[Gmail]/Drafts", "[Gmail]/Sent Mail", "[Gmail]/Spam", "[Gmail]/All Mail",
                  parent="[Gmail]"), "[Gmail]/Drafts", "[Gmail]/Sent Mail", "[Gmail]/Spam"),
            (rows("[Google Mail]/Entwürfe", "[Google Mail]/Gesendet", "[Google Mail]/Spam",
                  "[Google Mail]/Alle Nachrichten", parent="[Google Mail]"),
             "[Google Mail]/Entwürfe", "[Google Mail]/Gesendet", "[Google Mail]/Spam"),
            (rows("[Gmail]/Utkast", "[Gmail]/Sendt e-post", "[Gmail]/Søppelpost",
                  parent="[Gmail]"), "[Gmail]/Utkast", "[Gmail]/Sendt e-post",
             "[Gmail]/Søppelpost"),
            (rows("Drafts", "Sent Items", "Junk Email", "Deleted Items", "Archive"),
             "Drafts", "Sent Items", "Junk Email"),
            (rows("Entwürfe", "Gesendete Elemente", "Junk-E-Mail", "Gelöschte Elemente"),
             "Entwürfe", "Gesendete Elemente", "Junk-E-Mail"),
            (rows("Utkast", "Sendte elementer", "Søppelpost", "Slettede elementer"),
             "Utkast", "Sendte elementer", "Søppelpost"),
            (rows("INBOX/Drafts", "INBOX/Sent", "INBOX/Spam"), "INBOX/Drafts", "INBOX/Sent",
             "INBOX/Spam"),
        ],
        ids=["gmail-en", "gmail-de", "gmail-nb", "outlook-en", "outlook-de", "outlook-nb",
             "courier-style"],
    )  # fmt: skip
    def test_layout(self, layout: list[FolderInfo], drafts: str, sent: str, junk: str) -> None:
        """Each role is found by name, and the choice says so."""
        for role, expected in (("drafts", drafts), ("sent", sent), ("junk", junk)):
            choice = choose_folder(role, layout)  # type: ignore[arg-type]
            assert (choice.name, choice.how) == (expected, "name"), role

    def test_gmail_special_use_wins(self) -> None:
        """Real Gmail marks its folders; the attribute beats any name (here a user label)."""
        layout = rows("Drafts", "[Gmail]/Entwürfe", parent="[Gmail]",
                      attrs={"[Gmail]/Entwürfe": "\\Drafts"})  # fmt: skip
        choice = choose_folder("drafts", layout)
        assert (choice.name, choice.how) == ("[Gmail]/Entwürfe", "special-use")
        assert "\\Drafts" in str(choice)

    def test_configured_overrides_detection(self) -> None:
        """An explicit folder setting wins over SPECIAL-USE and names; it must exist."""
        layout = rows("Drafts", "Review", attrs={"Drafts": "\\Drafts"})
        choice = choose_folder("drafts", layout, configured="Review")
        assert (choice.name, choice.how) == ("Review", "configured")
        with pytest.raises(FolderNotFound, match="Reveiw"):
            choose_folder("drafts", layout, configured="Reveiw")

    def test_a_label_named_like_a_folder_elsewhere(self) -> None:
        """A user label "Projects/Drafts" is not the Drafts folder."""
        with pytest.raises(FolderNotFound):
            choose_folder("drafts", rows("Projects/Drafts"))


# --- a server with none of the extensions ------------------------------------------------


@pytest.fixture(scope="module")
def minimal() -> Iterator[Dovecot]:
    """Dovecot advertising only IMAP4rev1 LITERAL+ ID, INBOX only, no SPECIAL-USE."""
    server = start_or_skip(Dovecot(special_use=False, capabilities=MINIMAL))
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def gmail_de(minimal: Dovecot) -> Account:
    """A user with Gmail's German layout: [Google Mail]/Entwürfe, /Gesendet, /Spam."""
    account = minimal.add_user()
    for name in ("[Google Mail]/Entwürfe", "[Google Mail]/Gesendet", "[Google Mail]/Spam"):
        account.create_folder(name)
    return account


def settings_for(account: Account, tmp: Path, **env: str) -> Settings:
    values = {
        "RESPONDER_IMAP_HOST": account.host,
        "RESPONDER_IMAP_PORT": str(account.imaps_port),
        "RESPONDER_IMAP_CA_FILE": str(account.ca_file),
        "RESPONDER_IMAP_USER": account.user,
        "RESPONDER_IMAP_PASSWORD": account.password,
        "RESPONDER_IDENTITY_NAME": "Ingrid Solberg",
        "RESPONDER_IDENTITY_EMAIL": ME,
        "RESPONDER_STATE_DIR": str(tmp / "state"),
        "RESPONDER_KEY_FILE": str(tmp / "draft.key"),
        "RESPONDER_REQUIRE_RETURN_PATH": "false",
        **env,
    }
    return load_settings(tmp / "absent.toml", environ=values, read_dotenv=False,
                         allow_missing=True)  # fmt: skip


def invitation(account: Account) -> None:
    now = datetime.now(UTC)
    account.append(freshen(dict(samples())["01-en-coffee.eml"], now), when=now)


@pytest.mark.integration
class TestMinimalServer:
    """No SPECIAL-USE, UIDPLUS, IDLE, NAMESPACE or UNSELECT; non-ASCII folder names."""

    def test_capabilities_are_really_missing(self, gmail_de: Account) -> None:
        """The server under test indeed offers none of the extensions."""
        with Mailbox.connect(gmail_de.settings()) as mailbox:
            caps = mailbox.capabilities
        for missing in ("SPECIAL-USE", "UIDPLUS", "IDLE", "NAMESPACE", "UNSELECT", "MOVE"):
            assert missing not in caps

    def test_a_pass_drafts_into_the_localized_gmail_folder(
        self, gmail_de: Account, tmp_path: Path
    ) -> None:
        """The draft lands in [Google Mail]/Entwürfe (modified UTF-7 on the wire), once."""
        settings = settings_for(gmail_de, tmp_path)
        invitation(gmail_de)
        with structlog.testing.capture_logs() as logs:
            (report,) = run_pass(settings, dry_run=False, lookback_days=1)
        assert report.drafted == 1
        [draft] = gmail_de.messages("[Google Mail]/Entwürfe")
        assert "\\Draft" in draft.flags
        chosen = {e["role"]: (e["folder"], e["how"]) for e in logs if e["event"] == "folder_chosen"}
        assert chosen["drafts"] == ("[Google Mail]/Entwürfe", "name")
        assert chosen["sent"] == ("[Google Mail]/Gesendet", "name")
        invitation(gmail_de)  # the same mail again (a copy): found in Drafts, not doubled
        (again,) = run_pass(settings, dry_run=False)
        assert again.seen == 1 and again.drafted == 0
        assert len(gmail_de.messages("[Google Mail]/Entwürfe")) == 1

    def test_configured_folders_override(self, gmail_de: Account, tmp_path: Path) -> None:
        """RESPONDER_DRAFTS_FOLDER wins over what detection would pick."""
        gmail_de.create_folder("Zur Prüfung")
        settings = settings_for(gmail_de, tmp_path, RESPONDER_DRAFTS_FOLDER="Zur Prüfung",
                                RESPONDER_SENT_FOLDER="[Google Mail]/Gesendet")  # fmt: skip
        invitation(gmail_de)
        (report,) = run_pass(settings, dry_run=False, lookback_days=1)
        assert report.drafted == 1
        assert len(gmail_de.messages("Zur Prüfung")) == 1
        assert gmail_de.messages("[Google Mail]/Entwürfe") == []

    def test_check_prints_the_folders_and_why(
        self, gmail_de: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """`responder check` names each chosen folder and how it was found."""
        for name in list(os.environ):
            if name.startswith("RESPONDER_"):
                monkeypatch.delenv(name)
        monkeypatch.chdir(tmp_path)
        settings = settings_for(gmail_de, tmp_path)  # the same values, through the CLI
        for name, value in {
            "RESPONDER_IMAP_HOST": gmail_de.host,
            "RESPONDER_IMAP_PORT": str(gmail_de.imaps_port),
            "RESPONDER_IMAP_CA_FILE": str(gmail_de.ca_file),
            "RESPONDER_IMAP_USER": gmail_de.user,
            "RESPONDER_IMAP_PASSWORD": gmail_de.password,
            "RESPONDER_IDENTITY_EMAIL": ME,
            "RESPONDER_STATE_DIR": str(settings.state_dir),
            "RESPONDER_KEY_FILE": str(settings.key_file),
        }.items():
            monkeypatch.setenv(name, value)
        saved = structlog.get_config()
        out = io.StringIO()
        try:
            assert main(["check"], out=out) == 0
        finally:
            structlog.configure(**saved)
        lines = {line.split(":", 1)[0]: line for line in out.getvalue().splitlines()}
        assert "'[Google Mail]/Entwürfe'" in lines["drafts"] and "name" in lines["drafts"]
        assert "'[Google Mail]/Gesendet'" in lines["sent"] and "\\Sent" in lines["sent"]

    def test_idle_falls_back_to_noop(self, gmail_de: Account) -> None:
        """Without IDLE, idle() polls once with NOOP: no wait, new mail still reported."""
        with Mailbox.connect(gmail_de.settings()) as mailbox:
            mailbox.select("INBOX")
            started = datetime.now(UTC)
            assert mailbox.idle(30) is False
            assert datetime.now(UTC) - started < timedelta(seconds=5)
            invitation(gmail_de)
            assert mailbox.idle(30) is True

    def test_lookups_without_unselect(self, gmail_de: Account) -> None:
        """Looking in Drafts without UNSELECT leaves it examined; the next select is clean."""
        with Mailbox.connect(gmail_de.settings()) as mailbox:
            assert not mailbox.message_ids_in("[Google Mail]/Entwürfe", ["<nothing@x>"])
            selected = mailbox.selected
            assert selected is not None and selected.readonly
            mailbox.select("INBOX", readonly=False)
            role: Role = "junk"
            assert mailbox.find_folder(role) == "[Google Mail]/Spam"
