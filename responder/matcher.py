"""The phrase matcher: text -> tokens and sentences; lexicon phrases -> token patterns -> hits.

Text is cut into tokens by one regex: words ("let's", "e.g", "www.x.com"), numbers and dates
with their separators ("11:30", "14.04."), dashes between words, single punctuation marks,
and paragraph breaks; a hyphen inside a word separates ("get-together" -> "get" "together")
and curly apostrophes are straightened. Sentences end at ., ! or ? (a run of them counts
once; a full stop after a known abbreviation ends nothing), at a blank line, and before a
bullet or quote line.

A phrase of the lexicon is a pattern of tokens (exact words, word prefixes, gaps of a few
words, and clause gaps that reach across a whole clause, for verbs whose particle comes at
the end: "Kommen Sie doch am Donnerstag bei uns im Showroom vorbei"), indexed
by its first one or two tokens; each distinct word is looked up once (and remembered) to
know which phrases may start at it. A phrase never spans two sentences. Raw patterns
(``re:``) run as one regex over the text of chosen sentences.

Before any of that, a pre-test decides whether a text can hold a meeting or availability
phrase at all: every such phrase has an *anchor*, a word (or, for a phrase of common words
only, a pair of adjacent words) that any text holding it must hold. ``quick_words`` splits
a text into plain words at C speed (ASCII punctuation, hyphens, apostrophes and a few
typographic marks are spaces), and ``Anchors.found`` looks them up as sets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import pairwise
from typing import NamedTuple

from responder.errors import ConfigError

_CURLY = "\u2019"
_GAP_TOKEN = "..."  # noqa: S105 (the gap marker of the phrase syntax, not a secret)
GAP_WORDS = 4
"""How many words (or commas) a ``...`` gap may stand for."""
CLAUSE_GAP_WORDS = 16
"""How many words a ``~`` gap may stand for; it never crosses a comma or another mark, so
it stays within one clause."""
_CLAUSE_GAP_TOKEN = "~"  # noqa: S105 (the clause gap of the phrase syntax, not a secret)

_PIECE = re.compile(
    r"(?:\d{1,2}\.){1,2}(?:\d{2,4})?(?![^\W_])"  # a date: 14. / 14.04. / 14.04.2026
    r"|\d+(?:[:.,/]\d+)*(?![^\W_])"  # a number with its separators: 11:30, 3.5, 12/4
    r"|[^\W_]+(?:['.][^\W_]+)*"  # a word (let's, z'mittag, e.g, www.x.com)
    r"|[^\w\s'-]"  # one punctuation mark
)
_DASHES = frozenset("-\u2013\u2014")
_BULLETS = frozenset("-*\u2022>")
"""A line starting with one of these (a bullet, a quote) starts a new sentence."""
_GLUED = re.compile(r"[.!?][.!?]*(?:(?<=[!?])|(?<=\.\.))(?=[^\W\d_])")
"""An ellipsis, "?" or "!" glued to the next word ("today...let's", "lunch?Thanks")."""
_END_MARKS = frozenset(".!?")
_CLOSERS = "\"')]»“”"


class _Chunk(NamedTuple):
    """One whitespace-separated chunk, split once: its tokens (and how many), whether a
    sentence ends after it, and where phrases may start in it."""

    tokens: tuple[str, ...]
    size: int
    ends: bool
    starts: tuple[tuple[int, _Entry], ...]


def _split(chunk: str) -> tuple[tuple[str, ...], bool]:
    """The tokens of one chunk and whether it ends a sentence."""
    if not chunk.strip("".join(_DASHES)):
        return ("-",), False  # a dash between words marks a clause
    tokens = tuple(_PIECE.findall(chunk.replace(_CURLY, "'")))
    core = chunk.rstrip(_CLOSERS)
    ends = core[-1:] in _END_MARKS
    if ends and core[-1] == "." and core[-2:-1] != ".":
        words = [t for t in tokens if t[0].isalnum()]
        # "Dr." and "z.B." end nothing, nor does a date that took the full stop ("9.")
        ends = not words or not (words[-1] in ABBREVIATIONS or words[-1].endswith("."))
    return tokens, ends
_ABBREVIATION_WORDS = (
    "dr mr mrs ms st nr no vs ca bzw z.b zb u.a usw ggf evtl inkl sog etc e.g i.e prof hr fr jun "
    "sen tel kl mvh bl.a f.eks ev jan feb mar apr jul aug sep sept okt oct nov dez des dec p.m "
    "a.m ph.d"
)
ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_DIGIT = re.compile(r"\d")
_CACHE_SIZE = 200_000
"""Distinct chunks (and words) remembered; a cache is emptied when it grows past this."""

EXACT, PREFIX, GAP, START, CLAUSE_GAP = 0, 1, 2, 3, 4
CLAUSE_MARKS = frozenset({",", ";", ":", "(", ")", "-", "--", "---", "\u2013", "\u2014"})
"""Tokens that end a clause; ``^`` in a phrase matches after one or at a sentence start."""
Element = tuple[int, str]
_NOTHING: tuple[int, ...] = ()

class _Node:
    """A node of the phrase trie: the phrases that end here, and where to go on (the next
    exact word, a word prefix, a gap of up to GAP_WORDS words, a gap within the clause)."""

    __slots__ = ("ends", "far", "gap", "next", "stems")

    def __init__(self) -> None:
        self.ends: tuple[int, ...] = ()
        self.next: dict[str, _Node] = {}
        self.stems: list[tuple[str, _Node]] = []
        self.gap: _Node | None = None
        self.far: _Node | None = None

    def child(self, kind: int, value: str) -> _Node:
        """The child for one element, made if missing."""
        if kind == GAP:
            if self.gap is None:
                self.gap = _Node()
            return self.gap
        if kind == CLAUSE_GAP:
            if self.far is None:
                self.far = _Node()
            return self.far
        if kind == PREFIX:
            for stem, node in self.stems:
                if stem == value:
                    return node
            self.stems.append((value, _Node()))
            return self.stems[-1][1]
        return self.next.setdefault(value, _Node())


_Entry = tuple[_Node, ...]
"""The trie nodes reached by one word: phrases starting with it, or with a prefix of it."""


@dataclass(frozen=True)
class Tokens:
    """A text as the matcher reads it: tokens, per sentence its token bounds, and where
    phrases may start (first token of a chunk, starts in the chunk)."""

    words: tuple[str, ...]
    bounds: tuple[tuple[int, int], ...]  # per sentence: first token, one past the last
    starts: tuple[tuple[int, tuple[tuple[int, _Entry], ...]], ...] = ()
    first_break: int = -1  # sentences before the first blank line (-1: none)

    def text(self, sentence: int) -> str:
        """One sentence's text: its tokens joined by single spaces ("lunch at 11:30 ?")."""
        a, b = self.bounds[sentence]
        return " ".join(self.words[a:b])


