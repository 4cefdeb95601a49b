"""The CLI's commands; each builds what it needs from Settings and returns an exit code."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

import structlog

from responder.cli import EXIT_ERROR, EXIT_LOGIN, EXIT_OK, dump_json, now_utc
from responder.compose import Composer, load_key, readable
from responder.config import Settings, load_settings, require_account
from responder.errors import ConfigError, LoginError, ResponderError
from responder.folders import Role
from responder.mailbox import Mailbox, ServerSettings
from responder.model import Identity
from responder.pipeline import Core, Outcome, assess
from responder.service import Pass, PassReport, Row
from responder.state import State
from responder.tiers import load_contacts

log = structlog.get_logger("responder")


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(args.config)


def server_settings(settings: Settings) -> ServerSettings:
    """The account's server settings with a freshly fetched password or OAuth2 token."""
    from responder.auth import server_settings as for_account  # noqa: PLC0415

    return for_account(settings.account)


def run_pass(
    settings: Settings,
    *,
    dry_run: bool,
    lookback_days: int | None = None,
    on_row: Callable[[Row], None] | None = None,
) -> list[PassReport]:
    """Connect, run one pass over every configured folder, disconnect.

    ``on_row`` receives each decision as it is made (a scan prints them at once) instead of
    the report keeping them.
    """
    require_account(settings)
    core = Core.from_settings(settings)
    composer = Composer.from_settings(settings)
    with ExitStack() as stack:
        state = stack.enter_context(State.in_dir(settings.state_dir))
        mailbox = stack.enter_context(Mailbox.connect(server_settings(settings)))
        fresh = all(
            state.folder_mark(settings.account.name, f) is None for f in settings.account.folders
        )
        if dry_run and lookback_days is None and fresh:
            # A dry run with no state yet shows the max-age window rather than nothing.
            lookback_days = settings.max_age_days
        reports = Pass(
            settings,
            core,
            composer,
            state,
            mailbox,
            clock=now_utc,
            dry_run=dry_run,
            lookback_days=lookback_days,
            on_row=on_row,
            lookup_connection=True,
        ).run()
        if not dry_run and settings.retention_days:
            state.purge(now_utc() - timedelta(days=settings.retention_days))
        return reports


def each_account(
    args: argparse.Namespace, settings: Settings, work: Callable[[Settings], None]
) -> int:
    """Run work for the chosen account (--account) or every account, in order.

    With one account its errors propagate as before; with several, an account that fails
    is reported and the others still run (exit status: 3 if a login was refused, else 1).
    """
    chosen = getattr(args, "account", None)
    accounts = [settings.find_account(chosen)] if chosen else list(settings.accounts)
    if len(accounts) <= 1:
        work(settings.for_account(accounts[0]) if accounts else settings)
        return EXIT_OK
    status = EXIT_OK
    for acct in accounts:
        try:
            work(settings.for_account(acct))
        except LoginError as exc:
            print(f"responder: account {acct.name}: login failed: {exc}", file=sys.stderr)
            status = EXIT_LOGIN
        except ResponderError as exc:
            print(f"responder: account {acct.name}: {exc}", file=sys.stderr)
            status = status or EXIT_ERROR
    return status


def cmd_once(args: argparse.Namespace, out: TextIO) -> int:
    settings = settings_from(args)
    several = len(settings.accounts) > 1

    def once(one: Settings) -> None:
        reports = run_pass(one, dry_run=False, lookback_days=args.lookback)
        prefix = f"{one.account.name}: " if several else ""
        for r in reports:
            note = " (first pass: starting point recorded)" if r.first_pass and not r.seen else ""
            held = sum(r.deferred.values())
            later = f", {held} deferred" if held else ""
            out.write(
                f"{prefix}{r.folder}: {r.seen} new, {r.invitations} invitations, "
                f"{r.drafted} drafts{later}{note}\n"
            )

    return each_account(args, settings, once)


def cmd_scan(args: argparse.Namespace, out: TextIO) -> int:
    settings = settings_from(args)
    return each_account(args, settings, lambda one: scan_one(args, one, out))


