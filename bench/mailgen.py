"""Deterministic mail for the benchmarks, and a Maildir cache keyed by size and generator version.

``generate(n)`` yields (date, flags, raw bytes) for n messages: 2 KB-200 KB (log-uniform;
a quarter carry a PDF-like base64 attachment), ~2% invitations to the user in en/de/nb, and
the rest the usual inbox: newsletters and lists (List-Id, Precedence: bulk), noreply
notifications (Auto-Submitted), correspondence addressed to the user, and mail the user is
only Bcc'd on. Dates rise with the index over the year before generation, so UID order is
date order as in a real INBOX.

``cached_maildir(root, n)`` writes them straight into a Maildir ``cur/`` (file mtime =
INTERNALDATE; ``S=``/``W=`` in the name so Dovecot need not stat or read for RFC822.SIZE)
and Dovecot indexes the folder on its first SELECT. A ``manifest.json`` written last marks
the folder complete; bump GENERATOR_VERSION whenever the output changes.
"""

from __future__ import annotations

import base64
import json
import os
import pwd
import random
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.utils import format_datetime
from pathlib import Path

GENERATOR_VERSION = 1
ME_NAME, ME = "Ingrid Solberg", "ingrid@solberg.example"
SPAN_DAYS = 360

_FIRST = [
    "Tom",
    "Hans",
    "Kari",
    "Lena",
    "Per",
    "Anna",
    "Jonas",
    "Marit",
    "Sofie",
    "Ola",
    "Julia",
    "Erik",
    "Nora",
    "Felix",
    "Ingrid",
    "Lars",
    "Mia",
    "Paul",
    "Sara",
    "Knut",
]
_LAST = [
    "Schmidt",
    "Hansen",
    "Berg",
    "Meyer",
    "Olsen",
    "Weber",
    "Larsen",
    "Fischer",
    "Johansen",
    "Wagner",
    "Brown",
    "Miller",
    "Dahl",
    "Koch",
    "Lie",
]
_DOMAINS = [
    "kunde-gmbh.example",
    "fjordtech.example",
    "acme.example",
    "nordlys.example",
    "bauer-ag.example",
    "mail.example",
    "consult.example",
    "startup.example",
]
_LISTS = [
    "news@shop.example",
    "digest@forum.example",
    "updates@saas.example",
    "dev@lists.example",
    "weekly@press.example",
]
_NOREPLY = [
    "noreply@bank.example",
    "no-reply@github.example",
    "notifications@ci.example",
    "donotreply@airline.example",
]

_FILLER = {
    "en": [
        "Thanks for sending the figures over yesterday.",
        "I have attached the revised version of the quarterly report.",
        "The invoice for March is now in the shared folder.",
        "Please check the numbers in section three before Friday.",
        "We shipped the update to the staging server this morning.",
        "Let me know if anything in the contract is unclear.",
        "The supplier confirmed the delivery for the end of the month.",
    ],
    "de": [
        "Vielen Dank für die Unterlagen von gestern.",
        "Anbei finden Sie die überarbeitete Fassung des Angebots.",
        "Die Rechnung für März liegt jetzt im gemeinsamen Ordner.",
        "Bitte prüfen Sie die Zahlen in Abschnitt drei bis Freitag.",
        "Der Lieferant hat die Lieferung für Ende des Monats bestätigt.",
    ],
    "nb": [
        "Takk for tallene du sendte i går.",
        "Vedlagt er den reviderte versjonen av rapporten.",
        "Fakturaen for mars ligger nå i fellesmappen.",
        "Leverandøren har bekreftet leveransen i slutten av måneden.",
        "Gi beskjed hvis noe i kontrakten er uklart.",
    ],
}
_INVITES = {
    "en": [
        (
            "Coffee next week?",
            "Would you like to grab a coffee next Tuesday? I would love to "
            "hear how the new office is going.",
        ),
        (
            "Lunch?",
            "Are you free for lunch on Thursday? My treat, there is a new place near the station.",
        ),
        ("Quick question", "Could I pick your brain over a coffee some time next week?"),
    ],
    "de": [
        (
            "Kaffee?",
            "Hätten Sie Lust, nächste Woche mit mir einen Kaffee trinken zu gehen? "
            "Ich würde mich sehr über ein Treffen freuen.",
        ),
        (
            "Mittagessen nächste Woche",
            "Hast du Zeit für ein Mittagessen am Donnerstag? Ich lade dich ein.",
        ),
    ],
    "nb": [
        (
            "Lunsj?",
            "Skal vi ta en lunsj neste uke? Jeg vil gjerne høre hvordan det går med "
            "det nye prosjektet.",
        ),
        ("Kaffe", "Har du tid til en kaffe på torsdag? Det hadde vært hyggelig å treffes."),
    ],
}


