"""Sentence-level evidence: file every cue hit under its sentence, then score one sentence.

A sentence scores when a meeting word and a request form meet in it (or a request sits in
the sentence next to it), when it is an elliptical question led by the meeting word
("Lunch tomorrow?", "Drinks after work?"), or when it asks for the reader's time with a
time, a duration or a question mark.

A negative cue subtracts its weight when it stands in the same clause as the meeting word
or the request: "Thanks for lunch, let's do it again" keeps the proposal, "thanks for lunch
and drinks" does not. Clauses are cut at commas, semicolons, colons, dashes and brackets,
and before the words of the ``clause`` family ("but", "and I", "aber", "men"). A decline or
a third party in a contrastive clause *after* the proposal counts too: "I'd love to meet
you for a beer, but I am in Boston this month" is a regret, not a proposal.

Two shapes read on demand change what a proposal means (``responder.shapes``): an acceptance
opened by an interjection ("Super, dann machen wir das so") is a confirmation, and time
asked for a task ("Do you have time to help me move?") is no request to meet.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, count
from operator import methodcaller

from responder.cues import COMPOUND_PREFIX, Hit, Lexicon, Tokens, base_family
from responder.matcher import CLAUSE_MARKS, PhraseSet, any_ends_with
from responder.model import Intent
from responder.shapes import Shapes, acceptance, accepted_before, shapes_for, task

SHORT_QUESTION = 6
"""A question of at most this many words that names a meeting ("Free for lunch?") asks
even without a request form or "you"."""

ELLIPTICAL_LEAD = 3
"""An elliptical proposal ("Lunch tomorrow?", "A quick coffee on Friday?") names the meeting
after at most this many words of its clause, each a time or a ``lead`` word."""

GREETING_WORDS = 3
"""Words an elliptical proposal may follow in its sentence ("Hey Bob, lunch tomorrow?")."""

WEIGHTS = {"strong": 2.0, "weak": 1.0, "availability": 2.5, "work": 2.5}
"""Weights of the request forms, of a request for time, and of a work-topic cue."""

SPECIFICITY = (
    Intent.BREAKFAST, Intent.LUNCH, Intent.DINNER, Intent.COFFEE, Intent.DRINKS,
    Intent.PICK_BRAIN, Intent.CATCH_UP, Intent.CALL, Intent.MEETING,
)
"""Most specific intent first: "pick your brain over coffee" is coffee."""

BARE = frozenset({Intent.MEETING, Intent.CALL, Intent.CATCH_UP})
"""Intents with no meal or drink in them; work-topic cues count against these only."""

NEGATIVES = ("past", "confirm", "decline", "remote", "office", "logistics", "third_party")
"""Negative families scored per sentence (``idiom`` blanks words instead; ``work`` counts
against bare meetings only)."""

_QUOTES = frozenset('"“”„«»')

_AFTER = frozenset({"decline", "third_party", "remote"})
"""Negatives that also count from a contrastive clause after the proposal ("..., but")."""

_POSITIONED = frozenset({"strong", "weak", "availability"})
_SLOTS = {
    "request.strong": "strong", "request.weak": "weak", "availability": "availability",
    "time": "time", "duration": "duration", "negative.work": "work",
}


@dataclass(slots=True)
class Sentence:
    """Cue hits of one sentence (mutable while collecting, read-only afterwards)."""

    tokens: Tokens
    index: int
    first: int  # token bounds
    stop: int
    activity: list[tuple[float, Intent, str, int]] = field(default_factory=list)
    strong: tuple[str, int] | None = None
    weak: tuple[str, int] | None = None
    weak_spans: list[tuple[int, int, str]] = field(default_factory=list)
    availability: tuple[str, int] | None = None
    time: str | None = None
    soft: set[int] = field(default_factory=set)  # tokens of time words
    duration: str | None = None
    social_time: bool = False
    social: bool = False  # a plainly sociable meeting word ("hang out", "come over")
    you_words: frozenset[str] = frozenset()
    lead_words: frozenset[str] = frozenset()
    negatives: list[tuple[float, str, str, int]] = field(default_factory=list)
    work: str | None = None
    clause_words: list[int] = field(default_factory=list)  # "but", "and I": a clause starts
    contrasts: list[int] = field(default_factory=list)  # "but", "however": a contrast starts
    shapes: Shapes | None = None  # the on-demand phrase sets (``responder.shapes``)
    _clauses: list[int] | None = None
    _shaped: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The sentence as written (lower-cased, spaces collapsed)."""
        return self.tokens.text(self.index)

    @property
    def you(self) -> bool:
        """True when the sentence addresses the reader ("you", "Sie", "deg")."""
        return not self.you_words.isdisjoint(self.tokens.words[self.first : self.stop])

    @property
    def question(self) -> bool:
        """True when the sentence asks something."""
        return "?" in self.tokens.words[self.first : self.stop]

    @property
    def words(self) -> int:
        """Number of words (punctuation not counted)."""
        return sum(1 for w in self.tokens.words[self.first : self.stop] if w[0].isalnum())

    def quoted(self, token: int) -> bool:
        """True when ``token`` stands inside quotation marks (reported speech, a joke)."""
        if token < 0:
            return False
        marks = sum(1 for w in self.tokens.words[self.first : token] if w in _QUOTES)
        return marks % 2 == 1

    def shape(self, name: str) -> list[tuple[int, int]]:
        """Spans of the on-demand phrase set ``name`` ("then", "purpose", ...) here."""
        found = self._shaped.get(name)
        if found is None:
            phrases: PhraseSet = getattr(self.shapes, name)
            found = self._shaped[name] = phrases.spans(self.tokens.words, self.first, self.stop)
        return found

    def clause(self, token: int) -> int:
        """Index of the clause holding ``token``."""
        return bisect_right(self._clause_starts(), token)

    def _clause_starts(self) -> list[int]:
        if self._clauses is None:
            words = self.tokens.words
            marks = [i for i in range(self.first, self.stop) if words[i] in CLAUSE_MARKS]
            self._clauses = sorted(marks + self.clause_words)
        return self._clauses

    def opens_clause(self, token: int) -> int:
        """Token where the clause holding ``token`` begins (after its mark, if any)."""
        starts = self._clause_starts()
        k = bisect_right(starts, token)
        if not k:
            return self.first
        mark = starts[k - 1]
        return mark + 1 if self.tokens.words[mark] in CLAUSE_MARKS else mark