def scan_one(args: argparse.Namespace, settings: Settings, out: TextIO) -> None:
    """Print each decision as it is made: a year-long scan shows progress and keeps no list."""
    if args.json:

        def emit(row: Row) -> None:
            dump_json(
                {
                    "folder": row.folder,
                    "uid": row.uid,
                    "date": row.date,
                    "from": row.sender,
                    "subject": row.subject,
                    "result": row.result,
                    **outcome_fields(row.outcome),
                },
                out,
            )

        run_pass(settings, dry_run=True, lookback_days=args.lookback, on_row=emit)
        return
    out.write(TABLE_HEADER)

    def show(row: Row) -> None:
        out.write(line(row))

    reports = run_pass(settings, dry_run=True, lookback_days=args.lookback, on_row=show)
    for r in reports:
        out.write(f"{r.folder}: {r.seen} messages, {r.invitations} invitations\n")


TABLE_HEADER = (
    f"{'UID':>7}  {'DATE':10}  {'FROM':28}  {'SUBJECT':32}  {'LANG':4}  {'TIER':9}  RESULT\n"
)


def line(row: Row) -> str:
    """One table line for a decision."""
    d = row.outcome.decision
    result = (
        f"{row.result}: {d.action.value}" if d.action else f"skip: {d.skip.rule if d.skip else '?'}"
    )
    date = row.date.strftime("%Y-%m-%d") if row.date else "-"
    lang = row.outcome.verdict.language if row.outcome.verdict else "-"
    return (
        f"{row.uid:>7}  {date:10}  {clip(row.sender, 28):28}  {clip(row.subject, 32):32}  "
        f"{lang:4}  {d.tier.value if d.action else '-':9}  {result}\n"
    )


def print_table(report: PassReport, out: TextIO) -> None:
    out.write(f"{report.folder}: {report.seen} messages\n")
    out.write(TABLE_HEADER)
    for row in report.rows:
        out.write(line(row))


def clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def outcome_fields(outcome: Outcome) -> dict[str, object]:
    """The keys `classify --json` promises, for any outcome (also broken mail)."""
    v, d = outcome.verdict, outcome.decision
    return {
        "invitation": bool(v and v.invitation),
        "language": v.language if v else "und",
        "reply_language": d.reply_language if d.action else None,
        "intent": v.intent.value if v and v.intent else None,
        "formality": d.formality.value
        if d.formality
        else (v.formality.value if v and v.formality else None),
        "tier": d.tier.value if d.action else None,
        "action": d.action.value if d.action else None,
        "draft": d.draft,
        "skip": d.skip.rule if d.skip else None,
        "reasons": list(d.reasons),
    }


def offline_core(args: argparse.Namespace, settings: Settings) -> Core:
    contacts = load_contacts(args.contacts or settings.contacts_file)
    return Core.from_settings(settings, contacts=contacts)


@dataclass(frozen=True)
class Judged:
    """An offline command's outcome for one file, and the clock it was judged by."""

    outcome: Outcome
    now: datetime
    me: Identity  # who "you" were: the configured identity, or the mail's first recipient
    note: str | None = None  # set when the clock was moved back to the mail's own date


def judge_file(core: Core, raw: bytes, *, now: datetime) -> Judged:
    """Assess a file as a pass would, but judge old mail as of its own date.

    The pass's age rule keeps a first run from answering a year of mail; it says nothing
    about what a mail *is*, and a user who runs ``classify`` or ``preview`` on a saved
    .eml wants the detection and the draft, not "too old". So a mail the age rule skips is
    assessed again as of a minute after its Date header (relative times in the draft then
    read as the sender meant them), with a note saying a pass would not answer it.
    """
    core = offline(core, raw)
    outcome = assess(core, raw, now=now)
    skip, message = outcome.decision.skip, outcome.message
    if skip is None or skip.rule != "too_old" or message is None or message.date is None:
        return Judged(outcome, now, core.identity)
    then = message.date.astimezone(UTC) + timedelta(minutes=1)
    note = f"{skip.detail}: a pass would not answer it; judged as of {then:%Y-%m-%d %H:%M} UTC"
    return Judged(assess(core, raw, now=then), then, core.identity, note)


