"""responder.mailbox against a real Dovecot (and pymap) on 127.0.0.1 — never a mocked client."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from email import message_from_bytes, policy

import pytest
import structlog
from dovecot import (
    Account,
    Dovecot,
    Pymap,
    ServerUnavailable,
    free_port,
    skip_or_fail,
    start_or_skip,
)

from responder.errors import FolderNotFound, LoginError, MailboxError
from responder.folders import FolderInfo, choose_folder
from responder.mailbox import Mailbox, ServerSettings

pytestmark = pytest.mark.integration


def eml(subject: str, message_id: str, body: str = "Hello,\r\nlet's meet.\r\n") -> bytes:
    return (
        f"From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>\r\n"
        f"Subject: {subject}\r\nMessage-ID: {message_id}\r\n"
        f"Date: Mon, 02 Mar 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    ).encode()


class TestConnect:
    def test_imaps_verified_with_the_test_ca(self, imap_account: Account) -> None:
        """IMAPS with the test CA as ca_file verifies the certificate and logs in."""
        with Mailbox.connect(imap_account.settings("ssl")) as mailbox:
            assert "IMAP4REV1" in mailbox.capabilities

    def test_imaps_by_host_name(self, imap_account: Account) -> None:
        """The certificate names localhost too, so the host name verifies as well."""
        with Mailbox.connect(imap_account.settings("ssl", host="localhost")) as mailbox:
            assert mailbox.select("INBOX").exists == 0

    def test_starttls_upgrades_the_plain_port(self, imap_account: Account) -> None:
        """security='starttls' upgrades the plain port and then logs in."""
        with Mailbox.connect(imap_account.settings("starttls")) as mailbox:
            assert "STARTTLS" not in mailbox.capabilities  # post-login list, over TLS

    def test_plain_when_asked(self, imap_account: Account) -> None:
        """security='plain' logs in without TLS."""
        with Mailbox.connect(imap_account.settings("plain")) as mailbox:
            assert mailbox.select("INBOX").uidnext == 1

    @pytest.mark.parametrize("security", ["ssl", "starttls"])
    def test_unknown_certificate_is_refused(self, imap_account: Account, security: str) -> None:
        """Without the test CA the self-signed chain fails verification: a MailboxError."""
        settings = imap_account.settings(security, ca_file=None)  # type: ignore[arg-type]
        with pytest.raises(MailboxError, match="CERTIFICATE_VERIFY_FAILED"):
            Mailbox.connect(settings)

    def test_tls_to_the_plain_port_fails(self, imap_account: Account) -> None:
        """IMAPS spoken to the plain port fails as a MailboxError, not an ssl.SSLError."""
        settings = imap_account.settings("ssl", port=imap_account.imap_port)
        with pytest.raises(MailboxError):
            Mailbox.connect(settings)

    def test_connection_refused(self, imap_account: Account) -> None:
        """Nothing listening: MailboxError naming host and port."""
        settings = imap_account.settings("plain", port=free_port())
        with pytest.raises(MailboxError, match=r"127\.0\.0\.1:\d+"):
            Mailbox.connect(settings)

    def test_missing_ca_file(self, imap_account: Account) -> None:
        """A ca_file that does not exist is a MailboxError naming it."""
        settings = imap_account.settings("ssl", ca_file="/nonexistent/ca.pem")
        with pytest.raises(MailboxError, match=r"/nonexistent/ca\.pem"):
            Mailbox.connect(settings)

    def test_wrong_password_never_leaks(
        self, imap_account: Account, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A refused login is a LoginError; the password is in no message, repr or log."""
        secret = "Sup3r-Secret-Passw0rd"
        settings = imap_account.settings("ssl", password=secret)
        caplog.set_level(logging.DEBUG)
        with structlog.testing.capture_logs() as logs, pytest.raises(LoginError) as info:
            Mailbox.connect(settings)
        error = info.value
        assert imap_account.user in str(error)
        for text in (str(error), repr(error), repr(settings), str(settings), str(logs),
                     caplog.text):  # fmt: skip
            assert secret not in text
        assert error.__cause__ is None and error.__context__ is None

    def test_settings_are_checked_when_built(self) -> None:
        """Contradictory settings fail when built, naming the setting."""
        with pytest.raises(ValueError, match="security"):
            ServerSettings("127.0.0.1", 993, "tls", "u", "p")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="port"):
            ServerSettings("127.0.0.1", 0, "ssl", "u", "p")