@dataclass(frozen=True)
class Best:
    """The best-scoring sentence: its score, index, reasons and intent."""

    score: float
    index: int
    reasons: tuple[str, ...]
    intent: Intent | None
    how: str = ""  # the request's kind: strong, weak, time, elliptical, borrowed, question


def collect(
    tokens: Tokens, lexicon: Lexicon, languages: Sequence[str]
) -> tuple[dict[int, Sentence], list[Hit]]:
    """Scan ``tokens`` once for ``languages`` and file every hit under its sentence.

    Only sentences with a hit get a ``Sentence``. Raw (``re:``) phrases, mostly times and
    amounts, are looked for only in and next to the sentences that hold a meeting or
    availability cue: nowhere else can they change a score.
    """
    sentences: dict[int, Sentence] = {}
    hits = lexicon.scan(tokens, languages, raw_in=())
    hits += compound_hits(tokens, lexicon, languages, hits)
    hits = drop_call_asides(hits)
    words = (lexicon.word_set(languages, "you"), lexicon.word_set(languages, "lead"))
    shapes = shapes_for(lexicon, languages)
    _file_all(sentences, hits, tokens, lexicon, words, shapes)
    focus = {s.index for s in sentences.values() if s.activity or s.availability}
    count = len(tokens.bounds)
    near = sorted({j + d for j in focus for d in (-1, 0, 1) if 0 <= j + d < count})
    if near:
        raw = lexicon.scan_raw(tokens, languages, near)
        if raw:
            _file_all(sentences, raw, tokens, lexicon, words, shapes)
            hits = [*hits, *raw]
    return sentences, hits


CALL_ASIDE = "signal.call.aside"
"""A call named but not proposed: "as discussed on the phone", "sonst kurz vorher anrufen"."""


def drop_call_asides(hits: list[Hit]) -> list[Hit]:
    """Hits without the call words an aside holds, and without the asides themselves.

    "As discussed on the phone, could you come by on Tuesday?" proposes a visit: the phone
    is the past, and "call ahead before you come" is the visit's logistics. Neither may
    make the proposal a call, its intent "call" or its reply the one for a call.
    """
    spans = [(h.start, h.end) for h in hits if CALL_ASIDE in h.families]
    if not spans:
        return hits
    return [
        h for h in hits
        if CALL_ASIDE not in h.families
        and not (
            ("activity.call" in h.kinds or "signal.call" in h.kinds)
            and any(a <= h.start and h.end <= b for a, b in spans)
        )
    ]  # fmt: skip


