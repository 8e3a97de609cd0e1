"""Message ids for backends that make their own: Redis Streams' `"<ms>-<seq>"`, always increasing."""

from __future__ import annotations

import time


class IdClock:
    """Hands out increasing ids: the wall clock's milliseconds, and a sequence number within one
    millisecond (or while the clock stands still or goes back)."""

    def __init__(self) -> None:
        self._ms = 0
        self._seq = 0

    def next(self) -> str:
        """Return an id greater than every id returned before."""
        now = time.time_ns() // 1_000_000
        if now > self._ms:
            self._ms, self._seq = now, 0
        else:
            self._seq += 1
        return f"{self._ms}-{self._seq}"