class TestFolders:
    def test_special_use(self, imap_account: Account) -> None:
        """Drafts, Sent and Junk are found by their SPECIAL-USE attributes."""
        with Mailbox.connect(imap_account.settings()) as mailbox:
            drafts = mailbox.explain_folder("drafts")
            assert (drafts.name, drafts.how) == ("Drafts", "special-use")
            assert "\\Drafts" in drafts.detail
            assert mailbox.find_folder("sent") == "Sent"
            assert mailbox.find_folder("junk") == "Junk"

    def test_configured_name_wins(self, imap_account: Account) -> None:
        """An explicit folder setting beats SPECIAL-USE, and must exist."""
        imap_account.create_folder("My Drafts")
        with Mailbox.connect(imap_account.settings()) as mailbox:
            choice = mailbox.explain_folder("drafts", configured="My Drafts")
            assert (choice.name, choice.how) == ("My Drafts", "configured")
            with pytest.raises(FolderNotFound, match="Nope"):
                mailbox.find_folder("drafts", configured="Nope")

    def test_folder_choice_is_logged(self, imap_account: Account) -> None:
        """The choice is logged as an event with role, folder and how."""
        with Mailbox.connect(imap_account.settings()) as mailbox, \
                structlog.testing.capture_logs() as logs:  # fmt: skip
            mailbox.find_folder("sent")
        assert {"event": "folder_chosen", "role": "sent", "folder": "Sent",
                "how": "special-use", "log_level": "info"} in logs  # fmt: skip

    def test_name_fallback_without_special_use(self, bare_account: Account) -> None:
        """Without attributes, a folder named Drafts is found by name."""
        bare_account.create_folder("Drafts")
        with Mailbox.connect(bare_account.settings()) as mailbox:
            choice = mailbox.explain_folder("drafts")
        assert (choice.name, choice.how) == ("Drafts", "name")

    def test_name_fallback_under_inbox(self, bare_account: Account) -> None:
        """A Drafts folder below INBOX (INBOX/Drafts here) is found by name too."""
        bare_account.create_folder("INBOX/Sent Items")
        with Mailbox.connect(bare_account.settings()) as mailbox:
            assert mailbox.find_folder("sent") == "INBOX/Sent Items"

    def test_non_ascii_folder_name(self, bare_account: Account) -> None:
        """Entwürfe (modified UTF-7 on the wire) is found, selected, appended to, searched."""
        bare_account.create_folder("Entwürfe")
        assert "Entwürfe" in bare_account.folders()
        with Mailbox.connect(bare_account.settings()) as mailbox:
            folder = mailbox.find_folder("drafts")
            assert folder == "Entwürfe"
            uid = mailbox.append(folder, eml("Re: Kaffee", "<kaffee@example.net>"))
            assert mailbox.select(folder).exists == 1
            assert mailbox.message_ids_in(folder, ["<kaffee@example.net>"])
        assert [m.uid for m in bare_account.messages("Entwürfe")] == [uid]

    def test_not_found_names_what_was_tried(self, bare_account: Account) -> None:
        """No attribute and no known name: FolderNotFound lists names and the remedy."""
        with Mailbox.connect(bare_account.settings()) as mailbox, \
                pytest.raises(FolderNotFound) as info:  # fmt: skip
            mailbox.find_folder("junk")
        assert "\\Junk" in str(info.value) and "Spam" in str(info.value)
        assert "configuration" in str(info.value)