def compound_hits(
    tokens: Tokens, lexicon: Lexicon, languages: Sequence[str], hits: Sequence[Hit]
) -> list[Hit]:
    """Hits for compound meeting words no phrase matched ("Arbeitsfrühstück" as breakfast,
    "fredagspils" as drinks), from the heads in the lexicons' ``[compounds]`` tables."""
    heads = [(lang, c) for lang in languages if (c := lexicon.compounds.get(lang)) is not None]
    if not heads:
        return []
    words = tokens.words
    key = ("compound_ends", tuple(languages))
    ending = lexicon.plans.get(key)
    if ending is None:
        ending = lexicon.plans[key] = tuple(head for _, c in heads for head in c.heads)
    # Only a word ending in some head can be a compound: found at C speed, most words never
    # reach the loop below, and most texts never reach the search for them.
    if not any_ends_with(words, ending):
        return []
    maybe = list(compress(count(), map(methodcaller("endswith", ending), words)))
    if not maybe:
        return []
    named = {k for h in hits if "activity" in h.kinds for k in range(h.start, h.end)}
    starts = [first for first, _ in tokens.bounds]
    found: list[Hit] = []
    for k in maybe:
        word = words[k]
        if len(word) <= COMPOUND_PREFIX + 2 or k in named:
            continue
        for lang, compounds in heads:
            head = compounds.head_of(word)
            if head is not None:
                family = compounds.family[head]
                sentence = bisect_right(starts, k) - 1
                found.append(Hit(k, k + 1, sentence, word, lang, (family,), _kinds(family)))
                break
    return found


@lru_cache(maxsize=64)
def _kinds(family: str) -> frozenset[str]:
    """A family and its dotted prefixes, as a Hit carries them."""
    return frozenset(".".join(family.split(".")[:n]) for n in range(1, family.count(".") + 2))


def _file_all(
    sentences: dict[int, Sentence], hits: Sequence[Hit], tokens: Tokens, lexicon: Lexicon,
    words: tuple[frozenset[str], frozenset[str]], shapes: Shapes,
) -> None:
    plans: dict[tuple[str, str], _Plan] = lexicon.plans
    for hit in hits:
        sent = sentences.get(hit.sentence)
        if sent is None:
            first, stop = tokens.bounds[hit.sentence]
            sent = sentences[hit.sentence] = Sentence(
                tokens, hit.sentence, first, stop, you_words=words[0], lead_words=words[1],
                shapes=shapes,
            )
        for name in hit.families:
            plan = plans.get((name, hit.language))
            if plan is None:
                plan = plans[(name, hit.language)] = _plan(name, hit.language, lexicon)
            if plan[0]:
                _file(sent, plan, hit)


_Plan = tuple[int, str, float, Intent | None]
"""How a family is filed: an action code, a slot or sub-kind name, a weight, an intent."""

_SKIP, _SLOT, _ACTIVITY, _CLAUSE, _NEGATIVE = range(5)


def _plan(family: str, language: str, lexicon: Lexicon) -> _Plan:
    """Decide once per family and language how its hits are filed."""
    name = base_family(family) or family
    kind, _, sub = name.partition(".")
    weight = lexicon.weight(language, family)
    slot = _SLOTS.get(name)
    if slot is not None:
        return _SLOT, slot + ("+social" if family == "time.social" else ""), weight, None
    if kind == "activity":
        leisure = family.endswith((".leisure", "catch_up.social"))
        return _ACTIVITY, "leisure" if leisure else "", weight, Intent(sub)
    if name == "clause":
        return _CLAUSE, "contrast" if family == "clause.contrast" else "", weight, None
    if kind == "negative" and sub in NEGATIVES:
        return _NEGATIVE, sub, weight, None
    return _SKIP, "", 0.0, None


