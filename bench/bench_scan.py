"""Benchmark 1, scan vs the wire: N generated mails in a private Dovecot, four contenders.

Each repeat runs every contender once, in a rotated order, each in a child process; the
table shows medians over the repeats, the ratios to the imapclient baseline and to the wire,
and the largest peak RSS seen (ru_maxrss from os.wait4, so it is the child's own).
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from mailgen import cached_maildir
from server import Dovecot, attach, warm

HERE = Path(__file__).resolve().parent
CONTENDERS = ("wire", "imapclient", "responder", "peer")
LABELS = {
    "wire": "imaplib, no parsing (wire)",
    "imapclient": "imapclient baseline",
    "responder": "responder scan (dry run)",
    "peer": "imapautofiler --dry-run (peer)",
}


def measured(cfg: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    """Run one contender in a child: its JSON line, plus its own CPU seconds and peak RSS
    (MB) read with os.wait4. Past timeout the child is killed and "timed_out" is set."""
    with tempfile.TemporaryDirectory(prefix="rb") as tmp:
        out_path, err_path = Path(tmp) / "out", Path(tmp) / "err"
        with out_path.open("wb") as out, err_path.open("wb") as err:
            proc = subprocess.Popen(
                [sys.executable, str(HERE / "contenders.py"), json.dumps({**cfg, "tmp": tmp})],
                stdout=out,
                stderr=err,
            )
        start, peak_mb = time.monotonic(), 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if timeout is not None and time.monotonic() - start > timeout:
                peak_mb = _peak_mb(proc.pid)
                proc.kill()
                _pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        output, errors = out_path.read_text(), err_path.read_text(errors="replace")
    result: dict[str, Any] = {"cpu": usage.ru_utime + usage.ru_stime}
    result["rss_mb"] = max(usage.ru_maxrss / 1024, peak_mb)
    if peak_mb:
        return {**result, "timed_out": True, "seconds": float(timeout or 0), "messages": 0}
    if proc.returncode != 0:
        raise RuntimeError(f"{cfg['name']} failed:\n{errors[-3000:]}")
    return {**result, **json.loads(output.strip().splitlines()[-1])}


def _peak_mb(pid: int) -> float:
    """VmHWM of a live process, in MB (ru_maxrss of a killed child may be unreliable)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def scan_size(
    n: int,
    repeats: int,
    cache: Path,
    contenders: tuple[str, ...],
    peer_max: int,
    log: Any,
    timeout: float | None = None,
) -> list[dict[str, Any]]:
    """Rows for one mailbox size: one per contender, medians over repeats. A contender that
    runs past timeout is stopped, reported as "> timeout", and not run again at this N."""
    start = time.monotonic()
    maildir, manifest = cached_maildir(cache, n)
    made = time.monotonic() - start
    log(
        f"scan N={n}: mailbox ready in {made:.1f}s ({manifest.bytes / 1e6:.0f} MB, "
        f"{manifest.invitations} invitations, {manifest.attachments} with attachments; "
        f"generated in {manifest.seconds}s when first made)"
    )
    if "peer" in contenders and importlib.util.find_spec("imapautofiler") is None:
        log("scan: imapautofiler is not installed (pip install -e '.[bench]'): no peer row")
        contenders = tuple(c for c in contenders if c != "peer")
    results: dict[str, list[dict[str, Any]]] = {c: [] for c in contenders}
    with Dovecot() as server:
        account = attach(server, maildir)
        start = time.monotonic()
        count = warm(account)
        took = time.monotonic() - start
        log(f"scan N={n}: {count} messages; first (warm-up) wire pass {took:.1f}s")
        base = {
            "host": account.host,
            "port": account.imap_port,
            "user": account.user,
            "password": account.password,
            "batch": 500,
            "lookback_days": manifest.lookback_days(),
        }
        for r in range(repeats):
            order = contenders[r % len(contenders) :] + contenders[: r % len(contenders)]
            for name in order:
                if name == "peer" and (n > peer_max or (r and n >= 100_000)):
                    continue  # one request per mail: slow; once is enough at 100,000
                if any(x.get("timed_out") for x in results[name]):
                    continue
                res = measured({**base, "name": name}, timeout)
                log(
                    f"  N={n} run {r + 1}/{repeats} {name}: {res['seconds']:.2f}s "
                    f"{res['messages']} msgs, {res['rss_mb']:.0f} MB"
                    + (" (stopped: timeout)" if res.get("timed_out") else "")
                )
                results[name].append(res)
    return summarise(n, results)


def summarise(n: int, results: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in results.items() if v}
    rows = []
    for name, runs in results.items():
        if not runs:
            continue
        secs = med[name]
        cut = any(r.get("timed_out") for r in runs)  # then figures are bounds
        bound = (lambda v: f"> {v:.1f}") if cut else (lambda v: v)
        rows.append(
            {
                "N": n,
                "contender": LABELS[name] + (" (stopped)" if cut else ""),
                "runs": len(runs),
                "seconds": bound(secs),
                "msgs_per_s": f"< {n / secs:.0f}" if cut else n_seen(runs) / secs,
                "x_imapclient": bound(secs / med["imapclient"]) if "imapclient" in med else None,
                "x_wire": bound(secs / med["wire"]) if "wire" in med else None,
                "cpu_s": statistics.median(r["cpu"] for r in runs),
                "peak_rss_mb": bound(max(r["rss_mb"] for r in runs)),
                "messages": runs[0]["messages"],
            }
        )
    return rows


def n_seen(runs: list[dict[str, Any]]) -> float:
    return statistics.median(r["messages"] for r in runs)


def profile_scan(n: int, cache: Path, out: Path, log: Any) -> Path:
    """Run responder's scan once under cProfile; write the stats to out."""
    maildir, manifest = cached_maildir(cache, n)
    with Dovecot() as server:
        account = attach(server, maildir)
        warm(account)
        res = measured(
            {
                "host": account.host,
                "port": account.imap_port,
                "user": account.user,
                "password": account.password,
                "batch": 500,
                "name": "responder",
                "lookback_days": manifest.lookback_days(),
                "profile": str(out),
            }
        )
    log(f"profile N={n}: {res['seconds']:.2f}s under cProfile -> {out}")
    return out