class TestChooseFolder:
    """The pure rules behind find_folder, on hand-made LIST rows."""

    def test_attribute_beats_name(self) -> None:
        """A folder with \\Drafts wins over one merely named Drafts."""
        rows = [FolderInfo("Drafts", "/", frozenset()),
                FolderInfo("Kladd", "/", frozenset({"\\Drafts"}))]  # fmt: skip
        assert choose_folder("drafts", rows).name == "Kladd"

    def test_unselectable_folders_are_skipped(self) -> None:
        """A \\Noselect [Gmail] parent is never chosen; [Gmail]/Drafts is found by name."""
        rows = [FolderInfo("[Gmail]", "/", frozenset({"\\Noselect", "\\HasChildren"})),
                FolderInfo("[Gmail]/Drafts", "/", frozenset())]  # fmt: skip
        assert choose_folder("drafts", rows).name == "[Gmail]/Drafts"

    def test_dot_namespace_and_case(self) -> None:
        """INBOX.sent items matches Sent Items under an INBOX. prefix, case-insensitively."""
        rows = [FolderInfo("INBOX", ".", frozenset()),
                FolderInfo("INBOX.sent items", ".", frozenset())]  # fmt: skip
        choice = choose_folder("sent", rows, prefixes=["INBOX."])
        assert (choice.name, choice.how) == ("INBOX.sent items", "name")

    def test_order_of_names(self) -> None:
        """Earlier names in the list win: Drafts before Entwürfe."""
        rows = [FolderInfo("Entwürfe", "/", frozenset()), FolderInfo("Drafts", "/", frozenset())]
        assert choose_folder("drafts", rows).name == "Drafts"


class TestSearch:
    def test_empty_folder(self, imap_account: Account) -> None:
        """An empty folder has no UIDs since 0."""
        with Mailbox.connect(imap_account.settings()) as mailbox:
            mailbox.select("INBOX")
            assert mailbox.uids_since(0) == []

    def test_nothing_new_despite_star(self, imap_account: Account) -> None:
        """UID n+1:* returns the last UID when nothing is newer; uids_since filters it."""
        uids = [imap_account.append(eml(f"m{i}", f"<m{i}@x>")) for i in range(3)]
        with Mailbox.connect(imap_account.settings()) as mailbox:
            mailbox.select("INBOX")
            assert mailbox.uids_since(0) == uids
            assert mailbox.uids_since(uids[0]) == uids[1:]
            assert mailbox.uids_since(uids[-1]) == []
            assert mailbox.uids_since(uids[-1] + 100) == []

    def test_received_since(self, imap_account: Account) -> None:
        """SEARCH SINCE filters on INTERNALDATE, by day."""
        now = datetime.now(UTC)
        old = imap_account.append(eml("old", "<old@x>"), when=now - timedelta(days=10))
        new = imap_account.append(eml("new", "<new@x>"), when=now - timedelta(hours=1))
        with Mailbox.connect(imap_account.settings()) as mailbox:
            mailbox.select("INBOX")
            assert mailbox.uids_received_since((now - timedelta(days=3)).date()) == [new]
            assert mailbox.uids_received_since(date(2000, 1, 1)) == [old, new]

    def test_needs_a_selected_folder(self, imap_account: Account) -> None:
        """Searching before select() is a programming error, said plainly."""
        with Mailbox.connect(imap_account.settings()) as mailbox, \
                pytest.raises(RuntimeError, match="select"):  # fmt: skip
            mailbox.uids_since(0)


