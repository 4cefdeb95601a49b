"""The matcher's C-speed shortcuts say exactly what the plain Python they replace says."""

from __future__ import annotations

from operator import methodcaller

import pytest

from responder.cues import load_lexicon, quick_words
from responder.matcher import any_ends_with

WORDS = [
    [],
    ["arbeitsfrühstück"],
    ["ein", "feierabendbier", "?"],
    ["bier"],
    ["lunch.", "x"],
    ["a+b", "c"],
    ["kaffee", "und", "kuchen"],
]
SUFFIXES = [
    ("frühstück", "bier"),
    ("",),
    ("a b", "b"),
    ("+b",),
    ("h.",),
    ("kuchen", "x"),
]


@pytest.mark.parametrize("words", WORDS)
@pytest.mark.parametrize("suffixes", SUFFIXES)
def test_any_ends_with_is_endswith(words: list[str], suffixes: tuple[str, ...]) -> None:
    assert any_ends_with(words, suffixes) == any(map(methodcaller("endswith", suffixes), words))


@pytest.mark.parametrize(
    "text",
    ["Let's grab a cocktail", "ein Wunschtermin?", "møtes vi?", "no cue here", "", "brewskis"],
)
def test_anchor_prefixes_are_startswith(text: str) -> None:
    anchors = load_lexicon().matcher.anchors
    words = quick_words(text.lower())
    plain = any(map(methodcaller("startswith", anchors.prefixes), words))
    led = anchors.led is not None and anchors.led.search(" " + " ".join(words)) is not None
    assert led == plain
