"""Which language the sender wrote in: a cheap function-word vote, lingua where it is close.

Most mail is settled by counting function words (microseconds). lingua, built once and
lazily with only the languages we meet, is asked when the vote is close or points at the
Scandinavian cluster, where bokmål, nynorsk, Danish and Swedish share most short words; its
input is capped, so a long mail costs no more than a short one. Priors (the previous
language of the thread, the sender's country domain) break near-ties and carry very short
texts. Codes are ISO 639-1 ("en", "de", "nb", "nn", "da", "sv", ...) or "und".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

LINGUA_CAP = 400
"""Characters passed to lingua: its cost grows with length, and 400 are plenty to decide."""

VOTE_WEIGHT = 0.04
"""What one function-word hit adds to lingua's confidence (ties among the Scandinavian
standards and short texts are settled by the words more than by character n-grams)."""

NORDIC = frozenset({"nb", "nn", "da", "sv"})

TLD_LANGUAGE = {"no": "nb", "de": "de", "at": "de", "ch": "de", "dk": "da", "se": "sv"}

_FUNCTION_WORDS: dict[str, str] = {
    "en": "the and you to of is it for that this with have are be on at we can will would "
    "your i'm i'll let's what how about just if not was from our my me so do want get "
    "when you're don't can't it's that's there they them been has had should could "
    "any some tonight tomorrow week thanks please know let",
    "de": "der die das und ich sie du nicht ist mit sich auf für wir ein eine einen dem den "
    "zu es auch wie noch wäre hätten haben habe bin uns ihnen dir dich mir mich kann können "
    "gerne würde oder aber schon mal bei von nach grüße viele liebe hallo",
    "nb": "jeg ikke hva hvordan meg deg seg av etter noen noe uke gjerne takk mye litt og det "
    "er til på for med som har vil kan du vi en et hvis bare fra dere hver hjem kanskje "
    "hilsen neste møtes treffes tid lyst være",
    "nn": "eg ikkje kva korleis meg deg seg av etter nokon noko veke gjerne takk mykje litt og "
    "det er til på for med som har vil kan du vi ein eit viss berre frå dykk kvar heim "
    "kanskje helsing neste møtast treffast tid lyst vere",
    "da": "jeg ikke hvad hvordan mig dig sig af efter nogen noget uge gerne tak meget lidt og "
    "det er til på for med som har vil kan du vi en et hvis bare fra jer hver hjem måske "
    "hilsen næste mødes ses tid lyst være",
    "sv": "jag inte vad hur mig dig sig av efter någon något vecka gärna tack mycket lite och "
    "det är till på för med som har vill kan du vi en ett om bara från er varje hem kanske "
    "hälsningar nästa träffas ses tid lust vara att och",
    "fr": "le la les et je vous nous est une des pour pas que qui dans avec sur au aux du "
    "merci bonjour cordialement",
    "es": "el la los las y que de en un una por para con no es su se lo al del gracias hola",
    "nl": "de het een en ik je jij niet is van op te dat die voor met zijn wij ons graag "
    "groeten bedankt",
    "it": "il lo la gli le e che di un una per non con sono si ciao grazie della del",
    "pt": "o os as e que de em um uma para com não é se do da obrigado olá você",
    "pl": "i w z na nie że się to jest jak do po dla czy tak pan pani dziękuję",
}

_TABLE: dict[str, frozenset[str]] = {}
for _lang, _words in _FUNCTION_WORDS.items():
    for _w in _words.split():
        _TABLE[_w] = _TABLE.get(_w, frozenset()) | {_lang}

# A word used by one Scandinavian standard only ("ikkje", "hvad", "inte") counts double.
_DISTINCT = frozenset(
    w for w, langs in _TABLE.items() if len(langs & NORDIC) == 1 and langs & NORDIC == langs
)
_LETTERS = re.compile(r"[\W\d_]+")
_TOKEN = re.compile("[^\\W\\d_]+(?:['\u2019][^\\W\\d_]+)?")


@dataclass(frozen=True)
class LanguageHints:
    """Priors for short or close texts: the thread's last language and the sender's TLD."""

    previous_language: str | None = None
    domain_tld: str | None = None


@dataclass(frozen=True)
class LanguageGuess:
    """The detected language, a confidence in [0, 1] and a short reason."""

    code: str
    confidence: float
    reason: str


def vote(text: str) -> Counter[str]:
    """Function-word vote per language; words unique to one Scandinavian standard count 2."""
    counts: Counter[str] = Counter()
    for token in _TOKEN.findall(text.lower()):
        langs = _TABLE.get(token)
        if not langs:
            continue
        weight = 2 if token in _DISTINCT else 1
        for lang in langs:
            counts[lang] += weight
    return counts


_LINGUA_CODES = {
    "ENGLISH": "en", "GERMAN": "de", "BOKMAL": "nb", "NYNORSK": "nn", "DANISH": "da",
    "SWEDISH": "sv", "FRENCH": "fr", "SPANISH": "es", "DUTCH": "nl", "ITALIAN": "it",
    "PORTUGUESE": "pt", "POLISH": "pl",
}


@lru_cache(maxsize=1)
def _detector() -> Any:
    """The lingua detector, built on first use (low-accuracy mode: ~30 MB instead of ~320)."""
    from lingua import Language, LanguageDetectorBuilder  # noqa: PLC0415 (heavy, lazy import)

    languages = [getattr(Language, name) for name in _LINGUA_CODES]
    return (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


def lingua_scores(text: str) -> dict[str, float]:
    """lingua's confidence per ISO code for ``text`` (capped at LINGUA_CAP characters)."""
    values = _detector().compute_language_confidence_values(text[:LINGUA_CAP])
    return {_LINGUA_CODES[v.language.name]: float(v.value) for v in values if v.value > 0.0}


