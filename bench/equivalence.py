"""Prove a speed change changed no output: snapshot every result, later diff against it.

    python bench/equivalence.py --snapshot /tmp/equiv.jsonl   # before the change
    python bench/equivalence.py --check /tmp/equiv.jsonl      # after: lists every changed row

Per mail, three results are recorded: the whole parsed ``Message`` (every field, defects
included), ``classify`` of it (every mail, whether or not the guard would let it through)
and ``pipeline.assess`` end to end (verdict, decision and the ``classify --json`` fields).
Sets: the shared corpus (../shared/corpus/raw, skipped when absent), the multilingual set,
every .eml fixture under tests/, and generated mail whole, cut at 64 KB (as a scan fetches
it) and cut at 16 KB (as the service fetches it). The clock is fixed so a snapshot stays
comparable across days.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_pipeline import CORPUS, base_core  # noqa: E402 (path set up above)
from mailgen import generate  # noqa: E402

from responder.classify import classify  # noqa: E402
from responder.commands import outcome_fields  # noqa: E402
from responder.errors import ParseError  # noqa: E402
from responder.model import Identity, Verdict  # noqa: E402
from responder.parse import parse_message  # noqa: E402
from responder.pipeline import Core, assess  # noqa: E402

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TESTS = HERE.parent / "tests"
GENERATED = 400


def _files(folder: Path, pattern: str) -> Iterator[tuple[str, bytes]]:
    for path in sorted(folder.glob(pattern)):
        yield str(path.relative_to(folder)), path.read_bytes()


def mails() -> Iterator[tuple[str, str, bytes]]:
    """(set, name, raw bytes) of every mail compared."""
    if CORPUS.is_dir():
        for name, raw in _files(CORPUS, "*.eml"):
            yield "corpus", name, raw
    for name, raw in _files(TESTS, "**/*.eml"):
        yield "tests", name, raw
    for i, (_when, _flags, whole, _inv, _att) in enumerate(generate(GENERATED, now=NOW)):
        head, sep, body = whole.partition(b"\n\n")
        yield "generated", str(i), whole
        yield "generated-64k", str(i), head + sep + body[:65536]
        yield "generated-16k", str(i), head + sep + body[:16384]


def _verdict(verdict: Verdict | None) -> str:
    """A verdict's repr with its signals sorted (a frozenset's order varies per process)."""
    if verdict is None:
        return "None"
    signals = sorted(s.value for s in verdict.signals)
    return f"{replace(verdict, signals=frozenset())!r} signals={signals}"


def results(kind: str, raw: bytes, first_recipient: Core, strict: Core) -> dict[str, str]:
    """Every output of the pure core for one mail, as comparable strings."""
    core = strict if kind.startswith("generated") else first_recipient
    try:
        msg = parse_message(raw)
    except ParseError as exc:
        return {"parse": f"ParseError: {exc}", "assess": repr(assess(core, raw, now=NOW).decision)}
    if core is first_recipient:
        first = next(iter((*msg.to, *msg.cc)), None)
        if first is not None:
            core = replace(core, identity=Identity(first.name, first.email))
    outcome = assess(core, raw, now=NOW)
    return {
        "parse": repr(msg),
        "classify": _verdict(classify(msg, lexicon=core.lexicon)),
        "assess": f"{_verdict(outcome.verdict)} {outcome.decision!r} {outcome.notes!r}",
        "fields": json.dumps(outcome_fields(outcome), ensure_ascii=False),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--snapshot", type=Path, help="write every result to this file")
    group.add_argument("--check", type=Path, help="compare every result with this snapshot")
    args = parser.parse_args()
    loose = base_core(require_return_path=False)
    strict = base_core(require_return_path=True)
    rows = {
        f"{kind}/{name}": results(kind, raw, loose, strict) for kind, name, raw in mails()
    }
    if args.snapshot:
        with args.snapshot.open("w", encoding="utf-8") as out:
            for key, row in rows.items():
                out.write(json.dumps({"mail": key, **row}, ensure_ascii=False) + "\n")
        print(f"{len(rows)} mails written to {args.snapshot}")
        return 0
    before = {}
    with args.check.open(encoding="utf-8") as snap:
        for line in snap:
            row = json.loads(line)
            before[row.pop("mail")] = row
    changed = 0
    added = rows.keys() - before.keys()  # fixtures added since the snapshot: nothing to diff
    for key in sorted(before.keys()):
        old, new = before[key], rows.get(key, {})
        for field in sorted(old.keys() | new.keys()):
            if old.get(field) != new.get(field):
                changed += 1
                print(f"{key} {field}:\n  before: {old.get(field)}\n  after:  {new.get(field)}")
    print(f"{len(rows) - len(added)} mails compared ({len(added)} new), {changed} results changed")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
