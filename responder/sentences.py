"""Sentence-level evidence: split the text, file every cue hit under its sentence, score one.

A sentence scores when a meeting word and a request form meet in it (or a request sits in
the sentence next to it), or when it asks for the reader's time with a time, a duration or
a question mark. Negative cues in the same sentence subtract their weight.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from responder.cues import Hit, Lexicon, base_family
from responder.model import Intent

SHORT_QUESTION = 6
"""A question of at most this many words ("Lunch tomorrow?") asks even without "you"."""

WEIGHTS = {"strong": 2.0, "weak": 1.0, "availability": 2.5, "work": 2.5}
"""Weights of the request forms, of a request for time, and of a work-topic cue."""

SPECIFICITY = (
    Intent.BREAKFAST, Intent.LUNCH, Intent.DINNER, Intent.COFFEE, Intent.DRINKS,
    Intent.PICK_BRAIN, Intent.CATCH_UP, Intent.CALL, Intent.MEETING,
)
"""Most specific intent first: "pick your brain over coffee" is coffee."""

BARE = frozenset({Intent.MEETING, Intent.CALL, Intent.CATCH_UP})
"""Intents with no meal or drink in them; work-topic cues count against these only."""

_NEGATIVES = ("past", "confirm", "decline", "remote", "office")
_ABBREVIATION_WORDS = (
    "dr mr mrs ms st nr no vs ca bzw z.b zb u.a usw ggf evtl inkl sog etc e.g i.e prof hr fr jun "
    "sen tel kl mvh bl.a f.eks ev jan feb mar apr jul aug sep sept okt oct nov dez des dec"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_SLOTS = {
    "request.strong": "strong", "request.weak": "weak", "availability": "availability",
    "time": "time", "duration": "duration", "negative.work": "work",
}
_BOUNDARY = re.compile(r"\n[ \t]*\n|[.!?]+[\"')\]]*(?=\s)|[,!:][ \t]*(?=\n)|\n(?=[ \t]*[-*•>])")
_GREETING_LINE = 40
"""A line this short that ends in a comma or colon ("Hi Anna,") is a sentence of its own."""


@dataclass
class Sentence:
    """Cue hits of one sentence (mutable while collecting, read-only afterwards)."""

    start: int
    text: str
    activity: list[tuple[float, Intent, str]] = field(default_factory=list)
    strong: str | None = None
    weak: str | None = None
    availability: str | None = None
    time: str | None = None
    duration: str | None = None
    social_time: bool = False
    you: bool = False
    negatives: list[tuple[float, str, str]] = field(default_factory=list)
    work: str | None = None

    @property
    def question(self) -> bool:
        """True when the sentence asks something."""
        return "?" in self.text


@dataclass(frozen=True)
class Best:
    """The best-scoring sentence: its score, index, reasons and intent."""

    score: float
    index: int
    reasons: tuple[str, ...]
    intent: Intent | None


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Split into sentences, keeping offsets.

    A short line ending in a comma (a greeting) stands alone. Wrapped lines are not split:
    only punctuation and blank lines end one; a full stop after a number ("12. Mai") or an
    abbreviation ("Dr.") ends nothing.
    """
    out: list[tuple[int, str]] = []
    pos = 0
    for m in _BOUNDARY.finditer(text):
        first = m.group(0)[0]
        if first == "." and _no_full_stop(text, m.start()):
            continue
        if first in ",!:" and m.start() - text.rfind("\n", 0, m.start()) > _GREETING_LINE:
            continue  # a wrapped line that happens to end in a comma
        if m.end() > pos:
            out.append((pos, text[pos : m.end()]))
            pos = m.end()
    if pos < len(text):
        out.append((pos, text[pos:]))
    return out


def _no_full_stop(text: str, dot: int) -> bool:
    words = text[max(0, dot - 12) : dot].split()
    before = words[-1] if words else ""
    return before[-1:].isdigit() or before.lstrip("(").lower() in _ABBREVIATIONS