def phrase_elements(phrase: str) -> tuple[Element, ...]:
    """The token pattern of one lexicon phrase (see the syntax in common.toml)."""
    out: list[Element] = []
    for part in phrase.lower().replace(_CURLY, "'").split():
        if part == "^":
            if out:
                raise ValueError("^ (start of a clause) may only begin a phrase")
            out.append((START, ""))
            continue
        if part in (_GAP_TOKEN, _CLAUSE_GAP_TOKEN):
            if out and out[-1][0] in _GAPS:
                raise ValueError("two gaps in a row")
            out.append((GAP if part == _GAP_TOKEN else CLAUSE_GAP, ""))
            continue
        star = part.endswith("*") and len(part) > 1
        pieces = _PIECE.findall(part[:-1] if star else part)
        if not pieces:
            continue
        out.extend((EXACT, p) for p in pieces[:-1])
        out.append((PREFIX if star else EXACT, pieces[-1]))
    body = out[1:] if out and out[0][0] == START else out
    if not body or body[0][0] in _GAPS or out[-1][0] in _GAPS:
        raise ValueError("a phrase must start and end with a word")
    return tuple(out)


_GAPS = (GAP, CLAUSE_GAP)


def _gap_ok(word: str) -> bool:
    return word == "," or word[0].isalnum()


def _far_ok(word: str) -> bool:
    return word[0].isalnum()