def cmd_classify(args: argparse.Namespace, out: TextIO) -> int:
    settings = settings_from(args)
    core = offline_core(args, settings)
    now = now_utc()
    status = EXIT_OK
    for path in args.files:
        fields: dict[str, object]
        try:
            raw = path.read_bytes()
        except OSError as exc:
            fields = {
                "invitation": False,
                "language": "und",
                "reply_language": None,
                "intent": None,
                "formality": None,
                "tier": None,
                "action": None,
                "draft": False,
                "skip": "unreadable",
                "reasons": [exc.strerror or str(exc)],
            }
            status = EXIT_ERROR
        else:
            judged = judge_file(core, raw, now=now)
            fields = outcome_fields(judged.outcome)
            if judged.note:
                fields["reasons"] = [judged.note, *fields["reasons"]]  # type: ignore[misc]
        if args.json:
            dump_json({"file": str(path), **fields}, out)
        else:
            verdict = "INVITATION" if fields["invitation"] else "-"
            what = fields["action"] or f"no draft ({fields['skip']})"
            out.write(
                f"{path}: {verdict} lang={fields['language']} intent={fields['intent']} "
                f"formality={fields['formality']} tier={fields['tier']} -> {what}\n"
            )
            for reason in fields["reasons"]:  # type: ignore[attr-defined]
                out.write(f"    - {reason}\n")
    return status


def offline(core: Core, raw: bytes) -> Core:
    """Offline, with no identity configured, take the mail's first recipient as the user."""
    if core.identity.email:
        return core
    from dataclasses import replace  # noqa: PLC0415

    from responder.parse import parse_message  # noqa: PLC0415

    try:
        msg = parse_message(raw)
    except Exception:
        return core
    first = next(iter((*msg.to, *msg.cc)), None)
    if first is None:
        return core
    return replace(core, identity=Identity(first.name, first.email))


def cmd_preview(args: argparse.Namespace, out: TextIO) -> int:
    settings = settings_from(args)
    composer = Composer.from_settings(settings)
    if args.lang or args.action:
        if not (args.lang and args.action):
            raise ConfigError("preview: --lang and --action go together")
        out.write(composer.sample(args.lang, args.action, formal=not args.informal))
        return EXIT_OK
    if args.file is None:
        raise ConfigError("preview: give FILE.eml, or --lang and --action")
    try:
        raw = args.file.read_bytes()
    except OSError as exc:
        raise ResponderError(f"{args.file}: cannot read ({exc.strerror})") from None
    core = offline_core(args, settings)
    judged = judge_file(core, raw, now=now_utc())
    outcome = judged.outcome
    if judged.note:
        out.write(f"# note: {judged.note}\n")
    for reason in outcome.decision.reasons:
        out.write(f"# {reason}\n")
    if not outcome.decision.draft:
        out.write(f"No draft: {outcome.decision.skip}\n")
        return EXIT_OK
    draft = composer.compose(outcome, now=judged.now, me=judged.me)
    out.write(draft.decode("utf-8", "replace") if args.raw else readable(draft))
    return EXIT_OK


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    settings = settings_from(args)
    out.write(f"config: {settings.source}\n")
    load_contacts(settings.contacts_file)
    out.write(f"contacts: {settings.contacts_file or 'none (everyone is unknown)'}\n")
    composer = Composer.from_settings(settings)
    problems = composer.templates.lint()
    if problems:
        for p in problems:
            out.write(f"template: {p}\n")
        raise ConfigError(f"{len(problems)} template problem(s); fix the files named above")
    out.write("templates: ok\n")
    load_key(settings.key_file)
    status = each_account(args, settings, lambda one: check_account(one, out))
    with State.in_dir(settings.state_dir):
        out.write(f"state: {settings.state_dir}\n")
    return status


