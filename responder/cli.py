"""Command line: once, scan, run, health, classify, preview, check, forget, cleanup, demo, eval.

Errors the user can fix (config, templates, login) print one clear line and exit non-zero;
a traceback appears only with --debug.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import structlog

from responder import log as logsetup
from responder.errors import ConfigError, LoginError, MailboxError, ResponderError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_LOGIN = 0, 1, 2, 3
Handler = Callable[[argparse.Namespace, TextIO], int]


def parse_days(text: str) -> int:
    """'7d', '2w' or '7' → days; argparse turns ValueError into a usage error naming the flag."""
    m = re.fullmatch(r"\s*(\d+)\s*([dw]?)\s*", text.lower())
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 7d or 2w")
    return int(m.group(1)) * (7 if m.group(2) == "w" else 1)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="responder",
        description="Drafts replies to meeting invitations in your IMAP mailbox. "
        "It never sends mail: you review the drafts in your own mail client.",
    )
    p.add_argument("--config", type=Path, help="TOML config (default: config/responder.toml)")
    p.add_argument("-v", "--verbose", action="store_true", help="log decisions at debug level")
    p.add_argument("--debug", action="store_true", help="show tracebacks; log wire-level detail")
    p.add_argument("--json-log", action="store_true", help="log JSON even on a terminal")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    once = sub.add_parser("once", help="one pass: draft replies for new mail, then exit")
    once.add_argument(
        "--lookback",
        type=parse_days,
        metavar="7d",
        help="on the first pass, also look at mail this old",
    )
    scan = sub.add_parser("scan", help="dry run: print what a pass would do; writes nothing")
    scan.add_argument(
        "--lookback",
        type=parse_days,
        metavar="7d",
        help="window to show when there is no state yet (default: max age)",
    )
    scan.add_argument("--json", action="store_true", help="one JSON object per line")
    sub.add_parser("run", help="daemon: IDLE and polling for every account until SIGTERM/SIGINT")
    sub.add_parser("health", help="exit 0 if `run` passes succeed (for Docker HEALTHCHECK), else 1")
    forget = sub.add_parser("forget", help="erase every record of one sender from the state")
    forget.add_argument("address", metavar="ADDRESS", help="the sender's e-mail address")
    cleanup = sub.add_parser(
        "cleanup", help="remove responder's keyword from an account's mail, and its state"
    )
    for command in (once, scan, cleanup):
        command.add_argument("--account", metavar="NAME", help="only this account")

    cls = sub.add_parser("classify", help="offline: classify .eml files, no server")
    cls.add_argument("files", nargs="+", type=Path, metavar="FILE.eml")
    cls.add_argument("--json", action="store_true", help="one JSON object per line")
    cls.add_argument("--contacts", type=Path, help="contacts TOML (overrides the config)")

    prev = sub.add_parser("preview", help="print the draft a mail would get, or why none")
    prev.add_argument("file", nargs="?", type=Path, metavar="FILE.eml")
    prev.add_argument(
        "--lang", choices=("en", "de", "nb"), help="render a template with sample data"
    )
    prev.add_argument("--action", help="with --lang: the action template to render")
    form = prev.add_mutually_exclusive_group()
    form.add_argument("--formal", action="store_true", help="German: Sie")
    form.add_argument("--informal", action="store_true", help="German: du")
    prev.add_argument("--contacts", type=Path, help="contacts TOML (overrides the config)")
    prev.add_argument("--raw", action="store_true", help="print the draft's bytes as APPENDed")

    check = sub.add_parser("check", help="validate config and templates, log in, find Drafts")
    check.add_argument("--account", metavar="NAME", help="only this account")

    demo = sub.add_parser("demo", help="run the real pipeline against a local demo IMAP server")
    demo.add_argument("--port", type=int, default=0, help="port for the demo server (0 = free)")

    ev = sub.add_parser("eval", help="precision/recall of the detector on labelled .eml files")
    ev.add_argument("dir", type=Path, help="directory of .eml files")
    ev.add_argument("--labels", type=Path, required=True, help="labels.csv")
    ev.add_argument("--split", help="only rows of this split (e.g. dev, heldout)")
    return p


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    stream = out or sys.stdout
    level = "debug" if args.debug or args.verbose else "info"
    if args.command in ("demo", "classify", "preview", "eval", "health") and not (
        args.debug or args.verbose
    ):
        level = "warning"  # these print their own results; routine events would bury them
    logsetup.configure(level, json=True if args.json_log else None)
    from responder import commands  # noqa: PLC0415 - keep `--help` fast and import-light

    handler: Handler = getattr(commands, f"cmd_{args.command}")
    try:
        return handler(args, stream)
    except LoginError as exc:
        _fail(args, f"login failed: {exc}")
        return EXIT_LOGIN
    except ConfigError as exc:
        _fail(args, f"configuration error: {exc}")
        return EXIT_USAGE
    except MailboxError as exc:
        _fail(args, f"mail server error: {exc}")
        return EXIT_ERROR
    except ResponderError as exc:
        _fail(args, str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


def _fail(args: argparse.Namespace, text: str) -> None:
    if args.debug:
        structlog.get_logger("responder").exception("failed")
    print(f"responder: {text}", file=sys.stderr)


def now_utc() -> datetime:
    return datetime.now(UTC)


def dump_json(obj: object, out: TextIO) -> None:
    out.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
