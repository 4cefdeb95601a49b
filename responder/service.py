"""One pass over an account: the single place where I/O meets the pure core.

Order of work, chosen so that a crash at any point neither loses an invitation nor doubles
a draft: decide a chunk of mail (pure) → look in Drafts for its drafts' recomputed
Message-IDs (and in Sent for its senders and threads), one visit for the whole chunk (on a
second connection in ``scan`` and ``once``, so the work folder stays selected) →
then per message: APPEND only if absent (an APPEND of this chunk counts as present) →
record the decision and advance the folder mark in one SQLite transaction. A crash after
APPEND and before the commit redoes the message next pass, finds the draft, and records it
without a second APPEND.

Mail held back by the daily cap or the per-sender window is *deferred*, not decided: it is
stored with its reason and a time to look again, the folder mark moves on, and every later
pass whose time has come fetches it again and decides afresh. A pass given a ``stop`` event
finishes the message in hand and returns; the rest waits for the next pass.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import structlog

from responder import faults
from responder.backoff import Throttle
from responder.compose import Composer
from responder.config import Settings
from responder.errors import MailboxError, ParseError
from responder.mailbox import Fetched, Mailbox
from responder.model import Message, Skip, Tier
from responder.parse import Part, is_tree, parse_message, with_parts, with_text
from responder.pipeline import Core, Outcome, assess, screen, skipped
from responder.state import Deferral, Record, State

log = structlog.get_logger("responder.service")
# Mail decided together: a chunk's invitations share one visit to Sent and Drafts. A chunk
# holds the headers, decisions and fetched text of its mail, so its size is the scan's memory
# high-water: 1,000 measured 15 MB below 2,000 at the same speed (bench/, N = 20,000), since
# `scan` and `once` visit on a second connection and need not re-SELECT the work folder.
BATCH = 1000
# The start of the text part is enough: an invitation sits at the top of the new text, and
# the bytes fetched (and parsed by imapclient) dominate a scan's cost (see bench/).
TEXT_LIMIT = 16 * 1024
# Mail up to this size is read from the start of its whole body: that is about as many
# bytes as its text part alone, and saves asking for its BODYSTRUCTURE.
SMALL_MAIL = 2 * TEXT_LIMIT
_QUOTED = re.compile(r'"[^"]*"')
_warnings = Throttle(window=3600)


def redact(reasons: Sequence[str]) -> list[str]:
    """Reasons without the words quoted from the mail (mail text stays at debug)."""
    return [_QUOTED.sub('"…"', r) for r in reasons]


@dataclass
class Row:
    """One line of `scan` output / one logged decision."""

    uid: int
    date: datetime | None
    sender: str
    subject: str
    outcome: Outcome
    result: str  # drafted | exists | skipped | would draft | deferred
    folder: str = ""


@dataclass
class PassReport:
    """What one pass did, for the CLI summary and metrics."""

    account: str
    folder: str
    seen: int = 0
    invitations: int = 0
    drafted: int = 0
    skips: Counter[str] = field(default_factory=Counter)
    deferred: Counter[str] = field(default_factory=Counter)  # by reason
    rows: list[Row] = field(default_factory=list)
    first_pass: bool = False
    interrupted: bool = False  # a stop request ended the pass early


@dataclass
class Found:
    """What one visit to Sent and Drafts found for a chunk's invitations (normalised ids)."""

    answered: set[str] = field(default_factory=set)  # thread ids the user wrote in (Sent)
    drafts: set[str] = field(default_factory=set)  # draft Message-IDs already in Drafts


@dataclass
class Rehearsal:
    """The drafts a dry run would have made, kept as the state's records of them would
    answer the thread, cap and sender-window questions (sets and a sorted list: O(1) and
    O(log n) per question, however many invitations a scan meets)."""

    ids: set[str] = field(default_factory=set)  # Message-IDs of the mail answered
    threads: set[str] = field(default_factory=set)  # their thread roots and Message-IDs
    last_to: dict[str, datetime] = field(default_factory=dict)  # sender (lower case) → when
    times: list[datetime] = field(default_factory=list)  # sorted

    def add(self, message_id: str | None, thread: str | None, sender: str, when: datetime) -> None:
        if message_id:
            self.ids.add(message_id)
        self.threads.update(t for t in (thread, message_id) if t)
        key = sender.lower()
        self.last_to[key] = max(when, self.last_to.get(key, when))
        bisect.insort(self.times, when)

    def since(self, when: datetime) -> int:
        return len(self.times) - bisect.bisect_left(self.times, when)


