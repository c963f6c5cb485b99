"""Bring a SQLite database to the schema of :mod:`chatdesk.store.migrations` at open."""

from __future__ import annotations

import logging
import sqlite3

from ...errors import ConfigError
from ..migrations import SCHEMA_VERSION, statements

__all__ = ["migrate"]

log = logging.getLogger(__name__)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to the newest schema; return the resulting version.

    The version is ``PRAGMA user_version``, as it always was: databases made by earlier
    releases keep their numbers.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read the version inside the write lock: two processes may start together.
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise ConfigError(
                f"the database schema (version {version}) is newer than this chatdesk "
                f"understands ({SCHEMA_VERSION}); upgrade chatdesk"
            )
        for number in range(version + 1, SCHEMA_VERSION + 1):
            for statement in statements(number, "sqlite"):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            log.info("SQLite schema migrated to version %d", number)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return SCHEMA_VERSION
