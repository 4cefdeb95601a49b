"""Cue lexicons as data: load the packaged TOML files, extend them from a user folder, compile.

Each language file (``en.toml``, ``de.toml``, ``nb.toml``, ``common.toml``) holds tables of
phrases grouped into *families* (``activity.coffee``, ``request.strong``, ``negative.past``,
...). The classifier knows what each family means; the files only say which words carry it.
The phrase syntax is documented at the top of every packaged file. A user folder may hold
files with the same names; their phrases are added to the packaged ones (weights replace).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from operator import methodcaller
from pathlib import Path
from typing import Any

from responder import lexcache
from responder.errors import ConfigError
from responder.matcher import (
    EXACT,
    Hit,
    Matcher,
    Tokens,
    any_ends_with,
    build_matcher,
    phrase_elements,
    quick_words,
    tokenize,
)

LANGUAGES = ("en", "de", "nb")

WORD_FAMILIES = ("you", "lead")
"""Families of single words, looked up as sets (a phrase of several words adds each word)."""
"""Languages that have their own lexicon; "common" is shared by all of them."""

FAMILIES = frozenset(
    {
        "activity.coffee",
        "activity.lunch",
        "activity.dinner",
        "activity.drinks",
        "activity.breakfast",
        "activity.call",
        "activity.meeting",
        "activity.pick_brain",
        "activity.catch_up",
        "request.strong",
        "request.weak",
        "availability",
        "time",
        "duration",
        "you",
        "negative.past",
        "negative.confirm",
        "negative.decline",
        "negative.remote",
        "negative.work",
        "negative.office",
        "negative.idiom",
        "negative.logistics",
        "negative.third_party",
        "message.bulk",
        "message.mass",
        "message.out_of_office",
        "message.event",
        "message.notice",
        "message.joke",
        "message.personal",
        "signal.referral",
        "signal.budget",
        "signal.timeline",
        "signal.need",
        "signal.authority",
        "signal.long_meeting",
        "signal.call",
        "signal.introduction",
        "clause",
        "lead",
    }
)
"""Every family a lexicon may fill; an unknown name in a file is a ConfigError. A name may
add one more part (``[activity.meeting.social]``): a sub-family with its own weight that
plays its parent's role, so a list can hold strong and weak cues of one kind."""


@lru_cache(maxsize=1024)
def base_family(name: str) -> str | None:
    """The known family ``name`` is or belongs to
    (``activity.meeting.social`` -> ``activity.meeting``)."""
    if name in FAMILIES:
        return name
    parent = name.rpartition(".")[0]
    return parent if parent in FAMILIES else None

@dataclass(frozen=True)
class Family:
    """One cue family of one language: its weight and its phrases."""

    name: str
    language: str
    weight: float
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Calendar:
    """Words the date resolver needs for one language."""

    weekdays: tuple[tuple[str, ...], ...]  # Monday first; each day may have several spellings
    months: tuple[tuple[str, ...], ...]  # January first
    relative_days: Mapping[str, int]  # "tomorrow" -> 1
    next_words: tuple[str, ...]  # "next" in "next Tuesday"
    week_words: tuple[str, ...]  # "week" in "next week"


COMPOUND_PREFIX = 3
"""Letters a compound needs before its head: "Arbeitsfrühstück" is one, "Bier" is not."""


@dataclass(frozen=True)
class Compounds:
    """Heads of compound meeting words of one language ("frühstück" in "Arbeitsfrühstück",
    "pils" in "fredagspils"): German and Norwegian build new ones freely, so no list of whole
    words can hold them all."""

    heads: tuple[str, ...]  # longest first
    family: Mapping[str, str]  # head -> activity family

    def head_of(self, word: str) -> str | None:
        """The head ``word`` is a compound of (None when it is none, or the head alone)."""
        if len(word) < COMPOUND_PREFIX + 2 or not word.endswith(self.heads):
            return None
        for head in self.heads:
            if word.endswith(head) and len(word) - len(head) >= COMPOUND_PREFIX:
                return head if word[-len(head) - 1].isalpha() else None
        return None


__all__ = [
    "Calendar", "Compounds", "Family", "Hit", "Lexicon", "Tokens", "base_family",
    "load_lexicon", "quick_words", "tokenize",
]