class TestFetch:
    def test_headers_and_metadata_without_seen(self, imap_account: Account) -> None:
        """fetch_headers returns flags, aware INTERNALDATE, size, header; \\Seen stays unset."""
        when = datetime(2026, 3, 2, 10, 0, 5, tzinfo=timezone(timedelta(hours=1)))
        raw = eml("Lunch?", "<lunch@x>")
        uid = imap_account.append(raw, flags=["\\Flagged"], when=when)
        with Mailbox.connect(imap_account.settings()) as mailbox:
            mailbox.select("INBOX", readonly=False)
            [item] = list(mailbox.fetch_headers([uid]))
        assert item.uid == uid and item.size == len(raw)
        assert item.internaldate == when and item.internaldate.utcoffset() is not None
        assert "\\Flagged" in item.flags and "\\Seen" not in item.flags
        assert message_from_bytes(item.header, policy=policy.default)["Subject"] == "Lunch?"
        assert "\\Seen" not in imap_account.flags(uid)

    def test_batches(self, imap_account: Account) -> None:
        """Batches cover every UID in order, each with its own header."""
        uids = [imap_account.append(eml(f"m{i}", f"<b{i}@x>", body=f"body {i}\r\n" * 50))
                for i in range(5)]  # fmt: skip
        with Mailbox.connect(imap_account.settings()) as mailbox:
            mailbox.select("INBOX", readonly=False)
            items = list(mailbox.fetch_headers(uids, batch=2))
        assert [i.uid for i in items] == uids
        assert b"Subject: m3" in items[3].header

    def test_text_limit_and_vanished_uids(self, imap_account: Account) -> None:
        """fetch_sections gives at most limit bytes per UID, skips unknown UIDs, keeps unseen."""
        uid = imap_account.append(eml("long", "<long@x>", body="x" * 5000))
        with Mailbox.connect(imap_account.settings()) as mailbox:
            mailbox.select("INBOX", readonly=False)
            wanted = dict.fromkeys([uid, uid + 50], ("TEXT",))
            texts = mailbox.fetch_sections(wanted, limit=100, batch=1)
        assert texts == {uid: {"TEXT": b"x" * 100}}
        assert "\\Seen" not in imap_account.flags(uid)


class TestMessageId:
    def test_found_and_not_confused(self, imap_account: Account) -> None:
        """The exact Message-ID is found; prefixes, case changes and others are not."""
        imap_account.append(eml("a", "<abc.123@example.org>"), folder="Sent")
        with Mailbox.connect(imap_account.settings()) as mailbox:
            assert mailbox.message_ids_in("Sent", ["<abc.123@example.org>"])
            assert mailbox.message_ids_in("Sent", ["  <abc.123@example.org>\r\n"])
            for other in ("<abc.12@example.org>", "<abc.123@example.or", "<ABC.123@example.org>",
                          "<zzz@example.org>", ""):  # fmt: skip
                assert not mailbox.message_ids_in("Sent", [other]), other
            assert mailbox.selected is None  # nothing was selected before: UNSELECT

    def test_special_characters_and_utf8(self, imap_account: Account) -> None:
        """Quotes, backslashes, IMAP specials, UTF-8 and folded headers are searched safely."""
        ids = ['<a"b\\c%*(){]@x>', "<grüße@bücher.example>"]
        for mid in ids:
            imap_account.append(eml("s", mid), folder="Sent")
        imap_account.append(b"Subject: f\r\nMessage-ID:\r\n <folded@x>\r\n\r\nb\r\n", folder="Sent")
        with Mailbox.connect(imap_account.settings()) as mailbox:
            for mid in [*ids, "<folded@x>"]:
                assert mailbox.message_ids_in("Sent", [mid]), mid
            assert not mailbox.message_ids_in("Sent", ["<grüsse@bücher.example>"])

    def test_any_of_many(self, imap_account: Account) -> None:
        """message_ids_in searches in chunks and finds one id among many."""
        imap_account.append(eml("x", "<needle@x>"), folder="Sent")
        with Mailbox.connect(imap_account.settings()) as mailbox:
            hay = [f"<hay{i}@x>" for i in range(60)]
            assert not mailbox.message_ids_in("Sent", hay)
            assert mailbox.message_ids_in("Sent", [*hay, "<needle@x>"], chunk=7)

    def test_selection_is_restored(self, imap_account: Account) -> None:
        """After a lookup in Sent, the previously selected folder and mode are back."""
        with Mailbox.connect(imap_account.settings()) as mailbox:
            mailbox.select("INBOX", readonly=False)
            mailbox.message_ids_in("Sent", ["<nothing@x>"])
            selected = mailbox.selected
            assert selected is not None and (selected.name, selected.readonly) == ("INBOX", False)
            mailbox.add_keyword(mailbox.uids_since(0), "$Responder")  # still read-write


