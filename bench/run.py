"""responder's benchmark suite: ``./dev bench [--quick] [--only NAME] ...`` prints the tables.

    scan      N generated mails in a private Dovecot: the wire, imapclient, responder, peer
    pipeline  raw bytes → decision on one core, per stage and together
    latency   APPEND an invitation to an idling `responder run`; time until the draft exists
    idle      CPU and RSS of three idle daemons over a period

--quick: N = 2,000, 3 repeats, a 20 s idle period, 3 latency mails (a few minutes).
Generated mailboxes are cached under --cache (default /var/tmp/responder-bench), keyed by N
and the generator's version, so only the first run at a size pays for writing and indexing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # responder itself comes from the venv (or PYTHONPATH)

BENCHMARKS = ("scan", "pipeline", "latency", "idle")


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def machine() -> str:
    cpu = "?"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}"
    )


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if value >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> str:
    head = "| " + " | ".join(title for _key, title in columns) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(fmt(r.get(key)) for key, _t in columns) + " |" for r in rows]
    return "\n".join([head, rule, *body])


SCAN_COLUMNS = [
    ("N", "N"),
    ("contender", "contender"),
    ("runs", "runs"),
    ("seconds", "median s"),
    ("msgs_per_s", "msgs/s"),
    ("x_imapclient", "\N{MULTIPLICATION SIGN} imapclient"),
    ("x_wire", "\N{MULTIPLICATION SIGN} wire"),
    ("cpu_s", "client CPU s"),
    ("peak_rss_mb", "peak RSS MB"),
]
PIPE_COLUMNS = [
    ("set", "set"),
    ("stage", "stage"),
    ("inputs", "msgs in"),
    ("cpu_s", "CPU s"),
    ("msgs_per_s", "msgs/s"),
    ("target", "target"),
]
LAT_COLUMNS = [
    ("mode", "mode"),
    ("mails", "mails"),
    ("median_s", "median s"),
    ("p95_s", "p95 s"),
    ("note", "note"),
]
IDLE_COLUMNS = [
    ("mode", "mode"),
    ("accounts", "accounts"),
    ("daemons", "daemons"),
    ("period_s", "period s"),
    ("cpu_s", "CPU s (all)"),
    ("core_pct", "% of one core"),
    ("rss_mb", "RSS MB (all)"),
    ("peak_rss_mb_each", "peak RSS MB (each daemon)"),
    ("connections_per_account", "IMAP connections per account"),
]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[2:]),
    )
    p.add_argument("--quick", action="store_true", help="small N, few repeats: a few minutes")
    p.add_argument("--only", action="append", choices=BENCHMARKS, help="run only this (repeatable)")
    p.add_argument("--sizes", help="comma-separated mailbox sizes (default 2000,20000,100000)")
    p.add_argument("--repeats", type=int, help="runs per contender (default 5; quick 3)")
    p.add_argument("--contenders", default="wire,imapclient,responder,peer")
    p.add_argument(
        "--timeout", type=float, help="stop a scan contender after this many s (900; quick 300)"
    )
    p.add_argument("--peer-max", type=int, default=100_000, help="skip the peer above this N")
    p.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("RESPONDER_BENCH_CACHE", "/var/tmp/responder-bench")),
    )
    p.add_argument("--generated", type=int, help="generated mails for pipeline (5000; quick 1000)")
    p.add_argument("--corpus-limit", type=int, help="use only the first N corpus mails")
    p.add_argument("--latency-mails", type=int, help="mails per latency mode (50; quick 3)")
    p.add_argument("--poll-seconds", type=int, default=10, help="poll interval for latency (≥10)")
    p.add_argument("--idle-seconds", type=float, help="idle period (300; quick 20)")
    p.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="instead: profile responder's scan of N mails with cProfile",
    )
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args(argv)
    q = args.quick
    args.sizes = [int(s) for s in (args.sizes or ("2000" if q else "2000,20000,100000")).split(",")]
    args.repeats = args.repeats or (3 if q else 5)
    args.timeout = args.timeout or (300.0 if q else 900.0)
    args.generated = args.generated or (1000 if q else 5000)
    args.latency_mails = args.latency_mails or (3 if q else 50)
    args.idle_seconds = args.idle_seconds or (20.0 if q else 300.0)
    args.only = args.only or list(BENCHMARKS)
    return args


def profile(args: argparse.Namespace) -> int:
    from bench_scan import profile_scan  # noqa: PLC0415

    out = profile_scan(args.profile, args.cache, args.cache / f"scan-{args.profile}.prof", log)
    stats = pstats.Stats(str(out))
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.profile:
        return profile(args)
    results: dict[str, Any] = {"machine": machine(), "quick": args.quick}
    sections = []
    if "scan" in args.only:
        from bench_scan import scan_size  # noqa: PLC0415

        contenders = tuple(args.contenders.split(","))
        rows = []
        for n in args.sizes:
            rows += scan_size(
                n, args.repeats, args.cache, contenders, args.peer_max, log, args.timeout
            )
        results["scan"] = rows
        sections.append(
            (
                "1. Scan vs the wire (Dovecot on 127.0.0.1, batches of 500)",
                table(rows, SCAN_COLUMNS),
            )
        )
    if "pipeline" in args.only:
        from bench_pipeline import run_pipeline  # noqa: PLC0415

        rows = run_pipeline(args.generated, args.corpus_limit, args.repeats, log)
        results["pipeline"] = rows
        sections.append(("2. Pipeline on one core (median CPU time)", table(rows, PIPE_COLUMNS)))
    if "latency" in args.only:
        from bench_daemon import run_latency  # noqa: PLC0415

        rows = run_latency(args.latency_mails, args.poll_seconds, log)
        results["latency"] = rows
        sections.append(
            ("3. New-mail latency (APPEND → draft in Drafts)", table(rows, LAT_COLUMNS))
        )
    if "idle" in args.only:
        from bench_daemon import run_idle  # noqa: PLC0415

        rows = run_idle(args.idle_seconds, 3, log)
        results["idle"] = rows
        sections.append(("4. Idle cost of `responder run`", table(rows, IDLE_COLUMNS)))
    print(f"\nmachine: {results['machine']}\n")
    for title, text in sections:
        print(f"{title}\n\n{text}\n")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
