"""The command line, through its runner: offline classify and preview, usage errors, check."""

from __future__ import annotations

import argparse
import email
import email.policy
import email.utils
import io
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
import structlog

from responder.cli import main, parse_days
from responder.model import Action

TESTS = Path(__file__).resolve().parent
GUARD = TESTS / "fixtures" / "guard"
PARSE = TESTS / "fixtures" / "parse"
MULTI = TESTS / "data" / "multilingual" / "mail"

KEYS = {
    "file",
    "invitation",
    "language",
    "reply_language",
    "intent",
    "formality",
    "tier",
    "action",
    "draft",
    "reasons",
}

TRUNCATED_MULTIPART = (
    b"Return-Path: <tom.hughes@northwind.example>\r\n"
    b"From: Tom Hughes <tom.hughes@northwind.example>\r\n"
    b"To: Anna Berg <anna.berg@example.com>\r\n"
    b"Subject: Lunch on Friday?\r\n"
    b"Message-ID: <cut-short@northwind.example>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="XYZ"\r\n'
    b"\r\n"
    b"--XYZ\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Hi Anna, lunch on Friday?\r\n"
    b"--XYZ\r\n"
    b"Content-Type: application/pdf\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"\r\n"
    b"JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5n"
)


@pytest.fixture(autouse=True)
def hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty working directory, no RESPONDER_* from outside, key and state under tmp.

    The fixture mails are from 2024, so the age limit is raised (and retention, which must
    not be shorter, switched off) to let them be classified rather than skipped as too old.
    The CLI configures structlog for the process; the previous set-up is restored after.
    """
    for name in list(os.environ):
        if name.startswith("RESPONDER_"):
            monkeypatch.delenv(name)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("RESPONDER_KEY_FILE", str(tmp_path / "keys" / "draft.key"))
    monkeypatch.setenv("RESPONDER_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("RESPONDER_MAX_AGE_DAYS", "3650")
    monkeypatch.setenv("RESPONDER_RETENTION_DAYS", "0")
    saved = structlog.get_config()
    yield work
    structlog.configure(**saved)


def run(*argv: str) -> tuple[int, str]:
    """Exit code and standard output of `responder ARGV`."""
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def classify_json(*files: Path | str) -> tuple[int, list[dict[str, object]]]:
    """`classify --json` on these files: exit code and one parsed object per output line."""
    code, text = run("classify", "--json", *map(str, files))
    return code, [json.loads(line) for line in text.splitlines()]


def draft_of(preview_output: str) -> tuple[dict[str, str], str]:
    """Headers and reply text of the readable draft in `preview` output.

    The output is '# reason' lines, then 'Name: value' header lines, a blank line and the
    body; the reply text is the body up to the quoted original.
    """
    lines = [line for line in preview_output.splitlines() if not line.startswith("# ")]
    head, _, body = "\n".join(lines).partition("\n\n")
    headers = dict(line.split(": ", 1) for line in head.splitlines())
    return headers, body.split("\n>")[0]


class TestClassifyJson:
    """`classify --json` prints one complete object per file, whatever the file holds."""

    def test_one_object_per_file(self) -> None:
        """Every file gets exactly one line, in order, with every promised key."""
        files = [
            GUARD / "invitation_de.eml",
            GUARD / "invitation_en.eml",
            GUARD / "invitation_nb.eml",
            MULTI / "de-002.eml",
            MULTI / "de-007.eml",
            PARSE / "calendar_request_en.eml",
            GUARD / "list_id_en.eml",
        ]
        code, rows = classify_json(*files)
        assert code == 0
        assert [r["file"] for r in rows] == [str(f) for f in files]
        for row in rows:
            assert set(row) >= KEYS
            assert isinstance(row["invitation"], bool)
            assert isinstance(row["draft"], bool)
            assert isinstance(row["reasons"], list)
            assert row["reasons"]

    def test_german_formal_invitation(self) -> None:
        """A Sie-invitation to lunch from an unknown sender gets a formal German decline."""
        _, [row] = classify_json(GUARD / "invitation_de.eml")
        assert {k: row[k] for k in KEYS - {"file", "reasons"}} == {
            "invitation": True,
            "language": "de",
            "reply_language": "de",
            "intent": "lunch",
            "formality": "formal",
            "tier": "unknown",
            "action": "decline",
            "draft": True,
        }
        assert "action decline: policy for unknown" in row["reasons"]  # type: ignore[operator]

    def test_german_informal_invitation(self) -> None:
        """A du-mail is read as informal."""
        _, [row] = classify_json(MULTI / "de-002.eml")
        assert (row["language"], row["formality"], row["intent"]) == ("de", "informal", "coffee")

    def test_norwegian_invitation(self) -> None:
        """A bokmål lunch invitation is answered in bokmål, with no register."""
        _, [row] = classify_json(GUARD / "invitation_nb.eml")
        assert (row["language"], row["reply_language"], row["formality"]) == ("nb", "nb", None)
        assert row["intent"] == "lunch"

    def test_not_an_invitation(self) -> None:
        """An invoice is classified but gets no draft, with the reason why."""
        _, [row] = classify_json(MULTI / "de-007.eml")
        assert row["invitation"] is False
        assert row["draft"] is False
        assert row["action"] is None
        assert row["tier"] is None
        assert row["skip"] == "not_invitation"

    def test_guard_skip(self) -> None:
        """List mail is skipped by the guard and says so."""
        _, [row] = classify_json(GUARD / "list_id_en.eml")
        assert row["draft"] is False
        assert row["skip"] == "list_mail"
        assert any("list" in str(r) for r in row["reasons"])  # type: ignore[attr-defined]

    def test_calendar_request_note(self) -> None:
        """A calendar invitation's reasons say the calendar answer is still open."""
        _, [row] = classify_json(PARSE / "calendar_request_en.eml")
        assert row["draft"] is True
        reasons = row["reasons"]
        assert "calendar invitation: answer the calendar request yourself too" in reasons  # type: ignore[operator]