def _match(elems: Sequence[Element], words: Sequence[str], i: int, stop: int) -> int:
    """End (exclusive) of ``elems`` matched at ``words[i]`` within ``stop``; -1 if none."""
    for k, (kind, value) in enumerate(elems):
        if kind == START:
            continue
        if kind in _GAPS:
            rest = elems[k + 1 :]
            after, wanted = rest[0]
            far = kind == CLAUSE_GAP
            limit = min(i + (CLAUSE_GAP_WORDS if far else GAP_WORDS) + 1, stop)
            if after == EXACT and wanted not in words[i:limit]:
                return -1
            for j in range(i, limit):
                word = words[j]
                if word == wanted or (after == PREFIX and word.startswith(wanted)):
                    end = _match(rest, words, j, stop)
                    if end >= 0:
                        return end
                if not (_far_ok(word) if far else _gap_ok(word)):
                    break
            return -1
        if i >= stop:
            return -1
        word = words[i]
        if word != value and not (kind == PREFIX and word.startswith(value)):
            return -1
        i += 1
    return i


def _walk(
    node: _Node, words: Sequence[str], i: int, j: int, stop: int, s: int,
    found: list[tuple[int, int, int, int]],
) -> None:
    """Every phrase under ``node`` matched from words[j] on (its first word at ``i``)."""
    for pid in node.ends:
        found.append((i, -j, s, pid))
    if j < stop:
        nxt = node.next.get(words[j])
        if nxt is not None:
            _walk(nxt, words, i, j + 1, stop, s, found)
        if node.stems:
            _walk_stems(node, words, i, j, stop, s, found)
    if node.gap is not None:
        _walk_gap(node.gap, words, i, j, stop, s, found)
    if node.far is not None:
        _walk_gap(node.far, words, i, j, stop, s, found, far=True)


def _walk_stems(
    node: _Node, words: Sequence[str], i: int, j: int, stop: int, s: int,
    found: list[tuple[int, int, int, int]],
) -> None:
    """The prefix children of ``node`` at words[j]."""
    word = words[j]
    for stem, child in node.stems:
        if word.startswith(stem):
            _walk(child, words, i, j + 1, stop, s, found)


def _walk_gap(
    gap: _Node, words: Sequence[str], i: int, j: int, stop: int, s: int,
    found: list[tuple[int, int, int, int]], *, far: bool = False,
) -> None:
    """After a gap: the next element at words[j], or up to GAP_WORDS words later (for a
    clause gap, CLAUSE_GAP_WORDS words, and never past a punctuation mark)."""
    limit = min(j + (CLAUSE_GAP_WORDS if far else GAP_WORDS) + 1, stop)
    ok = _far_ok if far else _gap_ok
    if not gap.stems and gap.next.keys().isdisjoint(words[j:limit]):
        return
    for jj in range(j, limit):
        word = words[jj]
        nxt = gap.next.get(word)
        if nxt is not None:
            _walk(nxt, words, i, jj + 1, stop, s, found)
        if gap.stems:
            _walk_stems(gap, words, i, jj, stop, s, found)
        if not ok(word):
            break


class Hit(NamedTuple):
    """One cue found: its token span, sentence, words, language and families."""

    start: int
    end: int
    sentence: int
    text: str
    language: str
    families: tuple[str, ...]
    kinds: frozenset[str]  # every family and every dotted prefix of one ("activity")


_new_hit = partial(tuple.__new__, Hit)
"""``Hit(*fields)`` without the Python frame of a named tuple's ``__new__``: ``scan`` makes
tens of hits a mail."""
_ScanPlan = tuple[bool, bool, tuple[tuple[str, tuple[str, ...], frozenset[str]], ...]]


@dataclass(frozen=True)
class _Phrase:
    elements: tuple[Element, ...]
    owners: Mapping[str, tuple[tuple[str, ...], frozenset[str]]]  # language -> families, kinds
    idiom: frozenset[str]  # languages in which this phrase is an idiom (blanks what it holds)
    languages: frozenset[str]  # languages that list it at all
    at_start: bool  # "^": only at the start of a sentence or clause


_QUICK_TABLE = bytes(
    32 if chr(b) in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" else b for b in range(256)
)
_TYPOGRAPHIC = (
    "\u2019", "\u2018", "\u201c", "\u201d", "\u201e", "\u00ab", "\u00bb", "\u2013", "\u2014",
    "\u2026", "\u00a0",
)


