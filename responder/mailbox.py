"""The IMAP adapter: the only module that imports imapclient.

``Mailbox.connect(settings)`` opens a verified TLS (or, when asked, plain) connection and
logs in; the methods are the few operations responder needs — select, search by UID or
date, fetch headers and the start of the text with ``BODY.PEEK`` (never marks mail read),
find the Drafts/Sent/Junk folder, look for a Message-ID, APPEND a draft, set a keyword.
Every imapclient, socket and TLS error leaves as ``MailboxError`` (``LoginError`` for
refused credentials); no message, log event or repr ever carries the password or token.

Log-in is by password (IMAP LOGIN) or, for Gmail and Microsoft 365, by an OAuth2 access
token over SASL XOAUTH2 or OAUTHBEARER (RFC 7628). ``security="plain"`` is honoured but
logs a warning unless the host is a loopback address; a STARTTLS that fails, or that the
server does not offer, is an error and never a silent downgrade.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timezone
from email.utils import getaddresses
from pathlib import Path
from typing import Any, Literal

import imapclient
import imapclient.exceptions
import structlog

from responder.errors import LoginError, MailboxError
from responder.folders import (
    FolderChoice,
    FolderInfo,
    Role,
    choose_folder,
)

log = structlog.get_logger(__name__)

Security = Literal["ssl", "starttls", "plain"]
Auth = Literal["password", "xoauth2", "oauthbearer"]
AUTH_METHODS: tuple[Auth, ...] = ("password", "xoauth2", "oauthbearer")


@dataclass(frozen=True)
class ServerSettings:
    """Where and how to reach the IMAP server. ``repr`` never shows the password.

    ``password`` is the secret that ``auth`` sends: the password for ``"password"``, an
    OAuth2 access token for ``"xoauth2"`` and ``"oauthbearer"``.
    """

    host: str
    port: int
    security: Security
    user: str
    password: str = field(repr=False)
    ca_file: Path | None = None  # extra CA bundle to trust; None: the system's CAs
    timeout: float = 30.0  # seconds, for connect and every socket read/write
    auth: Auth = "password"

    def __post_init__(self) -> None:
        if self.security not in ("ssl", "starttls", "plain"):
            raise ValueError(f"security must be ssl, starttls or plain, not {self.security!r}")
        if self.auth not in AUTH_METHODS:
            raise ValueError(f"auth must be one of {', '.join(AUTH_METHODS)}, not {self.auth!r}")
        if not 0 < self.port < 65536:
            raise ValueError(f"port must be 1-65535, not {self.port}")
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")


# Builds a connected, not yet logged-in imapclient.IMAPClient (the seam tests may replace).
ClientFactory = Callable[[ServerSettings, "ssl.SSLContext | None"], Any]


def is_loopback(host: str) -> bool:
    """Whether host names this machine (localhost, 127.0.0.0/8, ::1): plain IMAP is safe there."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


SaslMechanism = Callable[[bytes], bytes]
"""Answers one server challenge of a SASL exchange (imapclient's ``sasl_login`` contract)."""


def xoauth2_mechanism(user: str, token: str) -> SaslMechanism:
    """Google's and Microsoft's XOAUTH2: the bearer token first, then an empty line.

    A refused token makes the server send a JSON error as a second challenge; the empty
    answer lets it finish with NO instead of waiting.
    """
    sent = False

    def respond(_challenge: bytes) -> bytes:
        nonlocal sent
        if sent:
            return b""
        sent = True
        return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()

    return respond


def oauthbearer_mechanism(user: str, token: str, host: str, port: int) -> SaslMechanism:
    """RFC 7628 OAUTHBEARER; after an error challenge the client sends a lone %x01 (§3.2.3)."""
    sent = False
    authzid = user.replace("=", "=3D").replace(",", "=2C")

    def respond(_challenge: bytes) -> bytes:
        nonlocal sent
        if sent:
            return b"\x01"
        sent = True
        return (
            f"n,a={authzid},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01"
        ).encode()

    return respond


def imapclient_factory(settings: ServerSettings, context: ssl.SSLContext | None) -> Any:
    """Open the TCP (and, for security='ssl', TLS) connection with imapclient."""
    return imapclient.IMAPClient(
        settings.host,
        settings.port,
        ssl=settings.security == "ssl",
        ssl_context=context,
        timeout=settings.timeout,
    )


