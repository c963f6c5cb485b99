"""A real redis-server for the tests: one per session, on a free port of the loopback."""

from __future__ import annotations

import ctypes
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from .ports import free_port

__all__ = ["die_with_us", "redis_server", "redis_url"]


def die_with_us() -> None:
    """In a child process before exec: be killed when the test run dies, even by SIGKILL
    (fixture teardowns do not run then)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


_PR_SET_PDEATHSIG = 1


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start redis-server (never the machine's own) and return its URL, without a db."""
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    workdir: Path = tmp_path_factory.mktemp("redis")
    port = free_port()
    process = subprocess.Popen(
        [
            exe,
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--dir", str(workdir),
            "--save", "",
            "--appendonly", "no",
            "--protected-mode", "yes",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=die_with_us,
    )  # fmt: skip
    assert process.stdout is not None
    seen = []
    # Its own log says when it accepts connections (or, closing, why it could not).
    for line in process.stdout:
        seen.append(line)
        if "Ready to accept connections" in line:
            break
    else:
        process.wait()
        pytest.fail("redis-server did not start:\n" + "".join(seen[-20:]))
    # Keep reading what it logs, so a full pipe never blocks it.
    drain = threading.Thread(target=process.stdout.read, daemon=True)
    drain.start()
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        drain.join(timeout=10)
        process.stdout.close()


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The session's Redis, database 0 emptied for this test."""
    url = f"{redis_server}/0"
    with redis.Redis.from_url(url) as client:
        client.flushdb()
    return url
