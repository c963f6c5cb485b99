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
    # Off for the steps (a pragma a transaction cannot change): a table built again is
    # dropped and renamed, which must not cascade to the rows that refer to it. Checked
    # before the commit instead.
    (foreign_keys,) = conn.execute("PRAGMA foreign_keys").fetchone()
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        version = _migrate(conn)
    finally:
        conn.execute(f"PRAGMA foreign_keys={int(foreign_keys)}")
    # One line for the whole run: a new desk's first command is not eleven lines of steps.
    if version == 0:
        log.info("SQLite schema created (version %d)", SCHEMA_VERSION)
    elif version < SCHEMA_VERSION:
        log.info("SQLite schema migrated from version %d to %d", version, SCHEMA_VERSION)
    return SCHEMA_VERSION


def _migrate(conn: sqlite3.Connection) -> int:
    """Apply the missing steps in one transaction; return the version before."""
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
            log.debug("SQLite schema migrated to version %d", number)
        if version < SCHEMA_VERSION:
            broken = conn.execute("PRAGMA foreign_key_check").fetchone()
            if broken is not None:
                raise ConfigError(
                    f"migrating the SQLite schema to version {SCHEMA_VERSION} would leave "
                    f"a row of {broken[0]} without its {broken[2]} row; nothing was changed"
                )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return int(version)
