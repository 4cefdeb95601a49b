"""One scan contender, run in a child process so its peak RSS is its own.

    python bench/contenders.py '{"name": "wire", "host": ..., "port": ..., ...}'

Prints one JSON line: {"seconds": wall time of the scan (connect + login included, interpreter
start and imports not), "messages": how many it looked at}. The parent reads the child's
CPU time and ru_maxrss with os.wait4. Contenders:

- wire: the standard library's imaplib, UID FETCH in batches, responses not parsed;
- imapclient: the same FETCH through imapclient (its response parser included);
- responder: ``run_pass(settings, dry_run=True, lookback_days=..., on_row=...)`` in-process,
  as `scan` runs it: each row is handed on as it is made (scan prints it), not kept;
- peer: imapautofiler's dry run with one header rule (one FETCH per message, as it does).
"""

from __future__ import annotations

import cProfile
import imaplib
import importlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ITEMS = [
    "UID",
    "FLAGS",
    "INTERNALDATE",
    "RFC822.SIZE",
    "BODY.PEEK[HEADER]",
    "BODY.PEEK[TEXT]<0.8192>",
]


def wire(cfg: dict[str, Any]) -> int:
    imap = imaplib.IMAP4(cfg["host"], cfg["port"])
    imap.login(cfg["user"], cfg["password"])
    imap.select("INBOX", readonly=True)
    _typ, data = imap.uid("SEARCH", "ALL")
    uids = data[0].split() if data and data[0] else []
    count = 0
    for start in range(0, len(uids), cfg["batch"]):
        chunk = b",".join(uids[start : start + cfg["batch"]]).decode()
        _typ, rows = imap.uid("FETCH", chunk, "(" + " ".join(ITEMS) + ")")
        # one tuple per literal; a message's first one opens with its sequence number
        count += sum(isinstance(r, tuple) and r[0][:1].isdigit() for r in rows)
    imap.logout()
    return count


def imapclient_scan(cfg: dict[str, Any]) -> int:
    from imapclient import IMAPClient  # noqa: PLC0415

    client = IMAPClient(cfg["host"], cfg["port"], ssl=False)
    client.normalise_times = False
    client.login(cfg["user"], cfg["password"])
    client.select_folder("INBOX", readonly=True)
    uids = client.search(["ALL"])
    count = 0
    for start in range(0, len(uids), cfg["batch"]):
        count += len(client.fetch(uids[start : start + cfg["batch"]], ITEMS))
    client.logout()
    return count


def responder_scan(cfg: dict[str, Any]) -> int:
    from responder import log  # noqa: PLC0415
    from responder.commands import run_pass  # noqa: PLC0415
    from responder.config import load_settings  # noqa: PLC0415

    log.configure("info", stream=open(os.devnull, "w"), json=True)  # noqa: SIM115
    tmp = Path(cfg["tmp"])
    contacts = tmp / "contacts.toml"
    contacts.write_text('[tiers]\nclient = ["@kunde-gmbh.example"]\n', encoding="utf-8")
    env = {
        "RESPONDER_IMAP_HOST": cfg["host"],
        "RESPONDER_IMAP_PORT": str(cfg["port"]),
        "RESPONDER_IMAP_SECURITY": "plain",
        "RESPONDER_IMAP_USER": cfg["user"],
        "RESPONDER_IMAP_PASSWORD": cfg["password"],
        "RESPONDER_IDENTITY_NAME": "Ingrid Solberg",
        "RESPONDER_IDENTITY_EMAIL": "ingrid@solberg.example",
        "RESPONDER_CONTACTS": str(contacts),
        "RESPONDER_STATE_DIR": str(tmp / "state"),
        "RESPONDER_KEY_FILE": str(tmp / "key" / "draft.key"),
        "RESPONDER_MAX_AGE_DAYS": str(cfg["lookback_days"]),
        "RESPONDER_TIMEZONE": "Europe/Oslo",
    }
    env.update(bench_env())
    settings = load_settings(
        tmp / "absent.toml", environ=env, read_dotenv=False, allow_missing=True
    )
    rows = 0

    def emit(_row: object) -> None:  # `scan` prints each row here; the bench counts them
        nonlocal rows
        rows += 1

    reports = run_pass(settings, dry_run=True, lookback_days=cfg["lookback_days"], on_row=emit)
    assert rows == sum(r.seen for r in reports)
    return rows


def peer(cfg: dict[str, Any]) -> int:
    import logging  # noqa: PLC0415

    from imapautofiler import app, client  # noqa: PLC0415

    logging.disable(logging.INFO)
    conf = {
        "server": {
            "hostname": cfg["host"],
            "port": cfg["port"],
            "ssl": False,
            "username": cfg["user"],
            "password": cfg["password"],
        },
        "trash-mailbox": "Trash",
        "mailboxes": [
            {
                "name": "INBOX",
                "rules": [
                    {
                        "headers": [{"name": "subject", "substring": "zz-no-such-subject"}],
                        "action": {"name": "move", "dest-mailbox": "Archive"},
                    }
                ],
            }
        ],
    }
    conn = client.open_connection(conf)
    counted = 0
    iterate = conn.mailbox_iterate

    def counting(name: str) -> Any:
        nonlocal counted
        for item in iterate(name):
            counted += 1
            yield item

    conn.mailbox_iterate = counting  # type: ignore[method-assign]
    try:
        app.process_rules(conf, False, conn, dry_run=True)
    finally:
        conn.close()
    return counted


def bench_env() -> dict[str, str]:
    """Settings that would otherwise cut a large scan short, where responder has them: no
    daily draft cap or per-sender window (every invitation is fully decided), records kept."""
    from responder.config import OPTIONS  # noqa: PLC0415

    wanted = {
        "RESPONDER_DAILY_CAP": "0",
        "RESPONDER_SENDER_WINDOW_DAYS": "0",
        "RESPONDER_RETENTION_DAYS": "0",
    }
    return {k: v for k, v in wanted.items() if any(o.env == k for o in OPTIONS)}


CONTENDERS = {
    "wire": wire,
    "imapclient": imapclient_scan,
    "responder": responder_scan,
    "peer": peer,
}
# Imported before the clock starts: the figure is the scan's, not the interpreter's start-up.
PRELOAD = {
    "wire": [],
    "imapclient": ["imapclient"],
    "peer": ["imapautofiler.app"],
    "responder": ["responder.commands", "responder.config", "responder.log"],
}


def main() -> None:
    cfg = json.loads(sys.argv[1])
    run = CONTENDERS[cfg["name"]]
    for module in PRELOAD[cfg["name"]]:
        importlib.import_module(module)
    start = time.perf_counter()
    if cfg.get("profile"):
        profiler = cProfile.Profile()
        count = profiler.runcall(run, cfg)
        profiler.dump_stats(cfg["profile"])
    else:
        count = run(cfg)
    print(json.dumps({"seconds": time.perf_counter() - start, "messages": count}))


if __name__ == "__main__":
    main()
