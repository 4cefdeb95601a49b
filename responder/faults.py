"""Named fault points for the crash tests; inert unless a test arms one.

The daemon calls ``point("after_append")`` and the like at the places where a crash is most
dangerous. Nothing happens unless the environment variable ``RESPONDER_TEST_FAULT`` (read
only here, declared in ``config.EXTRA_ENV`` so the config check accepts it) or ``arm()``
names that point:

    RESPONDER_TEST_FAULT=after_append        kill the process the first time it is reached
    RESPONDER_TEST_FAULT=mid_batch@3         ... the third time
    RESPONDER_TEST_FAULT=during_idle:raise   raise FaultInjected instead (in-process tests)

``kill`` is SIGKILL to the process itself: no ``finally``, no flush, no commit — exactly what
a power cut or the OOM killer does. Never set the variable in production.

Points: ``after_append`` (a draft was APPENDed, the state commit has not happened),
``mid_batch`` (a message was committed and more of its batch are waiting), ``during_idle``
(IDLE reported new mail, the pass has not been woken).
"""

from __future__ import annotations

import os
import signal
import threading
from dataclasses import dataclass

ENV = "RESPONDER_TEST_FAULT"
POINTS = ("after_append", "mid_batch", "during_idle")


class FaultInjected(Exception):
    """Raised at an armed fault point in ``raise`` mode."""


@dataclass
class _Armed:
    name: str
    at: int
    mode: str
    hits: int = 0


_lock = threading.Lock()
_armed: _Armed | None = None
_loaded = False


def parse(spec: str) -> _Armed:
    """``name[@n][:kill|raise]`` → an armed point; ValueError for anything else."""
    head, _, mode = spec.partition(":")
    name, _, count = head.partition("@")
    mode = mode or "kill"
    if name not in POINTS or mode not in ("kill", "raise") or (count and not count.isdigit()):
        raise ValueError(f"{ENV}={spec!r}: use one of {', '.join(POINTS)}[@n][:kill|raise]")
    return _Armed(name, int(count or 1), mode)


def arm(spec: str | None) -> None:
    """Arm a point from a spec (None disarms); for in-process tests."""
    global _armed, _loaded  # noqa: PLW0603 - one process-wide switch, by design
    with _lock:
        _armed = parse(spec) if spec else None
        _loaded = True


def point(name: str) -> None:
    """A fault point: does nothing unless armed for name."""
    global _armed, _loaded  # noqa: PLW0603 - see arm()
    if _loaded and _armed is None:
        return
    with _lock:
        if not _loaded:
            spec = os.environ.get(ENV)
            _armed = parse(spec) if spec else None
            _loaded = True
        armed = _armed
        if armed is None or armed.name != name:
            return
        armed.hits += 1
        if armed.hits != armed.at:
            return
    if armed.mode == "raise":
        raise FaultInjected(name)
    os.kill(os.getpid(), signal.SIGKILL)
