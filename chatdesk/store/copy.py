"""Copy a whole desk from a SQLite file into PostgreSQL, table by table, verifying counts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from ..errors import ConfigError
from .migrations import SCHEMA_VERSION
from .postgres import migrate
from .postgres.database import SERVER_SETTINGS, translated

__all__ = ["TABLES", "CopyError", "TableCount", "copy_desk"]

#: Every table that makes the desk, parents before children (foreign keys). Not copied:
#: ``leases`` (which process of the old desk ran a job: meaningless to the new one).
TABLES = (
    "visitors",
    "conversations",
    "messages",
    "feedback",
    "choices",
    "operators",
    "presence",
    "counters",
    "tickets",
    "notes",
    "canned",
    "declines",
)
#: Rows sent to PostgreSQL per COPY batch (bounds memory whatever the desk's size).
_BATCH = 5000


class CopyError(ConfigError):
    """The copy was refused or did not verify; nothing was written to the target."""


@dataclass(frozen=True, slots=True)
class TableCount:
    """How many rows a table had in the source and has in the target."""

    table: str
    source: int
    target: int


def _open_source(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise CopyError(f"no SQLite database at {path}")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if version != SCHEMA_VERSION:
        conn.close()
        what = (
            "upgrade chatdesk first"
            if version > SCHEMA_VERSION
            else f"migrate it first: CHATDESK_DATABASE_URL=sqlite:///{path} chatdesk db migrate"
        )
        raise CopyError(
            f"{path} has schema version {version}, this chatdesk {SCHEMA_VERSION}: {what}"
        )
    return conn


def _rows(cursor: sqlite3.Cursor) -> Iterator[tuple[object, ...]]:
    while batch := cursor.fetchmany(_BATCH):
        yield from batch


async def copy_desk(source: Path, target_url: str, *, force: bool = False) -> list[TableCount]:
    """Copy every table of :data:`TABLES` from the SQLite file ``source`` into the
    PostgreSQL database ``target_url`` in one transaction; return the counts.

    The target's schema is created (or brought up to date) first. The source is read in one
    read transaction: a desk still serving is copied as it was at one instant.

    :param force: replace what the target holds (otherwise a non-empty target is refused).
    :raises CopyError: if the source or target is unsuitable, or a count differs after the
        copy (then the target is left as it was).
    """
    src = _open_source(source)
    try:
        src.execute("BEGIN")  # one snapshot for every table
        counts = {t: int(src.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in TABLES}
        await migrate(target_url)
        with translated():
            conn = await asyncpg.connect(target_url, server_settings=SERVER_SETTINGS)
        try:
            with translated():
                async with conn.transaction():
                    await _prepare_target(conn, force=force)
                    for table in TABLES:
                        await _copy_table(src, conn, table)
                    result = [
                        TableCount(t, counts[t], await conn.fetchval(f"SELECT COUNT(*) FROM {t}"))
                        for t in TABLES
                    ]
                    wrong = [c for c in result if c.source != c.target]
                    if wrong:  # raising rolls the whole copy back
                        raise CopyError(
                            "the copy does not verify, nothing was written: "
                            + ", ".join(f"{c.table} {c.source} -> {c.target}" for c in wrong)
                        )
        finally:
            await conn.close()
    finally:
        src.close()
    return result


async def _copy_table(
    src: sqlite3.Connection, conn: asyncpg.Connection[asyncpg.Record], table: str
) -> None:
    cursor = src.execute(f"SELECT * FROM {table}")
    columns = [d[0] for d in cursor.description]
    try:
        await conn.copy_records_to_table(table, records=_rows(cursor), columns=columns)
    except (asyncpg.PostgresError, asyncpg.DataError) as exc:
        # A value PostgreSQL refuses (e.g. a NUL character in a text): say where.
        raise CopyError(f"copying table {table} failed, nothing was written: {exc}") from exc


async def _prepare_target(conn: asyncpg.Connection[asyncpg.Record], *, force: bool) -> None:
    """Refuse a target holding a desk (unless ``force``: then empty it)."""
    filled = [t for t in TABLES if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {t})")]
    if filled and not force:
        raise CopyError(
            "the target database is not empty (" + ", ".join(filled) + " have rows): "
            "copy into an empty database, or pass --force to replace its contents"
        )
    if filled or force:
        await conn.execute(f"TRUNCATE {', '.join((*TABLES, 'leases'))}")
