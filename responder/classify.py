"""Is this mail an invitation to meet? Scored from lexicon cues, sentence by sentence; pure.

The text read is the Subject (unless the mail is a reply or forward) and ``new_text`` (its
first TEXT_CAP characters); quoted history and the signature are never read for the
decision. Three steps:

1. A pre-test (``Anchors``): mail without any word that a meeting or availability phrase
   needs is settled at once ("no meeting cue"), its language by the function-word vote.
2. The language decides which lexicons are read: its own (nn, da and sv read bokmål) plus
   English, which business mail borrows, plus German or bokmål when the vote saw two of
   their function words. Every cue is matched once and filed under its sentence.
3. A sentence scores when a meeting word and a request form meet in it (or in the sentence
   next to it), when it is a question led by the meeting word ("Lunch tomorrow?"), or when
   it asks for the reader's time with a time or a duration. Negative cues subtract where
   they bear on the proposal (see ``responder.sentences``). When the body names the
   meeting too, the subject is only its label. Bulk, event, mass and list markers subtract
   from the whole mail; an out-of-office or a calendar notice ("Accepted: Lunch") is never
   an invitation. The best sentence decides.

Colleagues and clients: a bare meeting or call (no meal, drink or plainly sociable word)
proposed within one organisation (sender and every recipient on the same, non-webmail
domain) is work coordination, and its work-topic cues count against it; from another
organisation the same request, a client's, is an invitation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from responder.cues import Hit, Lexicon, Tokens, base_family, load_lexicon, quick_words
from responder.features import Features, evidence_features, mail_features
from responder.language import (
    TLD_LANGUAGE,
    VOTE_WORDS,
    LanguageGuess,
    LanguageHints,
    decide,
    vote_words,
)
from responder.model import Intent, Message, ProposedTime, Signal, Verdict
from responder.register import german_register
from responder.sentences import (
    BARE,
    SPECIFICITY,
    WEIGHTS,
    Best,
    Sentence,
    best_sentence,
    collect,
)
from responder.when import find_time

THRESHOLD = 4.5
"""Score at which a mail counts as an invitation."""

TEXT_CAP = 1500
"""Characters of new text read; an invitation is made near the top of a mail."""

OOO_SPAN = 60
"""Out-of-office wording counts only at the very top: in the subject or the first sentence,
within this many tokens; further down, "I'm out of the office this week, lunch next week?"
is an ordinary note."""

BULK_SHARES = (0.25, 0.66, 1.0)
EVENT_SHARES = (0.15, 0.5, 1.0)
"""Share of the family weight charged for 1, 2 and 3+ distinct bulk or event cues."""

MASS_SPAN = 70
"""A mass greeting ("Hi all") counts in the first this many tokens."""

INTERNAL_PENALTY = 2.0
"""Subtracted when a colleague (same organisation domain) asks for a plain meeting or call,
with no meal or drink, no plainly sociable word ("hang out", "come over") and no friendly
time ("sometime", "after work") in it: that is work coordination, not an invitation. From
outside the organisation the same request (a client asking to meet) is an invitation."""

LONG_TEXT = 1500
"""New text longer than this reads like a newsletter or a report more often than a note."""

SHORT_REPLY = 300
"""New text at most this long is a short reply, whose quoted history is checked for the
"quoted-only invitation ignored" reason."""

QUOTED_CAP = 600
"""Characters of quoted history looked at, only to say "quoted-only invitation ignored"."""

REMOTE_SPAN = 2
"""Sentences around the proposal in which "by e-mail is fine" argues against it; further
away (a footer's "a short reply is enough") it says nothing about the meeting."""

SECOND_VOTES = 2
"""Function words of German or bokmål that make the classifier read that lexicon too, even
when the mail was detected as another language."""

_SECONDS = ("de", "nb")

LEXICON_OF = {"en": "en", "de": "de", "nb": "nb", "nn": "nb", "da": "nb", "sv": "nb"}

_COMPOUNDING = tuple(code for code, lexicon in LEXICON_OF.items() if lexicon in ("de", "nb"))
"""Languages whose function words make the pre-test look for compound meeting words too."""

_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|sv|vs|antw|ang|wg|fw|fwd|vb|tr)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE
)

_REMOTE_SENSITIVE = frozenset({Intent.PICK_BRAIN, Intent.CATCH_UP, Intent.MEETING, Intent.CALL})
"""Intents that "by e-mail is fine, no need to meet" anywhere in the mail argues against."""
_BONA_FIDE = ("budget", "timeline", "need", "authority")