def quick_words(text: str) -> list[str]:
    """Plain words of lower-cased ``text``, split at C speed: ASCII punctuation, hyphens,
    apostrophes and common typographic marks count as spaces ("let's" -> "let" "s")."""
    for mark in _TYPOGRAPHIC:
        if mark in text:
            text = text.replace(mark, " ")
    return text.encode().translate(_QUICK_TABLE).decode().split()


@lru_cache(maxsize=32)
def _tails(suffixes: tuple[str, ...]) -> re.Pattern[str]:
    """A space, then any of ``suffixes`` reversed (those holding whitespace can end no word)."""
    plain = (re.escape(s[::-1]) for s in suffixes if s == "".join(s.split()))
    return re.compile(" (?:" + "|".join(plain) + ")")


def any_ends_with(words: Sequence[str], suffixes: tuple[str, ...]) -> bool:
    """True when one of ``words`` (which hold no whitespace) ends in one of ``suffixes``.

    One regex over the words joined by spaces and reversed, where every word's end is a word
    start after a space: about twice as fast as ``endswith`` on every word, and most texts
    end no word in a compound's head."""
    return bool(words) and _tails(suffixes).search(" " + " ".join(words)[::-1]) is not None


@dataclass(frozen=True)
class Anchors:
    """The anchors of a set of phrases: single words, pairs of adjacent words, prefixes."""

    words: frozenset[str]
    pairs: frozenset[tuple[str, str]]
    prefixes: tuple[str, ...]
    led: re.Pattern[str] | None = None
    """A space and any of the prefixes: searched in the words joined by spaces, it finds a
    word that starts with one (~3x faster than ``startswith`` over every word)."""

    def found(self, words: Sequence[str]) -> bool:
        """True when ``quick_words`` output ``words`` may hold one of the phrases."""
        if not self.words.isdisjoint(words):
            return True
        if self.pairs and not self.pairs.isdisjoint(pairwise(words)):
            return True
        return self.led is not None and self.led.search(" " + " ".join(words)) is not None