def _file(sent: Sentence, plan: _Plan, hit: Hit) -> None:
    """Record one hit on ``sent`` as ``plan`` says (a slot keeps its first word)."""
    action, what, weight, intent = plan
    if action == _SLOT:
        slot, _, social = what.partition("+")
        if slot == "weak":
            sent.weak_spans.append((hit.start, hit.end, hit.text))
        if getattr(sent, slot) is None:
            value = (hit.text, hit.start) if slot in _POSITIONED else hit.text
            setattr(sent, slot, value)
        if slot == "time":
            sent.soft.update(range(hit.start, hit.end))
        if social:
            sent.social_time = True
    elif action == _ACTIVITY:
        assert intent is not None
        sent.social = sent.social or bool(what)
        sent.activity.append((weight, intent, f'cue "{hit.text}" ({hit.language})', hit.start))
    elif action == _CLAUSE:
        sent.clause_words.append(hit.start)
        if what:
            sent.contrasts.append(hit.start)
    else:  # every one is kept: the first of a kind may stand in another clause
        sent.negatives.append((weight, what, hit.text, hit.start))


def best_sentence(
    sentences: dict[int, Sentence], weights: dict[str, float], intro: bool, label: int = 0
) -> Best:
    """The best-scoring sentence (index -1 and score 0 when none scores).

    The first ``label`` sentences are the subject line. When the body names a meeting too,
    the body decides and the subject is only its label: "Dinner?" above "Are we still on
    for dinner tonight?" asks nothing new.
    """
    best = _NONE
    body_names = any(i >= label and s.activity for i, s in sentences.items())
    for i in sorted(sentences):
        s = sentences[i]
        if i < label and body_names:
            continue
        if s.activity or s.availability:
            found = score_sentence(sentences, i, weights, intro)
            if found.score > best.score or best.index < 0:
                best = found
    return best


_NONE = Best(0.0, -1, (), None)


def score_sentence(
    sentences: dict[int, Sentence], i: int, weights: dict[str, float], intro: bool
) -> Best:
    """Score sentence ``i``: a meeting word with a request, or a request for the reader's time."""
    s = sentences[i]
    request, label, at = _request(s, weights)
    how = _kind(s, request, weights)
    lender = None
    if s.quoted(at):
        return Best(0.0, i, ("reported speech",), None)
    anchor = -1
    if s.activity:
        weight, _, why, anchor = _anchor(s, at)
        intent: Intent | None = min((a[1] for a in s.activity), key=SPECIFICITY.index)
        if request < weights["strong"]:
            request, label, at, how, lender = _complete_request(
                sentences, i, weights, intro, (request, label, at, how)
            )
        if request == 0.0:
            return Best(0.0, i, (why,), intent)
        reasons = [why, label]
        if s.availability and weight < weights["availability"]:
            # "grab 20 minutes together next week to chat": the slot asked for is the
            # meeting, the weak word only says what it is for
            weight = weights["availability"]
            reasons.append(f'a slot of time "{s.availability[0]}"')
        base = weight + request
    elif s.availability and (s.time or s.duration or s.question):
        why_not = task(s)
        if why_not:  # "Do you have time to help me move?": time for a favour, not a meeting
            return Best(0.0, i, (f'asks for time "{s.availability[0]}" {why_not}',), None)
        asks = (
            weights["strong"] if s.strong else weights["weak"] if s.question or s.weak else 0.0
        )
        base = weights["availability"] + asks
        intent, how = Intent.MEETING, "time"
        reasons = [f'asks for time "{s.availability[0]}"']
        anchor = s.availability[1]
    else:
        return Best(0.0, i, (), None)
    if s.time or s.duration:
        base += 0.5
        reasons.append(f'time "{s.time or s.duration}"')
    elif request >= weights["strong"] and _asks_time_next(sentences, i):
        base += 0.5  # "I'd like to invite you to a meeting. Which of these times suits?"
        reasons.append("asks for a time next")
    base += (0.5 if s.you else 0.0) + (0.5 if s.question and request >= weights["strong"] else 0.0)
    base -= _negatives(s, anchor, at, reasons, intro)
    base -= _accepted_before(sentences, i, reasons)
    if lender is not None:  # the sentence that asks brings its own negatives along
        base -= _lent_negatives(lender, reasons, intro)
    if s.work and intent in BARE:
        base -= weights["work"]
        reasons.append(f'work-topic cue "{s.work}"')
    return Best(base, i, tuple(reasons), intent, how)


