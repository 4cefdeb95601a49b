"""Sentence shapes that change what a proposal means, read on demand; pure.

- **An acceptance opened by an interjection.** "Super, dann machen wir das so: Donnerstag
  beim Italiener", "Great, lunch on Friday then", "Flott, da tar vi en kaffe": approval in a
  clause (or a sentence) of its own, then a word that draws the consequence in the next
  clause. The interjection bears on the whole statement as a confirmation. Without that
  word ("Super, hast du nächste Woche Zeit für einen Kaffee?") it reacts to news and says
  nothing about the proposal.
- **Time asked for a task.** "Do you have time to help me move?", "Hast du Zeit, mir beim
  Umzug zu helfen?", "Har du tid til å hjelpe meg å flytte?": an infinitive of purpose
  after a request for time, in a sentence that names no meeting, says the time is for a
  favour, unless a talk verb or a word of doing it together follows ("20 minutes of your
  time to talk about careers", "Zeit, mit mir eine Runde um den See zu drehen").

Their words (the families ``clause.interjection``, ``clause.then``, ``clause.purpose`` and
``clause.talk``) are among the commonest of a language ("to", "then", "da"), so the matcher
leaves them out of its scan (``matcher.ON_DEMAND``) and they are looked for only in the
sentences these rules ask about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from responder.cues import Lexicon
from responder.matcher import CLAUSE_MARKS, PhraseSet

if TYPE_CHECKING:
    from responder.sentences import Sentence

INTERJECTION_WORDS = 3
"""Words a sentence of its own may have to count as an interjection that opens the next one
("Super!", "Sounds great!")."""

_ENDS = frozenset({".", "!", "?"})

_HEAD = 2 * INTERJECTION_WORDS + 2
"""Tokens at a sentence's start within which an opening interjection's clause must end
(after a greeting at most: "Hi Anna, great, then ...")."""


@dataclass(frozen=True)
class Shapes:
    """The on-demand phrase sets of the languages read, and what an acceptance subtracts."""

    interjection: PhraseSet
    then: PhraseSet
    purpose: PhraseSet
    talk: PhraseSet
    weight: float


def shapes_for(lexicon: Lexicon, languages: Sequence[str]) -> Shapes:
    """The shapes of ``languages``, built once per set of languages."""
    key = ("shapes", tuple(languages))
    found: Shapes | None = lexicon.plans.get(key)
    if found is None:

        def union(name: str) -> PhraseSet:
            return PhraseSet.of(p for lang in languages for p in lexicon.family(lang, name).phrases)

        weight = max(lexicon.weight(lang, "clause.interjection") for lang in languages)
        found = lexicon.plans[key] = Shapes(
            union("clause.interjection"), union("clause.then"), union("clause.purpose"),
            union("clause.talk"), weight,
        )
    return found


def _opening(spans: list[tuple[int, int]], words: Sequence[str], stop: int) -> int:
    """Token of the first interjection of ``spans`` that stands alone in its clause
    (followed by a mark or the end of the sentence); -1 when there is none."""
    for start, end in spans:
        if end >= stop or words[end] in CLAUSE_MARKS or words[end] in _ENDS:
            return start
    return -1


def acceptance(s: Sentence) -> str:
    """The interjection that makes statement ``s`` an acceptance: it opens the sentence (or
    follows a greeting) and the next clause draws the consequence; "" when it is none."""
    if s.shapes is None or s.question:
        return ""
    words = s.tokens.words
    if CLAUSE_MARKS.isdisjoint(words[s.first : s.first + _HEAD]):
        return ""  # no clause of its own near the start: most sentences end here
    at = _opening(s.shape("interjection"), words, s.stop)
    if at < 0 or s.clause(at) > 1:
        return ""
    follows = s.clause(at) + 1  # "Klasse, dass du da bist, dann ..." draws no consequence
    if any(s.clause(t) == follows for t, _ in s.shape("then")):
        return words[at]
    return ""


def accepted_before(sentences: dict[int, Sentence], i: int) -> str:
    """The interjection standing as the sentence before ``i`` ("Perfekt!") when sentence
    ``i`` draws the consequence in its first clause ("Dann machen wir das so: ...")."""
    s = sentences[i]
    if s.shapes is None or s.question or i == 0:
        return ""
    words = s.tokens.words
    first, stop = s.tokens.bounds[i - 1]
    if sum(1 for w in words[first:stop] if w[0].isalnum()) > INTERJECTION_WORDS:
        return ""
    if not any(s.clause(t) == 0 for t, _ in s.shape("then")):
        return ""
    at = _opening(s.shapes.interjection.spans(words, first, stop), words, stop)
    return words[at] if at >= 0 else ""


def task(s: Sentence) -> str:
    """The infinitive of purpose after the request for time of ``s`` (a sentence that names
    no meeting), as a reason; "" when there is none. A time after the word is a range, not
    a purpose ("free Monday to Wednesday", "Zeit um 10"); a talk verb or "with me" after
    the request makes the time a conversation or something done together."""
    if s.shapes is None or s.availability is None:
        return ""
    words, asked = s.tokens.words, s.availability[1]
    for k, _ in s.shape("purpose"):
        nxt = k + 1
        if k < asked or (nxt < s.stop and (nxt in s.soft or words[nxt][0].isdigit())):
            continue
        if any(t > asked for t, _ in s.shape("talk")):
            return ""
        return f'for a task ("{" ".join(words[k : min(nxt + 2, s.stop)])}")'
    return ""
