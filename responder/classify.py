"""Is this mail an invitation to meet? Scored from lexicon cues, sentence by sentence; pure.

The text read is the Subject (unless the mail is a reply or forward) and ``new_text``;
quoted history and the signature are never read for the decision. Every family of the
mail's language (plus English, which business mail borrows) is matched once over the text,
the hits are assigned to sentences, and a sentence scores when a meeting word and a
request form meet in it (or in the sentence next to it), or when it asks for the reader's
time with a time or a duration. Negative cues in the same sentence subtract; bulk, mass
and out-of-office markers subtract from the whole mail. The best sentence decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from responder.cues import TOKEN, Hit, Lexicon, base_family, load_lexicon
from responder.language import LanguageGuess, LanguageHints, detect_language
from responder.model import Intent, Message, ProposedTime, Signal, Verdict
from responder.register import german_register
from responder.sentences import (
    BARE,
    SPECIFICITY,
    WEIGHTS,
    Best,
    Sentence,
    collect,
    score_sentence,
)
from responder.when import find_time

THRESHOLD = 4.5
"""Score at which a mail counts as an invitation."""

TEXT_CAP = 3000
"""Characters of new text read; an invitation is made near the top of a mail."""

OOO_SPAN = 250
"""Out-of-office wording counts only at the very top (subject, first line); further down,
"I'm out of the office this week, lunch next week?" is an ordinary note."""

INTERNAL_PENALTY = 2.0
"""Subtracted when a colleague (same organisation domain) asks for a meeting with no meal,
coffee or drink in it: that is work coordination, not an invitation."""

LONG_TEXT = 1500
"""New text longer than this reads like a newsletter or a report more often than a note."""

QUOTED_CAP = 1000
"""Characters of quoted history looked at, only to say "quoted-only invitation ignored"."""

LEXICON_OF = {"en": "en", "de": "de", "nb": "nb", "nn": "nb", "da": "nb", "sv": "nb"}

_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|sv|vs|antw|ang|wg|fw|fwd|vb|tr)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE
)

_REMOTE_SENSITIVE = frozenset({Intent.PICK_BRAIN, Intent.CATCH_UP, Intent.MEETING})
_BONA_FIDE = ("budget", "timeline", "need", "authority")


def _has(hit: Hit, family: str) -> bool:
    """True when ``hit`` belongs to ``family`` (or one of its sub-families)."""
    return any(base_family(name) == family for name in hit.families)


_FREE_MAIL_DOMAINS = (
    "gmail.com googlemail.com yahoo.com hotmail.com outlook.com live.com msn.com aol.com "
    "icloud.com me.com gmx.de gmx.net web.de t-online.de online.no yahoo.no hotmail.no gmx.at "
    "gmx.ch bluewin.ch proton.me protonmail.com"
)
FREE_MAIL = frozenset(_FREE_MAIL_DOMAINS.split())
"""Domains many unrelated people share: the same domain there says nothing about colleagues."""


def _internal(msg: Message) -> bool:
    """True when sender and every recipient share one organisation's domain (colleagues)."""
    if msg.sender is None or not msg.to:
        return False
    domain = msg.sender.domain
    if not domain or domain in FREE_MAIL:
        return False
    return all(a.domain == domain for a in (*msg.to, *msg.cc))


def _message_penalty(
    msg: Message, hits: Sequence[Hit], lexicon: Lexicon, languages: Sequence[str]
) -> tuple[float, list[str], bool]:
    """Penalty for bulk, mass-audience and list mail; True when it is an out-of-office reply."""
    penalty = 0.0
    reasons: list[str] = []
    bulk = sorted({h.text for h in hits if _has(h, "message.bulk")})
    if bulk:  # one stray "ticket" costs little; a newsletter has several cues
        share = (0.25, 0.66, 1.0)[min(len(bulk), 3) - 1]
        penalty += lexicon.weight(languages[0], "message.bulk") * share
        reasons.append(f'bulk cue "{bulk[0]}"' + (f" +{len(bulk) - 1}" if len(bulk) > 1 else ""))
    mass = next((h.text for h in hits if _has(h, "message.mass") and h.start < 400), None)
    if mass:
        penalty += lexicon.weight(languages[0], "message.mass")
        reasons.append(f'mass-audience cue "{mass}"')
    ooo = next(
        (h.text for h in hits if _has(h, "message.out_of_office") and h.start < OOO_SPAN), None
    )
    if ooo:
        reasons.append(f'out-of-office "{ooo}"')
        return penalty, reasons, True
    recipients = len(msg.to) + len(msg.cc)
    if recipients >= 5:
        penalty += 1.5 if recipients < 8 else 2.5 if recipients < 20 else 4.0
        reasons.append(f"{recipients} recipients")
    urls = msg.new_text.count("://")
    if urls >= 3:
        penalty += 3.0
        reasons.append(f"{urls} links")
    if len(msg.new_text) > LONG_TEXT:
        penalty += 1.0
        reasons.append("long text")
    if any(h in msg.headers for h in ("list-id", "list-unsubscribe")):
        penalty += 4.0
        reasons.append("mailing-list headers")
    return penalty, reasons, False