@dataclass(frozen=True)
class Lexicon:
    """All families for all languages, plus the date words; built once by ``load_lexicon``."""

    families: Mapping[str, Mapping[str, Family]]  # language -> family name -> Family
    calendars: Mapping[str, Calendar]
    matcher: Matcher
    words: Mapping[str, Mapping[str, frozenset[str]]]  # language -> word family -> words
    compounds: Mapping[str, Compounds] = field(default_factory=dict)  # language -> heads
    compound_heads: tuple[str, ...] = ()  # the heads of every language
    plans: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    """Scratch space of the classifier (how each family is filed), filled on first use."""

    def family(self, language: str, name: str) -> Family:
        """The family ``name`` of ``language`` (an empty one if that language lacks it)."""
        found = self.families.get(language, {}).get(name)
        return found if found is not None else Family(name, language, 0.0, ())

    def weight(self, language: str, name: str) -> float:
        """The weight of one family (0 when the language lacks it)."""
        return self.family(language, name).weight

    def word_set(self, languages: Sequence[str], name: str) -> frozenset[str]:
        """The words of a word family (``you``, ``lead``) of any of ``languages``."""
        key = ("words", name, tuple(languages))
        found = self.plans.get(key)
        if found is None:
            found = self.plans[key] = frozenset().union(
                *(self.words.get(lang, {}).get(name, frozenset()) for lang in languages)
            )
        return found

    def scan(
        self, tokens: Tokens, languages: Sequence[str], raw_in: Iterable[int] | None = None
    ) -> list[Hit]:
        """Every cue of ``languages`` in ``tokens`` (see ``responder.matcher``)."""
        return self.matcher.scan(tokens, languages, raw_in)

    def scan_raw(
        self, tokens: Tokens, languages: Sequence[str], sentences: Iterable[int] | None = None
    ) -> list[Hit]:
        """Hits of the raw (``re:``) phrases only, in ``sentences`` (all when None)."""
        return self.matcher.scan_raw(tokens, languages, sentences)

    def compound_found(self, words: Sequence[str]) -> bool:
        """True when one of ``words`` (``quick_words`` output) is a compound meeting word of
        any language: the pre-test must not settle "Arbeitsfrühstück?" as cue-less."""
        if not self.compound_heads or not any_ends_with(words, self.compound_heads):
            return False
        ending = list(filter(methodcaller("endswith", self.compound_heads), words))  # C speed
        return any(c.head_of(w) for c in self.compounds.values() for w in ending)

    def read(self, text: str) -> Tokens:
        """Lower-cased ``text`` as tokens and sentences, with where cues may start."""
        return self.matcher.read(text)


def _tables(data: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Mapping[str, Any]]]:
    for key, value in data.items():
        if not isinstance(value, dict) or key in ("calendar", "compounds"):
            continue
        name = f"{prefix}{key}"
        if "phrases" in value or "weight" in value:
            yield name, value
        yield from _tables(value, name + ".")


def _merge(into: dict[str, dict[str, Any]], data: Mapping[str, Any], where: str) -> None:
    for name, table in _tables(data):
        if base_family(name) is None:
            raise ConfigError(f"{where}: unknown cue family [{name}]; known: {sorted(FAMILIES)}")
        phrases = table.get("phrases", [])
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise ConfigError(f"{where}: [{name}] phrases must be a list of strings")
        weight = table.get("weight")
        if weight is not None and not isinstance(weight, int | float):
            raise ConfigError(f"{where}: [{name}] weight must be a number")
        slot = into.setdefault(name, {"weight": 1.0, "phrases": []})
        if weight is not None:
            slot["weight"] = float(weight)
        slot["phrases"].extend(phrases)