@dataclass
class Matcher:
    """Every phrase of every language, indexed by its first one or two tokens; raw patterns
    in one regex; the anchors of the pre-test."""

    phrases: tuple[_Phrase, ...]
    roots: Mapping[str, _Node]  # first word -> trie
    stem_roots: tuple[tuple[str, _Node], ...]  # first word's prefix -> trie
    raw_pattern: re.Pattern[str] | None  # patterns without \d
    digit_pattern: re.Pattern[str] | None  # patterns with \d, tried only where a digit is
    raw: tuple[tuple[re.Pattern[str], Mapping[str, tuple[str, ...]]], ...]
    anchors: Anchors  # of every meeting and availability phrase
    activity_anchors: Anchors  # of the meeting words alone
    at_start: frozenset[int]  # phrases that only count at the start of a sentence or clause
    chunk_cache: dict[str, _Chunk] = field(default_factory=dict, repr=False)
    raw_cache: dict[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict, repr=False)
    scan_plans: dict[tuple[str, ...], dict[int, _ScanPlan]] = field(
        default_factory=dict, repr=False
    )

    def _entry(self, word: str) -> _Entry | None:
        """The trie nodes where phrases starting at ``word`` continue."""
        nodes = [node for stem, node in self.stem_roots if word.startswith(stem)]
        root = self.roots.get(word)
        if root is not None:
            nodes.insert(0, root)
        return tuple(nodes) if nodes else None

    def _chunk(self, chunk: str) -> _Chunk:
        tokens, ends = _split(chunk)
        starts = []
        for k, word in enumerate(tokens):
            entry = self._entry(word)
            if entry is not None:
                starts.append((k, entry))
        return _Chunk(tokens, len(tokens), ends, tuple(starts))

    def read(self, text: str) -> Tokens:
        """Cut lower-cased ``text`` into tokens and sentences (see the module docstring)."""
        words: list[str] = []
        bounds: list[tuple[int, int]] = []
        starts: list[tuple[int, tuple[tuple[int, _Entry], ...]]] = []
        cache = self.chunk_cache
        if len(cache) > _CACHE_SIZE:
            cache.clear()
        get = cache.get
        n = start = 0
        first_break = -1
        if "?" in text or "!" in text or ".." in text:
            text = _GLUED.sub(r"\g<0> ", text)
        for line in text.split("\n"):
            parts = line.split()
            if not parts:
                if n > start:
                    bounds.append((start, n))
                    start = n
                if first_break < 0 and n:
                    first_break = len(bounds)
                continue
            if parts[0][0] in _BULLETS and n > start:
                bounds.append((start, n))
                start = n
            for chunk in parts:
                info = get(chunk)
                if info is None:
                    info = cache[chunk] = self._chunk(chunk)
                tokens, size, ends, here = info
                if here:
                    starts.append((n, here))
                words += tokens
                n += size
                if ends and n > start:
                    bounds.append((start, n))
                    start = n
        if n > start:
            bounds.append((start, n))
        return Tokens(tuple(words), tuple(bounds), tuple(starts), first_break)

    def _find(self, tokens: Tokens) -> list[tuple[int, int, int, int]]:
        """Every phrase of any language matched in ``tokens``: (start, -end, sentence, id)."""
        words = tokens.words
        bounds = tokens.bounds
        found: list[tuple[int, int, int, int]] = []
        s = 0
        stop = bounds[0][1] if bounds else 0
        for base, here in tokens.starts:
            while base >= stop:  # the sentence of this chunk
                s += 1
                stop = bounds[s][1]
            for k, nodes in here:
                i = base + k
                for node in nodes:  # the first step inline: most second words lead nowhere
                    for pid in node.ends:
                        found.append((i, -i - 1, s, pid))
                    if i + 1 < stop:
                        nxt = node.next.get(words[i + 1])
                        if nxt is not None:
                            _walk(nxt, words, i, i + 2, stop, s, found)
                        if node.stems:
                            _walk_stems(node, words, i, i + 1, stop, s, found)
                    if node.gap is not None:
                        _walk_gap(node.gap, words, i, i + 1, stop, s, found)
                    if node.far is not None:
                        _walk_gap(node.far, words, i, i + 1, stop, s, found, far=True)
        at_start = self.at_start
        if at_start:  # a "^" phrase counts only at the start of a sentence or clause
            marks = CLAUSE_MARKS
            found = [
                f for f in found
                if f[3] not in at_start or f[0] == bounds[f[2]][0] or words[f[0] - 1] in marks
            ]
        return found

    def scan(
        self, tokens: Tokens, languages: Sequence[str], raw_in: Iterable[int] | None = None
    ) -> list[Hit]:
        """Every cue of ``languages`` in ``tokens``, sorted by position (longest first).

        Hits inside an idiom ("free lunch", "lunch break") are dropped: the idiom means
        something else than the words it holds. An idiom of the mail's own language (the
        first of ``languages``) also drops the other languages' reading of its very words:
        "at mine" is "that my" in Norwegian, not an English visit. Raw patterns are tried
        in the sentences ``raw_in`` (all when None).
        """
        langs = tuple(languages)
        words = tokens.words
        plans = self.scan_plans.get(langs)
        if plans is None:
            plans = self.scan_plans[langs] = {}
        found = self._find(tokens)
        hits: list[Hit] = []
        blanked: list[tuple[int, int]] = []
        found.sort()
        for start, neg_end, s, pid in found:
            plan = plans.get(pid)
            if plan is None:
                plan = plans[pid] = self._plan(pid, langs)
            listed, idiom, owned = plan
            if not listed:
                continue
            end = -neg_end
            if blanked and any(a <= start and end <= b for a, b in blanked):
                continue
            if idiom:
                blanked.append((start, end))
            if owned:
                text = words[start] if end == start + 1 else " ".join(words[start:end])
                for lang, fams, kinds in owned:
                    hits.append(_new_hit((start, end, s, text, lang, fams, kinds)))
        if raw_in is None or raw_in:
            raw = self.scan_raw(tokens, langs, raw_in)
            if raw:
                hits.extend(raw)
                hits.sort(key=lambda h: (h.start, -h.end))
        return hits

    def _plan(self, pid: int, langs: tuple[str, ...]) -> _ScanPlan:
        """What ``scan`` makes of phrase ``pid`` for ``langs``, decided once: whether any
        language of ``langs`` lists it, whether it blanks the words it holds (an idiom), and
        the (language, families, kinds) of its hits."""
        phrase = self.phrases[pid]
        if phrase.languages.isdisjoint(langs):
            return False, False, ()
        own = langs
        idiom = bool(phrase.idiom) and not phrase.idiom.isdisjoint(langs)
        if idiom and langs[0] in phrase.idiom:  # a false friend of another language's cue
            own = langs[:1]
        owned = []
        for lang in own:
            found = phrase.owners.get(lang)
            if found is not None and found[0]:
                owned.append((lang, found[0], found[1]))
        return True, idiom, tuple(owned)

    def scan_raw(
        self, tokens: Tokens, languages: Sequence[str], sentences: Iterable[int] | None = None
    ) -> list[Hit]:
        """Hits of the raw (``re:``) patterns in ``sentences`` (all when None); a pattern
        holding ``\\d`` is tried only on a sentence with a digit."""
        out: list[Hit] = []
        for s in range(len(tokens.bounds)) if sentences is None else sentences:
            text = tokens.text(s)
            for pattern in (self.raw_pattern, self.digit_pattern):
                if pattern is None or (pattern is self.digit_pattern and not _DIGIT.search(text)):
                    continue
                pos = 0
                while (m := pattern.search(text, pos)) is not None:
                    pos = m.start() + 1
                    if m.start() and text[m.start() - 1].isalnum():
                        continue  # not at a word start
                    owners = self._raw_owners(m.group(0))
                    first = tokens.bounds[s][0]
                    for lang in languages:
                        fams = owners.get(lang)
                        if fams:
                            out.append(Hit(first, first, s, m.group(0), lang, *_owned(fams)))
        return out

    def _raw_owners(self, found: str) -> Mapping[str, tuple[str, ...]]:
        cached = self.raw_cache.get(found)
        if cached is not None:
            return cached
        owners: dict[str, list[str]] = {}
        for pattern, by_lang in self.raw:
            if pattern.fullmatch(found):
                for lang, names in by_lang.items():
                    slot = owners.setdefault(lang, [])
                    slot.extend(n for n in names if n not in slot)
        result = {k: tuple(v) for k, v in owners.items()}
        if len(self.raw_cache) < 4096:
            self.raw_cache[found] = result
        return result