def collect(
    text: str, lexicon: Lexicon, languages: Sequence[str]
) -> tuple[list[Sentence], list[Hit]]:
    """Scan lower-cased ``text`` once per language and file every hit under its sentence."""
    sentences = [Sentence(start, s) for start, s in split_sentences(text)]
    starts = [s.start for s in sentences]
    every: list[Hit] = []
    for lang in languages:
        hits = lexicon.scan(lang, text)
        every.extend(hits)
        if not sentences:
            continue
        for hit in hits:
            sent = sentences[bisect_right(starts, hit.start) - 1]
            for name in hit.families:
                _file(sent, name, hit.text, lang, lexicon)
    return sentences, every


def _file(sent: Sentence, family: str, word: str, lang: str, lexicon: Lexicon) -> None:
    """Record one hit of ``family`` on ``sent`` (the first word of a kind is kept)."""
    name = base_family(family) or family
    kind, _, sub = name.partition(".")
    slot = _SLOTS.get(name)
    if slot is not None:
        if getattr(sent, slot) is None:
            setattr(sent, slot, word)
        sent.social_time = sent.social_time or family == "time.social"
    elif kind == "activity":
        weight = lexicon.weight(lang, family)
        sent.activity.append((weight, Intent(sub), f'cue "{word}" ({lang})'))
    elif name == "you":
        sent.you = True
    elif kind == "negative" and sub in _NEGATIVES and all(n[1] != sub for n in sent.negatives):
        sent.negatives.append((lexicon.weight(lang, family), sub, word))


def score_sentence(
    sentences: list[Sentence], i: int, weights: dict[str, float], intro: bool
) -> Best:
    """Score sentence ``i``: a meeting word with a request, or a request for the reader's time."""
    s = sentences[i]
    request, label = _request(s, weights)
    if s.activity:
        weight, _, why = max(s.activity, key=lambda a: a[0])
        intent: Intent | None = min((a[1] for a in s.activity), key=SPECIFICITY.index)
        if request == 0.0:
            request, label = _borrowed_request(sentences, i, weights, intro)
        if request == 0.0:
            return Best(0.0, i, (why,), intent)
        base = weight + request
        reasons = [why, label]
    elif s.availability and (s.time or s.duration or s.question):
        asks = weights["strong"] if s.strong else weights["weak"] if s.question else 0.0
        base = weights["availability"] + asks
        intent = Intent.MEETING
        reasons = [f'asks for time "{s.availability}"']
    else:
        return Best(0.0, i, (), None)
    if s.time or s.duration:
        base += 0.5
        reasons.append(f'time "{s.time or s.duration}"')
    base += (0.5 if s.you else 0.0) + (0.5 if s.question and request >= weights["strong"] else 0.0)
    for weight, neg, word in s.negatives:
        base -= weight
        reasons.append(f'negative cue "{word}" ({neg})')
    if s.work and intent in BARE:
        base -= weights["work"]
        reasons.append(f'work-topic cue "{s.work}"')
    return Best(base, i, tuple(reasons), intent)


def _borrowed_request(
    sentences: list[Sentence], i: int, weights: dict[str, float], intro: bool
) -> tuple[float, str]:
    """A meeting word alone: an introduction, or a request in the sentence next to it."""
    if intro:
        return weights["strong"], "introduction proposes it"
    for j in (i - 1, i + 1):
        if 0 <= j < len(sentences) and not sentences[j].activity:
            n = sentences[j]
            if n.strong or n.availability or (n.question and n.time and n.you):
                return weights["weak"], "request in next sentence"
    return 0.0, ""


def _request(s: Sentence, weights: dict[str, float]) -> tuple[float, str]:
    """How strongly ``s`` asks: a request form, a request for time, or a short question."""
    if s.strong:
        return weights["strong"], f'request "{s.strong}"'
    if s.availability:
        return weights["strong"], f'asks for time "{s.availability}"'
    if s.weak:
        return weights["weak"], f'request "{s.weak}"'
    if s.question and len(s.text.split()) <= SHORT_QUESTION:
        return weights["strong"], 'short question'
    if s.question and s.you:
        return weights["weak"], 'request "?"'
    return 0.0, ""
