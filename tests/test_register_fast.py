"""The register's fast searches (a leading ``\\b`` or multi-line ``^`` looked for another way)
find exactly what the plain patterns find, on texts built to trip them."""

from __future__ import annotations

import re

import pytest

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
]


@pytest.mark.parametrize("text", TRICKY)
def test_fast_searches_find_what_the_patterns_find(text: str) -> None:
    for cue, found in zip(register._GREETING_CUES, register._SEARCHERS, strict=True):
        assert found(text) == (cue[0].search(text) is not None), cue[3]
    fast = register._finditer(register._FORMAL_PRONOUN, register._FAST_FORMAL, text)
    assert [m.span() for m in fast] == [
        m.span() for m in register._FORMAL_PRONOUN.finditer(text)
    ]


def test_the_line_start_search_needs_a_line_start() -> None:
    found = register._searcher(re.compile(r"^\s*hey\b", re.M | re.I))
    assert found("a\n  HEY there")
    assert found("hey")
    assert not found("oh hey there")
