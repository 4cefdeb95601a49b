"""The register's substring gates only skip patterns that could not match: with and without
them every German text of the evaluation sets reads the same (the gates are a speed-up)."""

from __future__ import annotations

from pathlib import Path

import pytest

from responder import register
from responder.parse import parse_message

DATA = Path(__file__).parent / "data"


def _german_texts() -> list[str]:
    texts = []
    for labels in sorted(DATA.glob("multilingual*/labels*.csv")):
        for line in labels.read_text(encoding="utf-8").splitlines()[1:]:
            name = line.split(",", 1)[0].strip('"')
            if name.startswith("de-"):
                msg = parse_message((labels.parent / "mail" / name).read_bytes())
                texts.append(f"{msg.subject}\n{msg.new_text}\n{msg.signature}")
    return texts


def _ungated(text: str) -> list[str]:
    return [why for pattern, _, _, why, _ in register._GREETING_CUES if pattern.search(text)]


TEXTS = _german_texts()


def test_the_sets_have_german_mail() -> None:
    assert len(TEXTS) > 100


@pytest.mark.parametrize("i", range(0, len(TEXTS)))
def test_gates_change_nothing(i: int) -> None:
    text = TEXTS[i]
    read = register.german_register(text).reasons
    assert [r for r in read if r in {c[4] for c in register._CUES}] == _ungated(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Habt İhr Lust auf einen Kaffee?", "ihr (plural du)"),  # İ: re.I folds it, lower() not
        ("SEHR GEEHRTE FRAU MÜLLER,", "Sehr geehrte"),
        ("Bis bald!\nLIEBE GRÜSSE\nJonas", "Liebe Grüße"),  # Swiss spelling, capitals
        ("Bis bald!\nLiebe Grüße\nJonas", "Liebe Grüße"),
        ("Viele Grüße, LG Jonas", "LG"),
        ("Mit freundlichen Grüssen\nAnna", "Mit freundlichen Grüßen"),
    ],
)
def test_gated_cues(text: str, reason: str | None) -> None:
    reasons = register.german_register(text).reasons
    assert sorted(r for r in reasons if r in {c[4] for c in register._CUES}) == sorted(
        _ungated(text)
    )
    if reason is not None:
        assert reason in reasons
