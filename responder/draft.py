"""Build the reply draft as a real ``EmailMessage``: headers, threading, flowed text body.

Body encoding: ``text/plain; charset=utf-8; format=flowed; delsp=no`` (RFC 3676) in
quoted-printable. Paragraphs are soft-wrapped at 72 columns, so a client that knows
format=flowed (Thunderbird, Apple Mail, mutt with ``reflow_text``) shows and *edits* them as
paragraphs — the user opens every draft to edit it, and hard-wrapped lines would go ragged
after the first edit — while clients that ignore it still see tidy 72-column lines. The
``-- `` delimiter, the signature below it and the attribution line are fixed lines, never
re-wrapped; ``>`` quoted lines are wrapped as flowed quotes at their own depth.

Nothing in the headers names responder or says how the draft was made: no X-Mailer,
User-Agent or Auto-Submitted (the user sends it themselves, so it is not auto-submitted).
"""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
import hmac
import re
from collections.abc import Sequence
from datetime import datetime
from email.errors import HeaderParseError
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage

from responder.model import Address, Decision, Identity, Message, Verdict

WIDTH = 72
MAX_REFERENCES = 20

#: CRLF-terminated lines, header lines folded at 78 with the first line never left empty.
_ID_HEADERS = frozenset({"message-id", "in-reply-to", "references"})


class _DraftPolicy(email.policy.EmailPolicy):
    """SMTP policy, except that a header's first line is never left empty.

    The stock folder moves a value that does not fit the rest of the first line to a
    continuation line ("Subject:\r\n Re: …", "In-Reply-To:\r\n <id>"): legal, but some
    parsers then keep a leading space and clients show it badly. Here plain-ASCII message-id
    and Subject headers are folded between words only, the first word always on the header's
    own line (a single long id may exceed 78 columns; RFC 5322 allows 998).
    """

    def _fold_words(self, name: str, value: str) -> str:
        head = f"{name}:"
        lines: list[str] = []
        line = head
        limit = self.max_line_length or 78
        for token in value.split():
            if line != head and len(line) + 1 + len(token) > limit:
                lines.append(line)
                line = ""
            line += " " + token
        lines.append(line)
        return str(self.linesep).join(lines) + str(self.linesep)

    def _ours(self, name: str, value: str) -> bool:
        lowered = name.lower()
        if lowered in _ID_HEADERS:
            return value.isascii()
        if lowered != "subject" or not value.isascii():
            return False
        # A word too long for any line is left to the stock folder (it RFC 2047-splits it).
        room = (self.max_line_length or 78) - len(name) - 2
        return all(len(word) <= room for word in value.split())

    def fold(self, name: str, value: str) -> str:
        if self._ours(name, str(value)):
            return self._fold_words(name, str(value))
        return str(super().fold(name, value))

    def fold_binary(self, name: str, value: str) -> bytes:
        if self._ours(name, str(value)):
            return self._fold_words(name, str(value)).encode("ascii")
        return bytes(super().fold_binary(name, value))


POLICY = _DraftPolicy(linesep="\r\n", max_line_length=78)
REFERENCES_CHARS = 900

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\ufeff]")
_SPACES = re.compile(r"\s+")
_REPLY_PREFIX = re.compile(
    r"^\s*(?:re|aw|sv|antw|antwort|odp|ynt)\s*(?:\[\d+\]|\(\d+\))?\s*[:\uff1a]\s*",
    re.IGNORECASE,
)
_MSGID = re.compile(r"<[^<>\s]+>")