ON_DEMAND = frozenset({"clause.interjection", "clause.then", "clause.purpose", "clause.talk"})
"""Families left out of the scan and matched (``PhraseSet``) only in a sentence that a rule
asks about: their words are among the commonest ("to", "then", "da", "great"), and a hit at
nearly every sentence cost more than the rules that read them."""


@dataclass(frozen=True)
class PhraseSet:
    """Phrases matched on demand within one sentence, indexed by their first word."""

    first: Mapping[str, tuple[tuple[Element, ...], ...]]
    stems: tuple[tuple[str, tuple[Element, ...]], ...]  # phrases whose first word is a prefix
    at_start: bool = False  # every phrase begins with "^": only clause starts are tried

    @classmethod
    def of(cls, phrases: Iterable[str]) -> PhraseSet:
        """The set of ``phrases`` (raw ``re:`` ones are not supported here and left out)."""
        first: dict[str, list[tuple[Element, ...]]] = {}
        stems: list[tuple[str, tuple[Element, ...]]] = []
        for phrase in phrases:
            if phrase.startswith("re:"):
                continue
            elems = phrase_elements(phrase)
            kind, value = elems[1] if elems[0][0] == START else elems[0]
            if kind == PREFIX:
                stems.append((value, elems))
            else:
                first.setdefault(value, []).append(elems)
        every = [e for v in first.values() for e in v] + [e for _, e in stems]
        at_start = bool(every) and all(e[0][0] == START for e in every)
        return cls({k: tuple(v) for k, v in first.items()}, tuple(stems), at_start)

    def spans(self, words: Sequence[str], first: int, stop: int) -> list[tuple[int, int]]:
        """(start, end) of every phrase found in ``words[first:stop]``, by start."""
        found: list[tuple[int, int]] = []
        get, stems = self.first.get, self.stems
        for i in range(first, stop):
            if self.at_start and i > first and words[i - 1] not in CLAUSE_MARKS:
                continue
            word = words[i]
            candidates = get(word, ())
            if stems:
                candidates += tuple(e for stem, e in stems if word.startswith(stem))
            for elems in candidates:
                if elems[0][0] == START and i > first and words[i - 1] not in CLAUSE_MARKS:
                    continue
                end = _match(elems, words, i, stop)
                if end > i:
                    found.append((i, end))
        return found