def _signals(hits: Sequence[Hit], intent: Intent | None) -> set[Signal]:
    """Signals stated anywhere in the read text (two bona-fide facts make BONA_FIDE)."""
    names = {base_family(n) for h in hits for n in h.families if n.startswith("signal.")}
    found: set[Signal] = set()
    if "signal.referral" in names:
        found.add(Signal.REFERRAL)
    if "signal.long_meeting" in names:
        found.add(Signal.LONG_MEETING)
    if "signal.call" in names or intent is Intent.CALL:
        found.add(Signal.CALL_PROPOSED)
    if "signal.introduction" in names:
        found.add(Signal.INTRODUCTION)
    if sum(f"signal.{b}" in names for b in _BONA_FIDE) >= 2:
        found.add(Signal.BONA_FIDE)
    return found


_APOSTROPHE = "\u2019"


@dataclass(frozen=True)
class _Read:
    """What classify reads of a message: language, lexicons to apply, the lower-cased text."""

    guess: LanguageGuess
    languages: tuple[str, ...]
    body: str
    text: str


def _read(msg: Message, lex: Lexicon, hints: LanguageHints | None) -> _Read:
    raw_subject = msg.subject or ""
    is_reply = bool(_REPLY_PREFIX.match(raw_subject))
    subject = _REPLY_PREFIX.sub("", raw_subject).strip()
    body = msg.new_text[:TEXT_CAP]
    if hints is None and msg.sender is not None:
        hints = LanguageHints(None, msg.sender.domain.rpartition(".")[2] or None)
    guess = detect_language(body, subject=subject, hints=hints)
    primary = LEXICON_OF.get(guess.code, "en")
    languages = (primary,) if primary == "en" else (primary, "en")
    text = (body if is_reply else f"{subject}\n\n{body}").lower()
    return _Read(guess, languages, body, text)


def _may_match(lex: Lexicon, languages: Sequence[str], text: str) -> bool:
    tokens = frozenset(TOKEN.findall(text.replace(_APOSTROPHE, "'")))
    return any(lex.may_match(lang, tokens, text) for lang in languages)


def classify(
    msg: Message, *, lexicon: Lexicon | None = None, hints: LanguageHints | None = None
) -> Verdict:
    """Read ``msg`` and return the Verdict; see the module docstring for how."""
    lex = lexicon if lexicon is not None else load_lexicon()
    read = _read(msg, lex, hints)
    reasons: list[str] = [read.guess.reason]
    calendar = (msg.calendar_method or "").upper()
    if calendar and calendar != "REQUEST":
        reasons.append(f"calendar {calendar}: an answer, not an invitation")
        return _verdict(msg, read, reasons)
    if calendar != "REQUEST" and not _may_match(lex, read.languages, read.text):
        reasons.append("no meeting cue")
        return _verdict(msg, read, reasons)
    sentences, hits = collect(read.text, lex, read.languages)
    weights = dict(WEIGHTS, work=lex.weight(read.languages[0], "negative.work"))
    intro = any(_has(h, "signal.introduction") for h in hits)
    best = max(
        (score_sentence(sentences, i, weights, intro) for i in range(len(sentences))),
        key=lambda b: b.score,
        default=Best(0.0, -1, (), None),
    )
    penalty, out_of_office = _penalties(
        msg, read, sentences=sentences, hits=hits, best=best, lex=lex, reasons=reasons
    )
    score = best.score - penalty
    reasons[1:1] = best.reasons
    intent = _intent(best, sentences)
    invitation = score >= THRESHOLD and not out_of_office
    signals: set[Signal] = set()
    if calendar == "REQUEST" and not out_of_office and penalty < 4.0:
        if any(_has(h, "negative.confirm") for h in hits):
            reasons.append("calendar REQUEST updates an agreed meeting: read as text")
        else:
            invitation, score = True, max(score, THRESHOLD)
            signals.add(Signal.CALENDAR_REQUEST)
            reasons.append("calendar REQUEST: the calendar answer is still open")
            intent = intent or _calendar_intent(msg, lex, read.languages)
    if not invitation:
        if _quoted_invitation(msg, lex, read.languages, weights):
            reasons.append("quoted-only invitation ignored")
        return _verdict(msg, read, reasons, score=score)
    signals |= _signals(hits, intent)
    if Signal.INTRODUCTION in signals:
        reasons.append("introduction")
    proposed = _proposed(msg, sentences, best, lex, read.languages)
    return _verdict(msg, read, reasons, score=score, intent=intent, signals=signals,
                    proposed=proposed, invitation=True)


