"""The processes of the cluster benchmark (bench/cluster.py): a redis-server of its own,
servers A and B (chatdesk or the bare relay), and the sender and receiver processes."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp
import redis
import relay_load
from realtime_servers import free_port

BENCH = Path(__file__).resolve().parent
HOST = "127.0.0.1"
PASSWORD = "correct horse battery"
SECRET = "bench-cluster-" + "s" * 40


class Redis:
    """A redis-server of our own on a free port, and the peak of its client count."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port", str(self.port), "--bind", HOST, "--save", "", "--appendonly", "no",
                "--dir", str(workdir), "--maxclients", "10000",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if "Ready to accept connections" in line:
                break
        else:
            raise RuntimeError("redis-server did not start")
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        self.client = redis.Redis.from_url(self.url)
        self.peak = 0
        self._watching = False

    def clients(self) -> int:
        return int(self.client.info("clients")["connected_clients"])

    def watch(self) -> None:
        """Record the peak client count until :meth:`peak_since` (polled every 100 ms)."""
        self.peak = self.clients()
        self._watching = True

        def poll() -> None:
            while self._watching:
                with contextlib.suppress(redis.RedisError):
                    self.peak = max(self.peak, self.clients())
                time.sleep(0.1)

        threading.Thread(target=poll, daemon=True).start()

    def peak_since(self) -> int:
        self._watching = False
        return self.peak

    def stop(self) -> None:
        self.client.close()
        self.proc.terminate()
        self.proc.wait(10)


class Servers:
    """Processes A and B of one kind (``bare`` or ``chatdesk``)."""

    def __init__(self, kind: str, workdir: Path, redis_url: str) -> None:
        self.kind = kind
        self.workdir = workdir
        self.redis_url = redis_url
        self.procs: list[subprocess.Popen[bytes]] = []
        self.urls: list[str] = []
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CHATDESK_")}
        self.env.update(
            CHATDESK_DATA_DIR=str(workdir / "data"),
            CHATDESK_SECRET_KEY=SECRET,
            CHATDESK_REDIS_URL=redis_url,
            CHATDESK_KNOWLEDGE_DIR="",
            CHATDESK_CONFIG_FILE="",
            CHATDESK_VISITOR_RATE="100000",
            CHATDESK_VISITOR_BURST="100000",
            CHATDESK_TRANSPORTS="websocket",
            CHATDESK_LOG_LEVEL="WARNING",
        )

    def start(self) -> None:
        if self.kind == "chatdesk":
            subprocess.run(
                [sys.executable, "-m", "chatdesk", "operators", "add", "bench@desk.test",
                 "--name", "Bench", "--departments", "general"],
                input=PASSWORD + "\n", env=self.env, cwd=self.workdir, check=True,
                capture_output=True, text=True,
            )  # fmt: skip
        for name in ("A", "B"):
            port = free_port()
            if self.kind == "bare":
                cmd = [sys.executable, str(BENCH / "bare_relay.py"), "--redis", self.redis_url]
            else:
                cmd = [sys.executable, "-m", "chatdesk", "serve", "--host", HOST]
            log = open(self.workdir / f"{self.kind}-{name}.log", "wb")  # noqa: SIM115
            self.procs.append(
                subprocess.Popen(
                    [*cmd, "--port", str(port)],
                    env={**self.env, "CHATDESK_PROCESS_NAME": name},
                    cwd=self.workdir,
                    stdout=log,
                    stderr=log,
                )
            )
            self.urls.append(f"http://{HOST}:{port}")
        for url, proc in zip(self.urls, self.procs, strict=True):
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"{self.kind} server exited; see {self.workdir}")
                try:
                    with urllib.request.urlopen(url + "/healthz", timeout=1) as reply:
                        if reply.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.kind} server did not start; see {self.workdir}")
                time.sleep(0.1)

    async def login(self) -> str:
        """Return the operator's session cookie (chatdesk), or '' (bare)."""
        if self.kind == "bare":
            return ""
        url = self.urls[1]
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.get(url + "/console/login") as page:
                html = await page.text()
            csrf = re.search(r'name="csrf" value="([^"]+)"', html)
            assert csrf is not None
            form = {"csrf": csrf.group(1), "email": "bench@desk.test", "password": PASSWORD}
            async with http.post(url + "/console/login", data=form, allow_redirects=False) as r:
                return f"chatdesk_session={r.cookies['chatdesk_session'].value}"

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class Side:
    """A sender or receiver process (bench/relay_load.py)."""

    def __init__(self, role: str, url: str) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.pipe, child = ctx.Pipe()
        self.proc = ctx.Process(target=relay_load.process_main, args=(child, role, url))
        self.proc.start()

    def call(self, command: str, **kwargs: Any) -> Any:
        self.pipe.send((command, kwargs))
        reply = self.pipe.recv()
        if isinstance(reply, dict) and "error" in reply:
            raise RuntimeError(reply["error"])
        return reply

    def close(self) -> None:
        try:
            self.call("exit")
        finally:
            self.proc.join(10)