class TestClassifyBrokenInput:
    """Broken files still get a complete object with draft false and a reason."""

    @pytest.mark.parametrize(
        ("content", "skip"),
        [
            (b"", "unparseable"),
            (bytes(range(256)) * 3, "unparseable"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "unparseable"),
        ],
        ids=["empty", "random-bytes", "png"],
    )
    def test_unparseable(self, hermetic: Path, content: bytes, skip: str) -> None:
        """Files that are not mail at all are reported as unparseable, not a crash."""
        path = hermetic / "broken.eml"
        path.write_bytes(content)
        code, [row] = classify_json(path)
        assert code == 0
        assert set(row) >= KEYS
        assert row["draft"] is False
        assert row["invitation"] is False
        assert row["skip"] == skip
        assert row["reasons"]

    def test_truncated_multipart(self, hermetic: Path) -> None:
        """A multipart cut off mid-attachment still yields an object with every key."""
        path = hermetic / "cut.eml"
        path.write_bytes(TRUNCATED_MULTIPART)
        code, [row] = classify_json(path)
        assert code == 0
        assert set(row) >= KEYS
        assert row["intent"] == "lunch"
        assert row["reasons"]

    def test_missing_file(self, hermetic: Path) -> None:
        """A missing file is reported in line with the others and the exit code is 1."""
        missing = hermetic / "gone.eml"
        code, rows = classify_json(missing, GUARD / "invitation_en.eml")
        assert code == 1
        assert [r["file"] for r in rows] == [str(missing), str(GUARD / "invitation_en.eml")]
        assert set(rows[0]) >= KEYS
        assert rows[0]["draft"] is False
        assert rows[0]["skip"] == "unreadable"
        assert rows[0]["reasons"] == ["No such file or directory"]
        assert rows[1]["draft"] is True


class TestClassifyPlain:
    """Without --json: one summary line per file, its reasons indented beneath."""

    def test_one_line_per_file(self, hermetic: Path) -> None:
        """Each file has one unindented line naming it, in order."""
        empty = hermetic / "empty.eml"
        empty.write_bytes(b"")
        files = [GUARD / "invitation_de.eml", empty, GUARD / "list_id_en.eml"]
        code, text = run("classify", *map(str, files))
        assert code == 0
        summary = [line for line in text.splitlines() if not line.startswith("    - ")]
        assert len(summary) == len(files)
        for line, path in zip(summary, files, strict=True):
            assert line.startswith(f"{path}: ")
        assert (
            "INVITATION lang=de intent=lunch formality=formal tier=unknown -> decline"
            in (summary[0])
        )
        assert summary[1].endswith("-> no draft (unparseable)")
        assert summary[2].endswith("-> no draft (list_mail)")