_WATCHED = frozenset({
    "message.bulk", "message.event", "message.mass", "message.out_of_office", "message.notice",
    "signal.introduction", "negative.confirm.update", "negative.remote", "message.joke",
    "message.personal",
})
"""Families the mail-wide rules look at (indexed once per mail)."""

Index = dict[str, list[Hit]]


def _index(hits: Sequence[Hit]) -> Index:
    """The hits of the watched families, by family."""
    index: Index = {}
    for hit in hits:
        for kind in hit.kinds & _WATCHED:
            index.setdefault(kind, []).append(hit)
    return index


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


def _share(cues: Sequence[str], weight: float, shares: tuple[float, ...]) -> float:
    """A mail-wide penalty that grows with the number of distinct cues: one stray "ticket"
    costs little, a newsletter has several."""
    return weight * shares[min(len(cues), len(shares)) - 1] if cues else 0.0


def _message_penalty(
    msg: Message, index: Index, lexicon: Lexicon, languages: Sequence[str]
) -> tuple[float, list[str], bool]:
    """Penalty for bulk, event, mass-audience and list mail; True for an out-of-office or
    a calendar notice ("Accepted: Lunch"), which is never an invitation."""
    penalty = 0.0
    reasons: list[str] = []
    for family, shares in (("message.bulk", BULK_SHARES), ("message.event", EVENT_SHARES)):
        cues = sorted({h.text for h in index.get(family, ())})
        if cues:
            penalty += _share(cues, lexicon.weight(languages[0], family), shares)
            more = f" +{len(cues) - 1}" if len(cues) > 1 else ""
            reasons.append(f'{family.partition(".")[2]} cue "{cues[0]}"{more}')
    mass = next((h.text for h in index.get("message.mass", ()) if h.start < MASS_SPAN), None)
    if mass:
        penalty += lexicon.weight(languages[0], "message.mass")
        reasons.append(f'mass-audience cue "{mass}"')
    ooo = next(
        (h.text for h in index.get("message.out_of_office", ())
         if h.sentence <= 1 and h.start < OOO_SPAN),
        None,
    )
    if ooo:
        reasons.append(f'out-of-office "{ooo}"')
        return penalty, reasons, True
    notice = next((h.text for h in index.get("message.notice", ()) if h.start == 0), None)
    if notice:
        reasons.append(f'calendar notice "{notice}"')
        return penalty, reasons, True
    recipients = len(msg.to) + len(msg.cc)
    if recipients >= 5:
        penalty += 0.5 if recipients < 8 else 1.5 if recipients < 20 else 3.0
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


@dataclass(frozen=True)
class _Read:
    """What classify reads of a message: language, lexicons to apply, the text's tokens."""

    guess: LanguageGuess
    languages: tuple[str, ...]
    body: str
    tokens: Tokens
    candidate: bool  # holds a meeting or availability cue of some language
    label: int  # how many of the sentences are the subject line
    reply: bool  # the subject says reply or forward


def _read(msg: Message, lex: Lexicon, hints: LanguageHints | None, calendar: bool) -> _Read:
    raw_subject = msg.subject or ""
    is_reply = bool(_REPLY_PREFIX.match(raw_subject))
    subject = _REPLY_PREFIX.sub("", raw_subject).strip()
    body = msg.new_text[:TEXT_CAP]
    if hints is None and msg.sender is not None:
        tld = msg.sender.domain.rpartition(".")[2]
        hints = LanguageHints(None, tld) if tld in TLD_LANGUAGE else None
    text = (body if is_reply else f"{subject}\n\n{body}").lower()
    every = quick_words(text)
    words = every[:VOTE_WORDS]
    if is_reply and subject:
        words = quick_words(subject.lower()) + words
    counts = vote_words(words[:VOTE_WORDS])
    candidate = calendar or lex.matcher.anchors.found(every) or (
        any(counts.get(code) for code in _COMPOUNDING) and lex.compound_found(every)
    )
    tokens = lex.read(text) if candidate else _NO_TOKENS
    label = max(tokens.first_break, 0) if subject and not is_reply else 0
    sample = f"{subject}\n{body[:SAMPLE]}" if subject else body[:SAMPLE]
    guess = decide(words, sample, hints, lingua=candidate, counts=counts)
    primary = LEXICON_OF.get(guess.code, "en")
    languages: tuple[str, ...] = (primary,) if primary == "en" else (primary, "en")
    languages += tuple(  # a close second lexicon language is read too, in case the vote erred
        lang for lang in _SECONDS if lang not in languages and counts.get(lang, 0) >= SECOND_VOTES
    )
    return _Read(guess, languages, body, tokens, candidate, label, is_reply)