def check_account(settings: Settings, out: TextIO) -> None:
    """Log in to one account and show the folders it would use."""
    require_account(settings)
    if len(settings.accounts) > 1 or settings.account.name != "default":
        out.write(f"account: {settings.account.name}\n")
    with Mailbox.connect(server_settings(settings)) as mailbox:
        out.write(f"login: ok ({settings.account.user}@{settings.account.host})\n")
        roles: tuple[tuple[Role, str | None], ...] = (
            ("drafts", settings.account.drafts_folder),
            ("sent", settings.account.sent_folder),
        )
        for role, configured in roles:
            out.write(f"{role}: {mailbox.explain_folder(role, configured=configured)}\n")
        for folder in settings.account.folders:
            status = mailbox.select(folder, readonly=True)
            out.write(f"watch: {folder} ({status.exists} messages)\n")


def cmd_run(args: argparse.Namespace, out: TextIO) -> int:
    from responder.scheduler import run_forever  # noqa: PLC0415

    before_dotenv = dict(os.environ)
    settings = settings_from(args)
    dotenv_file = Path.cwd() / ".env"

    def reload() -> Settings:
        # The environment as it was before .env was read, plus .env as it is now.
        from dotenv import dotenv_values  # noqa: PLC0415

        env = dict(before_dotenv)
        for key, value in dotenv_values(dotenv_file).items():
            if value is not None:
                env.setdefault(key, value)
        return load_settings(args.config, environ=env, read_dotenv=False)

    watch = [dotenv_file]
    if settings.source != "defaults":
        watch.append(Path(settings.source))
    return run_forever(settings, reload=reload, watch=tuple(watch))


def cmd_health(args: argparse.Namespace, out: TextIO) -> int:
    from responder.health import check  # noqa: PLC0415

    verdicts = check(settings_from(args))
    for v in verdicts:
        out.write(f"{v.account}: {'ok' if v.healthy else 'UNHEALTHY'}: {v.detail}\n")
    return EXIT_OK if all(v.healthy for v in verdicts) else EXIT_ERROR


def cmd_forget(args: argparse.Namespace, out: TextIO) -> int:
    settings = settings_from(args)
    address = args.address.strip()
    if "@" not in address:
        raise ConfigError(f"forget: {address!r} is not an e-mail address")
    with State.in_dir(settings.state_dir) as state:
        rows = state.forget(address)
    out.write(f"forgot {address}: {rows} record(s) erased from {settings.state_dir}\n")
    backups = sorted(settings.state_dir.glob("*.bak"))
    if backups:
        out.write(
            "note: older copies made before schema upgrades may still hold it: "
            + ", ".join(str(b) for b in backups)
            + " (delete them if you no longer need them)\n"
        )
    return EXIT_OK


def cmd_cleanup(args: argparse.Namespace, out: TextIO) -> int:
    """Remove responder's keyword from the account's mail and its state; drafts stay."""
    settings = settings_from(args)
    if args.account is None and len(settings.accounts) > 1:
        names = ", ".join(a.name for a in settings.accounts)
        raise ConfigError(f"cleanup: say which account with --account ({names})")
    one = settings.for_account(settings.find_account(args.account))
    require_account(one)
    removed = 0
    if one.keyword:
        with Mailbox.connect(server_settings(one)) as mailbox:
            for folder in one.account.folders:
                mailbox.select(folder, readonly=False)
                uids = mailbox.uids_with_keyword(one.keyword)
                mailbox.remove_keyword(uids, one.keyword)
                removed += len(uids)
                out.write(f"{folder}: removed {one.keyword} from {len(uids)} message(s)\n")
    with State.in_dir(one.state_dir) as state:
        rows = state.forget_account(one.account.name)
    out.write(
        f"state: erased {rows} row(s) of account {one.account.name!r}; the drafts in your "
        "Drafts folder are yours and stay. The next pass starts afresh with new mail only.\n"
    )
    log.info("cleanup_done", account=one.account.name, keywords=removed, rows=rows)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from responder.demo import run_demo  # noqa: PLC0415

    return run_demo(out, port=args.port)


def cmd_eval(args: argparse.Namespace, out: TextIO) -> int:
    from responder.evaluate import evaluate, format_report  # noqa: PLC0415

    out.write(format_report(evaluate(args.dir, args.labels, split=args.split)) + "\n")
    return EXIT_OK