@dataclass(frozen=True)
class Manifest:
    n: int
    version: int
    oldest: str  # ISO date of the oldest message
    invitations: int
    attachments: int
    bytes: int
    seconds: float

    def lookback_days(self, now: datetime | None = None) -> int:
        """Days from now back to before the oldest message: a window covering all of it."""
        oldest = datetime.fromisoformat(self.oldest)
        return ((now or datetime.now(UTC)) - oldest).days + 2


def _addr(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    return f"{first} {last}", f"{first.lower()}.{last.lower()}@{rng.choice(_DOMAINS)}"


def _subject(text: str) -> str:
    return text if text.isascii() else Header(text, "utf-8").encode()


def _text(rng: random.Random, lang: str, size: int) -> str:
    pool, out, n = _FILLER[lang], [], 0
    while n < size:
        para = " ".join(rng.choice(pool) for _ in range(rng.randint(2, 6)))
        out.append(para)
        n += len(para) + 2
    return "\n\n".join(out)


def _wrap(text: str, width: int = 76) -> str:
    lines = []
    for para in text.split("\n"):
        rest = para
        while len(rest) > width:
            cut = rest.rfind(" ", 0, width)
            cut = cut if cut > 0 else width
            lines.append(rest[:cut])
            rest = rest[cut + 1 :]
        lines.append(rest)
    return "\n".join(lines)


def _headers(
    rng: random.Random,
    i: int,
    when: datetime,
    sender: tuple[str, str],
    to: str,
    subject: str,
    extra: list[str],
) -> list[str]:
    name, addr = sender
    domain = addr.rsplit("@", 1)[1]
    sig = base64.b64encode(rng.randbytes(180)).decode()
    return [
        f"Return-Path: <{addr}>",
        f"Delivered-To: {ME}",
        f"Received: from mx.{domain} (mx.{domain} [192.0.2.{i % 250 + 1}])\n\tby mx.solberg."
        f"example with ESMTPS id {i:08x}\n\tfor <{ME}>; {format_datetime(when)}",
        f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s=sel1;\n\t"
        f"h=from:to:subject:date:message-id; bh={sig[:44]}=;\n\tb={sig[44:120]}\n\t {sig[120:]}",
        f"Message-ID: <bench.{i}.{rng.getrandbits(40):x}@{domain}>",
        f"Date: {format_datetime(when)}",
        f"From: {name} <{addr}>",
        f"To: {to}",
        f"Subject: {_subject(subject)}",
        "MIME-Version: 1.0",
        *extra,
    ]


def _message(rng: random.Random, i: int, when: datetime) -> tuple[bytes, bool, bool]:
    """One message: (raw, is_invitation, has_attachment)."""
    roll = rng.random()
    lang = rng.choice(("en", "en", "en", "de", "nb"))
    me = f"{ME_NAME} <{ME}>"
    extra: list[str] = []
    invite = roll < 0.02
    if invite:
        lang = ("en", "de", "nb")[i % 3]
        subject, line = rng.choice(_INVITES[lang])
        sender, to = _addr(rng), me
        greeting = {"en": "Hi Ingrid,", "de": "Hallo Ingrid,", "nb": "Hei Ingrid,"}[lang]
        body = f"{greeting}\n\n{line}\n\n{sender[0].split()[0]}\n"
        target = len(body)
    else:
        target = int(2000 * 15 ** rng.random())  # 2-30 KB of text
        if roll < 0.42:
            sender, to = ("Newsletter", rng.choice(_LISTS)), me
            subject = f"Weekly digest #{i}"
            extra = [
                f"List-Id: <{sender[1].replace('@', '.')}>",
                f"List-Unsubscribe: <mailto:{sender[1]}?subject=unsubscribe>",
                "Precedence: bulk",
            ]
        elif roll < 0.50:
            sender, to = ("Notifications", rng.choice(_NOREPLY)), me
            subject, extra = f"Your statement {i}", ["Auto-Submitted: auto-generated"]
        elif roll < 0.55:
            sender, to = _addr(rng), "undisclosed-recipients:;"
            subject = f"Announcement {i}"
        else:
            sender, to = _addr(rng), me
            subject = rng.choice(
                (
                    "Re: report",
                    "Invoice",
                    "Zahlen für März",
                    "Rapport",
                    "Update",
                    "AW: Angebot",
                    "SV: Kontrakt",
                )
            )
        body = _wrap(_text(rng, lang, target))
    attach = not invite and rng.random() < 0.25
    extra.append(
        'Content-Type: text/plain; charset="utf-8"'
        if not attach
        else f'Content-Type: multipart/mixed; boundary="b{i}"'
    )
    if not attach:
        extra.append("Content-Transfer-Encoding: 8bit")
        text = body
    else:
        blob = base64.encodebytes(rng.randbytes(int(20000 * 10 ** rng.random()))).decode()
        text = (
            f'--b{i}\nContent-Type: text/plain; charset="utf-8"\n'
            f"Content-Transfer-Encoding: 8bit\n\n{body}\n--b{i}\n"
            f'Content-Type: application/pdf; name="doc{i}.pdf"\n'
            f'Content-Disposition: attachment; filename="doc{i}.pdf"\n'
            f"Content-Transfer-Encoding: base64\n\n{blob}--b{i}--\n"
        )
    head = "\n".join(_headers(rng, i, when, sender, to, subject, extra))
    return f"{head}\n\n{text}".encode(), invite, attach


def generate(
    n: int, *, now: datetime | None = None, seed: int = 7
) -> Iterator[tuple[datetime, str, bytes, bool, bool]]:
    """(date, maildir flags, raw, invitation?, attachment?) for n messages, oldest first."""
    rng = random.Random(f"{seed}-{n}")  # noqa: S311 - reproducible test data, not secrets
    end = (now or datetime.now(UTC)).replace(microsecond=0) - timedelta(hours=1)
    step = timedelta(days=SPAN_DAYS) / max(n, 1)
    for i in range(n):
        when = end - step * (n - i)
        raw, invite, attach = _message(rng, i, when)
        flags = "" if invite or rng.random() < 0.3 else "S"
        yield when, flags, raw, invite, attach


def _mail_owner() -> tuple[int, int] | None:
    """(uid, gid) Dovecot's mail processes run as (tests/dovecot.py: `mail` when root)."""
    if os.geteuid() != 0:
        return None
    entry = pwd.getpwnam("mail")
    return entry.pw_uid, entry.pw_gid


def cached_maildir(root: Path, n: int) -> tuple[Path, Manifest]:
    """The Maildir holding n generated messages, generating it on first use."""
    folder = root / f"maildir-v{GENERATOR_VERSION}-n{n}"
    manifest = folder / "manifest.json"
    if manifest.is_file():
        return folder / "Maildir", Manifest(**json.loads(manifest.read_text()))
    shutil.rmtree(folder, ignore_errors=True)
    owner = _mail_owner()
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)
    cur = folder / "Maildir" / "cur"
    for sub in ("cur", "new", "tmp"):
        (folder / "Maildir" / sub).mkdir(parents=True)
    start = time.monotonic()
    total = invites = attachments = 0
    oldest = None
    for i, (when, flags, raw, invite, attach) in enumerate(generate(n)):
        oldest = oldest or when
        stamp = int(when.timestamp())
        vsize = len(raw) + raw.count(b"\n")  # with CRLF line ends, as IMAP counts
        name = f"{stamp}.M{i:07d}P1.bench,S={len(raw)},W={vsize}:2,{flags}"
        path = cur / name
        path.write_bytes(raw)
        os.utime(path, (stamp, stamp))
        if owner:
            os.chown(path, *owner)
        total += len(raw)
        invites += invite
        attachments += attach
    if owner:
        for dirpath in (folder, folder / "Maildir", *(folder / "Maildir").iterdir()):
            os.chown(dirpath, *owner)
    info = Manifest(
        n,
        GENERATOR_VERSION,
        (oldest or datetime.now(UTC)).isoformat(),
        invites,
        attachments,
        total,
        round(time.monotonic() - start, 1),
    )
    manifest.write_text(json.dumps(info.__dict__))
    return folder / "Maildir", info