@dataclass(frozen=True)
class FolderState:
    """What SELECT/EXAMINE said about a folder."""

    name: str
    uidvalidity: int
    uidnext: int
    exists: int
    readonly: bool = True
    permanent_flags: frozenset[str] = frozenset()  # empty after EXAMINE on most servers


@dataclass(frozen=True)
class Fetched:
    """One message's metadata and raw header block."""

    uid: int
    flags: frozenset[str]
    internaldate: datetime  # timezone-aware
    size: int
    header: bytes


@dataclass(frozen=True)
class PartInfo:
    """One body part worth reading, as BODYSTRUCTURE describes it."""

    section: str  # "1", "1.2": what BODY.PEEK[...] takes
    ctype: str  # lower case; a part named *.ics counts as text/calendar
    charset: str | None
    encoding: str  # Content-Transfer-Encoding, lower case
    size: int  # encoded size in bytes
    method: str | None = None  # a calendar's "method" parameter


_CALENDAR_TYPES = frozenset({"text/calendar", "application/ics"})
_MAX_PARTS = 500
# A text/plain part this short may be blank; parse then falls back to the HTML part.
_SHORT_PLAIN = 256


def _str(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("ascii", "replace")
    return value if isinstance(value, str) else ""


def _params(value: object) -> dict[str, str]:
    """A BODYSTRUCTURE parameter list (k1 v1 k2 v2 ...) as a dict with lower-case keys."""
    if not isinstance(value, tuple | list):
        return {}
    return {_str(k).lower(): _str(v) for k, v in zip(value[::2], value[1::2], strict=False)}


def _leaf_info(node: Sequence[Any], section: str) -> tuple[PartInfo, bool]:
    """A non-multipart BODYSTRUCTURE node → (its PartInfo, whether it is an attachment)."""
    if not all(isinstance(v, bytes | str) for v in (node[0], node[1], node[5])):
        raise ValueError("a body part without type or encoding")
    ctype = f"{_str(node[0])}/{_str(node[1])}".lower()
    params = _params(node[2])
    # RFC 3501 body-ext-1part: text parts carry a line count before MD5 and disposition.
    at = 9 if ctype.startswith("text/") else 8
    disposition = node[at] if len(node) > at and isinstance(node[at], tuple | list) else ()
    kind = _str(disposition[0]).lower() if disposition else ""
    names = (
        params.get("name", ""),
        _params(disposition[1] if disposition else None).get("filename", ""),
    )
    if any(n.lower().endswith(".ics") for n in names):
        ctype = "text/calendar"
    info = PartInfo(
        section=section,
        ctype=ctype,
        charset=params.get("charset") or None,
        encoding=_str(node[5]).lower(),
        size=int(node[6] or 0),
        method=params.get("method") or None,
    )
    return info, kind == "attachment"


def text_parts(structure: object) -> tuple[PartInfo, ...] | None:
    """Which parts of a multipart mail to fetch: the first text/plain (and text/html where
    the plain part is missing or short), and the first calendar part; never attachments.

    None means "fetch the start of the whole body instead" (parse then walks the MIME tree
    as before): a single-part mail, a forwarded mail (message/rfc822) whose text is history,
    a multipart without boundary, and any structure that does not read as RFC 3501 says.
    Mirrors the choices of ``parse._mime_parts``.
    """
    if (
        not isinstance(structure, tuple | list)
        or not structure
        or not isinstance(structure[0], list)
    ):
        return None
    texts: list[PartInfo] = []
    calendars: list[PartInfo] = []
    stack: list[tuple[Any, str]] = [(structure, "")]
    try:
        for _ in range(_MAX_PARTS):
            if not stack:
                break
            node, section = stack.pop()
            if isinstance(node[0], list):  # multipart: ([children], subtype, params, ...)
                if not node[0] or "boundary" not in _params(node[2] if len(node) > 2 else None):
                    return None
                prefix = f"{section}." if section else ""
                stack.extend(
                    (child, f"{prefix}{n}") for n, child in reversed(list(enumerate(node[0], 1)))
                )
                continue
            info, attachment = _leaf_info(node, section)
            if info.ctype == "message/rfc822" or info.ctype.startswith("multipart/"):
                return None
            if info.ctype in _CALENDAR_TYPES:
                calendars.append(info)
            elif info.ctype in ("text/plain", "text/html") and not attachment:
                texts.append(info)
        else:
            return None  # more parts than parse would look at
    except (IndexError, TypeError, ValueError, AttributeError):
        return None
    plain = next((t for t in texts if t.ctype == "text/plain"), None)
    html = next((t for t in texts if t.ctype == "text/html"), None)
    chosen = [p for p in (plain,) if p is not None]
    if html is not None and (plain is None or plain.size < _SHORT_PLAIN):
        chosen.append(html)
    return (*chosen, *calendars[:1])


_APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]", re.IGNORECASE)
_KEYWORD = re.compile(r'[^\x00-\x20\x7f-\U0010ffff(){%*"\\\]]+')
_BYTES_REPR = re.compile(r"""\bb'([^']*)'""")


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _aware(value: datetime) -> datetime:
    offset = value.utcoffset()
    return value.replace(tzinfo=timezone(offset) if offset is not None else UTC)


