"""Free loopback ports for the servers the tests start in other processes.

``bind(("127.0.0.1", 0))`` hands out a port of the kernel's ephemeral range. Between that
moment and the child's own ``bind``, any outgoing connection of the machine (a node's pool
to PostgreSQL or Redis, say) may take the same port as its source port, and the child then
fails with "address already in use". So these ports come from below the ephemeral range,
where the kernel never picks source ports, and are never handed out twice in one run.
"""

from __future__ import annotations

import random
import socket
import threading
from pathlib import Path

__all__ = ["free_port"]

#: Above the ports of common services (PostgreSQL 5432, Redis 6379, 8000-8080).
_LOWEST = 10_000
_given: set[int] = set()
_lock = threading.Lock()


def _ephemeral_low() -> int:
    """The first port of the kernel's ephemeral range (32768 when it cannot be read)."""
    try:
        low = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0]
        return int(low)
    except (OSError, ValueError, IndexError):
        return 32_768


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """Return a TCP port of the loopback nobody listens on now, outside the ephemeral range."""
    high = _ephemeral_low()
    if high - _LOWEST < 1_000:  # an unusual range: fall back on the kernel's choice
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])
    rng = random.SystemRandom()  # parallel test runs must not draw the same sequence
    with _lock:
        for _ in range(1_000):
            port = rng.randrange(_LOWEST, high)
            if port not in _given and _bindable(port):
                _given.add(port)
                return port
    raise RuntimeError(f"no free loopback port between {_LOWEST} and {high}")
