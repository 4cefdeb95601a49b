"""Benchmark 2, the pure pipeline: raw bytes → decision on one core, stage by stage.

Sets: the shared corpus (../shared/corpus/raw, skipped when absent) and generated mail. The
stages are timed separately on the inputs each really gets (classify only sees mail that
passed the screen, as in a pass) and together through ``pipeline.assess``, which reads the
body only of mail whose header passes the screen ("parse: header only" is that first step).
Age never short-circuits (max_age is a century); for the corpus, whose mail was sent to many
people and often lacks Return-Path, "you" is each mail's first recipient (as ``responder
classify`` does) and Return-Path is not required, so the guard lets through what it would
for them.
CPU time (time.process_time) per round, warm-up round first, median over the rounds.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mailgen import ME, ME_NAME, generate

from responder import guard
from responder.classify import classify
from responder.config import load_settings
from responder.errors import ParseError
from responder.model import Identity, Message, Verdict
from responder.parse import Head, parse_message
from responder.pipeline import Core, assess, screen
from responder.policy import decide
from responder.tiers import resolve_tier

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "raw"


@dataclass
class Case:
    raw: bytes
    core: Core
    message: Message | None = None
    verdict: Verdict | None = None


def base_core(require_return_path: bool) -> Core:
    env = {"RESPONDER_IDENTITY_NAME": ME_NAME, "RESPONDER_IDENTITY_EMAIL": ME}
    settings = load_settings(
        Path("/nonexistent.toml"), environ=env, read_dotenv=False, allow_missing=True
    )
    core = Core.from_settings(settings)
    return replace(core, max_age=timedelta(days=36500), require_return_path=require_return_path)


def corpus_cases(folder: Path, limit: int | None) -> list[Case]:
    core = base_core(require_return_path=False)
    cases = []
    for path in sorted(folder.glob("*.eml"))[:limit]:
        raw = path.read_bytes()
        try:
            msg = parse_message(raw)
        except ParseError:
            cases.append(Case(raw, core))
            continue
        first = next(iter((*msg.to, *msg.cc)), None)
        me = Identity(first.name, first.email) if first else core.identity
        cases.append(Case(raw, replace(core, identity=me)))
    return cases


def generated_cases(n: int, text_limit: int | None = None) -> list[Case]:
    """n generated mails, whole or (text_limit) cut as a scan fetches them: the header and
    the first text_limit bytes of the body."""
    core = base_core(require_return_path=True)
    cases = []
    for _when, _flags, whole, _inv, _att in generate(n):
        raw = whole
        if text_limit is not None:
            head, sep, body = whole.partition(b"\n\n")
            raw = head + sep + body[:text_limit]
        cases.append(Case(raw, core))
    return cases


def _rounds(fn: Callable[[], int], rounds: int) -> tuple[float, int]:
    """Median CPU seconds of fn over rounds (after one warm-up), and fn's item count."""
    count = fn()
    times = []
    for _ in range(rounds):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times), count


def stages(cases: Sequence[Case], rounds: int) -> dict[str, tuple[float, int] | str]:
    now = datetime.now(UTC)

    def do_parse() -> int:
        n = 0
        for c in cases:
            try:
                c.message = parse_message(c.raw)
                n += 1
            except ParseError:
                c.message = None
        return n

    def do_head() -> int:
        n = 0
        for c in cases:
            try:
                Head(c.raw)
                n += 1
            except ParseError:
                pass
        return n

    def do_guard() -> int:
        n = 0
        for c in cases:
            if c.message is not None:
                guard.check(
                    c.message,
                    c.core.identity,
                    folder="INBOX",
                    junk_folders=c.core.junk_folders,
                    require_return_path=c.core.require_return_path,
                )
                n += 1
        return n

    passed = []
    do_parse()
    for c in cases:
        if c.message is not None and screen(c.core, c.message, now=now) is None:
            passed.append(c)

    def do_classify() -> int:
        for c in passed:
            assert c.message is not None
            c.verdict = classify(c.message, lexicon=c.core.lexicon)
        return len(passed)

    def do_decide() -> int:
        n = 0
        for c in passed:
            msg, verdict = c.message, c.verdict
            if msg is None or verdict is None or msg.sender is None:
                continue
            tier, why = resolve_tier(msg.sender, c.core.contacts, verdict)
            decide(
                verdict,
                tier,
                why,
                c.core.contacts.person(msg.sender),
                c.core.policy,
                default_language=c.core.default_language,
            )
            n += 1
        return n

    def do_all() -> int:
        for c in cases:
            assess(c.core, c.raw, now=now)
        return len(cases)

    out: dict[str, tuple[float, int] | str] = {}
    for name, fn in (
        ("parse", do_parse),
        ("parse: header only", do_head),
        ("guard", do_guard),
        ("classify", do_classify),
        ("decide", do_decide),
        ("all: assess()", do_all),
    ):
        try:
            out[name] = _rounds(fn, rounds)
        except Exception as exc:
            out[name] = f"error: {type(exc).__name__}: {exc}"[:120]
    return out


def run_pipeline(
    generated: int, corpus_limit: int | None, rounds: int, log: Any
) -> list[dict[str, Any]]:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})  # one core
    sets: list[tuple[str, list[Case]]] = []
    if CORPUS.is_dir():
        sets.append(
            (f"shared corpus ({CORPUS.parent.name}/raw)", corpus_cases(CORPUS, corpus_limit))
        )
    else:
        log(f"pipeline: no corpus at {CORPUS}; skipped")
    sets.append(("generated, whole", generated_cases(generated)))
    sets.append(("generated, header + 64 KB as a scan fetches", generated_cases(generated, 65536)))
    rows = []
    for label, cases in sets:
        mb = sum(len(c.raw) for c in cases) / 1e6
        log(f"pipeline: {label}: {len(cases)} messages, {mb:.1f} MB, {rounds} rounds")
        for stage, result in stages(cases, rounds).items():
            if isinstance(result, str):
                rows.append(
                    {"set": f"{label}, {len(cases)} msgs", "stage": stage, "target": result}
                )
                continue
            secs, count = result
            rows.append(
                {
                    "set": f"{label}, {len(cases)} msgs",
                    "stage": stage,
                    "inputs": count,
                    "cpu_s": secs,
                    "msgs_per_s": count / secs if secs else float("inf"),
                    "target": "≥ 5,000/s" if stage.startswith("all") else "",
                }
            )
    return rows
