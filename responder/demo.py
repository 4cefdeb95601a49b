"""`responder demo`: the real pipeline, end to end, with no account and no set-up.

It starts the pure-Python IMAP server pymap on 127.0.0.1 (in memory, gone when the demo
ends), seeds its INBOX with sample mails in English, German and Norwegian — invitations and
mail that must get no draft — then runs the same pass as `responder once`, through the same
IMAP code, and prints the decisions and the drafts it APPENDed.
"""

from __future__ import annotations

import importlib.resources
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import TextIO

from responder.compose import readable
from responder.config import Settings, load_settings
from responder.errors import ResponderError
from responder.mailbox import Mailbox

SHOWN = ("From", "To", "Cc", "Subject", "In-Reply-To")
DEMO_USER = "demo"
DEMO_PASSWORD = "demo-only-password"  # noqa: S105 - a throwaway in-memory server on loopback


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def pymap_server(port: int, logfile: Path) -> Iterator[int]:
    """Run pymap on 127.0.0.1:port (never on all interfaces) until the block ends."""
    if not _has_module("pymap"):
        raise ResponderError(
            "the demo needs the pymap IMAP server: pip install 'responder[demo]' (./dev demo does)"
        )
    port = port or free_port()
    with logfile.open("wb") as log:
        proc = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
            [
                sys.executable,
                "-c",
                "import sys; from pymap.main import main; sys.exit(main())",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "dict",
                "--demo-user",
                DEMO_USER,
                "--demo-password",
                DEMO_PASSWORD,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        _wait_for_port(port, proc, logfile)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _has_module(name: str) -> bool:
    import importlib.util  # noqa: PLC0415

    return importlib.util.find_spec(name) is not None


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], logfile: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ResponderError(f"pymap exited at start:\n{logfile.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                if s.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    raise ResponderError("pymap did not start within 20 s")


def samples() -> list[tuple[str, bytes]]:
    """The demo mails shipped with the package, in file-name order."""
    root = importlib.resources.files("responder") / "data" / "demo"
    return sorted(
        (item.name, item.read_bytes()) for item in root.iterdir() if item.name.endswith(".eml")
    )


def freshen(raw: bytes, when: datetime) -> bytes:
    """Give a sample a current Date header so the max-age rule lets it through."""
    head, sep, body = raw.partition(b"\n\n")
    lines = [ln for ln in head.split(b"\n") if not ln.lower().startswith(b"date:")]
    lines.append(b"Date: " + format_datetime(when).encode())
    return b"\n".join(lines) + sep + body


def demo_settings(port: int, tmp: Path) -> Settings:
    contacts = importlib.resources.files("responder") / "data" / "demo" / "contacts.toml"
    contacts_path = tmp / "contacts.toml"
    contacts_path.write_bytes(contacts.read_bytes())
    for lang in ("en", "de", "nb"):
        sig = importlib.resources.files("responder") / "data" / "demo" / f"signature.{lang}.txt"
        (tmp / sig.name).write_bytes(sig.read_bytes())
    env = {
        "RESPONDER_IMAP_HOST": "127.0.0.1",
        "RESPONDER_IMAP_PORT": str(port),
        "RESPONDER_IMAP_SECURITY": "plain",
        "RESPONDER_IMAP_USER": DEMO_USER,
        "RESPONDER_IMAP_PASSWORD": DEMO_PASSWORD,
        "RESPONDER_IDENTITY_NAME": "Ingrid Solberg",
        "RESPONDER_IDENTITY_EMAIL": "ingrid@solberg.example",
        "RESPONDER_CONTACTS": str(contacts_path),
        "RESPONDER_STATE_DIR": str(tmp / "state"),
        "RESPONDER_KEY_FILE": str(tmp / "draft.key"),
        "RESPONDER_TIMEZONE": "Europe/Oslo",
        "RESPONDER_BOOKING_LINK": "https://cal.example/ingrid/20min",
        "RESPONDER_SIGNATURE_EN": str(tmp / "signature.en.txt"),
        "RESPONDER_SIGNATURE_DE": str(tmp / "signature.de.txt"),
        "RESPONDER_SIGNATURE_NB": str(tmp / "signature.nb.txt"),
    }
    return load_settings(tmp / "none.toml", environ=env, read_dotenv=False, allow_missing=True)


def run_demo(out: TextIO, *, port: int = 0) -> int:
    from responder.commands import print_table, run_pass, server_settings  # noqa: PLC0415

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="responder-demo-")))
        port = stack.enter_context(pymap_server(port, tmp / "pymap.log"))
        settings = demo_settings(port, tmp)
        out.write(f"demo IMAP server (pymap) on 127.0.0.1:{port}, user {DEMO_USER}\n")
        now = datetime.now(UTC)
        with Mailbox.connect(server_settings(settings)) as mbox:
            for folder in ("Drafts", "Sent"):
                mbox.ensure_folder(folder)
            mails = samples()
            for i, (_name, raw) in enumerate(mails):
                when = now - timedelta(minutes=7 * (len(mails) - i))
                mbox.append("INBOX", freshen(raw, when), flags=(), when=when)
        out.write(f"seeded INBOX with {len(mails)} sample mails (en, de, nb)\n\n")
        reports = run_pass(settings, dry_run=False, lookback_days=1)
        for report in reports:
            print_table(report, out)
        again = run_pass(settings, dry_run=False)
        out.write(f"\nsecond pass: {sum(r.drafted for r in again)} new drafts (exactly once)\n")
        with Mailbox.connect(server_settings(settings)) as mbox:
            drafts = mbox.find_folder("drafts")
            texts = mbox.read_all(drafts)
        out.write(f"\n{len(texts)} drafts in {drafts!r}:\n")
        for raw in texts:
            out.write("\n" + "=" * 72 + "\n" + readable(raw, headers=SHOWN))
        out.write("\n" + "=" * 72 + "\n")
        out.write("The originals are untouched (still unread). Nothing was sent.\n")
    return 0
