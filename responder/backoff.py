"""Retry timing for `responder run`: exponential backoff with jitter, and a log throttle.

``Backoff``: after the n-th failure in a row wait a random time between half and all of
``min(cap, first * 2**(n-1))`` ("equal jitter"): 1 s, 2 s, 4 s … up to 5 min by default.
Half the delay is guaranteed, so a server that is down is never hammered; the random half
spreads the reconnects of many accounts (or many users behind one server) apart.

``Throttle``: the same error repeated within a window is logged once at warning; repeats
in the window go to debug and are counted into the next warning (``repeated=N``).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable


class Backoff:
    """Delays for consecutive failures; ``reset()`` after a success."""

    def __init__(
        self,
        first: float = 1.0,
        cap: float = 300.0,
        *,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.first, self.cap, self._rng = first, cap, rng
        self.failures = 0

    def next(self) -> float:
        """Count a failure; the seconds to wait before the next attempt."""
        self.failures += 1
        ceiling = min(self.cap, self.first * 2 ** min(self.failures - 1, 32))
        return float(ceiling / 2 + self._rng() * ceiling / 2)

    def reset(self) -> None:
        self.failures = 0


class Throttle:
    """Decides whether a repeated event is worth a warning again (thread-safe)."""

    def __init__(self, window: float = 600.0, *, clock: Callable[[], float] = time.monotonic):
        self.window, self._clock = window, clock
        self._last: dict[object, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def allow(self, key: object) -> tuple[bool, int]:
        """(log it loudly?, how many repeats were held back since the last loud one)."""
        now = self._clock()
        with self._lock:
            last = self._last.get(key)
            if last is None or now - last[0] >= self.window:
                self._last[key] = (now, 0)
                return True, 0 if last is None else last[1]
            self._last[key] = (last[0], last[1] + 1)
            return False, last[1] + 1

    def forget(self, key: object) -> None:
        with self._lock:
            self._last.pop(key, None)
