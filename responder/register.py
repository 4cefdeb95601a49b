"""German register: did the sender write "Sie" (formal) or "du" (informal)? Pure, weighted.

Evidence is counted, not looked up: capitalised Sie/Ihnen/Ihr* inside a sentence are strong
formal cues; at the start of a sentence they may mean "they" or "you (plural)", so they
weigh little. du/dich/dir/dein*/euch are strong informal cues. Greetings and sign-offs
add their weight ("Sehr geehrte", "Hallo Herr X", "Mit freundlichen Grüßen" formal;
"Hi Jonas", "Lieber Jonas", "LG", "Liebe Grüße" informal-leaning). A tie or no evidence
reads as formal: answering a du-writer with Sie is the smaller mistake.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from responder.model import Formality

_FORMAL_PRONOUN = re.compile(r"\b(?:Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres)\b")
_INFORMAL_PRONOUN = re.compile(
    r"\b(?:du|dich|dir|dein|deine|deinen|deinem|deiner|deines|euch|euer|eure|euren|eurem|"
    r"Du|Dich|Dir|Dein|Deine|Deinen|Deinem|Deiner|Euch|Euer|Eure)\b"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]\s*|[\"„»]\s*)$")

_NAME = r"(?!herr\b|frau\b|dr\b)[A-ZÄÖÜ][a-zäöüß]+\s*(?:[,!]|$)"
"""A first name after a greeting, ending the line or followed by a comma ("Hi Jana, sorry")."""
_CUES: tuple[tuple[str, int, float, float, str, tuple[str, ...]], ...] = (
    # pattern, flags, formal weight, informal weight, reason, gates: substrings of the
    # lower-cased text of which one must occur for the pattern to have a chance (or none)
    (r"\bsehr\s+geehrte[rn]?\b", re.I, 4.0, 0.0, "Sehr geehrte", ("geehrte",)),
    (r"\b(?:hallo|guten\s+(?:tag|morgen)|liebe[r]?|hi)\s+(?:herr|frau|dr\.?)\s", re.I,
     3.0, 0.0, "greeting with Herr/Frau", ("herr", "frau", "dr")),
    (r"\bmit\s+freundlichen\s+gr(?:üß|üss|uess)en\b|\bmfg\b", re.I, 3.0, 0.0,
     "Mit freundlichen Grüßen", ("freundlichen", "mfg")),
    (r"\bfreundliche\s+gr(?:üß|üss|uess)e\b", re.I, 2.0, 0.0, "Freundliche Grüße",
     ("freundliche",)),
    (r"^\s*(?:hi|hey|hallo|moin|servus|hej)\s+" + _NAME, re.M | re.I, 0.0, 1.0,
     "greeting by first name", ()),
    (r"^\s*liebe[r]?\s+" + _NAME, re.M | re.I, 0.0, 1.5, "Liebe(r) + first name", ("liebe",)),
    (r"^\s*(?:hey|servus|moin|na)\b", re.M | re.I, 0.0, 1.0, "casual greeting", ()),
    (r"\b(?:LG|VG|GLG)\b", 0, 0.0, 2.0, "LG", ("lg", "vg")),
    # "ihr" after a verb in its informal plural form: "Habt ihr Lust", "Seid ihr dabei"
    (r"\b(?:habt|seid|wollt|könnt|hättet|würdet|möchtet|mögt|kommt|wisst|müsst|solltet|"
     r"dürft|wärt|wäret|macht|geht)\s+ihr\b", re.I, 0.0, 2.0, "ihr (plural du)", ("ihr",)),
    # Swiss spelling has no ß: "Liebe Grüsse", "Mit freundlichen Grüssen" (also "Gruess")
    (r"\b(?:liebe|herzliche|lieben|ganz\s+liebe)\s+gr(?:üß|üss|uess)e\b"
     r"|\blieben\s+gru(?:ß|ss)\b", re.I, 0.0, 1.5,
     "Liebe Grüße", ("grüße", "gruß", "grüsse", "gruss", "gruesse")),
)
_GREETING_CUES = tuple(
    (re.compile(p, f), fw, iw, why, gates) for p, f, fw, iw, why, gates in _CUES
)
_FOLDS_ODDLY = frozenset("\u0130\u0131\u017f\u212a")
"""Letters re.IGNORECASE matches to ASCII letters but str.lower() does not map onto them
(capital dotted I, dotless i, long s, Kelvin sign): in a text with one of them the gates
are not used, so they never hide a match."""


_WORD_LIST = re.compile(r"\\b\(\?:(\w+(?:\|\w+)*)\)\\b")
"""A pattern that is one list of whole words: ``\\b(?:Sie|Ihnen|Ihr)\\b``."""


def _lettered(full: re.Pattern[str]) -> re.Pattern[str]:
    """A case-sensitive list of whole words (``_WORD_LIST``), rewritten to find the same
    matches faster. Behind a leading ``\\b`` the regex engine tries every position of the
    text; led by the words' first letters it skips to those letters, and a look back then
    checks that the word starts there: ``(?:S(?<!\\w.)(?:ie)|I(?<!\\w.)(?:hnen|hr))\\b``.
    On a German mail the pronouns cost ~20 and ~30 µs instead of ~60 each."""
    found = _WORD_LIST.fullmatch(full.pattern)
    if found is None or full.flags & re.IGNORECASE:
        return full
    rests: dict[str, list[str]] = {}
    for word in found.group(1).split("|"):
        rests.setdefault(word[0], []).append(word[1:])
    branches = (
        f"{re.escape(first)}(?<!\\w.)(?:{'|'.join(sorted(rest, key=len, reverse=True))})"
        for first, rest in rests.items()
    )
    return re.compile(f"(?:{'|'.join(branches)})\\b", full.flags)


def _searcher(full: re.Pattern[str]) -> Callable[[str], bool]:
    """``full.search`` as a yes or no, found faster where its lead slows the engine down: a
    multi-line ``^`` is looked for as the line feed before it (or the text's start), so the
    engine skips from line to line; a list of whole words is ``_lettered``."""
    source = full.pattern
    if source.startswith("^") and full.flags & re.MULTILINE:
        after_feed = re.compile("\n" + source[1:], full.flags)
        return lambda text: full.match(text) is not None or after_feed.search(text) is not None
    fast = _lettered(full)
    return lambda text: fast.search(text) is not None


_FAST_FORMAL = _lettered(_FORMAL_PRONOUN)
_FAST_INFORMAL = _lettered(_INFORMAL_PRONOUN)
_SEARCHERS = tuple(_searcher(cue[0]) for cue in _GREETING_CUES)


@dataclass(frozen=True)
class Register:
    """The reading: formality, the two totals and the cues that decided."""

    formality: Formality
    formal: float
    informal: float
    reasons: tuple[str, ...]


def german_register(text: str) -> Register:
    """Weigh the formal and informal cues of German ``text`` (new text plus sign-off)."""
    formal = informal = 0.0
    reasons: list[str] = []
    mid = 0
    start = 0
    for m in _FAST_FORMAL.finditer(text):
        if _SENTENCE_START.search(text[max(0, m.start() - 3) : m.start()]):
            start += 1
        else:
            mid += 1
    formal += 2.0 * min(mid, 4) + 0.3 * min(start, 3)
    if mid:
        reasons.append(f"Sie/Ihnen mid-sentence x{mid}")
    du = len(_FAST_INFORMAL.findall(text))
    informal += 2.0 * min(du, 4)
    if du:
        reasons.append(f"du/dich/dir x{du}")
    lower = None if any(c in text for c in _FOLDS_ODDLY) else text.lower()
    for cue, found in zip(_GREETING_CUES, _SEARCHERS, strict=True):
        _, f_weight, i_weight, label, gates = cue
        # A substring test first: the case-blind patterns cost ~40-90 µs each on a mail.
        if gates and lower is not None and not any(g in lower for g in gates):
            continue
        if found(text):
            formal += f_weight
            informal += i_weight
            reasons.append(label)
    formality = Formality.INFORMAL if informal > formal else Formality.FORMAL
    if not reasons:
        reasons.append("no register cue: formal by default")
    return Register(formality, formal, informal, tuple(reasons))