def clean_header_text(value: str) -> str:
    """Remove CR, LF and other control/format characters; collapse runs of whitespace."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()


def reply_subject(subject: str) -> str:
    """``Re: `` exactly once, after stripping every leading reply prefix (Re/AW/SV/Antw…).

    Forward prefixes (Fwd, WG, VS) are part of the topic and stay after ``Re: ``.
    """
    topic = clean_header_text(subject)
    while True:
        stripped = _REPLY_PREFIX.sub("", topic, count=1)
        if stripped == topic:
            break
        topic = stripped
    return f"Re: {topic}" if topic else "Re:"


def _message_ids(values: Sequence[str]) -> list[str]:
    ids: list[str] = []
    for value in values:
        found = _MSGID.findall(clean_header_text(value))
        if not found and value.strip() and " " not in value.strip():
            found = [f"<{clean_header_text(value).strip('<>')}>"]
        ids.extend(found)
    return ids


def references_for(original: Message) -> list[str]:
    """Original References + its Message-ID, de-duplicated, root kept, capped to 20."""
    own = [original.message_id] if original.message_id else []
    ids = _message_ids([*original.references, *own])
    unique = list(reversed(dict.fromkeys(reversed(ids))))  # keep each id's last position
    if len(unique) > MAX_REFERENCES:
        unique = [unique[0], *unique[-(MAX_REFERENCES - 1) :]]
    while len(unique) > 2 and len(" ".join(unique)) > REFERENCES_CHARS:
        del unique[1]  # keep the root and the nearest parents (RFC 5322 §3.6.4)
    return unique


def draft_message_id(original_id: str | None, fallback_key: str, *, key: bytes, domain: str) -> str:
    """A Message-ID for the draft: HMAC-SHA256 of the original's id under a local secret.

    The same mail always yields the same id (so a second pass can recognise its draft), yet
    nobody without ``key`` can derive it. Shaped like an ordinary client id.
    """
    if not key:
        raise ValueError("draft_message_id needs a non-empty secret key")
    material = f"id:{original_id.strip()}" if original_id else f"fallback:{fallback_key}"
    digest = hmac.new(key, material.encode("utf-8"), hashlib.sha256).hexdigest()
    host = re.sub(r"[^a-z0-9.-]", "", domain.strip().lower()).strip(".-") or "localhost"
    return f"<{digest[:24]}.{digest[24:32]}@{host}>"


# --- format=flowed -------------------------------------------------------------------------


def _stuff(line: str) -> str:
    return " " + line if line.startswith((" ", ">", "From ")) else line


def _wrap(content: str, width: int) -> list[str]:
    """Greedy soft wrap at spaces; every piece but the last keeps its trailing space."""
    if len(content) <= width:
        return [content]
    lead = content[: len(content) - len(content.lstrip(" "))]
    tokens = re.findall(r"[^ ]+ *", content[len(lead) :])
    if not tokens:
        return [content]
    tokens[0] = lead + tokens[0]
    pieces: list[str] = []
    current = ""
    for token in tokens:
        if current and len(current) + len(token.rstrip(" ")) > width:
            pieces.append(current)
            current = token
        else:
            current += token
    pieces.append(current)
    return pieces


def encode_flowed(text: str, width: int = WIDTH) -> str:
    """Plain text → RFC 3676 format=flowed (DelSp=no) with space-stuffing."""
    out: list[str] = []
    in_signature = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw == "-- ":
            in_signature = True
            out.append(raw)
            continue
        if raw.startswith(">"):
            depth = len(raw) - len(raw.lstrip(">"))
            content = raw[depth:]
            content = content.removeprefix(" ").rstrip(" ")
            prefix = ">" * depth + " "
            if not content:
                out.append(">" * depth)
                continue
            out.extend(prefix + piece for piece in _wrap(content, width - len(prefix)))
            continue
        line = raw.rstrip(" ")
        if in_signature:
            out.append(_stuff(line))
        else:
            out.extend(_stuff(piece) for piece in _wrap(line, width))
    return "\n".join(out)


def decode_flowed(text: str) -> str:
    """format=flowed (DelSp=no) → logical lines: soft breaks joined, stuffing removed."""
    out: list[str] = []
    pending: tuple[int, str] | None = None
    for line in text.replace("\r\n", "\n").split("\n"):
        if line == "-- ":
            depth, content, soft = 0, line, False
        else:
            depth = len(line) - len(line.lstrip(">"))
            content = line[depth:].removeprefix(" ")
            soft = content.endswith(" ")
        if pending is not None and pending[0] == depth:
            content = pending[1] + content
        elif pending is not None:
            out.append(_unquote(*pending))
        pending = None
        if soft:
            pending = (depth, content)
        else:
            out.append(_unquote(depth, content))
    if pending is not None:
        out.append(_unquote(*pending))
    return "\n".join(out)


def _unquote(depth: int, content: str) -> str:
    if not depth:
        return content
    return ">" * depth + (" " + content if content else "")


# --- the message ---------------------------------------------------------------------------


def _header_address(address: Address) -> HeaderAddress:
    name = clean_header_text(address.name)
    if "=?" in name:
        # An encoded word the parser could not decode is still in the name: written out,
        # the reader's mail client would decode it (leniently, maybe into control
        # characters). The name is garbage anyway; the address alone is the safe reply.
        name = ""
    addr = clean_header_text(address.email).replace(" ", "")
    try:
        return HeaderAddress(display_name=name, addr_spec=addr)
    except (HeaderParseError, ValueError, IndexError):
        username, _, domain = addr.rpartition("@")
        try:
            return HeaderAddress(display_name=name, username=username, domain=domain)
        except (HeaderParseError, ValueError, IndexError) as exc:
            raise ValueError(f"cannot put address {address.email!r} in a header") from exc


def build_draft(
    original: Message,
    decision: Decision,
    verdict: Verdict,
    *,
    me: Identity,
    from_address: str,
    body_text: str,
    to: Sequence[Address],
    cc: Sequence[Address],
    message_id: str,
    date: datetime,
    bcc: Sequence[Address] = (),
) -> EmailMessage:
    """The reply as a complete RFC 5322 message, ready to APPEND to Drafts.

    ``verdict`` is accepted for symmetry with the rest of the core; nothing from it (nor the
    decision's tier or reasons) reaches a header. ``decision.reply_language`` becomes
    Content-Language, as ordinary clients write it.
    """
    del verdict  # deliberately unused: the draft must not reveal the classification
    if date.tzinfo is None:
        raise ValueError("build_draft needs a timezone-aware date")
    msg = EmailMessage(policy=POLICY)
    msg["From"] = _header_address(Address(me.name, from_address))
    if to:
        msg["To"] = [_header_address(a) for a in to]
    if cc:
        msg["Cc"] = [_header_address(a) for a in cc]
    if bcc:  # a draft keeps Bcc so the user's client sends it blind
        msg["Bcc"] = [_header_address(a) for a in bcc]
    msg["Subject"] = reply_subject(original.subject)
    msg["Date"] = email.utils.format_datetime(date)
    msg["Message-ID"] = clean_header_text(message_id).replace(" ", "")
    parent = _message_ids([original.message_id]) if original.message_id else []
    if parent:
        msg["In-Reply-To"] = parent[0]
    references = references_for(original)
    if references:
        msg["References"] = " ".join(references)
    language = re.sub(r"[^A-Za-z-]", "", decision.reply_language)
    if language and language != "und":
        msg["Content-Language"] = language
    msg["MIME-Version"] = "1.0"
    msg.set_content(
        encode_flowed(body_text).rstrip("\n") + "\n",
        subtype="plain",
        charset="utf-8",
        cte="quoted-printable",
        params={"format": "flowed", "delsp": "no"},
    )
    return msg