class TestAppend:
    def test_draft_round_trip(self, imap_account: Account) -> None:
        """APPEND returns the UID (UIDPLUS); the draft has \\Draft, no \\Seen, and parses."""
        when = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
        raw = eml("Re: Coffee next week?", "<draft-1@responder.local>")
        with Mailbox.connect(imap_account.settings()) as mailbox:
            uid = mailbox.append("Drafts", raw, when=when)
            assert mailbox.message_ids_in("Drafts", ["<draft-1@responder.local>"])
        [stored] = imap_account.messages("Drafts")
        assert stored.uid == uid
        assert "\\Draft" in stored.flags and "\\Seen" not in stored.flags
        assert stored.internaldate == when
        assert stored.raw == raw
        assert stored.headers["Subject"] == "Re: Coffee next week?"

    def test_naive_time_is_refused(self, imap_account: Account) -> None:
        """A naive datetime for INTERNALDATE is rejected before anything is sent."""
        with Mailbox.connect(imap_account.settings()) as mailbox, pytest.raises(ValueError):
            mailbox.append("Drafts", b"Subject: x\r\n\r\n", when=datetime(2026, 1, 1))

    def test_missing_folder(self, imap_account: Account) -> None:
        """APPEND to a folder that does not exist is a MailboxError naming it."""
        with Mailbox.connect(imap_account.settings()) as mailbox, \
                pytest.raises(MailboxError, match="Nowhere"):  # fmt: skip
            mailbox.append("Nowhere", b"Subject: x\r\n\r\n")


class TestKeywords:
    def test_add_keyword_keeps_other_flags(self, imap_account: Account) -> None:
        """add_keyword adds the keyword; \\Seen stays unset and \\Flagged stays set."""
        uid = imap_account.append(eml("k", "<k@x>"), flags=["\\Flagged"])
        with Mailbox.connect(imap_account.settings()) as mailbox:
            mailbox.select("INBOX", readonly=False)
            assert mailbox.supports_keywords()
            mailbox.add_keyword([uid], "$ResponderDrafted")
        assert imap_account.flags(uid) >= {"$ResponderDrafted", "\\Flagged"}
        assert "\\Seen" not in imap_account.flags(uid)

    def test_read_only_selection_is_refused(self, imap_account: Account) -> None:
        """EXAMINE reports no permanent flags, so keyword calls demand a read-write select."""
        with Mailbox.connect(imap_account.settings()) as mailbox:
            mailbox.select("INBOX", readonly=True)
            with pytest.raises(RuntimeError):
                mailbox.supports_keywords()
            with pytest.raises(RuntimeError):
                mailbox.add_keyword([1], "$X")

    @pytest.mark.parametrize("bad", ["\\Seen", "two words", "a(b", "", "ü"])
    def test_invalid_keyword(self, imap_account: Account, bad: str) -> None:
        """System flags and non-atoms are not keywords."""
        with Mailbox.connect(imap_account.settings()) as mailbox:
            mailbox.select("INBOX", readonly=False)
            with pytest.raises(ValueError, match="keyword"):
                mailbox.add_keyword([1], bad)


