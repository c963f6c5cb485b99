"""The embedded default store: one SQLite file in WAL mode, written by one thread."""

from __future__ import annotations

from pathlib import Path

from .migrations import migrate
from .sqlite_conversations import ConversationRecords
from .sqlite_misses import MissRecords
from .sqlite_operators import OperatorRecords
from .sqlite_routing import RoutingRecords
from .sqlite_tickets import TicketRecords
from .sqlite_worker import SqliteWorker

__all__ = ["SqliteStore"]


class SqliteStore(ConversationRecords, OperatorRecords, RoutingRecords, TicketRecords, MissRecords):
    """:class:`~chatdesk.store.base.Store` on SQLite.

    Every method is one job on the :class:`SqliteWorker` thread, so each is one
    transaction: atomic across tasks (and processes sharing the file, through SQLite's
    write lock).
    """

    name = "sqlite"

    def __init__(self, path: Path, *, synchronous: str = "normal") -> None:
        self.path = path
        self._worker = SqliteWorker(path, synchronous=synchronous, setup=migrate)

    async def open(self) -> None:
        await self._worker.start()

    async def close(self) -> None:
        await self._worker.stop()

    async def ping(self) -> None:
        await self._worker.run(lambda conn: conn.execute("SELECT 1").fetchone())