def _quote(value: str) -> str:
    """An IMAP quoted string (value must be ASCII without CR/LF)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_MESSAGE_ID_FIELD = re.compile(rb"^message-id[ \t]*:((?:.*)(?:\r?\n[ \t].*)*)", re.I | re.M)


def _message_id_of(header: bytes) -> str | None:
    """The unfolded, whitespace-normalised Message-ID field of a header block (UTF-8)."""
    match = _MESSAGE_ID_FIELD.search(header)
    if match is None:
        return None
    return " ".join(match.group(1).decode("utf-8", "replace").split())


class Mailbox:
    """A logged-in IMAP connection; a context manager that logs out on exit.

    Methods that read messages act on the folder chosen with ``select``. Only the lookups
    (``message_ids_in``, ``has_mail_to``,
    ``read_all``) look at another folder: they EXAMINE it and then reselect the previous
    folder in its previous mode (with nothing selected before, they UNSELECT, or leave the
    folder examined where the server lacks UNSELECT); inside ``visit()`` that happens once,
    when the visit ends.
    """

    def __init__(self, client: Any, settings: ServerSettings) -> None:
        self._client = client
        self._settings = settings
        self._factory: ClientFactory = imapclient_factory  # connect() sets the one it used
        self._selected: FolderState | None = None
        self._visit_home: tuple[FolderState | None] | None = None  # set inside visit()

    # --- connection -------------------------------------------------------------------
    @classmethod
    def connect(
        cls, settings: ServerSettings, *, factory: ClientFactory = imapclient_factory
    ) -> Mailbox:
        """Connect, secure the connection as settings.security says, and log in."""
        where = f"{settings.host}:{settings.port} ({settings.security})"
        if settings.security == "plain" and not is_loopback(settings.host):
            log.warning(
                "imap_plaintext",
                host=settings.host,
                port=settings.port,
                hint="security=plain sends the password unencrypted; use ssl or starttls",
            )
        context = None
        if settings.security != "plain":
            cafile = str(settings.ca_file) if settings.ca_file is not None else None
            try:
                context = ssl.create_default_context(cafile=cafile)
            except (OSError, ValueError) as exc:
                raise MailboxError(f"cannot load CA file {settings.ca_file}: {exc}") from None
        try:
            client = factory(settings, context)
        except (imapclient.exceptions.IMAPClientError, OSError) as exc:
            raise MailboxError(f"cannot connect to {where}: {exc}") from exc
        mailbox = cls(client, settings)
        mailbox._factory = factory
        failure: MailboxError | None = None
        try:
            if settings.security == "starttls":
                if not client.has_capability("STARTTLS"):
                    raise MailboxError(f"{where}: server offers no STARTTLS; not logging in")
                client.starttls(context)
            client.normalise_times = False  # INTERNALDATE as aware datetimes
            log.debug(
                "imap_connected", host=settings.host, port=settings.port, security=settings.security
            )
            mailbox._login(client, where)
        except imapclient.exceptions.LoginError as exc:
            detail = mailbox._scrub(str(exc))
            failure = LoginError(
                f"{where}: login as {settings.user!r} ({settings.auth}) refused: {detail}"
            )
        except LoginError as exc:
            failure = exc.with_traceback(None)
        except (imapclient.exceptions.IMAPClientError, OSError) as exc:
            failure = MailboxError(f"{where}: {mailbox._scrub(str(exc)) or type(exc).__name__}")
        except BaseException:
            mailbox._abandon()
            raise
        if failure is not None:
            # Raised outside the except block so that no __context__ chains back to the
            # frames of login(), whose locals hold the password.
            mailbox._abandon()
            raise failure
        log.info(
            "imap_login",
            host=settings.host,
            port=settings.port,
            security=settings.security,
            user=settings.user,
            auth=settings.auth,
        )
        return mailbox

    def _login(self, client: Any, where: str) -> None:
        """LOGIN with the password, or AUTHENTICATE with the token as settings.auth says."""
        settings = self._settings
        if settings.auth == "password":
            client.login(settings.user, settings.password)
            return
        mechanism = settings.auth.upper()
        offered = {_text(c).upper() for c in client.capabilities()}
        if f"AUTH={mechanism}" not in offered:
            others = ", ".join(sorted(c for c in offered if c.startswith("AUTH="))) or "none"
            raise LoginError(
                f"{where}: the server does not offer AUTH={mechanism} (it offers {others}); "
                "set imap.auth to a method it supports"
            )
        if settings.auth == "xoauth2":
            respond = xoauth2_mechanism(settings.user, settings.password)
        else:
            respond = oauthbearer_mechanism(
                settings.user, settings.password, settings.host, settings.port
            )
        client.sasl_login(mechanism, respond)

    def twin(self) -> Mailbox:
        """A second connection, logged in as this one (the same class, server and factory).

        ``scan`` and ``once`` look up Sent and Drafts on it, so the folder being worked
        through is never left and re-selected; the daemon keeps to two connections per
        account (one IDLEs, one works) and uses :meth:`visit` instead.
        """
        return type(self).connect(self._settings, factory=self._factory)

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Log out; never raises (a dead connection is simply dropped)."""
        if self._client is None:
            return
        try:
            self._client.logout()
        except Exception:  # the connection may already be gone
            self._abandon()
        self._client = None
        self._selected = None

    logout = close

    def _abandon(self) -> None:
        with suppress(Exception):  # nothing left to clean up
            self._client.shutdown()

    def _scrub(self, text: str) -> str:
        """text without the password (belt and braces) and without imaplib's b'...'."""
        password = self._settings.password
        text = text.replace(password, "***") if password else text
        return _BYTES_REPR.sub(r"\1", text)

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except (imapclient.exceptions.IMAPClientError, OSError) as exc:
            detail = self._scrub(str(exc)) or type(exc).__name__
            raise MailboxError(f"IMAP {action} failed: {detail}") from exc

    @property
    def capabilities(self) -> frozenset[str]:
        with self._errors("CAPABILITY"):
            return frozenset(_text(c).upper() for c in self._client.capabilities())

    # --- folders ----------------------------------------------------------------------
    @property
    def selected(self) -> FolderState | None:
        return self._selected

    def select(self, folder: str, *, readonly: bool = True) -> FolderState:
        """SELECT (readonly=False) or EXAMINE (readonly=True) a folder."""
        with self._errors(f"select {folder!r}"):
            self._selected = None
            info = self._client.select_folder(folder, readonly=readonly)
            uidnext = info.get(b"UIDNEXT")
            if uidnext is None:  # optional in the SELECT response before IMAP4rev2
                uidnext = self._client.folder_status(folder, [b"UIDNEXT"])[b"UIDNEXT"]
        state = FolderState(
            name=folder,
            uidvalidity=int(info[b"UIDVALIDITY"]),
            uidnext=int(uidnext),
            exists=int(info[b"EXISTS"]),
            readonly=readonly or b"READ-ONLY" in info,
            permanent_flags=frozenset(_text(f) for f in info.get(b"PERMANENTFLAGS", ())),
        )
        self._selected = state
        log.debug(
            "imap_selected",
            folder=folder,
            readonly=state.readonly,
            uidvalidity=state.uidvalidity,
            uidnext=state.uidnext,
            exists=state.exists,
        )
        return state

    def _require_selected(self) -> FolderState:
        if self._selected is None:
            raise RuntimeError("no folder selected: call select() first")
        return self._selected

    def list_folders(self) -> list[FolderInfo]:
        """Every folder with its delimiter and attributes (SPECIAL-USE ones included).

        Names are decoded from modified UTF-7 by imapclient. Where the server advertises
        SPECIAL-USE, ``LIST "" "*" RETURN (SPECIAL-USE)`` is used, because RFC 6154 lets a
        server leave the attributes out of a plain LIST.
        """
        with self._errors("LIST"):
            rows = None
            if "SPECIAL-USE" in self.capabilities:
                rows = self._list_special_use()
            if rows is None:
                rows = self._client.list_folders()
        return [
            FolderInfo(_text(name), _text(delim) if delim else "", frozenset(map(_text, attrs)))
            for attrs, delim, name in rows
        ]

    def _list_special_use(self) -> Any:
        # imapclient has no LIST-EXTENDED call; this goes through its imaplib object the
        # way imapclient's own _do_list does.
        imap = self._client._imap
        typ, data = imap._simple_command("LIST", '""', '"*"', "RETURN", "(SPECIAL-USE)")
        if typ != "OK":
            return None
        typ, data = imap._untagged_response(typ, data, "LIST")
        return self._client._proc_folder_list(data)

    def explain_folder(self, role: Role, *, configured: str | None = None) -> FolderChoice:
        """Pick the folder for role and say why; see choose_folder for the rules."""
        folders = self.list_folders()
        prefixes: list[str] = []
        if configured is None and "NAMESPACE" in self.capabilities:
            with self._errors("NAMESPACE"):
                personal = self._client.namespace().personal or ()
            prefixes = [_text(prefix) for prefix, _delim in personal if prefix]
        choice = choose_folder(role, folders, configured=configured, prefixes=prefixes)
        log.info("folder_chosen", role=role, folder=choice.name, how=choice.how)
        return choice

    def find_folder(self, role: Role, *, configured: str | None = None) -> str:
        """The name of the folder for role; see choose_folder for the rules."""
        return self.explain_folder(role, configured=configured).name

    # --- searching and fetching ------------------------------------------------------
    def uids_since(self, after_uid: int) -> list[int]:
        """UIDs above after_uid in the selected folder, ascending.

        ``UID SEARCH UID n+1:*`` also returns the highest UID when nothing is newer (``*``
        is the largest UID in use), so the answer is filtered.
        """
        self._require_selected()
        with self._errors("UID SEARCH"):
            found = self._client.search(["UID", f"{after_uid + 1}:*"])
        return sorted(uid for uid in found if uid > after_uid)

    def uids_received_since(self, since: date) -> list[int]:
        """UIDs of messages whose INTERNALDATE is on or after since (SEARCH SINCE)."""
        self._require_selected()
        with self._errors("SEARCH SINCE"):
            return sorted(self._client.search(["SINCE", since]))

    def fetch_headers(
        self, uids: Sequence[int], *, batch: int = 500
    ) -> Iterator[Fetched]:
        """Flags, INTERNALDATE, size and header block of each UID, in batches, by UID.

        Uses BODY.PEEK, so \\Seen is never set; vanished UIDs are skipped. The text comes
        later (:meth:`fetch_sections`), only for mail whose header passed the screen.

        The whole header is fetched on purpose: with ``HEADER.FIELDS (...)`` (or ``.NOT``)
        the server echoes the field list in every answer and imapclient reads that echo a
        character at a time, which costs more (~55 µs a mail for nine fields, measured)
        than reading and parsing the Received and DKIM lines it would save.
        """
        self._require_selected()
        items = ["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "BODY.PEEK[HEADER]"]
        for start in range(0, len(uids), batch):
            chunk = list(uids[start : start + batch])
            with self._errors("FETCH"):
                data = self._client.fetch(chunk, items)
            for uid in sorted(data):
                item = data[uid]
                if b"BODY[HEADER]" not in item:  # an unsolicited FETCH (e.g. flags only)
                    continue
                yield Fetched(
                    uid=uid,
                    flags=frozenset(_text(f) for f in item.get(b"FLAGS", ())),
                    internaldate=_aware(item[b"INTERNALDATE"]),
                    size=int(item.get(b"RFC822.SIZE", 0)),
                    header=item[b"BODY[HEADER]"] or b"",
                )

    def fetch_structure(
        self, uids: Sequence[int], *, batch: int = 500
    ) -> dict[int, tuple[PartInfo, ...] | None]:
        """The parts worth reading of each UID, from its BODYSTRUCTURE (see text_parts).

        None for a UID means "read the start of the whole body instead": its structure is
        odd, or imapclient could not read the batch's answer at all (logged), so one
        strange mail never stops a pass. BODYSTRUCTURE costs imapclient about as much to
        read as a header, so a scan asks only for big multipart mail that passed the guard.
        """
        self._require_selected()
        out: dict[int, tuple[PartInfo, ...] | None] = {}
        for start in range(0, len(uids), batch):
            chunk = list(uids[start : start + batch])
            try:
                with self._errors("FETCH BODYSTRUCTURE"):
                    data = self._client.fetch(chunk, ["BODYSTRUCTURE"])
            except MailboxError as exc:
                if not isinstance(exc.__cause__, imapclient.exceptions.ProtocolError):
                    raise
                log.warning(
                    "bodystructure_unreadable", uids=f"{chunk[0]}:{chunk[-1]}", error=str(exc)
                )
                out.update(dict.fromkeys(chunk))
                continue
            for uid, item in data.items():
                out[uid] = text_parts(item.get(b"BODYSTRUCTURE"))
        return out

    def fetch_sections(
        self, wanted: Mapping[int, Sequence[str]], *, limit: int, batch: int = 500
    ) -> dict[int, dict[str, bytes]]:
        """The first limit bytes of the named body sections ("1.2", "TEXT") of each UID.

        UIDs that want the same sections share one FETCH per batch, so a chunk of mail
        costs a few round trips (one per distinct section list), not one per mail.
        """
        self._require_selected()
        groups: dict[tuple[str, ...], list[int]] = {}
        for uid, sections in wanted.items():
            if sections:
                groups.setdefault(tuple(sections), []).append(uid)
        out: dict[int, dict[str, bytes]] = {}
        for sections, uids in groups.items():
            items = [f"BODY.PEEK[{s}]<0.{int(limit)}>" for s in sections]
            keys = [(s, f"BODY[{s}]<0>".encode()) for s in sections]
            for start in range(0, len(uids), batch):
                chunk = sorted(uids[start : start + batch])
                with self._errors("FETCH"):
                    data = self._client.fetch(chunk, items)
                for uid, item in data.items():
                    got = {s: item[k] or b"" for s, k in keys if k in item}
                    if got:
                        out[uid] = got
        return out

    def message_ids_in(
        self, folder: str, message_ids: Sequence[str], *, chunk: int = 25
    ) -> set[str]:
        """Which of these Message-IDs (whitespace-normalised) folder holds, exactly.

        The server's HEADER search matches substrings, so hits are confirmed by fetching
        their Message-ID header. The folder is EXAMINEd and the previous selection restored
        (inside ``visit()``: restored when the visit ends).
        """
        wanted = {" ".join(m.split()) for m in message_ids} - {""}
        if not wanted:
            return set()
        # SEARCH for the longest space-free piece (ids never hold spaces, but a folded or
        # broken one might), then compare whole fields exactly in _confirm.
        needles = sorted({max(m.split(), key=len) for m in wanted})
        ascii_needles = [n for n in needles if n.isascii()]
        other_needles = [n for n in needles if not n.isascii()]
        hits: set[int] = set()
        with self._examining(folder), self._errors(f"SEARCH HEADER Message-ID in {folder!r}"):
            for start in range(0, len(ascii_needles), chunk):
                part = ascii_needles[start : start + chunk]
                terms = " ".join(f"HEADER Message-ID {_quote(n)}" for n in part)
                hits.update(self._client.search("OR " * (len(part) - 1) + terms))
            for needle in other_needles:  # RFC 6532 UTF-8 ids: a literal, CHARSET UTF-8
                hits.update(self._client.search(["HEADER", "Message-ID", needle], charset="UTF-8"))
            return self._confirm(sorted(hits), wanted)

    def _confirm(self, uids: Sequence[int], wanted: set[str]) -> set[str]:
        if not uids:
            return set()
        data = self._client.fetch(list(uids), ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
        found: set[str] = set()
        for item in data.values():
            header = next((v for k, v in item.items() if k.startswith(b"BODY[HEADER")), b"")
            mid = _message_id_of(header or b"")
            if mid in wanted:
                found.add(mid)
        return found

    @contextmanager
    def visit(self) -> Iterator[None]:
        """Look in other folders without going back after each look: the folder selected
        now is selected again once, when the visit ends.

        Re-selecting a large folder after fetching from it costs Dovecot time that grows
        with the folder (~19 ms at 20,000 mails, ~70-100 ms at 100,000), so a pass asks
        Sent and Drafts everything a chunk needs in one visit instead of once per mail.
        """
        if self._visit_home is not None:  # nested: the outer visit restores
            yield
            return
        home = self._visit_home = (self._selected,)
        try:
            yield
        finally:
            self._visit_home = None
            self._restore(home[0])

    def _restore(self, previous: FolderState | None) -> None:
        current = self._selected
        if previous is not None:
            if (
                current is None
                or current.name != previous.name
                or (current.readonly != previous.readonly)
            ):
                self.select(previous.name, readonly=previous.readonly)
        elif current is not None and "UNSELECT" in self.capabilities:
            with self._errors("UNSELECT"):
                self._client.unselect_folder()
            self._selected = None
        # else: the folder stays EXAMINEd (read-only); `selected` says so. CLOSE would
        # do, but pymap refuses CLOSE on a read-only selection.

    @contextmanager
    def _examining(self, folder: str) -> Iterator[None]:
        previous = self._selected
        if previous is not None and previous.name == folder:
            yield
            return
        self.select(folder, readonly=True)
        if self._visit_home is not None:  # visit() restores the home folder at its end
            yield
            return
        try:
            yield
        finally:
            self._restore(previous)

    def has_mail_to(self, folder: str, address: str) -> bool:
        """Whether folder holds mail addressed to address (the Sent folder: a known contact)."""
        if not address or any(c in address for c in '"\\\r\n'):
            return False
        with self._examining(folder), self._errors(f"SEARCH TO in {folder!r}"):
            hits = self._client.search(["TO", address])
            if not hits:
                return False
            # TO matches substrings ("anna@x" is in "hanna@x"): confirm on the parsed header.
            data = self._client.fetch(list(hits)[-50:], ["BODY.PEEK[HEADER.FIELDS (TO CC)]"])
        wanted = address.strip().lower()
        for item in data.values():
            header = next((v for k, v in item.items() if k.startswith(b"BODY[HEADER")), b"")
            text = (header or b"").decode("utf-8", "replace")
            if any(a.lower() == wanted for _n, a in getaddresses([text])):
                return True
        return False

    def read_all(self, folder: str) -> list[bytes]:
        """Every message of a (small) folder, whole, without setting \\Seen (demo and tests)."""
        with self._examining(folder), self._errors(f"FETCH from {folder!r}"):
            uids = self._client.search(["ALL"])
            data = self._client.fetch(list(uids), ["BODY.PEEK[]"]) if uids else {}
        return [data[u].get(b"BODY[]", b"") for u in sorted(data)]

    # --- changing the mailbox --------------------------------------------------------
    def append(
        self,
        folder: str,
        message: bytes,
        *,
        flags: Sequence[str] = ("\\Draft",),
        when: datetime | None = None,
    ) -> int | None:
        """APPEND message to folder; the new UID where the server has UIDPLUS, else None."""
        if when is not None and when.utcoffset() is None:
            raise ValueError("when must be timezone-aware")
        with self._errors(f"APPEND to {folder!r}"):
            response = self._client.append(folder, message, flags=tuple(flags), msg_time=when)
        match = _APPENDUID.search(response if isinstance(response, bytes) else b"")
        uid = int(match.group(2)) if match else None
        log.debug("imap_appended", folder=folder, uid=uid, size=len(message))
        return uid

    def ensure_folder(self, folder: str) -> None:
        """Create folder unless it exists (the demo server starts with INBOX only)."""
        if any(f.name == folder for f in self.list_folders()):
            return
        with self._errors(f"CREATE {folder!r}"):
            self._client.create_folder(folder)

    def supports_keywords(self) -> bool:
        """Whether the selected folder accepts new keywords (PERMANENTFLAGS has \\*).

        Needs a read-write selection: after EXAMINE servers report no permanent flags.
        """
        state = self._require_selected()
        if state.readonly:
            raise RuntimeError("supports_keywords() needs select(folder, readonly=False)")
        return "\\*" in state.permanent_flags

    def add_keyword(self, uids: Sequence[int], keyword: str) -> None:
        """Set keyword on the UIDs (UID STORE +FLAGS.SILENT); other flags stay as they are."""
        if keyword.startswith("\\") or not _KEYWORD.fullmatch(keyword):
            raise ValueError(f"not a valid IMAP keyword: {keyword!r}")
        if self._require_selected().readonly:
            raise RuntimeError("add_keyword() needs select(folder, readonly=False)")
        if uids:
            with self._errors("STORE"):
                self._client.add_flags(list(uids), [keyword], silent=True)

    # --- waiting for mail ------------------------------------------------------------
    def idle(self, timeout: float) -> bool:
        """Wait up to timeout seconds in IDLE; True when the server reported a change.

        Servers without IDLE get a NOOP instead (no wait): poll on your own schedule.
        """
        self._require_selected()
        changes = {b"EXISTS", b"EXPUNGE", b"RECENT"}  # not FETCH: flags changed elsewhere
        with self._errors("IDLE"):
            if "IDLE" not in self.capabilities:
                _status, responses = self._client.noop()
                return any(len(r) > 1 and r[1] in changes for r in responses)
            deadline = time.monotonic() + timeout
            self._client.idle()
            changed = False
            try:
                while not changed and not self._input_buffered():
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    responses = self._client.idle_check(timeout=remaining)
                    changed = any(len(r) > 1 and r[1] in changes for r in responses)
                    if not responses and deadline - time.monotonic() > 0.05:
                        break  # readable but no line (EOF, partial TLS record): idle_done
            finally:
                _status, late = self._client.idle_done()
            return changed or any(len(r) > 1 and r[1] in changes for r in late)

    def _input_buffered(self) -> bool:
        """Whether imaplib already holds unread server lines, which poll() cannot see.

        Dovecot sends pending EXISTS right behind "+ idling"; imaplib's buffered reader may
        have swallowed both, and idle_check() would then wait for the whole timeout.
        """
        reader = getattr(self._client._imap, "file", None)
        if reader is None or not hasattr(reader, "peek"):
            return False
        sock = self._client.socket()
        sock.setblocking(False)
        try:
            return bool(reader.peek(1))
        except (OSError, ValueError):  # nothing buffered: the raw read would block
            return False
        finally:
            sock.settimeout(self._settings.timeout)

    # --- daemon support (issue 5: `responder run`, `responder cleanup`) ---------------
    def noop(self) -> None:
        """NOOP: proves the connection is alive (MailboxError if it is not)."""
        with self._errors("NOOP"):
            self._client.noop()

    def keepalive(self, idle: int = 60, interval: int = 15, count: int = 4) -> None:
        """Turn on TCP keepalive, so a connection a NAT box silently dropped fails in
        ~idle + interval * count seconds instead of hanging until the next write."""
        with suppress(Exception):  # not every platform has every option; best effort
            sock = self._client.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            for name, value in (
                ("TCP_KEEPIDLE", idle),
                ("TCP_KEEPINTVL", interval),
                ("TCP_KEEPCNT", count),
            ):
                if hasattr(socket, name):
                    sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, name), value)

    def interrupt(self) -> None:
        """From another thread: shut the socket down, so a blocked read (IDLE) returns now.

        The connection is unusable afterwards; the blocked call raises MailboxError. Calls
        the plain socket's shutdown, also for TLS, so the reader's SSL object stays intact.
        """
        client = self._client
        if client is None:
            return
        with suppress(Exception):  # already closed: nothing to interrupt
            socket.socket.shutdown(client.socket(), socket.SHUT_RDWR)

    def close_soon(self, timeout: float = 2.0) -> None:
        """Log out, but give a silent server only timeout seconds (shutdown must be quick)."""
        if self._client is None:
            return
        with suppress(Exception):  # a dead socket: close() drops it anyway
            self._client.socket().settimeout(timeout)
        self.close()

    def uids_with_keyword(self, keyword: str) -> list[int]:
        """UIDs in the selected folder that carry keyword (UID SEARCH KEYWORD)."""
        self._require_selected()
        if not _KEYWORD.fullmatch(keyword):
            raise ValueError(f"not a valid IMAP keyword: {keyword!r}")
        with self._errors("SEARCH KEYWORD"):
            return sorted(self._client.search(["KEYWORD", keyword]))

    def remove_keyword(self, uids: Sequence[int], keyword: str) -> None:
        """Take keyword off the UIDs (UID STORE -FLAGS.SILENT); needs a read-write select."""
        if keyword.startswith("\\") or not _KEYWORD.fullmatch(keyword):
            raise ValueError(f"not a valid IMAP keyword: {keyword!r}")
        if self._require_selected().readonly:
            raise RuntimeError("remove_keyword() needs select(folder, readonly=False)")
        if uids:
            with self._errors("STORE"):
                self._client.remove_flags(list(uids), [keyword], silent=True)

    # --- end of daemon support ---------------------------------------------------------