def _complete_request(
    sentences: dict[int, Sentence], i: int, weights: dict[str, float], intro: bool,
    found: tuple[float, str, int, str],
) -> tuple[float, str, int, str, Sentence | None]:
    """A weak or missing request of a sentence that names a meeting, completed by its form
    ("Lunch tomorrow?") or by the sentence next to it; also returns that sentence."""
    request, label, at, how = found
    s = sentences[i]
    if s.question and _elliptical(s):
        return weights["strong"], "elliptical question", -1, "elliptical", None
    borrowed, why_borrowed, lender = _borrowed_request(sentences, i, weights, intro)
    if borrowed and request:  # "It would be great to meet. What works for you?"
        return weights["strong"], f"{label} + {why_borrowed}", at, "borrowed+", lender
    if borrowed:
        return borrowed, why_borrowed, at, "borrowed", lender
    if request and _slot_asked_next(sentences, i):
        # "I'd love to set up a call. Would Thursday 10am work?": the slot asked for next
        # makes the wish a request
        return weights["strong"], f"{label} + a slot asked next", at, "borrowed+", None
    return request, label, at, how, None


def _kind(s: Sentence, request: float, weights: dict[str, float]) -> str:
    """The name of the request form ``_request`` found (a feature of the trained model)."""
    if not request:
        return ""
    if s.strong:
        return "strong"
    if s.availability:
        return "time"
    if s.weak:
        return "weak+" if request >= weights["strong"] else "weak"
    return "question"


def _negatives(s: Sentence, anchor: int, at: int, reasons: list[str], intro: bool) -> float:
    """The weight of the negatives that bear on the proposal (appending their reasons); in
    an introduction the third party is the point, not a negative."""
    total = 0.0
    counted: set[str] = set()
    if s.negatives:
        total = _scoped(s, anchor, at, reasons, intro, counted)
    if "confirm" not in counted:
        opened = acceptance(s)
        if opened and s.shapes is not None:  # "Great, lunch on Friday then": a confirmation
            total += s.shapes.weight
            reasons.append(f'acceptance: "{opened}" and a consequence')
    return total


def _scoped(
    s: Sentence, anchor: int, at: int, reasons: list[str], intro: bool, counted: set[str]
) -> float:
    """The negatives in the clause of the meeting word or the request (or, for a decline,
    a third party or "by e-mail", after a contrast), each kind once."""
    scope = {s.clause(anchor)} | ({s.clause(at)} if at >= 0 else set())
    last = max(anchor, at)
    total = 0.0
    for weight, neg, word, pos in s.negatives:
        if neg in counted or (intro and neg == "third_party"):
            continue
        after = neg in _AFTER and pos > last and any(last < c <= pos for c in s.contrasts)
        if s.clause(pos) in scope or after:
            counted.add(neg)  # a kind counts once: "see you then, sounds good" is one
            total += weight
            reasons.append(f'negative cue "{word}" ({neg})')
    return total


def _accepted_before(sentences: dict[int, Sentence], i: int, reasons: list[str]) -> float:
    """The confirmation of an interjection as the sentence before: "Perfekt! Dann ..."."""
    s = sentences[i]
    before = accepted_before(sentences, i)
    if not before or s.shapes is None:
        return 0.0
    reasons.append(f'acceptance: "{before}" before it')
    return s.shapes.weight


def _anchor(s: Sentence, at: int) -> tuple[float, Intent, str, int]:
    """The meeting word the proposal is about: the strongest, and among equals the one whose
    clause carries the fewest negatives ("I don't want turkey for dinner, so let's go out to
    dinner" is about the second dinner)."""
    if len(s.activity) == 1 or not s.negatives:
        return max(s.activity, key=lambda a: a[0])

    def net(a: tuple[float, Intent, str, int]) -> float:
        return a[0] - _negatives(s, a[3], at, [], False)

    return max(s.activity, key=net)


_THOUGHT_BREAKS = frozenset({"-", "--", "---", "\u2013", "\u2014"})
"""Dashes, after which a new thought starts, unlike a list's comma: "Back in town next week -
beers on Wednesday?" proposes however long the news before the dash. (Not a colon: "the
menu is attached: lunch, coffee and cake?" is a list.)"""