def _norm(message_id: str) -> str:
    return " ".join(message_id.split())


def _refs(msg: Message) -> list[str]:
    return [r for r in (*msg.references, *msg.in_reply_to) if r]


def slim(msg: Message) -> Message:
    """msg without its text: what a record, a row and the log need of a mail not drafted."""
    return dataclasses.replace(msg, new_text="", quoted_text="", signature="")


Clock = Callable[[], datetime]
MailboxFactory = Callable[[], Mailbox]


def chunks(seq: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


class Pass:
    """Carries one account's pass over its folders; built fresh for every pass."""

    def __init__(
        self,
        settings: Settings,
        core: Core,
        composer: Composer,
        state: State,
        mailbox: Mailbox,
        *,
        clock: Clock,
        dry_run: bool = False,
        lookback_days: int | None = None,
        stop: threading.Event | None = None,
        folders: dict[str, str] | None = None,
        on_row: Callable[[Row], None] | None = None,
        lookup_connection: bool = False,
    ) -> None:
        """``lookup_connection``: ask Sent and Drafts on a second connection (``scan`` and
        ``once``), opened at the first chunk with invitations and closed when the pass ends,
        instead of leaving the work folder and re-selecting it for every chunk (~0.1 s a
        chunk at 100,000 mails). The daemon leaves it off: two connections per account."""
        self.settings = settings
        self.on_row = on_row
        self.core = core
        self.composer = composer
        self.state = state
        self.mailbox = mailbox
        self.clock = clock
        self.dry_run = dry_run
        self.lookback_days = settings.lookback_days if lookback_days is None else lookback_days
        self.account = settings.account.name
        self.stop = stop
        # Drafts/Sent as found by an earlier pass of the same daemon (saves a LIST per pass).
        self.folders = {} if folders is None else folders
        self._planned = Rehearsal()  # dry run only: the drafts it would have made
        self._drafts: str | None = self.folders.get("drafts")
        self._sent: str | None = self.folders.get("sent")
        self._lookup_connection = lookup_connection
        self._lookups: Mailbox | None = None  # the second connection, once opened

    # -- folders we write to or look in -------------------------------------------------

    @property
    def drafts(self) -> str:
        if self._drafts is None:
            self._drafts = self.mailbox.find_folder(
                "drafts", configured=self.settings.account.drafts_folder
            )
            self.folders["drafts"] = self._drafts
        return self._drafts

    @property
    def sent(self) -> str | None:
        if self._sent is None:
            try:
                self._sent = self.mailbox.find_folder(
                    "sent", configured=self.settings.account.sent_folder
                )
            except MailboxError:
                loud, repeated = _warnings.allow(("sent_folder_missing", self.account))
                (log.warning if loud else log.debug)(
                    "sent_folder_missing",
                    account=self.account,
                    hint="set imap.sent_folder; thread checks against Sent are off",
                    repeated=repeated,
                )
                self._sent = ""
            self.folders["sent"] = self._sent
        return self._sent or None

    # -- the pass ---------------------------------------------------------------------

    @property
    def stopping(self) -> bool:
        return self.stop is not None and self.stop.is_set()

    def run(self) -> list[PassReport]:
        reports = []
        try:
            for folder in self.settings.account.folders:
                if self.stopping:
                    break
                reports.append(self.run_folder(folder))
        finally:
            if self._lookups is not None:
                self._lookups.close()
                self._lookups = None
        return reports

    def _lookup_mailbox(self) -> Mailbox:
        """Where Sent and Drafts are asked: the second connection if the pass has one.

        A server that refuses another connection (many cap them per user) costs only the
        speed: the pass goes on with :meth:`Mailbox.visit` on its one connection.
        """
        if not self._lookup_connection:
            return self.mailbox
        if self._lookups is None:
            try:
                self._lookups = self.mailbox.twin()
            except MailboxError as exc:
                log.warning(
                    "lookup_connection_refused",
                    account=self.account,
                    error=str(exc),
                    hint="Sent and Drafts are looked up on the one connection instead",
                )
                self._lookup_connection = False
                return self.mailbox
        return self._lookups

    def run_folder(self, folder: str) -> PassReport:
        report = PassReport(self.account, folder)
        status = self.mailbox.select(folder, readonly=self.dry_run)
        now = self.clock()
        mark = self.state.folder_mark(self.account, folder)
        baseline = max(status.uidnext - 1, 0)
        windowed = mark is None or mark.uidvalidity != status.uidvalidity
        due: list[int] = []
        if not windowed:
            assert mark is not None
            due = self.state.deferred_due(self.account, folder, status.uidvalidity, now)
            uids = sorted({*due, *self.mailbox.uids_since(mark.last_uid)})
        else:
            if mark is not None and not self.dry_run:
                self.state.drop_stale_deferred(self.account, folder, status.uidvalidity)
            report.first_pass = mark is None
            uids = self._window(mark, status.uidvalidity, now)
            if not self.dry_run:
                # Record the starting point first: mail below it that is not in the window was
                # deliberately left alone; everything above it is processed from now on.
                start = min([baseline, *[u - 1 for u in uids]]) if uids else baseline
                self.state.set_folder_mark(self.account, folder, status.uidvalidity, start, now)
        log.debug(
            "pass_start",
            account=self.account,
            folder=folder,
            new=len(uids) - len(due),
            deferred_due=len(due),
            dry_run=self.dry_run,
        )
        for chunk in chunks(sorted(uids), BATCH):
            if self.stopping:
                report.interrupted = True
                break
            self._batch(folder, status.uidvalidity, chunk, report, deferred=set(due))
        if report.interrupted:
            log.info("pass_interrupted", account=self.account, folder=folder, seen=report.seen)
            return report
        if windowed and not self.dry_run and uids and baseline > max(uids):
            # The window is done; mail below the baseline outside it is not for us.
            self.state.set_folder_mark(
                self.account, folder, status.uidvalidity, baseline, self.clock()
            )
        log.info(
            "pass_done",
            account=self.account,
            folder=folder,
            seen=report.seen,
            invitations=report.invitations,
            drafted=report.drafted,
            skips=dict(report.skips),
            deferred=dict(report.deferred),
        )
        return report

    def _window(self, mark: object, uidvalidity: int, now: datetime) -> list[int]:
        """UIDs to look at when there is no usable mark: the look-back, or nothing."""
        if mark is not None:
            # UIDVALIDITY changed: UIDs mean nothing now. Look at the last max-age days by date;
            # mail decided before is recognised by its Message-ID and not drafted again.
            log.warning("uidvalidity_changed", account=self.account, uidvalidity=uidvalidity)
            days = self.settings.max_age_days
        else:
            days = min(self.lookback_days, self.settings.max_age_days)
        if days <= 0:
            return []
        return self.mailbox.uids_received_since((now - timedelta(days=days)).date())

    def _batch(
        self,
        folder: str,
        uidvalidity: int,
        uids: Sequence[int],
        report: PassReport,
        *,
        deferred: set[int],
    ) -> None:
        """Decide a chunk (pure), ask Sent and Drafts for all of it in one visit, then act
        on each mail in UID order, committing each before the next."""
        fetched = {f.uid: f for f in self.mailbox.fetch_headers(uids)}
        gone = sorted(deferred.intersection(uids) - set(fetched))
        if gone and not self.dry_run:
            # Deferred mail the user deleted or moved: nothing left to decide.
            log.info("deferred_gone", account=self.account, folder=folder, uids=gone)
            self.state.drop_deferred(self.account, folder, uidvalidity, gone)
        outcomes = self._decide_all(folder, fetched, self.clock())
        if self.stopping:
            report.interrupted = True
            return
        found = self._look_up(folder, fetched, outcomes)
        for n, uid in enumerate(sorted(fetched)):
            if self.stopping:
                report.interrupted = True
                return
            if n:
                faults.point("mid_batch")  # the message before is committed, this one not
            report.seen += 1
            self._one(folder, uidvalidity, fetched[uid], outcomes.pop(uid), found, report)

    def _decide_all(
        self, folder: str, fetched: dict[int, Fetched], now: datetime
    ) -> dict[int, Outcome]:
        """Screen every header; fetch and read the text of the mail that passes; decide."""
        outcomes: dict[int, Outcome] = {}
        heads: dict[int, Message] = {}
        for uid, item in fetched.items():
            try:
                head = parse_message(item.header, read_body=False)
            except ParseError as exc:
                outcomes[uid] = Outcome(None, None, skipped(Skip("unparseable", str(exc))))
                continue
            skip = screen(
                self.core,
                head,
                now=now,
                internaldate=item.internaldate,
                folder=folder,
                flags=item.flags,
            )
            if skip is not None:
                outcomes[uid] = Outcome(head, None, skipped(skip))
            else:
                heads[uid] = head
        for uid, read in self._read_texts(fetched, heads):
            if isinstance(read, Skip):
                outcomes[uid] = Outcome(heads[uid], None, skipped(read))
                continue
            outcome = self._decide(folder, fetched[uid], read, now, known=False)
            if not outcome.decision.draft and outcome.message is not None:
                # Only drafts need the text again: the rest keeps what a record needs.
                outcome = Outcome(slim(outcome.message), outcome.verdict, outcome.decision)
            outcomes[uid] = outcome
        return outcomes

    def _read_texts(
        self, fetched: dict[int, Fetched], heads: dict[int, Message]
    ) -> Iterator[tuple[int, Message | Skip]]:
        """The whole message of each head, from as few bytes as serve, one at a time (the
        caller decides each and keeps only what a record needs: memory stays flat).

        Single-part and small mail: the start of the body (``TEXT``), which holds the text.
        Big multipart mail: its BODYSTRUCTURE, then only the text (and calendar) parts it
        names, never an attachment; an odd structure falls back to the start of the body.
        """
        big = [
            uid
            for uid, head in heads.items()
            if fetched[uid].size > SMALL_MAIL and is_tree(head.header("content-type"))
        ]
        plans = self.mailbox.fetch_structure(big) if big else {}
        wanted = {
            uid: ("TEXT",) if (plan := plans.get(uid)) is None else tuple(p.section for p in plan)
            for uid in heads
        }
        got = self.mailbox.fetch_sections(wanted, limit=TEXT_LIMIT)
        for uid, head in heads.items():
            plan, sections = plans.get(uid), got.pop(uid, {})
            if plan is None and is_tree(head.header("content-type")):
                try:  # the MIME tree from the start of the body, as parse reads a whole mail
                    yield uid, parse_message(fetched[uid].header + sections.get("TEXT", b""))
                except ParseError as exc:
                    yield uid, Skip("unparseable", str(exc))
                continue
            if plan is None:  # single part: the body is the text, the header is read already
                yield uid, with_text(head, sections.get("TEXT", b""))
                continue
            parts = [
                Part(sections.get(p.section, b""), p.ctype, p.charset, p.encoding, p.method, p.size)
                for p in plan
            ]
            yield uid, with_parts(head, parts)

    def _look_up(
        self, folder: str, fetched: dict[int, Fetched], outcomes: dict[int, Outcome]
    ) -> Found:
        """Everything the chunk's invitations need from Sent and Drafts, in one visit.

        A server error here propagates (the pass is retried): it must never be mistaken for
        a problem with a mail. Asked only when the chunk has invitations.
        """
        found = Found()
        drafting = [uid for uid, o in outcomes.items() if o.decision.draft]
        if not drafting:
            return found
        lookups = self._lookup_mailbox()
        # On the second connection nothing is selected at the start: the visit ends with
        # UNSELECT, so each chunk's EXAMINE sees what the work connection APPENDed since.
        with lookups.visit():
            sent = self.sent
            unknown = {
                uid: o.message.sender.email
                for uid in drafting
                if (o := outcomes[uid]).decision.tier is Tier.UNKNOWN
                and o.message is not None
                and o.message.sender is not None
            }
            if sent is not None and unknown:
                # Mail the user wrote to the sender makes a known correspondent.
                known = {a for a in set(unknown.values()) if lookups.has_mail_to(sent, a)}
                now = self.clock()
                for uid, address in unknown.items():
                    message = outcomes[uid].message
                    if address in known and message is not None:
                        outcomes[uid] = self._decide(folder, fetched[uid], message, now, known=True)
            messages = [m for uid in drafting if (m := outcomes[uid].message) is not None]
            refs = {r for m in messages for r in _refs(m)}
            if sent is not None and refs:
                found.answered = lookups.message_ids_in(sent, sorted(refs))
            draft_ids = {self.composer.draft_id(m) for m in messages}
            found.drafts = lookups.message_ids_in(self.drafts, sorted(draft_ids))
        return found

    def _one(
        self,
        folder: str,
        uidvalidity: int,
        item: Fetched,
        outcome: Outcome,
        found: Found,
        report: PassReport,
    ) -> None:
        now = self.clock()
        if outcome.decision.draft:
            report.invitations += 1
            outcome = self._thread_checks(outcome, found)
        draft_id = None
        result = "skipped"
        hold: Deferral | None = None
        if outcome.decision.draft:
            draft_id, result, hold = self._draft(outcome, now, item.uid, found)
        if hold is not None:
            self._defer(folder, uidvalidity, item, outcome, hold, report)
            return
        self._finish(folder, uidvalidity, item, outcome, draft_id, report, result=result)

    def _decide(
        self, folder: str, item: Fetched, message: Message, now: datetime, *, known: bool
    ) -> Outcome:
        """The pure core's decision on a mail whose header passed ``screen``; a bug it hits
        skips this one mail, never the pass."""
        try:
            return assess(
                self.core,
                message,
                now=now,
                internaldate=item.internaldate,
                folder=folder,
                flags=item.flags,
                known_correspondent=known,
                header_screened=True,  # _decide_all screened every header before reading text
            )
        except Exception as exc:
            log.exception("message_failed", account=self.account, folder=folder, uid=item.uid)
            return Outcome(message, None, skipped(Skip("internal_error", type(exc).__name__)))

    def _thread_checks(self, outcome: Outcome, found: Found) -> Outcome:
        """At most one draft per thread; none where the user already wrote in the thread.

        The state is asked now, mail by mail, so a draft committed for an earlier mail of
        the same chunk counts; Sent was asked for the whole chunk in ``_look_up``.
        """
        msg = outcome.message
        assert msg is not None
        refs = _refs(msg)
        ids = [i for i in (msg.message_id, *refs) if i]
        if msg.message_id and self._drafted_for(msg.message_id):
            skip = Skip("already_drafted", "a draft was made for this mail before")
        elif self._thread_drafted(ids):
            skip = Skip("thread_has_draft", "this thread already has a draft")
        elif any(_norm(r) in found.answered for r in refs):
            skip = Skip("already_answered", "you wrote in this thread (found in Sent)")
        else:
            return outcome
        return Outcome(
            msg,
            outcome.verdict,
            skipped(
                skip, language=outcome.decision.reply_language, reasons=outcome.decision.reasons
            ),
        )

    def _draft(
        self, outcome: Outcome, now: datetime, uid: int, found: Found
    ) -> tuple[str, str, Deferral | None]:
        msg = outcome.message
        assert msg is not None
        draft_id = self.composer.draft_id(msg)
        if _norm(draft_id) in found.drafts:
            log.info("draft_exists", account=self.account, draft_id=draft_id)
            return draft_id, "exists", None
        hold = self._hold_back(msg, now, uid)
        if hold is not None:
            return draft_id, "deferred", hold
        if self.dry_run:
            return draft_id, "would draft", None
        data = self.composer.compose(outcome, now=now)
        flags = ["\\Draft"] if self.settings.drafts_unread else ["\\Draft", "\\Seen"]
        self.mailbox.append(self.drafts, data, flags=flags, when=now)
        found.drafts.add(_norm(draft_id))  # a later mail of the chunk with the same id
        faults.point("after_append")  # APPENDed, not yet committed: the crash tests aim here
        return draft_id, "drafted", None

    def _hold_back(self, msg: Message, now: datetime, uid: int) -> Deferral | None:
        """A deferral when the daily cap or the sender's window says "not now", else None."""
        acct = self.settings.account
        sender = msg.sender.email if msg.sender is not None else ""
        if acct.sender_window_days and sender:
            window = timedelta(days=acct.sender_window_days)
            last = self._last_draft_to(sender, now - window)
            if last is not None:
                return Deferral(uid, msg.message_id, sender, "sender_window", last + window)
        if acct.daily_cap:
            local = now.astimezone(self.settings.timezone)
            midnight = datetime.combine(local.date(), time(), tzinfo=self.settings.timezone)
            if self._drafts_since(midnight) >= acct.daily_cap:
                tomorrow = datetime.combine(
                    local.date() + timedelta(days=1), time(), tzinfo=self.settings.timezone
                )
                return Deferral(uid, msg.message_id, sender, "daily_cap", tomorrow)
        return None

    # -- what the state says was drafted; a dry run adds the drafts it would have made ----

    def _drafted_for(self, message_id: str) -> bool:
        planned = message_id in self._planned.ids
        return planned or self.state.drafted_for(self.account, message_id) is not None

    def _thread_drafted(self, ids: Sequence[str]) -> bool:
        planned = any(i in self._planned.threads for i in ids)
        return planned or self.state.thread_drafted(self.account, ids) is not None

    def _last_draft_to(self, sender: str, since: datetime) -> datetime | None:
        planned = self._planned.last_to.get(sender.lower())
        last = self.state.last_draft_to(self.account, sender, since)
        return max((t for t in (last, planned) if t is not None and t >= since), default=None)

    def _drafts_since(self, since: datetime) -> int:
        return self.state.drafts_since(self.account, since) + self._planned.since(since)

    def _defer(
        self,
        folder: str,
        uidvalidity: int,
        item: Fetched,
        outcome: Outcome,
        hold: Deferral,
        report: PassReport,
    ) -> None:
        """Hold an invitation back: logged with its reason, looked at again later."""
        msg = outcome.message
        report.deferred[hold.reason] += 1
        (log.debug if self.dry_run else log.info)(
            "deferred",
            account=self.account,
            folder=folder,
            uid=item.uid,
            reason=hold.reason,
            retry_after=hold.retry_after.isoformat(),
            action=outcome.decision.action.value if outcome.decision.action else None,
        )
        self._row(
            report,
            Row(
                item.uid,
                msg.date if msg else item.internaldate,
                hold.sender,
                msg.subject if msg else "",
                outcome,
                "deferred",
            ),
        )
        if not self.dry_run:
            self.state.defer(
                self.account, folder, uidvalidity, hold, self.clock(), advance_to=item.uid
            )

    def _row(self, report: PassReport, row: Row) -> None:
        """Stream the row to on_row, or keep it without the parsed mail (memory stays flat)."""
        row.outcome = Outcome(None, row.outcome.verdict, row.outcome.decision)
        row.folder = report.folder
        if self.on_row is not None:
            self.on_row(row)
        else:
            report.rows.append(row)

    def _finish(
        self,
        folder: str,
        uidvalidity: int,
        item: Fetched,
        outcome: Outcome,
        draft_id: str | None,
        report: PassReport,
        *,
        result: str = "skipped",
    ) -> None:
        decision = outcome.decision
        msg = outcome.message
        sender = msg.sender.email if msg is not None and msg.sender is not None else ""
        subject = msg.subject if msg is not None else ""
        if decision.skip is not None:
            report.skips[decision.skip.rule] += 1
        if result in ("drafted", "exists"):
            report.drafted += result == "drafted"
            if self.settings.keyword and not self.dry_run and self.mailbox.supports_keywords():
                self.mailbox.add_keyword([item.uid], self.settings.keyword)
        invitation = outcome.verdict is not None and outcome.verdict.invitation
        loud = decision.draft or result != "skipped" or invitation
        (log.info if loud else log.debug)(
            "decision",
            account=self.account,
            folder=folder,
            uid=item.uid,
            action=decision.action.value if decision.action else None,
            skip=decision.skip.rule if decision.skip else None,
            result=result,
            tier=decision.tier.value,
            # Reasons quote the mail ("asks for time …"): the quotes only at debug.
            reasons=redact(decision.reasons) if loud else list(decision.reasons),
            draft_id=draft_id,
        )
        if loud:
            log.debug("decision_detail", uid=item.uid, reasons=list(decision.reasons))
        self._row(
            report,
            Row(item.uid, msg.date if msg else item.internaldate, sender, subject, outcome, result),
        )
        if self.dry_run:
            if result in ("would draft", "exists") and msg is not None:
                # What the real pass records here, so later mail sees the same thread,
                # cap and sender-window answers: `scan` shows what a pass would do.
                self._planned.add(msg.message_id, msg.thread_root, sender, self.clock())
            return
        self.state.record(
            self.account,
            folder,
            uidvalidity,
            Record(
                uid=item.uid,
                message_id=msg.message_id if msg else None,
                thread=msg.thread_root if msg else None,
                sender=sender,
                subject=subject,
                action=decision.action.value if decision.action else None,
                skip_rule=decision.skip.rule if decision.skip else None,
                reasons=decision.reasons,
                draft_id=draft_id if result in ("drafted", "exists") else None,
            ),
            self.clock(),
            advance_to=item.uid,
        )