_NO_TOKENS = Tokens((), ())
SAMPLE = 1200
"""Characters of new text the language detector reads."""


def classify(
    msg: Message, *, lexicon: Lexicon | None = None, hints: LanguageHints | None = None
) -> Verdict:
    """Read ``msg`` and return the Verdict; see the module docstring for how."""
    return _assess(msg, lexicon, hints, want_features=False)[0]


def features(
    msg: Message, *, lexicon: Lexicon | None = None, hints: LanguageHints | None = None
) -> Features | None:
    """The cue evidence of ``msg`` as model features (None when no meeting cue was found or
    a rule settled it); ``bench/train.py`` fits and cross-validates a model on them."""
    return _assess(msg, lexicon, hints, want_features=True)[1]


def _assess(
    msg: Message, lexicon: Lexicon | None, hints: LanguageHints | None, *, want_features: bool
) -> tuple[Verdict, Features | None]:
    lex = lexicon if lexicon is not None else load_lexicon()
    calendar = (msg.calendar_method or "").upper()
    read = _read(msg, lex, hints, calendar == "REQUEST")
    reasons: list[str] = [read.guess.reason]
    if calendar and calendar != "REQUEST":
        reasons.append(f"calendar {calendar}: an answer, not an invitation")
        return _verdict(msg, read, reasons), None
    if not read.candidate:
        reasons.append("no meeting cue")
        if _quoted_invitation(msg, lex, read.languages, dict(WEIGHTS)):
            reasons.append("quoted-only invitation ignored")
        return _verdict(msg, read, reasons), None
    sentences, hits = collect(read.tokens, lex, read.languages)
    internal = _internal(msg)
    work = lex.weight(read.languages[0], "negative.work") if internal else 0.0
    weights = dict(WEIGHTS, work=work)
    index = _index(hits)
    intro = "signal.introduction" in index
    best = best_sentence(sentences, weights, intro, read.label)
    penalty, out_of_office = _penalties(
        msg, read, sentences=sentences, index=index, best=best, lex=lex, reasons=reasons,
        internal=internal,
    )
    score = best.score - penalty
    reasons[1:1] = best.reasons
    intent = _intent(best, sentences)
    found = None
    if want_features and not out_of_office:
        found = _features(msg, read, lex, sentences=sentences, index=index, best=best,
                          penalty=penalty, internal=internal)
    invitation = score >= THRESHOLD and not out_of_office
    signals: set[Signal] = set()
    if calendar == "REQUEST" and not out_of_office and penalty < 4.0:
        if "negative.confirm.update" in index:
            reasons.append("calendar REQUEST updates an agreed meeting: read as text")
        else:
            invitation, score = True, max(score, THRESHOLD)
            signals.add(Signal.CALENDAR_REQUEST)
            reasons.append("calendar REQUEST: the calendar answer is still open")
            intent = intent or _calendar_intent(msg, lex, read.languages)
    if not invitation:
        return _verdict(msg, read, reasons, score=score), found
    signals |= _signals(hits, intent)
    if Signal.INTRODUCTION in signals:
        reasons.append("introduction")
    proposed = _proposed(msg, read.tokens, best, lex, read.languages)
    verdict = _verdict(msg, read, reasons, score=score, intent=intent, signals=signals,
                       proposed=proposed, invitation=True)
    return verdict, found


_COUNTED = ("message.bulk", "message.event", "message.mass", "signal.introduction",
            "negative.confirm.update", "negative.remote", "message.joke", "message.personal")


def _features(
    msg: Message, read: _Read, lex: Lexicon, *, sentences: dict[int, Sentence], index: Index,
    best: Best, penalty: float, internal: bool,
) -> Features:
    """Evidence of the best sentence and of the whole mail, as the model's features."""
    quoted = bool(msg.quoted_text) and lex.matcher.activity_anchors.found(
        quick_words(msg.quoted_text[:QUOTED_CAP].lower())
    )
    thread = quoted and best.score > 0 and _quoted_score(msg, lex, read.languages) >= THRESHOLD
    counts = {name: len({h.text for h in index.get(name, ())}) for name in _COUNTED}
    found = evidence_features(
        sentences=sentences, best=best, hand_score=best.score - penalty, penalty=penalty,
        label=read.label,
    )
    found.update(mail_features(msg, reply=read.reply, internal=internal, quoted_meeting=quoted,
                               families=counts, free_mail=FREE_MAIL))
    if best.score - penalty >= THRESHOLD:
        found["hand"] = 1.0
    if thread:
        found["thread.invitation"] = 1.0
    subject = _REPLY_PREFIX.sub("", msg.subject or "")
    if read.reply and subject and lex.matcher.activity_anchors.found(quick_words(subject.lower())):
        found["reply.subject_meeting"] = 1.0
    first = sentences.get(read.label)  # the first sentence of the body
    if first is not None and any(n[1] == "confirm" for n in first.negatives):
        found["opens.confirm"] = 1.0
    return found


