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
_CUES: tuple[tuple[str, int, float, float, str], ...] = (
    # pattern, flags, formal weight, informal weight, reason
    (r"\bsehr\s+geehrte[rn]?\b", re.I, 4.0, 0.0, "Sehr geehrte"),
    (r"\b(?:hallo|guten\s+(?:tag|morgen)|liebe[r]?|hi)\s+(?:herr|frau|dr\.?)\s", re.I,
     3.0, 0.0, "greeting with Herr/Frau"),
    (r"\bmit\s+freundlichen\s+gr(?:üß|uess)en\b|\bmfg\b", re.I, 3.0, 0.0,
     "Mit freundlichen Grüßen"),
    (r"\bfreundliche\s+grüße\b", re.I, 2.0, 0.0, "Freundliche Grüße"),
    (r"^\s*(?:hi|hey|hallo|moin|servus|hej)\s+" + _NAME, re.M | re.I, 0.0, 1.0,
     "greeting by first name"),
    (r"^\s*liebe[r]?\s+" + _NAME, re.M | re.I, 0.0, 1.5, "Liebe(r) + first name"),
    (r"^\s*(?:hey|servus|moin|na)\b", re.M | re.I, 0.0, 1.0, "casual greeting"),
    (r"\b(?:LG|VG|GLG)\b", 0, 0.0, 2.0, "LG"),
    # "ihr" after a verb in its informal plural form: "Habt ihr Lust", "Seid ihr dabei"
    (r"\b(?:habt|seid|wollt|könnt|hättet|würdet|möchtet|mögt|kommt|wisst|müsst|solltet|"
     r"dürft|wärt|wäret|macht|geht)\s+ihr\b", re.I, 0.0, 2.0, "ihr (plural du)"),
    (r"\b(?:liebe|herzliche|lieben|ganz\s+liebe)\s+grüße\b|\blieben\s+gruß\b", re.I, 0.0, 1.5,
     "Liebe Grüße"),
)
_GREETING_CUES = tuple((re.compile(p, f), fw, iw, why) for p, f, fw, iw, why in _CUES)


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
    for m in _FORMAL_PRONOUN.finditer(text):
        if _SENTENCE_START.search(text[max(0, m.start() - 3) : m.start()]):
            start += 1
        else:
            mid += 1
    formal += 2.0 * min(mid, 4) + 0.3 * min(start, 3)
    if mid:
        reasons.append(f"Sie/Ihnen mid-sentence x{mid}")
    du = len(_INFORMAL_PRONOUN.findall(text))
    informal += 2.0 * min(du, 4)
    if du:
        reasons.append(f"du/dich/dir x{du}")
    for pattern, f_weight, i_weight, label in _GREETING_CUES:
        if pattern.search(text):
            formal += f_weight
            informal += i_weight
            reasons.append(label)
    formality = Formality.INFORMAL if informal > formal else Formality.FORMAL
    if not reasons:
        reasons.append("no register cue: formal by default")
    return Register(formality, formal, informal, tuple(reasons))
