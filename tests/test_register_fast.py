"""The register's fast searches (lists of whole words led by their first letters, a multi-line
``^`` looked for as a line feed) find exactly what the plain patterns find, on texts built to
trip them and on every German text of the evaluation sets."""

from __future__ import annotations

import re

import pytest
from test_register_gates import TEXTS

from responder import register

TRICKY = [
    "Sie",
    "xSie Sie",
    "Ihrem Ihre Ihrerseits Ihr",
    "BSie, aSie und Sie",
    "_Sie Sie_ 1Sie",
    "Danke, LG\nJonas",
    "ALG VG GLGx GLG",
    "hey Jonas,",
    "Text\nhey Jonas,\n",
    "Text\n\n   Hallo Jana!",
    "Text hey Jonas,",
    "\n\nLiebe Anna,\nschön",
    "na, wie gehts?\nna\n",
    "Hallo Herr Müller\nhey",
    "İhr und \u017fie",
    "du Du dudu _du 1du euren Euren Eurem deines Deines xdich dich.",
]


@pytest.mark.parametrize("text", TRICKY)
def test_fast_searches_find_what_the_patterns_find(text: str) -> None:
    for cue, found in zip(register._GREETING_CUES, register._SEARCHERS, strict=True):
        assert found(text) == (cue[0].search(text) is not None), cue[3]
    for full, fast in (
        (register._FORMAL_PRONOUN, register._FAST_FORMAL),
        (register._INFORMAL_PRONOUN, register._FAST_INFORMAL),
    ):
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in full.finditer(text)]


def test_the_line_start_search_needs_a_line_start() -> None:
    found = register._searcher(re.compile(r"^\s*hey\b", re.M | re.I))
    assert found("a\n  HEY there")
    assert found("hey")
    assert not found("oh hey there")


def test_fast_searches_on_the_sets_german_mail() -> None:
    assert len(TEXTS) > 100
    for text in TEXTS:
        test_fast_searches_find_what_the_patterns_find(text)