_PLAIN = None


def tokenize(text: str) -> Tokens:
    """Cut lower-cased ``text`` into tokens and sentences, without any lexicon."""
    global _PLAIN  # noqa: PLW0603 (one empty matcher, built on first use)
    if _PLAIN is None:
        _PLAIN = build_matcher({})
    return _PLAIN.read(text)


def phrase_matches(phrase: str, text: str) -> bool:
    """True when lexicon ``phrase`` occurs in ``text`` (a helper for tests and users)."""
    if phrase.startswith("re:"):
        return re.search(phrase[3:], text.lower()) is not None
    elems = phrase_elements(phrase)
    tokens = tokenize(text.lower())
    words = tokens.words
    return any(
        _match(elems, words, i, stop) > i
        for first, stop in tokens.bounds
        for i in range(first, stop)
        if elems[0][0] != START or i == first or words[i - 1] in CLAUSE_MARKS
    )


_TRIGGER_FAMILIES = ("activity.", "availability")


IDIOM = "negative.idiom"


def _owned(names: Iterable[str]) -> tuple[tuple[str, ...], frozenset[str]]:
    """Families (the idiom marker left out) and their kinds: each name and its prefixes."""
    fams = tuple(n for n in names if n != IDIOM)
    kinds = {".".join(n.split(".")[:k]) for n in fams for k in range(1, n.count(".") + 2)}
    return fams, frozenset(kinds)


def build_matcher(lexicons: Mapping[str, Mapping[str, tuple[str, ...]]]) -> Matcher:
    """Build one matcher from language -> family name -> phrases."""
    owners, raw_owners, anchors, activity_anchors = _owners(lexicons)
    phrases = tuple(
        _Phrase(
            elems,
            {lang: _owned(names) for lang, names in by_lang.items()},
            frozenset(lang for lang, names in by_lang.items() if IDIOM in names),
            frozenset(by_lang),
            elems[0][0] == START,
        )
        for elems, by_lang in owners.items()
    )
    roots, stem_roots = _trie(phrases)
    raw = tuple(
        (re.compile(pattern), {lang: tuple(n) for lang, n in by_lang.items()})
        for pattern, by_lang in raw_owners.items()
    )
    digits = [p for p in raw_owners if "\\d" in p]
    letters = [p for p in raw_owners if "\\d" not in p]
    raw_pattern = re.compile("|".join(f"(?:{p})" for p in letters)) if letters else None
    digit_pattern = (
        re.compile("|".join(f"(?:{_fast_start(p)})" for p in digits)) if digits else None
    )
    return Matcher(
        phrases,
        roots,
        tuple(stem_roots),
        raw_pattern,
        digit_pattern,
        raw,
        anchors.frozen(),
        activity_anchors.frozen(),
        frozenset(pid for pid, p in enumerate(phrases) if p.at_start),
    )


_Owners = dict[tuple[Element, ...], dict[str, list[str]]]


def _owners(
    lexicons: Mapping[str, Mapping[str, tuple[str, ...]]],
) -> tuple[_Owners, dict[str, dict[str, list[str]]], _AnchorSet, _AnchorSet]:
    """Every phrase (or raw pattern) with the families it belongs to, per language; and
    the anchors of the meeting and availability phrases."""
    owners: _Owners = {}
    raw_owners: dict[str, dict[str, list[str]]] = {}
    anchors = _AnchorSet()
    activity_anchors = _AnchorSet()
    for lang, families in lexicons.items():
        for name, family_phrases in families.items():
            if name in ON_DEMAND:
                continue
            for phrase in family_phrases:
                where = f"lexicons/{lang}.toml [{name}]: phrase {phrase!r}"
                if phrase.startswith("re:"):
                    try:
                        re.compile(phrase[3:])
                    except re.error as exc:
                        raise ConfigError(f"{where} is not valid: {exc}") from exc
                    slot = raw_owners.setdefault(phrase[3:], {}).setdefault(lang, [])
                else:
                    try:
                        elems = phrase_elements(phrase)
                    except ValueError as exc:
                        raise ConfigError(f"{where} is not valid: {exc}") from exc
                    slot = owners.setdefault(elems, {}).setdefault(lang, [])
                    if name.startswith(_TRIGGER_FAMILIES):
                        anchors.add(elems)
                        if name.startswith("activity."):
                            activity_anchors.add(elems)
                if name not in slot:
                    slot.append(name)
    return owners, raw_owners, anchors, activity_anchors