def _penalties(
    msg: Message, read: _Read, *, sentences: dict[int, Sentence], index: Index, best: Best,
    lex: Lexicon, reasons: list[str], internal: bool,
) -> tuple[float, bool]:
    """Mail-wide penalties (appending their reasons); True when it is an out-of-office."""
    penalty, msg_reasons, out_of_office = _message_penalty(msg, index, lex, read.languages)
    social = best.index >= 0 and (
        sentences[best.index].social_time or sentences[best.index].social
    )
    if best.intent in BARE and best.score > 0 and not social and internal:
        penalty += INTERNAL_PENALTY
        msg_reasons.append("a colleague's work meeting (same domain)")
    remote = next((h.text for h in index.get("negative.remote", ())
                   if abs(h.sentence - best.index) <= REMOTE_SPAN), None)
    if remote and best.score > 0 and best.intent in _REMOTE_SENSITIVE:
        penalty += lex.weight(read.languages[0], "negative.remote")
        msg_reasons.append(f'asks by e-mail only: "{remote}"')
    reasons.extend(msg_reasons)
    return penalty, out_of_office


def _near(sentences: dict[int, Sentence], i: int) -> list[Sentence]:
    """Sentence ``i`` and the sentences next to it (those with a cue)."""
    return [s for j in (i - 1, i, i + 1) if (s := sentences.get(j)) is not None]


def _intent(best: Best, sentences: dict[int, Sentence]) -> Intent | None:
    """The best sentence's intent; "Pick your brain? Free Tuesday?" says what the time is for."""
    if best.intent is not Intent.MEETING:
        return best.intent
    near = [a[1] for s in _near(sentences, best.index) for a in s.activity]
    return min(near, key=SPECIFICITY.index) if near else best.intent


def _calendar_intent(msg: Message, lex: Lexicon, languages: Sequence[str]) -> Intent:
    """The intent named by a calendar invitation's SUMMARY, else a meeting."""
    summary = lex.read((msg.calendar_summary or "").lower())
    found = [a[1] for s in collect(summary, lex, languages)[0].values() for a in s.activity]
    return min(found, key=SPECIFICITY.index) if found else Intent.MEETING


def _proposed(
    msg: Message, tokens: Tokens, best: Best, lex: Lexicon, languages: Sequence[str]
) -> ProposedTime | None:
    """The time proposed in the best sentence, else in the sentences around it."""
    cal = lex.calendars.get(languages[0])
    if best.index < 0 or cal is None:
        return None
    today = msg.date.date() if msg.date is not None else None
    around = range(max(0, best.index - 1), min(len(tokens.bounds), best.index + 2))
    window = " ".join(tokens.text(j) for j in around)
    return find_time(tokens.text(best.index), cal, today) or find_time(window, cal, today)


def _quoted_invitation(
    msg: Message, lex: Lexicon, languages: Sequence[str], weights: dict[str, float]
) -> bool:
    """True when the quoted history holds an invitation (only to say it was ignored).

    Only a short reply without any meeting word of its own is checked ("Thursday works!"
    above a quoted proposal): that is where the reader may wonder why nothing counted.
    """
    if not msg.quoted_text or len(msg.new_text) > SHORT_REPLY:
        return False
    quoted = msg.quoted_text[:QUOTED_CAP].lower()
    if not lex.matcher.activity_anchors.found(quick_words(quoted)):
        return False
    return _quoted_score(msg, lex, languages, weights) >= THRESHOLD


def _quoted_score(
    msg: Message, lex: Lexicon, languages: Sequence[str], weights: dict[str, float] | None = None
) -> float:
    """The best proposal score of the quoted history's first QUOTED_CAP characters."""
    sentences = collect(lex.read(msg.quoted_text[:QUOTED_CAP].lower()), lex, languages)[0]
    return best_sentence(sentences, weights or dict(WEIGHTS), False).score


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