def _prior(hints: LanguageHints | None) -> str | None:
    if hints is None:
        return None
    if hints.previous_language:
        return hints.previous_language
    if hints.domain_tld:
        return TLD_LANGUAGE.get(hints.domain_tld.lower().lstrip("."))
    return None


def detect_language(
    text: str, *, subject: str = "", hints: LanguageHints | None = None
) -> LanguageGuess:
    """Detect the language of ``subject`` + ``text``; see the module docstring for the method."""
    sample = f"{subject}\n{text}" if subject else text
    sample = sample[: LINGUA_CAP * 3]
    counts = vote(sample)
    letters = len(_LETTERS.sub("", sample))
    prior = _prior(hints)
    ranked = counts.most_common(3)
    top, top_n = ranked[0] if ranked else ("und", 0)
    second_n = ranked[1][1] if len(ranked) > 1 else 0
    if top_n >= 4 and top not in NORDIC and top_n >= 2 * second_n:
        confidence = min(0.99, 0.5 + 0.5 * (1 - second_n / top_n))
        return LanguageGuess(top, confidence, f"lang {top} (words)")
    if letters < 12:
        if prior:
            return LanguageGuess(prior, 0.3, f"lang {prior} (prior, text too short)")
        return LanguageGuess("und", 0.0, "lang und (text too short)")
    scores = lingua_scores(_strip_noise(sample))
    if not scores:
        return LanguageGuess(prior or "und", 0.2, "lang und (lingua undecided)")
    for code, n in counts.items():  # lingua is weak on short text; the vote steadies it
        scores[code] = scores.get(code, 0.0) + VOTE_WEIGHT * n
    if prior in scores:
        scores[prior] += 0.1
    best = max(scores, key=scores.__getitem__)
    total = sum(scores.values())
    confidence = round(scores[best] / total, 2) if total else 0.0
    return LanguageGuess(best, confidence, f"lang {best} {confidence:.2f}")


_NOISE = re.compile(r"https?://\S+|\S+@\S+|[\d_*=#>|~-]{2,}")


def _strip_noise(text: str) -> str:
    return _NOISE.sub(" ", text)