def _trie(phrases: Sequence[_Phrase]) -> tuple[dict[str, _Node], list[tuple[str, _Node]]]:
    """The phrase trie: roots by first word, and by first-word prefix."""
    roots: dict[str, _Node] = {}
    stem_roots: list[tuple[str, _Node]] = []
    for pid, phrase in enumerate(phrases):
        elems = phrase.elements[1:] if phrase.at_start else phrase.elements
        (kind, value), rest = elems[0], elems[1:]
        if kind == PREFIX:
            node = next((n for stem, n in stem_roots if stem == value), None)
            if node is None:
                node = _Node()
                stem_roots.append((value, node))
        else:
            node = roots.setdefault(value, _Node())
        for step, word in rest:
            node = node.child(step, word)
        node.ends += (pid,)
    return roots, stem_roots


_COMMON_WORDS = (
    "a an the and or but of to in on at for with by from up out about as into over after "
    "before i you he she it we they me him her us them my your our their this that these "
    "those is are was were be been am do does did have has had will would can could should "
    "shall may might must let s re ll d m ve t get got go going come take make give know see "
    "find some any all one when what where how who there here other more just so not no if "
    "then than also again back down off well very really much many still even now each way "
    "work works free time times around few bit chance happy short quick half person face "
    "business bring stop good great new next last first day week der die das den dem des ein "
    "eine einen und oder aber zu im in am an auf für mit von bei ich du sie er es wir ihr mir "
    "mich dir dich uns ihnen ist sind war bin hast haben hat wird werden kann können mal noch "
    "auch schon nicht gern gerne wann wie was wo zeit og i på til for med av en et ei den det "
    "de jeg du vi dere meg deg oss er var har kan vil skal ikke også bare så nå når hva hvor "
    "gjerne tid se "
)
_COMMON = frozenset(_COMMON_WORDS.split())
"""Words too common to anchor a phrase in the pre-test: a phrase made of these only is
anchored by a pair of adjacent words."""


class _AnchorSet:
    """Anchors while the lexicon is built."""

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.pairs: set[tuple[str, str]] = set()
        self.prefixes: set[str] = set()

    def add(self, elems: tuple[Element, ...]) -> None:
        """Anchor one phrase: its longest uncommon word, else a pair of adjacent words, else
        its longest common word, else the prefix of a word."""
        runs: list[list[str]] = [[]]
        for kind, value in elems:
            if kind == EXACT:
                runs[-1].extend(quick_words(value))
            elif runs[-1]:
                runs.append([])
        words = [w for run in runs for w in run]
        rare = [w for w in words if w not in _COMMON]
        pairs = [(run[k], run[k + 1]) for run in runs for k in range(len(run) - 1)]
        if rare:
            self.words.add(max(rare, key=len))
        elif pairs:
            self.pairs.add(max(pairs, key=lambda p: len(p[0]) + len(p[1])))
        elif words:
            self.words.add(max(words, key=len))
        else:
            stem = max((v for k, v in elems if k == PREFIX), key=len)
            self.prefixes.add(quick_words(stem)[-1] if quick_words(stem) else stem)

    def frozen(self) -> Anchors:
        prefixes = tuple(sorted(self.prefixes))
        led = re.compile(" (?:" + "|".join(map(re.escape, prefixes)) + ")") if prefixes else None
        return Anchors(frozenset(self.words), frozenset(self.pairs), prefixes, led)


_SLOW_STARTS = ((r"\d{1,2}", r"\d\d?"), (r"\d{1,3}", r"\d\d?\d?"), (r"\d+", r"\d\d*"))


def _fast_start(pattern: str) -> str:
    """A raw pattern rewritten to begin with a character (class) the engine can skip to."""
    pattern = pattern.removeprefix(r"\b")
    for slow, fast in _SLOW_STARTS:
        if pattern.startswith(slow):
            return fast + pattern[len(slow) :]
    return pattern