class TestIdle:
    @pytest.mark.parametrize("security", ["ssl", "plain"])
    def test_new_mail_ends_idle(self, imap_account: Account, security: str) -> None:
        """IDLE returns True soon after another client appends, also when the EXISTS
        arrived together with the "+ idling" continuation (buffered, invisible to poll)."""
        with Mailbox.connect(imap_account.settings(security)) as mailbox:  # type: ignore[arg-type]
            mailbox.select("INBOX")
            assert mailbox.idle(0.2) is False
            imap_account.append(eml("new", "<idle@x>"))
            started = time.monotonic()
            assert mailbox.idle(10) is True
            assert time.monotonic() - started < 5
            assert mailbox.uids_since(0) == [1]
            timer = threading.Timer(0.3, imap_account.append, [eml("newer", "<idle2@x>")])
            started = time.monotonic()
            timer.start()  # this one arrives while idling
            try:
                assert mailbox.idle(10) is True
            finally:
                timer.join()
            assert time.monotonic() - started < 5


class TestDovecotHelper:
    def test_missing_dovecot_skips_locally_and_fails_under_ci(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """No dovecot binary: a clear error; skip without CI, fail with CI set."""
        server = Dovecot(binary="/nonexistent/dovecot")
        with pytest.raises(ServerUnavailable, match="apt-get install dovecot-imapd"):
            server.start()
        monkeypatch.delenv("CI", raising=False)
        with pytest.raises(pytest.skip.Exception):
            start_or_skip(server)
        monkeypatch.setenv("CI", "true")
        with pytest.raises(pytest.fail.Exception, match="CI"):
            start_or_skip(server)


class TestServerRestart:
    def test_restart_keeps_ports_and_mail(self) -> None:
        """A restarted Dovecot keeps its ports and mail; the old connection fails cleanly."""
        server = Dovecot()
        started = time.monotonic()
        try:
            server.start()
        except ServerUnavailable as exc:
            pytest.skip(str(exc))
        try:
            assert time.monotonic() - started < 3  # ~0.2 s here, incl. the certificates
            account = server.add_user()
            uid = account.append(eml("kept", "<kept@x>"))
            ports = (server.imap_port, server.imaps_port)
            with Mailbox.connect(account.settings()) as mailbox:
                mailbox.select("INBOX")
                server.restart()
                with pytest.raises(MailboxError):
                    mailbox.uids_since(0)
            assert (server.imap_port, server.imaps_port) == ports
            with Mailbox.connect(account.settings()) as mailbox:
                mailbox.select("INBOX")
                assert mailbox.uids_since(0) == [uid]
        finally:
            directory = server.dir
            server.close()
        assert directory is not None and not directory.exists()
        assert not server.running


@pytest.fixture(scope="module")
def pymap() -> Iterator[Pymap]:
    """pymap on a free loopback port, demo user only, for this module."""
    try:
        server = Pymap(user="demo", password="demopass").__enter__()
    except ServerUnavailable as exc:
        skip_or_fail(str(exc))
    try:
        yield server
    finally:
        server.__exit__()


class TestPymap:
    """pymap's dict backend: no SPECIAL-USE, no NAMESPACE, INBOX only for the demo user."""

    def test_drafts_by_name(self, pymap: Pymap) -> None:
        """No Drafts at first; once created, it is found by name and takes drafts."""
        account = pymap.account
        with Mailbox.connect(account.settings("plain")) as mailbox:
            assert [f.name for f in mailbox.list_folders()] == ["INBOX"]
            with pytest.raises(FolderNotFound):
                mailbox.find_folder("drafts")
            account.create_folder("Drafts")
            choice = mailbox.explain_folder("drafts")
            assert (choice.name, choice.how) == ("Drafts", "name")
            uid = mailbox.append("Drafts", eml("Re: hi", "<pymap@x>"))
            assert uid is not None and uid >= 101  # pymap's UIDs start at 101
            assert mailbox.message_ids_in("Drafts", ["<pymap@x>"])
            mailbox.select("INBOX", readonly=False)
            assert not mailbox.supports_keywords()  # PERMANENTFLAGS without \*

    def test_starttls_failure_is_loud(self, pymap: Pymap) -> None:
        """pymap advertises STARTTLS but has no certificate: connect fails, never plain."""
        with pytest.raises(MailboxError):
            Mailbox.connect(pymap.account.settings("starttls"))
