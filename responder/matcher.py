"""The phrase matcher: lexicon phrases -> two compiled regexes -> hits with their families.

Plain phrases go into one trie-shaped regex (shared prefixes factored out), so one pass over
the text finds the longest phrase at every word start; phrases with a gap (``...``), a
prefix (``word*``) or a raw pattern (``re:``) go into a second regex. Each hit is mapped
back to every family its phrase belongs to, including the families of shorter cues it
holds ("do you have lunch plans" is also "lunch"). Text must be lower-cased first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from responder.errors import ConfigError

_WORD = r"[^\W_]"
_GAP = r"(?:[^\W_]+[\s,\-]+){0,4}?"
_SEP = r"[\s\-]+"
_SEP_RE = re.compile(_SEP)
_START = r"(?<![^\W_])"
_APOSTROPHES = "['\u2019]"
_CURLY = "\u2019"
_GAP_TOKEN = "..."  # noqa: S105 (the gap marker of the phrase syntax, not a secret)
_END = r"(?![^\W_])"


def _atoms(phrase: str) -> list[str]:
    """Regex atoms of one lexicon phrase (lower-cased): one per character, separator or gap."""
    out: list[str] = []
    tokens = phrase.lower().split()
    for i, token in enumerate(tokens):
        if token == _GAP_TOKEN:
            out.extend((_SEP, _GAP) if i else (_GAP,))
            continue
        if i and tokens[i - 1] != _GAP_TOKEN:
            out.append(_SEP)
        star = token.endswith("*") and len(token) > 1
        body = token[:-1] if star else token
        out.extend(_APOSTROPHES if ch == "'" else re.escape(ch) for ch in body)
        if star:
            out.append(_WORD + "*")
    if not tokens[-1].endswith("*") and tokens[-1][-1:].isalnum():
        out.append(_END)
    return out


_CACHE_SIZE = 4096
"""Families of wildcard matches ("monday", "14 may") are remembered, up to this many texts."""

_SLOW_STARTS = ((r"\d{1,2}", r"\d\d?"), (r"\d{1,3}", r"\d\d?\d?"), (r"\d+", r"\d\d*"))


def _fast_start(pattern: str) -> str:
    """A raw pattern rewritten to begin with a character (class) the engine can skip to."""
    pattern = pattern.removeprefix(r"\b")
    for slow, fast in _SLOW_STARTS:
        if pattern.startswith(slow):
            return fast + pattern[len(slow) :]
    return pattern


def phrase_to_regex(phrase: str) -> str:
    """Translate one lexicon phrase into a regex (see the syntax in common.toml).

    ``re:...`` is a raw regex (it sees lower-cased text); otherwise spaces match any run of
    spaces or hyphens, ``*`` ending a word matches the rest of the word, ``...`` matches up to
    four words in between, and the phrase must start and end on a word boundary.
    """
    if phrase.startswith("re:"):
        return phrase[3:]
    return _START + "".join(_atoms(phrase))


def _trie(phrases: Iterable[str]) -> str:
    """One alternation of many phrases, shared prefixes factored out, longest branch first."""
    root: dict[str, Any] = {}
    for phrase in phrases:
        node = root
        for atom in _atoms(phrase):
            node = node.setdefault(atom, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        # A branch that only ends the word is tried last, so "sie beide" wins over "sie".
        keys = sorted((k for k in node if k), key=lambda k: k == _END)
        if not keys:
            return ""
        alts = [k + emit(node[k]) for k in keys]
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


def _key(text: str) -> str:
    return _SEP_RE.sub(" ", text.lower().replace(_CURLY, "'")).strip()


@dataclass(frozen=True)
class Hit:
    """One cue found in a text: where, what, and every family it belongs to."""

    start: int
    end: int
    text: str
    families: tuple[str, ...]


@dataclass(frozen=True)
class Matcher:
    """All phrases of one language in two regexes (plain phrases as one trie; phrases with
    a gap, a prefix or a raw pattern in the other); a hit is mapped back to its families."""

    pattern: re.Pattern[str]
    wild_pattern: re.Pattern[str] | None
    literal: Mapping[str, tuple[str, ...]]
    wildcard: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]
    triggers: frozenset[str] = frozenset()
    trigger_prefixes: re.Pattern[str] | None = None
    cache: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def may_match(self, tokens: frozenset[str], text: str) -> bool:
        """False only when ``text`` (its word set ``tokens``) cannot hold a meeting cue."""
        if tokens & self.triggers:
            return True
        return self.trigger_prefixes is not None and self.trigger_prefixes.search(text) is not None

    def scan(self, text: str) -> list[Hit]:
        """Every cue in lower-cased ``text``: the longest plain phrase at each word start,
        plus every gap or prefix phrase, sorted by position.

        Plain matches may overlap ("30 minuten" and "minuten für mich"), but one that lies
        wholly inside an earlier, longer one is dropped: the longer phrase already carries
        the families of the cues it holds, except an idiom's ("free lunch" is no lunch).
        """
        out = []
        search = self.pattern.search
        pos = covered = 0
        while (m := search(text, pos)) is not None:
            start, end = m.span()
            pos = start + 1
            if end <= covered:
                continue
            covered = end
            found = m.group(0)
            families = self.literal.get(_key(found))
            if families:
                out.append(Hit(start, end, found, families))
        if self.wild_pattern is not None:
            search = self.wild_pattern.search
            pos = 0
            while (m := search(text, pos)) is not None:
                pos = m.start() + 1
                if m.start() and text[m.start() - 1].isalnum():
                    continue  # not at a word start
                families = self._wild(m.group(0))
                if families:
                    out.append(Hit(m.start(), m.end(), m.group(0), families))
            out.sort(key=lambda h: h.start)
        return out

    def _wild(self, found: str) -> tuple[str, ...]:
        cached = self.cache.get(found)
        if cached is not None:
            return cached
        fams: list[str] = []
        for pattern, names in self.wildcard:
            if pattern.fullmatch(found):
                fams.extend(n for n in names if n not in fams)
        if len(self.cache) < _CACHE_SIZE:
            self.cache[found] = tuple(fams)
        return tuple(fams)


def build_matcher(families: Mapping[str, tuple[str, ...]], where: str) -> Matcher:
    """Build the matcher of one language from family name -> phrases."""
    owners: dict[str, list[str]] = {}
    raw: dict[str, list[str]] = {}
    literal_phrases: set[str] = set()
    for name, phrases in families.items():
        for phrase in phrases:
            try:
                re.compile(phrase_to_regex(phrase))
            except re.error as exc:
                msg = f"{where} [{name}]: phrase {phrase!r} is not valid: {exc}"
                raise ConfigError(msg) from exc
            wild = phrase.startswith("re:") or "*" in phrase or _GAP_TOKEN in phrase
            bucket = raw if wild else owners
            key = phrase if bucket is raw else _key(phrase)
            if bucket is owners:
                literal_phrases.add(phrase)
            if name not in bucket.setdefault(key, []):
                bucket[key].append(name)
    body = _trie(sorted(literal_phrases))
    pattern = re.compile(_START + "(?:" + body + ")" if body else "(?!)")
    plain_wild = _trie(p for p in raw if not p.startswith("re:"))
    wild_alts = [plain_wild] if plain_wild else []
    wild_alts += [_fast_start(p[3:]) for p in raw if p.startswith("re:")]
    # No look-behind in front: a pattern that starts with a letter or a digit class lets the
    # regex engine skip ahead; the word-start rule is checked in scan() instead.
    wild_pattern = re.compile("|".join(f"(?:{a})" for a in wild_alts)) if wild_alts else None
    wildcard = tuple((re.compile(phrase_to_regex(p)), tuple(names)) for p, names in raw.items())
    base = Matcher(pattern, wild_pattern, {k: tuple(v) for k, v in owners.items()}, wildcard)
    # A phrase holding a shorter cue ("do you have lunch plans" holds "lunch") carries that
    # cue's families too, because the scan reports only the longest match at a position.
    literal: dict[str, tuple[str, ...]] = {}
    for key, names in base.literal.items():
        merged = list(names)
        if "negative.idiom" not in names:
            for word in re.finditer(r"(?<![^\W_])[^\W_]", key):
                for pat in (base.pattern, base.wild_pattern):
                    sub = pat.match(key, word.start()) if pat is not None else None
                    if sub is None or sub.group(0) == key:
                        continue
                    inner = base.literal.get(_key(sub.group(0))) or base._wild(sub.group(0))
                    merged.extend(
                        n for n in inner if n not in merged and n != "negative.idiom"
                    )
        literal[key] = tuple(merged)
    triggers, prefixes = _triggers(families)
    return Matcher(pattern, wild_pattern, literal, wildcard, triggers, prefixes)


TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
"""Words as the trigger test sees them (text lower-cased, curly apostrophes straightened)."""

_TRIGGER_FAMILIES = ("activity.", "availability")


def _triggers(
    families: Mapping[str, tuple[str, ...]],
) -> tuple[frozenset[str], re.Pattern[str] | None]:
    """For each meeting or availability phrase, the one word any text holding it must hold."""
    words: set[str] = set()
    prefixes: set[str] = set()
    for name, phrases in families.items():
        if not name.startswith(_TRIGGER_FAMILIES):
            continue
        for phrase in phrases:
            if phrase.startswith("re:"):
                prefixes.add(phrase[3:])
                continue
            plain = [t for t in phrase.lower().split() if t != _GAP_TOKEN and not t.endswith("*")]
            tokens = [w for t in plain for w in TOKEN.findall(t.replace(_CURLY, "'"))]
            if tokens:
                words.add(max(tokens, key=len))
            else:
                star = next(t for t in phrase.lower().split() if t.endswith("*"))
                prefixes.add(_START + re.escape(star[:-1]))
    pattern = re.compile("|".join(sorted(prefixes))) if prefixes else None
    return frozenset(words), pattern


