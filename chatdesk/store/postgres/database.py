"""A bounded asyncpg pool whose failures come out as :class:`~chatdesk.errors.StoreError`."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from ...errors import ChatdeskError, InvalidPayload, StoreError

__all__ = ["Connection", "Database", "Record", "rowcount", "translated"]

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    #: A connection lent by the pool (it behaves as an ``asyncpg.Connection``).
    Connection: TypeAlias = PoolConnectionProxy[asyncpg.Record]
else:  # the class is generic only in the stubs
    Connection = PoolConnectionProxy
Record = asyncpg.Record

#: How long an operation waits for a free connection before failing (a full pool under a
#: burst is normal and short; this long means the database is stuck).
ACQUIRE_TIMEOUT = 30.0
#: Sent at connect: names us in pg_stat_activity; no JIT compilation for short statements.
SERVER_SETTINGS = {"application_name": "chatdesk", "jit": "off"}


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Turn a driver, network or server error into a :class:`StoreError`, a character
    PostgreSQL cannot store into :class:`InvalidPayload` (our own errors pass)."""
    try:
        yield
    except ChatdeskError:
        raise
    except (asyncpg.CharacterNotInRepertoireError, UnicodeEncodeError):
        # A NUL character or a lone surrogate, which PostgreSQL text cannot hold: the
        # input's fault, said as such (not "the store failed; please retry").
        raise InvalidPayload("the text holds a character that cannot be stored") from None
    except (OSError, TimeoutError) as exc:  # unreachable or too slow: no traceback to read
        log.error("the database cannot be reached: %s", exc)
        raise StoreError("the store failed; please retry") from exc
    except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        log.error("store error", exc_info=exc)
        raise StoreError("the store failed; please retry") from exc


def rowcount(status: str) -> int:
    """Return the rows a command changed, from its status (``"UPDATE 3"``)."""
    last = status.rpartition(" ")[2]
    return int(last) if last.isdigit() else 0


class Database:
    """A pool of at most ``pool_size`` connections to one PostgreSQL database.

    Every statement run outside :meth:`transaction` is its own transaction (autocommit), so
    a single-statement operation is atomic and committed when it returns.
    """

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.pool_size = pool_size
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        """Open the pool (one connection now, more on demand up to ``pool_size``)."""
        with translated():
            self._pool = await asyncpg.create_pool(
                self.url,
                min_size=1,
                max_size=self.pool_size,
                server_settings=SERVER_SETTINGS,
            )

    async def close(self) -> None:
        """Wait for connections in use to come back, then close them all."""
        pool, self._pool = self._pool, None
        if pool is not None:
            with translated():
                await pool.close()

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[Connection]:
        """Lend a connection (autocommit) for the block."""
        if self._pool is None:
            raise StoreError("the PostgreSQL store is not open")
        with translated():
            async with self._pool.acquire(timeout=ACQUIRE_TIMEOUT) as conn:
                yield conn

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """Lend a connection inside a transaction, committed when the block ends (rolled
        back if it raises)."""
        async with self.connection() as conn, conn.transaction():
            yield conn

    async def fetch(self, sql: str, *args: Any) -> list[Record]:
        """Run one statement; return its rows."""
        async with self.connection() as conn:
            return await conn.fetch(sql, *args)

    async def fetchrow(self, sql: str, *args: Any) -> Record | None:
        """Run one statement; return its first row, or None."""
        async with self.connection() as conn:
            return await conn.fetchrow(sql, *args)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        """Run one statement; return the first column of its first row, or None."""
        async with self.connection() as conn:
            return await conn.fetchval(sql, *args)

    async def execute(self, sql: str, *args: Any) -> int:
        """Run one statement; return how many rows it changed."""
        async with self.connection() as conn:
            return rowcount(await conn.execute(sql, *args))
