"""Classify alone, warm: the mail that passes the screen, median CPU time of several rounds.

    python bench/bench_classify.py              # corpus and generated mail, µs per mail
    python bench/bench_classify.py --profile    # the same under cProfile, top functions

Only mail the pipeline would hand to classify is timed (parsed, screened as in a pass), so
the figure is classify's share of ``assess``; ``bench/run.py --only pipeline`` gives the
whole pipeline.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pipeline import CORPUS, Case, corpus_cases, generated_cases

from responder.classify import classify
from responder.errors import ParseError
from responder.model import Message
from responder.parse import parse_message
from responder.pipeline import screen


def passed(cases: list[Case]) -> list[tuple[Case, Message]]:
    """The cases whose message parses and passes the screen."""
    now = datetime.now(UTC)
    out = []
    for c in cases:
        try:
            msg = parse_message(c.raw)
        except ParseError:
            continue
        if screen(c.core, msg, now=now) is None:
            out.append((c, msg))
    return out


def one_round(items: list[tuple[Case, Message]]) -> float:
    start = time.process_time()
    for c, msg in items:
        classify(msg, lexicon=c.core.lexicon)
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--generated", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="cProfile one round per set")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumtime)")
    args = parser.parse_args()
    sets = []
    if CORPUS.is_dir():
        sets.append(("corpus", passed(corpus_cases(CORPUS, None))))
    sets.append(("generated", passed(generated_cases(args.generated))))
    for label, items in sets:
        one_round(items)  # warm-up: caches, lingua, plans
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            one_round(items)
            prof.disable()
            print(f"== {label}: {len(items)} mails")
            pstats.Stats(prof).sort_stats(args.sort).print_stats(args.top)
            continue
        secs = statistics.median(one_round(items) for _ in range(args.rounds))
        print(f"{label}: {len(items)} mails, {secs * 1e6 / len(items):.1f} µs per mail, "
              f"{len(items) / secs:,.0f}/s (median of {args.rounds})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
