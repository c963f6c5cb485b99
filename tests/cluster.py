"""N real ``chatdesk serve`` processes sharing one database and one Redis.

Each process is a subprocess on a free port of the loopback, logging JSON (which the tests
read: "listening", jobs taken over, offers expired) to a pipe drained by a thread. They share
a fresh PostgreSQL database (``cluster_databases``) and a real redis-server, as a desk of
many processes runs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from chatdesk import Settings
from chatdesk.deskconfig import DeskConfig
from chatdesk.services import build_services
from chatdesk.store import create_store

from .ports import free_port
from .postgres import PostgresServer, _in_thread
from .redis import die_with_us

__all__ = [
    "ALWAYS_OPEN",
    "PASSWORD",
    "Cluster",
    "Node",
    "cluster_databases",
    "clusters",
    "login",
    "make_cluster",
]

PASSWORD = "correct horse battery"
SECRET = "cluster-test-secret-" + "x" * 40
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Open round the clock without holidays: the tests do not depend on when they run.
ALWAYS_OPEN = "[hours]\nholidays = ''\n[hours.week]\n" + "".join(
    f"{day} = ['00:00-24:00']\n" for day in DAYS
)
#: Starting a process (imports, migrations, Redis) on a busy 2-core machine.
START_SECONDS = 60.0


class Node:
    """One ``chatdesk serve`` process and what it logged."""

    def __init__(
        self,
        name: str,
        port: int,
        process: subprocess.Popen[str],
        changed: threading.Condition,
    ) -> None:
        self.name = name
        self.port = port
        self.process = process
        #: Every log record so far (JSON objects; other lines as {"raw": line}).
        self.records: list[dict[str, Any]] = []
        #: Notified at every record (shared by the cluster's nodes).
        self._changed = changed
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            try:
                record = json.loads(line)
            except ValueError:
                record = {"raw": line.rstrip("\n")}
            with self._changed:
                self.records.append(record)
                self._changed.notify_all()
        with self._changed:
            self.records.append({"exited": True})
            self._changed.notify_all()

    def wait_for(
        self, match: Callable[[dict[str, Any]], bool], timeout: float = START_SECONDS
    ) -> dict[str, Any]:
        """Block until a log record matches (or fail, showing the log)."""
        with self._changed:
            seen = 0
            while True:
                for record in self.records[seen:]:
                    if match(record):
                        return record
                    if record.get("exited"):
                        pytest.fail(f"{self.name} exited:\n{self.log_tail()}")
                seen = len(self.records)
                if not self._changed.wait(timeout):
                    pytest.fail(f"{self.name}: no such log record in {timeout}s\n{self.log_tail()}")

    def messages(self, pattern: str) -> list[dict[str, Any]]:
        """Return the records whose message matches ``pattern`` (a regex)."""
        with self._changed:
            return [r for r in self.records if re.search(pattern, str(r.get("message", "")))]

    def log_tail(self, n: int = 30) -> str:
        with self._changed:
            return "\n".join(json.dumps(r) for r in self.records[-n:])

    def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup, as a crash."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=10)
        if self.process.stderr is not None:
            self.process.stderr.close()

    async def metrics(self) -> dict[str, float]:
        """Return ``/metrics`` as ``{"name{labels}": value}``."""
        async with aiohttp.ClientSession() as http, http.get(self.url + "/metrics") as response:
            assert response.status == 200
            text = await response.text()
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                key, _, value = line.rpartition(" ")
                values[key] = float(value)
        return values


class Cluster:
    """Processes of one desk: shared data dir (or database), Redis and secret."""

    def __init__(
        self, root: Path, redis_url: str, database_url: str | None, config: str, **env: str
    ) -> None:
        self.root = root
        self.nodes: dict[str, Node] = {}
        self._changed = threading.Condition()
        root.mkdir(parents=True, exist_ok=True)
        config_file = root / "chatdesk.toml"
        config_file.write_text(config)
        self.env = {
            **os.environ,
            "CHATDESK_DATA_DIR": str(root / "data"),
            "CHATDESK_SECRET_KEY": SECRET,
            "CHATDESK_REDIS_URL": redis_url,
            "CHATDESK_CONFIG_FILE": str(config_file),
            "CHATDESK_KNOWLEDGE_DIR": "",
            "CHATDESK_LOG_FORMAT": "json",
            "CHATDESK_TRANSPORTS": "websocket",
            "CHATDESK_VISITOR_RATE": "1000",
            "CHATDESK_VISITOR_BURST": "1000",
            **env,
        }
        if database_url is not None:
            self.env["CHATDESK_DATABASE_URL"] = database_url

    def command(self, *args: str, stdin: str = "") -> str:
        """Run ``chatdesk ARGS`` against this desk; return its output."""
        done = subprocess.run(
            [sys.executable, "-m", "chatdesk", *args],
            input=stdin,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    async def declines(self, conversation_ids: Iterable[str]) -> set[tuple[str, str]]:
        """Return the ``(conversation, operator)`` pairs whose offer was declined or
        expired, as the desk's store holds them."""
        store = create_store(Settings.from_environ(self.env, env_file=None))
        await store.open()
        try:
            return {(c, o) for c in conversation_ids for o in await store.routing.declined_by(c)}
        finally:
            await store.close()

    def add_operators(self, *names: str, departments: tuple[str, ...] = ("general",)) -> None:
        """Create operator accounts (``name@desk.test``) in the desk's store, through the
        same services as ``chatdesk operators add`` (in this process: faster)."""

        async def add() -> None:
            settings = Settings.from_environ(self.env, env_file=None)
            store = create_store(settings)
            await store.open()
            try:
                services = build_services(settings, DeskConfig(), store, None)
                for name in names:
                    await services.operators.add(
                        f"{name.lower()}@desk.test",
                        name=name,
                        role="operator",
                        departments=departments,
                        languages=("fr", "en"),
                        password=PASSWORD,
                    )
            finally:
                await store.close()

        # On a thread of its own: callers may be inside a running event loop.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, add()).result()

    def start(self, *names: str, **env: str) -> list[Node]:
        """Start a process per name (together), and wait until each listens."""
        started = []
        for name in names:
            port = free_port()
            process = subprocess.Popen(
                [sys.executable, "-m", "chatdesk", "serve", "--port", str(port)],
                env={**self.env, "CHATDESK_PROCESS_NAME": name, **env},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                preexec_fn=die_with_us,
            )
            node = self.nodes[name] = Node(name, port, process, self._changed)
            started.append(node)
        for node in started:
            node.wait_for(lambda r: str(r.get("message", "")).startswith("chatdesk listening"))
        return started

    def __getitem__(self, name: str) -> Node:
        return self.nodes[name]

    def stop(self) -> None:
        for node in self.nodes.values():
            node.stop()

    def messages(self, pattern: str) -> list[tuple[str, dict[str, Any]]]:
        """Return ``(node, record)`` for every record of every node matching ``pattern``."""
        return [(n.name, r) for n in self.nodes.values() for r in n.messages(pattern)]

    async def wait_until(self, done: Callable[[], bool], timeout: float = START_SECONDS) -> None:
        """Wait (without blocking the event loop) until ``done()`` after some log record."""

        def wait() -> None:
            with self._changed:
                if not self._changed.wait_for(done, timeout):
                    tails = "\n".join(f"{n.name}:\n{n.log_tail()}" for n in self.nodes.values())
                    pytest.fail(f"not reached within {timeout}s\n{tails}")

        await asyncio.to_thread(wait)