class TestOfflineIdentity:
    """Offline, with no identity set, the mail's first recipient stands in for the user."""

    def test_first_recipient_is_the_user(self) -> None:
        """Without RESPONDER_IDENTITY_EMAIL the mail is taken as addressed to us."""
        _, [row] = classify_json(GUARD / "invitation_nb.eml")
        assert row["draft"] is True

    def test_configured_identity_is_respected(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With an identity set, mail to someone else is not addressed to us."""
        monkeypatch.setenv("RESPONDER_IDENTITY_EMAIL", "someone.else@example.org")
        _, [row] = classify_json(GUARD / "invitation_nb.eml")
        assert row["draft"] is False
        assert row["skip"] == "not_addressed"


class TestContactsOption:
    """--contacts changes who a sender is."""

    def test_listed_client_is_accepted(self, hermetic: Path) -> None:
        """A sender listed as client gets accept instead of the unknown sender's decline."""
        path = hermetic / "contacts.toml"
        path.write_text('[tiers]\nclient = ["@northwind.example"]\n', encoding="utf-8")
        _, [before] = classify_json(GUARD / "invitation_en.eml")
        code, text = run(
            "classify", "--json", "--contacts", str(path), str(GUARD / "invitation_en.eml")
        )
        after = json.loads(text)
        assert code == 0
        assert (before["tier"], before["action"]) == ("unknown", "decline")
        assert (after["tier"], after["action"]) == ("client", "accept")
        assert "tier client from contacts" in after["reasons"]

    def test_personal_contact_gets_no_draft(self, hermetic: Path) -> None:
        """A sender listed as personal gets no draft at all."""
        path = hermetic / "contacts.toml"
        path.write_text('[tiers]\npersonal = ["kari.nordmann@firma.no"]\n', encoding="utf-8")
        code, text = run(
            "classify", "--json", "--contacts", str(path), str(GUARD / "invitation_nb.eml")
        )
        row = json.loads(text)
        assert code == 0
        assert (row["draft"], row["skip"]) == (False, "personal")

    def test_bad_contacts_file_is_a_usage_error(
        self, hermetic: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A broken contacts file exits 2 naming it, without a traceback."""
        path = hermetic / "contacts.toml"
        path.write_text('[tiers]\nvip = ["a@b.example"]\n', encoding="utf-8")
        code, _ = run("classify", "--contacts", str(path), str(GUARD / "invitation_en.eml"))
        err = capsys.readouterr().err
        assert code == 2
        assert "tiers.vip" in err
        assert "Traceback" not in err


class TestPreviewFile:
    """`preview FILE.eml` prints the complete draft, or why there is none."""

    def test_german_draft(self) -> None:
        """A German Sie-invitation gets a threaded reply in German with Sie."""
        code, text = run("preview", str(GUARD / "invitation_de.eml"))
        assert code == 0
        assert "# action decline: policy for unknown" in text
        headers, reply = draft_of(text)
        assert headers["From"] == "anna.berg@example.com"
        assert headers["To"] == '"Keller, Jonas" <j.keller@beispiel.de>'
        assert headers["Subject"] == "Re: Mittagessen am Donnerstag?"
        assert headers["In-Reply-To"] == "<a81c2e0f-77d1-4b0e@beispiel.de>"
        assert headers["References"] == "<a81c2e0f-77d1-4b0e@beispiel.de>"
        assert headers["Message-ID"].startswith("<")
        assert "Jonas Keller" in reply.splitlines()[0]
        assert "Mittagessen" in reply
        words = set(reply.replace(",", " ").replace(".", " ").split())
        assert words & {"Sie", "Ihre", "Ihnen"}
        assert not words & {"du", "dich", "dir", "deine"}

    def test_english_draft(self) -> None:
        """An English invitation gets an English reply from the recipient's address."""
        code, text = run("preview", str(GUARD / "invitation_en.eml"))
        headers, reply = draft_of(text)
        assert code == 0
        assert headers["From"] == "Anna Berg <anna.berg@example.com>"
        assert headers["To"] == "Tom Hughes <tom.hughes@northwind.example>"
        assert headers["Subject"] == "Re: Coffee next week?"
        assert headers["In-Reply-To"] == "<CAF3x+Qk2v9@mail.northwind.example>"
        assert reply.startswith("Hi Tom")
        assert "coffee" in reply
        assert "Anna Berg" in reply

    def test_norwegian_draft(self) -> None:
        """A bokmål invitation gets a bokmål reply from the address it was sent to."""
        code, text = run("preview", str(GUARD / "invitation_nb.eml"))
        headers, reply = draft_of(text)
        assert code == 0
        assert headers["From"] == "Anna Berg <anna@berg.no>"
        assert headers["To"] == "Kari Nordmann <kari.nordmann@firma.no>"
        assert headers["Subject"] == "Re: Lunsj?"
        assert reply.startswith("Hei Kari")
        assert "lunsj" in reply
        assert "Takk" in reply

    def test_raw_is_the_mime_message(self) -> None:
        """--raw prints the draft's bytes: a MIME message with the same threading headers."""
        code, text = run("preview", "--raw", str(GUARD / "invitation_de.eml"))
        body = "".join(line for line in text.splitlines(True) if not line.startswith("# "))
        msg = email.message_from_bytes(body.encode(), policy=email.policy.default)
        assert code == 0
        assert isinstance(msg, EmailMessage)
        assert msg["In-Reply-To"] == "<a81c2e0f-77d1-4b0e@beispiel.de>"
        assert msg.get_content_type() == "text/plain"
        assert msg.get_param("format") == "flowed"
        part = msg.get_body(("plain",))
        assert part is not None
        assert "Mittagessen" in part.get_content()

    def test_not_an_invitation(self) -> None:
        """A mail without an invitation prints 'No draft:' with the rule."""
        code, text = run("preview", str(MULTI / "de-007.eml"))
        assert code == 0
        assert text.splitlines()[-1].startswith("No draft: not_invitation: ")
        assert "Subject:" not in text

    def test_guard_skip(self) -> None:
        """A list mail prints 'No draft:' with the guard's rule."""
        _, text = run("preview", str(GUARD / "list_id_en.eml"))
        assert text.splitlines()[-1].startswith("No draft: list_mail: ")

    def test_preview_honours_contacts(self, hermetic: Path) -> None:
        """--contacts on preview renders the contact's action."""
        path = hermetic / "contacts.toml"
        path.write_text('[tiers]\nclient = ["@northwind.example"]\n', encoding="utf-8")
        _, text = run("preview", "--contacts", str(path), str(GUARD / "invitation_en.eml"))
        assert "# action accept: policy for client" in text

    def test_missing_file(self, hermetic: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing FILE.eml is a one-line error naming it, not a traceback."""
        code, _ = run("preview", str(hermetic / "gone.eml"))
        assert code != 0
        assert "gone.eml" in capsys.readouterr().err


class TestOldMail:
    """Offline commands judge a saved mail as of its own date, not as too old to answer."""

    @pytest.fixture(autouse=True)
    def default_age(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("RESPONDER_MAX_AGE_DAYS", "14")  # the shipped default

    def test_classify_detects_and_notes_the_age(self) -> None:
        """A 2024 invitation is still detected; the first reason says a pass would skip it."""
        code, (row,) = classify_json(GUARD / "invitation_en.eml")
        assert code == 0
        assert row["invitation"] is True and row["draft"] is True and row["skip"] is None
        first = row["reasons"][0]  # type: ignore[index]
        assert "older than 14 days" in first and "a pass would not answer it" in first
        assert "2024-" in first

    def test_preview_prints_the_draft_dated_after_the_mail(self) -> None:
        """The draft is shown, dated just after the mail it answers, with the note first."""
        code, text = run("preview", str(GUARD / "invitation_en.eml"))
        assert code == 0
        assert text.startswith("# note: dated 2024-")
        headers, reply = draft_of(text)
        assert headers["Subject"] == "Re: Coffee next week?"
        assert "2024" in headers["Date"]
        assert reply.startswith("Hi Tom")

    def test_a_recent_mail_gets_no_note(self, tmp_path: Path) -> None:
        """Mail within the age limit is judged as of now, without a note."""
        raw = (GUARD / "invitation_en.eml").read_bytes()
        head, sep, body = raw.partition(b"\n\n")
        now = email.utils.format_datetime(datetime.now(UTC) - timedelta(hours=1))
        lines = [b"Date: " + now.encode() if line.startswith(b"Date:") else line
                 for line in head.split(b"\n")]  # fmt: skip
        path = tmp_path / "recent.eml"
        path.write_bytes(b"\n".join(lines) + sep + body)
        _, text = run("preview", str(path))
        assert "# note:" not in text
        assert draft_of(text)[1].startswith("Hi Tom")


class TestPreviewSample:
    """`preview --lang --action` renders one template with sample data."""

    def test_german_formal(self) -> None:
        """--formal renders the Sie form."""
        code, text = run("preview", "--lang", "de", "--action", "decline", "--formal")
        assert code == 0
        assert "Ihre Nachricht" in text
        assert "Wenn Sie" in text
        assert " du " not in text

    def test_german_informal(self) -> None:
        """--informal renders the du form."""
        code, text = run("preview", "--lang", "de", "--action", "decline", "--informal")
        assert code == 0
        assert "deine Nachricht" in text
        assert "Wenn du" in text
        assert "Wenn Sie" not in text

    def test_formal_is_the_default(self) -> None:
        """Without --formal or --informal German is rendered with Sie."""
        _, default = run("preview", "--lang", "de", "--action", "decline")
        _, formal = run("preview", "--lang", "de", "--action", "decline", "--formal")
        assert default == formal

    @pytest.mark.parametrize("lang", ["en", "de", "nb"])
    @pytest.mark.parametrize("act", [a.value for a in Action])
    def test_every_template_renders(self, lang: str, act: str) -> None:
        """Every action renders in every language through the CLI."""
        code, text = run("preview", "--lang", lang, "--action", act)
        assert code == 0
        assert len(text.strip()) > 80

    def test_formal_and_informal_exclude_each_other(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Asking for both registers is a usage error."""
        with pytest.raises(SystemExit) as info:
            run("preview", "--lang", "de", "--action", "decline", "--formal", "--informal")
        assert info.value.code == 2
        assert "not allowed with argument" in capsys.readouterr().err

    def test_unknown_action(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown action exits 2 and lists the real ones."""
        code, out = run("preview", "--lang", "de", "--action", "nonsense")
        err = capsys.readouterr().err
        assert code == 2
        assert out == ""
        assert "--action 'nonsense' is not one of" in err
        assert "decline" in err
        assert "Traceback" not in err

    def test_unknown_language(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A language without templates is refused by the parser."""
        with pytest.raises(SystemExit) as info:
            run("preview", "--lang", "fr", "--action", "decline")
        assert info.value.code == 2
        assert "--lang" in capsys.readouterr().err

    def test_lang_without_action(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--lang alone says it needs --action."""
        code, _ = run("preview", "--lang", "de")
        assert code == 2
        assert "--lang and --action go together" in capsys.readouterr().err

    def test_nothing_to_preview(self, capsys: pytest.CaptureFixture[str]) -> None:
        """preview with no file and no --lang says what to give."""
        code, _ = run("preview")
        assert code == 2
        assert "give FILE.eml" in capsys.readouterr().err


class TestCheck:
    """`check` validates what it can offline and names what is missing."""

    def test_no_account(self, capsys: pytest.CaptureFixture[str]) -> None:
        """With no account configured, check exits 2 naming RESPONDER_IMAP_HOST."""
        code, out = run("check")
        err = capsys.readouterr().err
        assert code == 2
        assert "config: defaults" in out
        assert "templates: ok" in out
        assert "RESPONDER_IMAP_HOST" in err
        assert "RESPONDER_IMAP_USER" in err
        assert "Traceback" not in err


class TestEnvironmentErrors:
    """A bad RESPONDER_* variable stops every command with a one-line message."""

    @pytest.mark.parametrize(
        "argv",
        [
            ["classify", str(GUARD / "invitation_en.eml")],
            ["preview", "--lang", "en", "--action", "accept"],
            ["check"],
            ["once"],
            ["scan"],
        ],
        ids=["classify", "preview", "check", "once", "scan"],
    )
    def test_unknown_variable(
        self, argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An unknown RESPONDER_ variable exits 2, names it, and shows no traceback."""
        monkeypatch.setenv("RESPONDER_IMAP_HOTS", "imap.example")
        code, out = run(*argv)
        err = capsys.readouterr().err
        assert code == 2
        assert out == ""
        assert "RESPONDER_IMAP_HOTS" in err
        assert "RESPONDER_IMAP_HOST" in err
        assert "Traceback" not in err

    def test_bad_value(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A variable with a value of the wrong type exits 2 naming it."""
        monkeypatch.setenv("RESPONDER_IMAP_PORT", "abc")
        code, _ = run("classify", str(GUARD / "invitation_en.eml"))
        assert code == 2
        assert "RESPONDER_IMAP_PORT" in capsys.readouterr().err

    def test_dotenv_in_cwd_is_read(
        self, hermetic: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A .env file in the working directory is read like the environment."""
        # setenv then delenv: monkeypatch restores "absent" after .env loading sets it.
        monkeypatch.setenv("RESPONDER_IMAP_HOTS", "placeholder")
        monkeypatch.delenv("RESPONDER_IMAP_HOTS")
        (hermetic / ".env").write_text("RESPONDER_IMAP_HOTS=imap.example\n", encoding="utf-8")
        code, _ = run("check")
        assert code == 2
        assert "RESPONDER_IMAP_HOTS" in capsys.readouterr().err

    def test_config_file_in_cwd_is_read(
        self, hermetic: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """config/responder.toml in the working directory is the default config."""
        (hermetic / "config").mkdir()
        (hermetic / "config" / "responder.toml").write_text("[imapp]\n", encoding="utf-8")
        code, _ = run("check")
        err = capsys.readouterr().err
        assert code == 2
        assert "config/responder.toml" in err
        assert "[imapp]" in err


class TestHelp:
    """--help works without any configuration."""

    def test_top_level_help(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--help lists the commands and exits 0."""
        with pytest.raises(SystemExit) as info:
            main(["--help"])
        out = capsys.readouterr().out
        assert info.value.code == 0
        for command in ("once", "scan", "run", "classify", "preview", "check", "demo", "eval"):
            assert command in out
        assert "never sends mail" in " ".join(out.split())

    def test_command_help(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A command's --help shows its options."""
        with pytest.raises(SystemExit) as info:
            main(["classify", "--help"])
        assert info.value.code == 0
        out = capsys.readouterr().out
        assert "--json" in out
        assert "--contacts" in out

    def test_no_command(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Without a command the parser exits 2 with usage."""
        with pytest.raises(SystemExit) as info:
            main([])
        assert info.value.code == 2
        assert "usage:" in capsys.readouterr().err


class TestParseDays:
    """Durations for --lookback: days or weeks."""

    @pytest.mark.parametrize(
        ("text", "days"),
        [("7d", 7), ("2w", 14), ("7", 7), ("0d", 0), (" 3D ", 3), ("10W", 70)],
    )
    def test_valid(self, text: str, days: int) -> None:
        """A number with an optional d or w suffix is a number of days."""
        assert parse_days(text) == days

    @pytest.mark.parametrize("text", ["", "d", "7x", "-1d", "1.5w", "7 days", "2w3d"])
    def test_invalid(self, text: str) -> None:
        """Anything else is an argparse type error quoting the input."""
        with pytest.raises(argparse.ArgumentTypeError, match="is not a duration like 7d or 2w"):
            parse_days(text)

    def test_bad_lookback_is_a_usage_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`once --lookback 7x` exits 2 naming the option and the value."""
        with pytest.raises(SystemExit) as info:
            main(["once", "--lookback", "7x"])
        err = capsys.readouterr().err
        assert info.value.code == 2
        assert "--lookback" in err
        assert "'7x'" in err
