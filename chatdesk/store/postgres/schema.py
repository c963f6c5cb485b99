"""PostgreSQL's schema version: read it, check it, and migrate (only when asked)."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg

from ...errors import ConfigError
from ..migrations import SCHEMA_VERSION, statements
from .database import SERVER_SETTINGS, Connection, translated
from .search import rebuild_index

__all__ = ["MIGRATE_COMMAND", "check_version", "migrate", "schema_version"]

log = logging.getLogger(__name__)

#: What an admin runs to bring the database up to date.
MIGRATE_COMMAND = "chatdesk db migrate"
#: The version whose tickets' full-text words the migration computes.
_WORDS_VERSION = 8
#: Key of the advisory lock migrators hold: two `db migrate` at once take turns.
_MIGRATION_LOCK = 0x63686174_6465736B  # "chatdesk"


async def schema_version(conn: asyncpg.Connection[Any] | Connection) -> int:
    """Return the database's schema version (0: no chatdesk schema yet)."""
    exists = await conn.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
    if not exists:
        return 0
    version = await conn.fetchval("SELECT max(version) FROM schema_version")
    return int(version or 0)


def check_version(version: int) -> None:
    """Refuse a database whose schema is not the one this code reads and writes.

    :raises ConfigError: naming what to run (behind or empty) or to upgrade (newer).
    """
    if version > SCHEMA_VERSION:
        raise ConfigError(
            f"the PostgreSQL database's schema (version {version}) is newer than this "
            f"chatdesk understands ({SCHEMA_VERSION}); upgrade chatdesk"
        )
    if version == 0:
        raise ConfigError(
            f"the PostgreSQL database has no chatdesk schema yet: run `{MIGRATE_COMMAND}` "
            f"(with the same CHATDESK_DATABASE_URL) to create it"
        )
    if version < SCHEMA_VERSION:
        raise ConfigError(
            f"the PostgreSQL database's schema is at version {version}, this chatdesk needs "
            f"{SCHEMA_VERSION}: run `{MIGRATE_COMMAND}` (with the same CHATDESK_DATABASE_URL)"
        )


async def migrate(url: str) -> tuple[int, int]:
    """Apply the missing migrations in one transaction; return (version before, after).

    :raises ConfigError: if the database is newer than this code.
    :raises StoreError: if the database cannot be reached.
    """
    with translated():
        conn = await asyncpg.connect(url, server_settings=SERVER_SETTINGS)
    try:
        with translated():
            async with conn.transaction():
                # DDL is transactional here: a failed step leaves the previous version.
                await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
                )
                before = await schema_version(conn)
                if before > SCHEMA_VERSION:
                    check_version(before)
                for number in range(before + 1, SCHEMA_VERSION + 1):
                    for statement in statements(number, "postgresql"):
                        await conn.execute(statement)
                    if number == _WORDS_VERSION:
                        # Words are folded in Python (postgres/search.py): no SQL can.
                        await rebuild_index(conn)
                    log.debug("PostgreSQL schema migrated to version %d", number)
                if before < SCHEMA_VERSION:
                    await conn.execute("DELETE FROM schema_version")
                    await conn.execute(
                        "INSERT INTO schema_version (version) VALUES ($1)", SCHEMA_VERSION
                    )
    finally:
        await conn.close()
    if before == 0:
        log.info("PostgreSQL schema created (version %d)", SCHEMA_VERSION)
    elif before < SCHEMA_VERSION:
        log.info("PostgreSQL schema migrated from version %d to %d", before, SCHEMA_VERSION)
    return before, SCHEMA_VERSION