def _elliptical(s: Sentence) -> bool:
    """True when the question is led by its meeting word ("Lunch tomorrow?", "A beer after
    work?", "Free Tuesday for a coffee?"): a proposal without a verb."""
    if s.words > SHORT_QUESTION + 6:
        return False
    words = s.tokens.words
    for _, _, _, pos in s.activity:
        start = s.opens_clause(pos)
        before = [k for k in range(s.first, start) if words[k][0].isalnum()]
        broken = (
            start > s.first
            and words[start - 1] in _THOUGHT_BREAKS
            and "," not in words[start : s.stop]  # "- lunch, coffee and cake?" is a list
        )
        if len(before) > GREETING_WORDS and not broken:
            continue  # mid-sentence: a list ("wine, beer and soft drinks?"), not a proposal
        lead = [k for k in range(start, pos) if words[k][0].isalnum()]
        if len(lead) <= ELLIPTICAL_LEAD and all(
            k in s.soft or words[k] in s.lead_words for k in lead
        ):
            return True
    return False


def _borrowed_request(
    sentences: dict[int, Sentence], i: int, weights: dict[str, float], intro: bool
) -> tuple[float, str, Sentence | None]:
    """A meeting word alone: an introduction, or a request in the sentence next to it
    (returned too: its negatives bear on the proposal)."""
    if intro:
        return weights["strong"], "introduction proposes it", None
    for j in (i - 1, i + 1):
        n = sentences.get(j)
        asks = n is not None and (n.strong or n.availability or (n.question and n.time and n.you))
        if n is not None and asks and not n.activity:
            return weights["weak"], "request in next sentence", n
    return 0.0, "", None


def _time_question_next(sentences: dict[int, Sentence], i: int) -> Sentence | None:
    """The sentence after ``i`` when it is a question that names a time but no meeting."""
    n = sentences.get(i + 1)
    if n is None or n.activity or not n.question or n.time is None:
        return None
    return n


def _asks_time_next(sentences: dict[int, Sentence], i: int) -> bool:
    """True when the sentence after ``i`` asks for the reader's time and names no meeting:
    "when suits you?", or a question that names a time ("Could you do Monday 9am?",
    "Would Thursday 10am or Friday 2pm work?")."""
    n = sentences.get(i + 1)
    if n is not None and not n.activity and n.availability is not None:
        return True
    return _time_question_next(sentences, i) is not None


def _slot_asked_next(sentences: dict[int, Sentence], i: int) -> bool:
    """True when the sentence after ``i`` asks about a concrete slot: a question with a time
    and a figure ("Would Thursday 10am or Friday 2pm work?"), not just any question about
    this evening ("Anything in the hopper for this evening?")."""
    n = _time_question_next(sentences, i)
    return n is not None and any(ch.isdigit() for w in n.tokens.words[n.first : n.stop] for ch in w)


_LENT = frozenset({"past", "decline", "office", "logistics", "third_party"})
"""Negatives of a neighbouring sentence that count when its request is borrowed: "Coffee is
out again. Can you order two kilos?" asks for an order, not for a coffee together."""


def _lent_negatives(lender: Sentence, reasons: list[str], intro: bool) -> float:
    total = 0.0
    counted: set[str] = set()
    for weight, neg, word, _ in lender.negatives:
        if neg in _LENT and neg not in counted and not (intro and neg == "third_party"):
            counted.add(neg)
            total += weight
            reasons.append(f'negative cue "{word}" ({neg}) in the asking sentence')
    return total


def _apart(spans: list[tuple[int, int, str]]) -> list[str]:
    """The request forms that do not overlap ("it would be great to" is one, not three)."""
    forms: list[str] = []
    end = -1
    for start, stop, text in sorted(spans, key=lambda x: (x[0], -x[1])):
        if start >= end:
            forms.append(text)
            end = stop
        else:
            end = max(end, stop)
    return forms


def _request(s: Sentence, weights: dict[str, float]) -> tuple[float, str, int]:
    """How strongly ``s`` asks (and where): a request form, a request for time, a question."""
    if s.strong:
        return weights["strong"], f'request "{s.strong[0]}"', s.strong[1]
    if s.availability:
        return weights["strong"], f'asks for time "{s.availability[0]}"', s.availability[1]
    if s.weak:
        forms = _apart(s.weak_spans)
        both = len(forms) > 1
        strength = weights["strong"] if s.question or both else weights["weak"]
        label = " + ".join(forms) if both else s.weak[0]
        return strength, f'request "{label}"', s.weak[1]
    if s.question and s.you:
        return weights["weak"], 'request "?"', -1
    return 0.0, "", -1