def _penalties(
    msg: Message, read: _Read, *, sentences: list[Sentence], hits: list[Hit], best: Best,
    lex: Lexicon, reasons: list[str],
) -> tuple[float, bool]:
    """Mail-wide penalties (appending their reasons); True when it is an out-of-office."""
    penalty, msg_reasons, out_of_office = _message_penalty(msg, hits, lex, read.languages)
    social = best.index >= 0 and sentences[best.index].social_time
    if best.intent in BARE and best.score > 0 and not social and _internal(msg):
        penalty += INTERNAL_PENALTY
        msg_reasons.append("a colleague's work meeting (same domain)")
    remote = next((h.text for h in hits if _has(h, "negative.remote")), None)
    if remote and best.score > 0 and best.intent in _REMOTE_SENSITIVE:
        penalty += lex.weight(read.languages[0], "negative.remote")
        msg_reasons.append(f'asks by e-mail only: "{remote}"')
    reasons.extend(msg_reasons)
    return penalty, out_of_office


def _intent(best: Best, sentences: list[Sentence]) -> Intent | None:
    """The best sentence's intent; "Pick your brain? Free Tuesday?" says what the time is for."""
    if best.intent is not Intent.MEETING:
        return best.intent
    near = [a[1] for s in sentences[max(0, best.index - 1) : best.index + 2] for a in s.activity]
    return min(near, key=SPECIFICITY.index) if near else best.intent


def _calendar_intent(msg: Message, lex: Lexicon, languages: Sequence[str]) -> Intent:
    """The intent named by a calendar invitation's SUMMARY, else a meeting."""
    summary = (msg.calendar_summary or "").lower()
    found = [a[1] for s in collect(summary, lex, languages)[0] for a in s.activity]
    return min(found, key=SPECIFICITY.index) if found else Intent.MEETING


def _proposed(
    msg: Message, sentences: list[Sentence], best: Best, lex: Lexicon, languages: Sequence[str]
) -> ProposedTime | None:
    """The time proposed in the best sentence, else in the sentences around it."""
    cal = lex.calendars.get(languages[0])
    if best.index < 0 or cal is None:
        return None
    today = msg.date.date() if msg.date is not None else None
    window = " ".join(s.text for s in sentences[max(0, best.index - 1) : best.index + 2])
    return find_time(sentences[best.index].text, cal, today) or find_time(window, cal, today)


def _quoted_invitation(
    msg: Message, lex: Lexicon, languages: Sequence[str], weights: dict[str, float]
) -> bool:
    """True when the quoted history holds an invitation (only to say it was ignored)."""
    quoted = msg.quoted_text[:QUOTED_CAP].lower()
    if not quoted or not _may_match(lex, languages, quoted):
        return False
    sentences = collect(quoted, lex, languages)[0]
    return any(
        score_sentence(sentences, i, weights, False).score >= THRESHOLD
        for i in range(len(sentences))
    )


def _verdict(
    msg: Message,
    read: _Read,
    reasons: list[str],
    *,
    score: float = 0.0,
    invitation: bool = False,
    intent: Intent | None = None,
    signals: set[Signal] | None = None,
    proposed: ProposedTime | None = None,
) -> Verdict:
    formality = None
    if read.guess.code == "de":
        register = german_register(f"{read.body}\n{msg.signature[:300]}")
        formality = register.formality
        reasons.append(f"register {register.formality.value}: " + ", ".join(register.reasons[:3]))
    return Verdict(
        invitation=invitation,
        language=read.guess.code,
        language_confidence=round(read.guess.confidence, 2),
        intent=intent,
        formality=formality,
        proposed=proposed,
        signals=frozenset(signals or ()),
        score=round(score, 2),
        reasons=tuple(reasons),
    )