def _compound_heads(
    into: dict[str, str], data: Mapping[str, Any], where: str
) -> None:
    """Add the ``[compounds]`` table of one file (family = [heads]) to ``into``."""
    table = data.get("compounds", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [compounds] must be a table of family = [heads]")
    for family, heads in table.items():
        if base_family(family) is None or not family.startswith("activity."):
            raise ConfigError(f"{where}: [compounds] {family}: not an activity family")
        if not isinstance(heads, list) or not all(isinstance(h, str) for h in heads):
            raise ConfigError(f"{where}: [compounds] {family} must be a list of words")
        for head in heads:
            into[head.lower()] = family


def _compounds(heads: Mapping[str, str]) -> Compounds:
    return Compounds(tuple(sorted(heads, key=len, reverse=True)), dict(heads))


def _calendar(data: Mapping[str, Any], where: str) -> Calendar:
    cal = data.get("calendar", {})
    try:
        weekdays = tuple(tuple(str(s) for s in day) for day in cal.get("weekdays", []))
        months = tuple(tuple(str(s) for s in month) for month in cal.get("months", []))
        relative = {str(k): int(v) for k, v in cal.get("relative_days", {}).items()}
        nxt = tuple(str(s) for s in cal.get("next", []))
        week = tuple(str(s) for s in cal.get("week", []))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: [calendar] is malformed: {exc}") from exc
    if weekdays and len(weekdays) != 7:
        raise ConfigError(f"{where}: [calendar] weekdays needs 7 entries, Monday first")
    if months and len(months) != 12:
        raise ConfigError(f"{where}: [calendar] months needs 12 entries, January first")
    return Calendar(weekdays, months, relative, nxt, week)


def _read(path_text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path_text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from exc


@lru_cache(maxsize=8)
def load_lexicon(extra_dir: Path | None = None) -> Lexicon:
    """Load the packaged lexicons, extended by ``extra_dir/<lang>.toml`` files if given.

    Cached per ``extra_dir``: call it once at start-up and pass the result to ``classify``.
    Across processes, the built lexicon is kept in the user's cache folder (see
    :mod:`responder.lexcache`), keyed by the files' contents: a start-up then unpickles it
    (~0.05 s) instead of parsing the TOML and building the phrase trie (~0.2 s).
    """
    if extra_dir is not None and not extra_dir.is_dir():
        raise ConfigError(f"lexicon folder {extra_dir} does not exist")
    texts = _lexicon_texts(extra_dir)
    key = lexcache.key(texts)
    with lexcache.gc_paused():  # tens of thousands of new objects: no collections meanwhile
        cached = lexcache.load(key)
        if isinstance(cached, Lexicon):
            return cached
        lexicon = _build_lexicon(texts, extra_dir)
    lexcache.store(key, lexicon)
    return lexicon


def _lexicon_texts(extra_dir: Path | None) -> dict[str, str]:
    """Every lexicon file's text by where it comes from: ``lexicons/<name>.toml`` for the
    packaged ones, the path for the user's."""
    package = resources.files("responder") / "data" / "lexicons"
    texts: dict[str, str] = {}
    for name in ("common", *LANGUAGES):
        texts[f"lexicons/{name}.toml"] = (package / f"{name}.toml").read_text("utf-8")
        if extra_dir is not None:
            user = extra_dir / f"{name}.toml"
            if user.is_file():
                texts[str(user)] = user.read_text("utf-8")
    return texts


def _build_lexicon(texts: Mapping[str, str], extra_dir: Path | None) -> Lexicon:
    common_raw = _read(texts["lexicons/common.toml"], "lexicons/common.toml")
    extra_common: dict[str, Any] = {}
    if extra_dir is not None:
        user_common = str(extra_dir / "common.toml")
        if user_common in texts:
            extra_common = _read(texts[user_common], user_common)
    families: dict[str, dict[str, Family]] = {}
    calendars: dict[str, Calendar] = {}
    compounds: dict[str, Compounds] = {}
    for lang in LANGUAGES:
        where = f"lexicons/{lang}.toml"
        raw = _read(texts[where], where)
        heads: dict[str, str] = {}
        _compound_heads(heads, raw, where)
        merged: dict[str, dict[str, Any]] = {}
        _merge(merged, common_raw, "lexicons/common.toml")
        _merge(merged, raw, where)
        _merge(merged, extra_common, str(extra_dir))
        cal_data = raw
        if extra_dir is not None:
            user = str(extra_dir / f"{lang}.toml")
            if user in texts:
                user_raw = _read(texts[user], user)
                _merge(merged, user_raw, user)
                _compound_heads(heads, user_raw, user)
                if "calendar" in user_raw:
                    cal_data = user_raw
        calendars[lang] = _calendar(cal_data, where)
        if heads:
            compounds[lang] = _compounds(heads)
        families[lang] = {
            name: Family(name, lang, slot["weight"], tuple(slot["phrases"]))
            for name, slot in merged.items()
        }
    matcher = build_matcher(
        {
            lang: {n: f.phrases for n, f in fams.items() if n not in WORD_FAMILIES}
            for lang, fams in families.items()
        }
    )
    words = {
        lang: {
            name: frozenset(
                value
                for phrase in fams[name].phrases
                for kind, value in phrase_elements(phrase)
                if kind == EXACT and value[:1].isalnum()
            )
            for name in WORD_FAMILIES
            if name in fams
        }
        for lang, fams in families.items()
    }
    every = tuple(sorted({h for c in compounds.values() for h in c.heads}))
    return Lexicon(families, calendars, matcher, words, compounds, every)