async def login(url: str, email: str, password: str = PASSWORD, code: str = "") -> str:
    """Log in through the console's form (then the code page, with the authenticator's
    ``code``); return the ``Cookie`` header of the session."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(url + "/console/login") as page:
            html = await page.text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', html)
        assert csrf is not None, html
        form = {"csrf": csrf.group(1), "email": email, "password": password}
        async with http.post(url + "/console/login", data=form, allow_redirects=False) as done:
            assert done.status == 303, await done.text()
            morsel = done.cookies.get("chatdesk_session")
            location = done.headers["Location"]
        if morsel is None and code:  # two-step sign-in: the code page
            async with http.get(url + location) as page:
                html = await page.text()
            csrf = re.search(r'name="csrf" value="([^"]+)"', html)
            assert csrf is not None, html
            form = {"csrf": csrf.group(1), "code": code}
            async with http.post(url + location, data=form, allow_redirects=False) as done:
                assert done.status == 303, await done.text()
                morsel = done.cookies.get("chatdesk_session")
        assert morsel is not None, f"no session for {email} (two-step sign-in?)"
        token = morsel.value
    return f"chatdesk_session={token}"


@pytest.fixture(scope="module")
def cluster_databases(postgres_server: PostgresServer) -> Iterator[Callable[[], str]]:
    """Make fresh, migrated PostgreSQL databases, one per cluster (the store a desk of many
    processes runs on; skipped where PostgreSQL is not installed); dropped at the end.

    Module-scoped, as some clusters are; each database is made on a loop of its own, off
    pytest's.
    """
    made: list[str] = []

    async def create() -> None:
        made.append(await postgres_server.create_database())

    def new() -> str:
        _in_thread(create)
        return made[-1]

    try:
        yield new
    finally:
        for url in made:
            _in_thread(lambda url=url: postgres_server.drop_database(url))  # type: ignore[misc]


@contextlib.contextmanager
def clusters(
    root: Path, redis_url: str, new_database: Callable[[], str] | None
) -> Iterator[Callable[..., Cluster]]:
    """Make :class:`Cluster` objects under ``root``, each on a database of its own from
    ``new_database`` (or a shared SQLite file in its directory when None); stop all their
    processes at the end."""
    made: list[Cluster] = []

    def make(config: str = ALWAYS_OPEN, **env: str) -> Cluster:
        database_url = new_database() if new_database is not None else None
        cluster = Cluster(root / f"desk{len(made)}", redis_url, database_url, config, **env)
        made.append(cluster)
        return cluster

    try:
        yield make
    finally:
        for cluster in made:
            cluster.stop()


@pytest.fixture
def make_cluster(
    tmp_path: Path, redis_url: str, cluster_databases: Callable[[], str]
) -> Iterator[Callable[..., Cluster]]:
    """Make a :class:`Cluster` (then :meth:`Cluster.start` it); stopped after the test."""
    with clusters(tmp_path, redis_url, cluster_databases) as make:
        yield make
