"""A real PostgreSQL for the tests: a throwaway cluster on a free port, a database per test.

``PostgresServer`` runs initdb + pg_ctl on Debian's binaries in a temporary directory (as
``nobody`` when we are root: PostgreSQL refuses root), listening on 127.0.0.1 only, never
on the port a system server may use. A template database is migrated once; each test gets
a copy of it (``CREATE DATABASE ... TEMPLATE``), dropped afterwards. bench/store.py starts
the same server (``durable=True``: with the defaults' fsync and synchronous commit).
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import itertools
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from chatdesk.store.postgres import PostgresStore, migrate

from .ports import free_port

__all__ = ["PostgresServer", "find_binaries", "postgres_store"]

TEMPLATE = "chatdesk_template"
#: Speed over durability for tests: a crash of the test server loses nothing we keep.
FAST = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_wal_size": "1GB",
}


def find_binaries() -> Path | None:
    """Return the newest PostgreSQL bin directory that has initdb, or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


class PostgresServer:
    """One PostgreSQL cluster of our own, started and stopped by us."""

    def __init__(self, binaries: Path, *, durable: bool = False) -> None:
        self.binaries = binaries
        self.durable = durable
        self.port = 0
        # A durable server lives on the disk; the tests' one in memory when it can (it
        # syncs nothing anyway, and creating a database per test copies files).
        memory = "/dev/shm" if not durable and os.access("/dev/shm", os.W_OK) else None
        self.dir = Path(tempfile.mkdtemp(prefix="chatdesk-pg-", dir=memory))
        self.data = self.dir / "data"
        # Root may not run PostgreSQL: the cluster belongs to nobody, who owns the directory.
        self.user = "nobody" if os.geteuid() == 0 else None
        if self.user is not None:
            shutil.chown(self.dir, user=self.user)
        self._names = itertools.count(1)

    def _run(self, *argv: str) -> None:
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        kwargs: dict[str, Any] = {"user": self.user, "extra_groups": []} if self.user else {}
        done = subprocess.run(
            [str(self.binaries / argv[0]), *argv[1:]],
            cwd=self.dir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            **kwargs,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {done.stdout}\n{done.stderr}")

    def start(self) -> None:
        """Create the cluster and start it on a free port (waits until it accepts)."""
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "chatdesk", "-E", "UTF8")
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": "''",
            "max_connections": "300",
            **({} if self.durable else FAST),
        }
        for attempt in range(5):
            self.port = free_port()
            conf = {**settings, "port": str(self.port)}
            (self.data / "postgresql.auto.conf").write_text(
                "".join(f"{k} = {v}\n" for k, v in conf.items())
            )
            try:
                log = str(self.dir / "log")
                self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "start")
                return
            except RuntimeError:  # the port was taken between our look and the bind
                if attempt == 4:
                    raise

    def stop(self) -> None:
        """Stop the server at once and delete its files."""
        with contextlib.suppress(RuntimeError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """Return the URL of ``database`` on this server."""
        return f"postgresql://chatdesk@127.0.0.1:{self.port}/{database}"

    def make_template(self) -> None:
        """Create the migrated template every test database is copied from."""

        async def work() -> None:
            admin = await asyncpg.connect(self.url())
            try:
                await admin.execute(f"CREATE DATABASE {TEMPLATE}")
            finally:
                await admin.close()
            await migrate(self.url(TEMPLATE))

        _in_thread(work)

    async def create_database(self, *, migrated: bool = True) -> str:
        """Create a fresh database (a copy of the migrated template, or empty); return its
        URL."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        source = TEMPLATE if migrated else "template0"
        admin = await asyncpg.connect(self.url())
        try:
            await admin.execute(f"CREATE DATABASE {name} TEMPLATE {source} STRATEGY FILE_COPY")
        finally:
            await admin.close()
        return self.url(name)

    async def drop_database(self, url: str) -> None:
        """Drop a database made by :meth:`create_database` (closing its connections)."""
        name = url.rpartition("/")[2]
        admin = await asyncpg.connect(self.url())
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await admin.close()


def _in_thread(work: Callable[[], Any]) -> None:
    """Run a coroutine function to completion on a loop of its own, off pytest's."""
    failure: list[BaseException] = []

    def main() -> None:
        try:
            asyncio.run(work())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=main)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server, with a migrated template (skips without binaries)."""
    binaries = find_binaries()
    if binaries is None:
        pytest.skip(
            "PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin); "
            "`make test` installs Debian's postgresql as root"
        )
    server = PostgresServer(binaries)
    try:
        server.start()
        server.make_template()
        yield server
    finally:
        server.stop()


@pytest.fixture
async def postgres_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    """The URL of a fresh, migrated database of its own for this test."""
    url = await postgres_server.create_database()
    yield url
    await postgres_server.drop_database(url)


@contextlib.asynccontextmanager
async def postgres_store(request: pytest.FixtureRequest) -> AsyncIterator[PostgresStore]:
    """Open a :class:`PostgresStore` on a fresh database (for the ``store`` fixture)."""
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = await server.create_database()
    store = PostgresStore(url, pool_size=4)
    await store.open()
    try:
        yield store
    finally:
        await store.close()
        await server.drop_database(url)
