"""Token-bucket flood control for socket connections."""

from __future__ import annotations

import time

__all__ = ["TokenBucket"]


class TokenBucket:
    """Allow ``burst`` actions at once, refilled at ``rate`` actions per second."""

    __slots__ = ("_stamp", "_tokens", "burst", "rate")

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._stamp = time.monotonic()

    def allow(self) -> bool:
        """Take one token if there is one; return whether the action may go ahead."""
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False
