"""Start-up: CPU and wall seconds of a fresh ``responder classify`` of one small mail.

    python bench/bench_startup.py [--runs 15]

That command does what every ``scan`` or ``once`` does before its first FETCH (imports,
settings, building the core with its lexicon) and then classifies one fixture. Three
variants run interleaved, medians printed: the lexicon cache warm, the cache unusable
(``XDG_CACHE_HOME`` a file: parsed and built every time), and, with ``--base DIR``, another
checkout of responder (say the commit before a change), each with a fresh cache. Compiled
bytecode goes to a private ``PYTHONPYCACHEPREFIX``, as an installed package has it (an
environment with ``PYTHONDONTWRITEBYTECODE`` would otherwise compile every module each time).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAIL = HERE.parent / "tests" / "fixtures" / "classify" / "invite_de.eml"


def run_once(env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "responder", "classify", str(MAIL)],
        env=env,
        cwd=tempfile.gettempdir(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _pid, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"responder classify failed (status {status})")
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--base", type=Path, help="another checkout to compare (its root)")
    args = parser.parse_args()
    root = str(HERE.parent)
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "file").write_text("not a folder")
        variants = {
            "cache warm": {**base, "PYTHONPATH": root, "XDG_CACHE_HOME": f"{tmp}/cache"},
            "cache off": {**base, "PYTHONPATH": root, "XDG_CACHE_HOME": f"{tmp}/file"},
        }
        if args.base is not None:
            variants["--base"] = {
                **base,
                "PYTHONPATH": str(args.base.resolve()),
                "XDG_CACHE_HOME": f"{tmp}/base-cache",
            }
        for name, env in variants.items():
            env["PYTHONPYCACHEPREFIX"] = f"{tmp}/pyc-{name.replace(' ', '-')}"
            run_once(env)  # compile, fill the cache
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
        for _ in range(args.runs):
            for name, env in variants.items():
                times[name].append(run_once(env))
    print(f"| variant | CPU s (median of {args.runs}) | wall s |")
    print("|---|---|---|")
    for name, got in times.items():
        cpu = statistics.median(c for c, _ in got)
        wall = statistics.median(w for _, w in got)
        print(f"| {name} | {cpu:.3f} | {wall:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
